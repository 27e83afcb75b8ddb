-- Core tables grow up: wider ids and texts (rows present), renames, key swaps.
ALTER TABLE `app`.`users`
  MODIFY COLUMN `email` VARCHAR(190) NOT NULL,
  MODIFY COLUMN `full_name` VARCHAR(120) DEFAULT NULL,
  ADD COLUMN `avatar_url` VARCHAR(255) DEFAULT NULL AFTER `full_name`,
  ADD COLUMN `status` ENUM('active','invited','disabled') NOT NULL DEFAULT 'active' AFTER `locale`,
  CHANGE COLUMN `last_login_at` `last_seen_at` DATETIME DEFAULT NULL,
  RENAME INDEX `idx_tenant_id` TO `idx_users_tenant`;

ALTER TABLE `app`.`tenants`
  MODIFY COLUMN `slug` VARCHAR(64) NOT NULL COMMENT 'url-safe name, unique',
  MODIFY COLUMN `seats` INT UNSIGNED NOT NULL DEFAULT 5,
  ADD COLUMN `billing_email` VARCHAR(190) DEFAULT NULL,
  ADD COLUMN `trial_ends_on` DATE DEFAULT NULL,
  MODIFY COLUMN `plan` ENUM('free','team','business','enterprise') NOT NULL DEFAULT 'free';

-- Join tables: the surrogate ids go, the natural keys become the primary keys.
ALTER TABLE `app`.`role_permissions`
  DROP PRIMARY KEY,
  DROP COLUMN `id`,
  ADD PRIMARY KEY (`role_id`, `permission_id`),
  DROP INDEX `idx_role`,
  ADD INDEX `idx_permission` (`permission_id`);

ALTER TABLE `app`.`user_roles`
  DROP PRIMARY KEY,
  DROP COLUMN `id`,
  ADD PRIMARY KEY (`user_id`, `role_id`),
  ADD COLUMN `granted_by` BIGINT UNSIGNED DEFAULT NULL,
  RENAME INDEX `idx_user` TO `idx_user_roles_user`;

ALTER TABLE `app`.`roles`
  MODIFY COLUMN `name` VARCHAR(64) NOT NULL,
  ADD COLUMN `is_system` TINYINT(1) NOT NULL DEFAULT 0,
  RENAME COLUMN `description` TO `summary`;

ALTER TABLE `app`.`api_keys`
  ADD COLUMN `last_used_at` DATETIME DEFAULT NULL,
  ADD COLUMN `scopes` VARCHAR(255) NOT NULL DEFAULT '',
  MODIFY COLUMN `label` VARCHAR(100) DEFAULT NULL,
  DROP COLUMN `revoked`,
  ADD COLUMN `revoked_at` DATETIME DEFAULT NULL,
  ADD INDEX `idx_revoked` (`revoked_at`);

ALTER TABLE `app`.`sessions`
  MODIFY COLUMN `user_agent` VARCHAR(512) DEFAULT NULL,
  ADD COLUMN `tenant_id` BIGINT UNSIGNED NOT NULL DEFAULT 0 AFTER `user_id`,
  DROP INDEX `idx_expires`,
  ADD INDEX `idx_sessions_expiry` (`expires_at`, `user_id`);

ALTER TABLE `app`.`audit_log`
  MODIFY COLUMN `action` VARCHAR(64) NOT NULL,
  MODIFY COLUMN `detail` MEDIUMTEXT,
  ADD COLUMN `ip` VARCHAR(45) DEFAULT NULL,
  RENAME INDEX `idx_created` TO `idx_audit_created`;

ALTER TABLE `app`.`settings`
  MODIFY COLUMN `val` TEXT,
  ADD COLUMN `updated_at` DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP;

ALTER TABLE `app`.`permissions` ADD COLUMN `category` VARCHAR(32) NOT NULL DEFAULT 'general', COMMENT = 'permission catalogue';
