-- Analytics, flags, background jobs, email.
CREATE TABLE `app`.`events` (
  `id` BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  `tenant_id` BIGINT UNSIGNED NOT NULL,
  `name` VARCHAR(60) NOT NULL,
  `props` JSON DEFAULT NULL,
  `occurred_at` DATETIME(3) NOT NULL,
  PRIMARY KEY (`id`),
  KEY `idx_tenant_name` (`tenant_id`, `name`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

CREATE TABLE `app`.`page_views` (
  `id` BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  `tenant_id` BIGINT UNSIGNED NOT NULL,
  `path` VARCHAR(255) NOT NULL,
  `referrer` VARCHAR(255) DEFAULT NULL,
  `viewed_at` DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
  PRIMARY KEY (`id`),
  KEY `idx_tenant_id` (`tenant_id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

CREATE TABLE `app`.`daily_stats` (
  `tenant_id` BIGINT UNSIGNED NOT NULL,
  `day` DATE NOT NULL,
  `orders` INT UNSIGNED NOT NULL DEFAULT 0,
  `revenue` DECIMAL(14,2) NOT NULL DEFAULT '0.00',
  `tickets_opened` INT UNSIGNED NOT NULL DEFAULT 0,
  PRIMARY KEY (`tenant_id`, `day`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

CREATE TABLE `app`.`feature_flags` (
  `id` INT UNSIGNED NOT NULL AUTO_INCREMENT,
  `flag` VARCHAR(64) NOT NULL COLLATE utf8mb4_bin,
  `enabled` TINYINT(1) NOT NULL DEFAULT 0,
  `rollout_pct` TINYINT UNSIGNED NOT NULL DEFAULT 0,
  PRIMARY KEY (`id`),
  UNIQUE KEY `uk_flag` (`flag`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

CREATE TABLE `app`.`experiments` (
  `id` INT UNSIGNED NOT NULL AUTO_INCREMENT,
  `name` VARCHAR(64) NOT NULL,
  `variants` VARCHAR(255) NOT NULL DEFAULT 'control,treatment',
  `started_on` DATE DEFAULT NULL,
  PRIMARY KEY (`id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

CREATE TABLE `app`.`experiment_assignments` (
  `experiment_id` INT UNSIGNED NOT NULL,
  `user_id` BIGINT UNSIGNED NOT NULL,
  `variant` VARCHAR(20) NOT NULL,
  PRIMARY KEY (`experiment_id`, `user_id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

CREATE TABLE `app`.`email_templates` (
  `id` INT UNSIGNED NOT NULL AUTO_INCREMENT,
  `tenant_id` BIGINT UNSIGNED NOT NULL,
  `code` VARCHAR(40) NOT NULL,
  `subject` VARCHAR(150) NOT NULL,
  `body_html` MEDIUMTEXT NOT NULL,
  PRIMARY KEY (`id`),
  UNIQUE KEY `uk_tenant_code` (`tenant_id`, `code`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE `app`.`email_outbox` (
  `id` BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  `tenant_id` BIGINT UNSIGNED NOT NULL,
  `to_addr` VARCHAR(190) NOT NULL,
  `subject` VARCHAR(150) NOT NULL,
  `body` MEDIUMTEXT NOT NULL,
  `state` ENUM('queued','sent','failed') NOT NULL DEFAULT 'queued',
  `attempts` TINYINT UNSIGNED NOT NULL DEFAULT 0,
  `created_at` DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
  PRIMARY KEY (`id`),
  KEY `idx_state` (`state`, `created_at`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

CREATE TABLE `app`.`jobs` (
  `id` BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  `queue` VARCHAR(40) NOT NULL DEFAULT 'default',
  `payload` LONGTEXT NOT NULL,
  `attempts` TINYINT UNSIGNED NOT NULL DEFAULT 0,
  `available_at` INT UNSIGNED NOT NULL,
  `reserved_at` INT UNSIGNED DEFAULT NULL,
  PRIMARY KEY (`id`),
  KEY `idx_queue` (`queue`, `available_at`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

CREATE TABLE `app`.`job_runs` (
  `id` BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  `job_id` BIGINT UNSIGNED NOT NULL,
  `started_at` DATETIME NOT NULL,
  `finished_at` DATETIME DEFAULT NULL,
  `ok` TINYINT(1) DEFAULT NULL,
  `error` TEXT,
  PRIMARY KEY (`id`),
  KEY `idx_job` (`job_id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

CREATE TABLE `app`.`legacy_imports` (
  `id` INT NOT NULL AUTO_INCREMENT,
  `source` VARCHAR(40) NOT NULL,
  `raw` TEXT,
  PRIMARY KEY (`id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

INSERT INTO `app`.`daily_stats` (`tenant_id`, `day`, `orders`, `revenue`) VALUES (1, '2024-01-01', 2, 1399.79), (2, '2024-01-01', 1, 120.00);
INSERT INTO `app`.`feature_flags` (`flag`, `enabled`, `rollout_pct`) VALUES ('new_checkout', 1, 25), ('dark_mode', 0, 0);
INSERT INTO `app`.`jobs` (`queue`, `payload`, `available_at`) VALUES ('mail', '{"to": 1}', 1700000000), ('default', '{}', 1700000100);
INSERT INTO `app`.`events` (`tenant_id`, `name`, `props`, `occurred_at`) VALUES (1, 'checkout', '{"cart": 1}', '2024-01-01 10:00:00.123');
