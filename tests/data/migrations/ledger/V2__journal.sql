-- Journals and their entries: an inline REFERENCES, generated columns (STORED and VIRTUAL), table CHECKs.
CREATE TABLE `app`.`journals` (
  `id` BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  `tenant_id` INT UNSIGNED NOT NULL,
  `posted_on` DATE NOT NULL,
  `memo` VARCHAR(200) DEFAULT NULL,
  PRIMARY KEY (`id`),
  KEY `idx_tenant_posted` (`tenant_id`, `posted_on`),
  FOREIGN KEY (`tenant_id`) REFERENCES `tenants` (`id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

CREATE TABLE `app`.`entries` (
  `id` BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  `journal_id` BIGINT UNSIGNED NOT NULL REFERENCES `journals` (`id`) ON DELETE CASCADE,
  `account_id` INT UNSIGNED NOT NULL,
  `debit` DECIMAL(12,2) NOT NULL DEFAULT 0,
  `credit` DECIMAL(12,2) NOT NULL DEFAULT 0,
  `amount` DECIMAL(13,2) AS (`debit` - `credit`) STORED,
  `is_debit` TINYINT AS (`debit` > 0) VIRTUAL,
  PRIMARY KEY (`id`),
  CONSTRAINT `fk_entries_account` FOREIGN KEY (`account_id`) REFERENCES `accounts` (`id`) ON UPDATE CASCADE,
  CONSTRAINT `ck_entries_one_side` CHECK ((`debit` = 0) <> (`credit` = 0)),
  CHECK (`debit` >= 0 AND `credit` >= 0)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
