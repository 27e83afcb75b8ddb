-- Reshaping: renamed tables, dropped features, keys reworked.
ALTER TABLE `app`.`page_views` RENAME TO `app`.`pageviews`;
ALTER TABLE `app`.`pageviews`
  MODIFY COLUMN `path` VARCHAR(1024) NOT NULL,
  ADD COLUMN `session_token` CHAR(43) COLLATE utf8mb4_bin DEFAULT NULL,
  ADD COLUMN `duration_ms` INT UNSIGNED DEFAULT NULL,
  RENAME INDEX `idx_tenant_id` TO `idx_pageviews_tenant`,
  ADD INDEX `idx_viewed` (`viewed_at`);

DROP TABLE IF EXISTS `app`.`legacy_imports`;
DROP TABLE IF EXISTS `app`.`never_existed`;

ALTER TABLE `app`.`experiment_assignments`
  DROP PRIMARY KEY,
  ADD COLUMN `id` BIGINT UNSIGNED NOT NULL AUTO_INCREMENT FIRST,
  ADD PRIMARY KEY (`id`),
  ADD UNIQUE KEY `uk_experiment_user` (`experiment_id`, `user_id`),
  ADD COLUMN `assigned_at` DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP;

ALTER TABLE `app`.`ticket_tags`
  ADD COLUMN `tagged_by` BIGINT UNSIGNED DEFAULT NULL,
  ADD COLUMN `tagged_at` DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
  ADD INDEX `idx_tag` (`tag_id`);

ALTER TABLE `app`.`tickets`
  MODIFY COLUMN `subject` VARCHAR(255) NOT NULL,
  MODIFY COLUMN `priority` ENUM('low','normal','high','urgent') NOT NULL DEFAULT 'normal',
  ADD COLUMN `channel` ENUM('email','chat','phone','web') NOT NULL DEFAULT 'email' AFTER `subject`,
  ADD COLUMN `first_response_at` DATETIME DEFAULT NULL,
  ADD COLUMN `solved_at` DATETIME DEFAULT NULL,
  DROP INDEX `idx_assignee`,
  ADD INDEX `idx_assignee_state` (`assignee_id`, `state`),
  RENAME INDEX `idx_tenant_state` TO `idx_tickets_tenant_state`;

ALTER TABLE `app`.`ticket_messages`
  MODIFY COLUMN `body` MEDIUMTEXT NOT NULL,
  ADD COLUMN `via` VARCHAR(20) NOT NULL DEFAULT 'web',
  CHANGE COLUMN `is_internal` `internal_note` TINYINT(1) NOT NULL DEFAULT 0;

ALTER TABLE `app`.`macros` ADD COLUMN `shortcut` VARCHAR(20) DEFAULT NULL, ADD UNIQUE KEY `uk_tenant_shortcut` (`tenant_id`, `shortcut`), MODIFY COLUMN `uses` BIGINT UNSIGNED NOT NULL DEFAULT 0;

ALTER TABLE `app`.`kb_articles`
  MODIFY COLUMN `slug` VARCHAR(120) NOT NULL,
  MODIFY COLUMN `views` BIGINT UNSIGNED NOT NULL DEFAULT 0,
  ADD COLUMN `updated_at` DATETIME DEFAULT NULL ON UPDATE CURRENT_TIMESTAMP,
  ADD INDEX `idx_category` (`category_id`);

ALTER TABLE `app`.`kb_categories` ADD COLUMN `slug` VARCHAR(80) NOT NULL DEFAULT '', ADD INDEX `idx_tenant_id` (`tenant_id`), ADD COLUMN `icon` VARCHAR(40) DEFAULT NULL;

ALTER TABLE `app`.`attachments`
  MODIFY COLUMN `byte_size` BIGINT UNSIGNED NOT NULL,
  MODIFY COLUMN `file_name` VARCHAR(255) NOT NULL,
  ADD COLUMN `storage_key` VARCHAR(200) NOT NULL DEFAULT '',
  ADD COLUMN `created_at` DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
  RENAME INDEX `idx_owner` TO `idx_attachments_owner`;

ALTER TABLE `app`.`notifications` ADD COLUMN `tenant_id` BIGINT UNSIGNED NOT NULL DEFAULT 0 AFTER `id`, ADD INDEX `idx_tenant_id` (`tenant_id`), MODIFY COLUMN `kind` VARCHAR(60) NOT NULL;

ALTER TABLE `app`.`webhooks` ADD COLUMN `last_status` SMALLINT DEFAULT NULL, MODIFY COLUMN `url` VARCHAR(1024) NOT NULL, RENAME COLUMN `events` TO `event_filter`;

ALTER TABLE `app`.`webhook_deliveries`
  ADD COLUMN `response_ms` INT UNSIGNED DEFAULT NULL,
  ADD COLUMN `response_body` TEXT,
  MODIFY COLUMN `webhook_id` BIGINT UNSIGNED NOT NULL,
  MODIFY COLUMN `attempt` SMALLINT UNSIGNED NOT NULL DEFAULT 1;

CREATE INDEX `idx_customer_created` ON `app`.`tickets` (`customer_id`, `created_at`);
CREATE UNIQUE INDEX `uk_slug_path` ON `app`.`kb_categories` (`tenant_id`, `slug`, `id`);
DROP INDEX `idx_queue` ON `app`.`jobs`;
CREATE INDEX `idx_jobs_queue` ON `app`.`jobs` (`queue`, `reserved_at`, `available_at`);
