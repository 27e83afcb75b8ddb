-- Tenants and a chart of accounts: foreign keys (named, unnamed, self-referencing), CHECKs.
CREATE TABLE `app`.`tenants` (
  `id` INT UNSIGNED NOT NULL AUTO_INCREMENT,
  `slug` VARCHAR(40) NOT NULL,
  `plan` ENUM('free','pro') NOT NULL DEFAULT 'free',
  `seats` SMALLINT UNSIGNED NOT NULL DEFAULT 1,
  PRIMARY KEY (`id`),
  UNIQUE KEY `uk_slug` (`slug`),
  CONSTRAINT `ck_tenants_seats` CHECK (`seats` BETWEEN 1 AND 500)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

CREATE TABLE `app`.`accounts` (
  `id` INT UNSIGNED NOT NULL AUTO_INCREMENT,
  `tenant_id` INT UNSIGNED NOT NULL,
  `code` VARCHAR(20) NOT NULL,
  `name` VARCHAR(80) NOT NULL,
  `kind` ENUM('asset','liability','income','expense') NOT NULL,
  `parent_id` INT UNSIGNED DEFAULT NULL,
  `credit_limit` DECIMAL(12,2) DEFAULT NULL CHECK (`credit_limit` >= 0),
  PRIMARY KEY (`id`),
  UNIQUE KEY `uk_tenant_code` (`tenant_id`, `code`),
  CONSTRAINT `fk_accounts_tenant` FOREIGN KEY (`tenant_id`) REFERENCES `app`.`tenants` (`id`) ON DELETE CASCADE,
  CONSTRAINT `fk_accounts_parent` FOREIGN KEY (`parent_id`) REFERENCES `app`.`accounts` (`id`) ON DELETE SET NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
