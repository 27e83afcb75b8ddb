-- Backfills, then the constraints they make possible.
UPDATE `app`.`users` SET `full_name` = 'Cy Unknown' WHERE `full_name` IS NULL;
UPDATE `app`.`kb_categories` SET `slug` = LOWER(`title`) WHERE `slug` = '';
INSERT INTO `app`.`orders` (`tenant_id`, `customer_id`, `number`, `status`, `total`, `discount`) VALUES
  (1, 2, 'A-1003', 'refunded', 12345678.1234, 10.5);
INSERT INTO `app`.`inventory` (`variant_id`, `warehouse_id`, `on_hand`, `reserved`, `reorder_level`) VALUES (3, 1, 5000000000, 0, 10);

ALTER TABLE `app`.`users`
  MODIFY COLUMN `full_name` VARCHAR(120) NOT NULL DEFAULT '',
  MODIFY COLUMN `locale` VARCHAR(16) NOT NULL DEFAULT 'en-US',
  ADD COLUMN `mfa_enabled` TINYINT(1) NOT NULL DEFAULT 0,
  ADD COLUMN `mfa_secret` VARCHAR(64) COLLATE utf8mb4_bin DEFAULT NULL,
  DROP COLUMN `avatar_url`;

ALTER TABLE `app`.`tenants`
  ADD COLUMN `region` ENUM('eu','us','apac') NOT NULL DEFAULT 'eu',
  MODIFY COLUMN `display_name` VARCHAR(160) NOT NULL,
  ALTER COLUMN `seats` SET DEFAULT 10,
  ADD INDEX `idx_plan_region` (`plan`, `region`);

ALTER TABLE `app`.`settings`
  DROP PRIMARY KEY,
  ADD COLUMN `id` BIGINT UNSIGNED NOT NULL AUTO_INCREMENT FIRST,
  ADD PRIMARY KEY (`id`),
  ADD UNIQUE KEY `uk_tenant_name` (`tenant_id`, `name`);

ALTER TABLE `app`.`daily_stats`
  MODIFY COLUMN `revenue` DECIMAL(16,4) NOT NULL DEFAULT '0.0000',
  MODIFY COLUMN `orders` BIGINT UNSIGNED NOT NULL DEFAULT 0,
  ADD COLUMN `refunds` DECIMAL(16,4) NOT NULL DEFAULT '0.0000',
  ADD COLUMN `visitors` INT UNSIGNED NOT NULL DEFAULT 0;

ALTER TABLE `app`.`email_outbox`
  MODIFY COLUMN `state` ENUM('queued','sending','sent','failed','bounced') NOT NULL DEFAULT 'queued',
  ADD COLUMN `sent_at` DATETIME DEFAULT NULL,
  ADD COLUMN `provider_id` VARCHAR(100) DEFAULT NULL,
  RENAME INDEX `idx_state` TO `idx_outbox_state`;

ALTER TABLE `app`.`jobs`
  MODIFY COLUMN `attempts` SMALLINT UNSIGNED NOT NULL DEFAULT 0,
  MODIFY COLUMN `available_at` BIGINT UNSIGNED NOT NULL,
  MODIFY COLUMN `reserved_at` BIGINT UNSIGNED DEFAULT NULL,
  ADD COLUMN `priority` TINYINT NOT NULL DEFAULT 0,
  ADD COLUMN `unique_key` VARCHAR(100) DEFAULT NULL,
  ADD UNIQUE KEY `uk_unique_key` (`unique_key`);

ALTER TABLE `app`.`job_runs` CHANGE COLUMN `ok` `succeeded` TINYINT(1) DEFAULT NULL, ADD COLUMN `duration_ms` INT UNSIGNED DEFAULT NULL, MODIFY COLUMN `error` MEDIUMTEXT;
ALTER TABLE `app`.`events` MODIFY COLUMN `name` VARCHAR(100) NOT NULL, ADD COLUMN `user_id` BIGINT UNSIGNED DEFAULT NULL, ADD INDEX `idx_occurred` (`occurred_at`);
ALTER TABLE `app`.`feature_flags` ADD COLUMN `description` VARCHAR(255) DEFAULT NULL, MODIFY COLUMN `rollout_pct` SMALLINT UNSIGNED NOT NULL DEFAULT 0, RENAME COLUMN `flag` TO `flag_key`;
ALTER TABLE `app`.`experiments` ADD COLUMN `ended_on` DATE DEFAULT NULL, MODIFY COLUMN `variants` VARCHAR(500) NOT NULL DEFAULT 'control,treatment', ADD UNIQUE INDEX `uk_name` (`name`);
ALTER TABLE `app`.`email_templates` ADD COLUMN `body_text` MEDIUMTEXT, ADD COLUMN `locale` VARCHAR(16) NOT NULL DEFAULT 'en', DROP INDEX `uk_tenant_code`, ADD UNIQUE KEY `uk_tenant_code_locale` (`tenant_id`, `code`, `locale`);
