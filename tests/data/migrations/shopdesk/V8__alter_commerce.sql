-- Commerce grows: money needs more precision, orders outgrow INT, texts grow (all with rows present).
ALTER TABLE `app`.`orders`
  MODIFY COLUMN `id` BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  MODIFY COLUMN `total` DECIMAL(14,4) NOT NULL DEFAULT '0.0000',
  MODIFY COLUMN `number` VARCHAR(32) NOT NULL,
  MODIFY COLUMN `status` ENUM('new','paid','shipped','cancelled','refunded') NOT NULL DEFAULT 'new',
  ADD COLUMN `shipping_address_id` BIGINT UNSIGNED DEFAULT NULL AFTER `customer_id`,
  ADD COLUMN `discount` DECIMAL(14,4) NOT NULL DEFAULT '0.0000' AFTER `total`,
  CHANGE COLUMN `note` `customer_note` TEXT,
  RENAME INDEX `idx_status` TO `idx_orders_status`,
  ADD INDEX `idx_placed` (`placed_at`);

ALTER TABLE `app`.`order_items`
  MODIFY COLUMN `order_id` BIGINT UNSIGNED NOT NULL,
  MODIFY COLUMN `unit_price` DECIMAL(14,4) NOT NULL,
  MODIFY COLUMN `qty` INT UNSIGNED NOT NULL DEFAULT 1,
  ADD COLUMN `tax_rate` DECIMAL(5,2) NOT NULL DEFAULT '19.00',
  RENAME INDEX `idx_order` TO `idx_order_items_order`;

ALTER TABLE `app`.`payments`
  MODIFY COLUMN `order_id` BIGINT UNSIGNED NOT NULL,
  MODIFY COLUMN `amount` DECIMAL(14,4) NOT NULL,
  MODIFY COLUMN `state` ENUM('pending','authorized','captured','failed','refunded') NOT NULL DEFAULT 'pending',
  ADD COLUMN `captured_at` DATETIME DEFAULT NULL,
  ADD COLUMN `fee` DECIMAL(10,4) DEFAULT NULL;

ALTER TABLE `app`.`refunds` MODIFY COLUMN `amount` DECIMAL(14,4) NOT NULL, MODIFY COLUMN `reason` TEXT;

ALTER TABLE `app`.`shipments`
  MODIFY COLUMN `order_id` BIGINT UNSIGNED NOT NULL,
  MODIFY COLUMN `tracking_no` VARCHAR(64) DEFAULT NULL,
  ADD COLUMN `delivered_at` DATETIME DEFAULT NULL,
  ADD UNIQUE INDEX `uk_carrier_tracking` (`carrier`, `tracking_no`);

ALTER TABLE `app`.`coupon_redemptions` MODIFY COLUMN `order_id` BIGINT UNSIGNED NOT NULL;

ALTER TABLE `app`.`products`
  MODIFY COLUMN `price` DECIMAL(14,4) NOT NULL DEFAULT '0.0000',
  MODIFY COLUMN `title` VARCHAR(255) NOT NULL,
  MODIFY COLUMN `summary` TEXT,
  ADD COLUMN `weight_grams` INT UNSIGNED DEFAULT NULL AFTER `currency`,
  ADD COLUMN `is_digital` TINYINT(1) NOT NULL DEFAULT 0,
  DROP INDEX `idx_status`,
  ADD INDEX `idx_tenant_status` (`tenant_id`, `status`);

ALTER TABLE `app`.`product_variants`
  MODIFY COLUMN `price_delta` DECIMAL(14,4) NOT NULL DEFAULT '0.0000',
  MODIFY COLUMN `sku` VARCHAR(64) NOT NULL COLLATE utf8mb4_bin,
  CHANGE COLUMN `option1` `color` VARCHAR(40) DEFAULT NULL,
  CHANGE COLUMN `option2` `size` VARCHAR(20) DEFAULT NULL,
  ADD COLUMN `barcode` VARCHAR(14) DEFAULT NULL,
  ADD UNIQUE KEY `uk_barcode` (`barcode`);

ALTER TABLE `app`.`inventory`
  MODIFY COLUMN `on_hand` BIGINT NOT NULL DEFAULT 0,
  MODIFY COLUMN `reserved` BIGINT NOT NULL DEFAULT 0,
  ADD COLUMN `reorder_level` INT NOT NULL,
  ADD INDEX `idx_warehouse` (`warehouse_id`);

ALTER TABLE `app`.`customers`
  MODIFY COLUMN `email` VARCHAR(190) NOT NULL,
  MODIFY COLUMN `phone` VARCHAR(32) DEFAULT NULL,
  ADD COLUMN `notes` TEXT,
  ADD COLUMN `lifetime_value` DECIMAL(14,4) NOT NULL DEFAULT '0.0000',
  ALTER COLUMN `marketing_opt_in` SET DEFAULT 1;

ALTER TABLE `app`.`cart_items` MODIFY COLUMN `qty` INT UNSIGNED NOT NULL DEFAULT 1, ADD COLUMN `added_at` DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP;
ALTER TABLE `app`.`carts` ADD COLUMN `expires_at` DATETIME DEFAULT NULL, ADD INDEX `idx_customer` (`customer_id`), MODIFY COLUMN `token` CHAR(40) NOT NULL COLLATE utf8mb4_bin;
ALTER TABLE `app`.`coupons` MODIFY COLUMN `code` VARCHAR(40) NOT NULL, ADD COLUMN `max_uses` INT UNSIGNED DEFAULT NULL, ADD COLUMN `uses` INT UNSIGNED NOT NULL DEFAULT 0;
ALTER TABLE `app`.`addresses` MODIFY COLUMN `postcode` VARCHAR(16) NOT NULL, ADD COLUMN `region` VARCHAR(60) DEFAULT NULL AFTER `city`, MODIFY COLUMN `line1` VARCHAR(200) NOT NULL;
