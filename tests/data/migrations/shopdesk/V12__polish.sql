-- Polish: comments, defaults, renamed columns and indexes, a few late additions.
ALTER TABLE `app`.`products`
  COMMENT = 'sellable items',
  MODIFY COLUMN `sku` VARCHAR(64) NOT NULL COLLATE utf8mb4_bin COMMENT 'stock keeping unit',
  ALTER COLUMN `currency` SET DEFAULT 'USD',
  CHANGE COLUMN `attributes` `attrs` JSON DEFAULT NULL,
  RENAME INDEX `idx_category` TO `idx_products_category`;

ALTER TABLE `app`.`customers`
  CHANGE COLUMN `first_name` `given_name` VARCHAR(80) DEFAULT NULL,
  CHANGE COLUMN `last_name` `family_name` VARCHAR(80) DEFAULT NULL,
  ALTER COLUMN `marketing_opt_in` DROP DEFAULT,
  ADD INDEX `idx_created` (`created_at`);

ALTER TABLE `app`.`orders`
  ADD COLUMN `channel` VARCHAR(20) NOT NULL DEFAULT 'web',
  ADD COLUMN `coupon_id` INT UNSIGNED DEFAULT NULL,
  MODIFY COLUMN `currency` CHAR(3) NOT NULL DEFAULT 'EUR' COMMENT 'ISO 4217',
  ADD INDEX `idx_coupon` (`coupon_id`);

ALTER TABLE `app`.`warehouses` ADD COLUMN `active` TINYINT(1) NOT NULL DEFAULT 1, MODIFY COLUMN `code` VARCHAR(16) NOT NULL, CHANGE COLUMN `city` `city_name` VARCHAR(80) DEFAULT NULL;
ALTER TABLE `app`.`suppliers` MODIFY COLUMN `email` VARCHAR(190) DEFAULT NULL, ADD COLUMN `website` VARCHAR(255) DEFAULT NULL, RENAME INDEX `idx_tenant_id` TO `idx_suppliers_tenant`;
ALTER TABLE `app`.`price_lists` MODIFY COLUMN `discount_pct` DECIMAL(6,3) NOT NULL DEFAULT '0.000', ADD COLUMN `valid_from` DATE DEFAULT NULL, ADD COLUMN `valid_to` DATE DEFAULT NULL;
ALTER TABLE `app`.`categories` ADD COLUMN `slug` VARCHAR(80) DEFAULT NULL, MODIFY COLUMN `position` INT NOT NULL DEFAULT 0, ADD UNIQUE KEY `uk_tenant_slug` (`tenant_id`, `slug`);
ALTER TABLE `app`.`product_images` MODIFY COLUMN `url` VARCHAR(1024) NOT NULL, ADD COLUMN `width` SMALLINT UNSIGNED DEFAULT NULL, ADD COLUMN `height` SMALLINT UNSIGNED DEFAULT NULL;
ALTER TABLE `app`.`product_tags` DROP PRIMARY KEY, DROP COLUMN `id`, ADD PRIMARY KEY (`product_id`, `tag_id`), DROP INDEX `idx_product`;
ALTER TABLE `app`.`tags` ADD COLUMN `color` CHAR(7) NOT NULL DEFAULT '#888888', MODIFY COLUMN `label` VARCHAR(60) NOT NULL;
ALTER TABLE `app`.`shipment_items` MODIFY COLUMN `qty` INT UNSIGNED NOT NULL DEFAULT 1, ADD COLUMN `packed_at` DATETIME DEFAULT NULL;
ALTER TABLE `app`.`audit_log` ADD COLUMN `request_id` CHAR(36) DEFAULT NULL, ADD INDEX `idx_request` (`request_id`), COMMENT = 'append-only; pruned after 400 days';
ALTER TABLE `app`.`sla_policies` MODIFY COLUMN `name` VARCHAR(100) NOT NULL, ADD COLUMN `business_hours_only` TINYINT(1) NOT NULL DEFAULT 1;
ALTER TABLE `app`.`permissions` RENAME INDEX `uk_code` TO `uk_permissions_code`, MODIFY COLUMN `label` VARCHAR(200) NOT NULL;
ALTER TABLE `app`.`api_keys` RENAME COLUMN `prefix` TO `key_prefix`, MODIFY COLUMN `scopes` VARCHAR(1000) NOT NULL DEFAULT '';
ALTER TABLE `app`.`refunds` ADD COLUMN `state` ENUM('requested','done') NOT NULL DEFAULT 'requested', ADD INDEX `idx_state` (`state`);
