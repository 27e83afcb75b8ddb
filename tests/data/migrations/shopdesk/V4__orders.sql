-- Orders, payments, shipping.
CREATE TABLE `app`.`customers` (
  `id` BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  `tenant_id` BIGINT UNSIGNED NOT NULL,
  `email` VARCHAR(120) NOT NULL,
  `first_name` VARCHAR(50) DEFAULT NULL,
  `last_name` VARCHAR(50) DEFAULT NULL,
  `phone` VARCHAR(20) DEFAULT NULL,
  `marketing_opt_in` TINYINT(1) NOT NULL DEFAULT 0,
  `created_at` DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
  PRIMARY KEY (`id`),
  UNIQUE KEY `uk_tenant_email` (`tenant_id`, `email`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE `app`.`addresses` (
  `id` BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  `customer_id` BIGINT UNSIGNED NOT NULL,
  `line1` VARCHAR(100) NOT NULL,
  `line2` VARCHAR(100) DEFAULT NULL,
  `city` VARCHAR(60) NOT NULL,
  `postcode` VARCHAR(10) NOT NULL,
  `country` CHAR(2) NOT NULL,
  `is_default` TINYINT(1) NOT NULL DEFAULT 0,
  PRIMARY KEY (`id`),
  KEY `idx_customer` (`customer_id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

CREATE TABLE `app`.`carts` (
  `id` BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  `tenant_id` BIGINT UNSIGNED NOT NULL,
  `customer_id` BIGINT UNSIGNED DEFAULT NULL,
  `token` CHAR(32) NOT NULL COLLATE utf8mb4_bin,
  `created_at` DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
  PRIMARY KEY (`id`),
  UNIQUE KEY `uk_token` (`token`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

CREATE TABLE `app`.`cart_items` (
  `id` BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  `cart_id` BIGINT UNSIGNED NOT NULL,
  `variant_id` BIGINT UNSIGNED NOT NULL,
  `qty` SMALLINT UNSIGNED NOT NULL DEFAULT 1,
  PRIMARY KEY (`id`),
  KEY `idx_cart` (`cart_id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

CREATE TABLE `app`.`orders` (
  `id` INT UNSIGNED NOT NULL AUTO_INCREMENT,
  `tenant_id` BIGINT UNSIGNED NOT NULL,
  `customer_id` BIGINT UNSIGNED NOT NULL,
  `number` VARCHAR(20) NOT NULL,
  `status` ENUM('new','paid','shipped','cancelled') NOT NULL DEFAULT 'new',
  `total` DECIMAL(10,2) NOT NULL DEFAULT '0.00',
  `currency` CHAR(3) NOT NULL DEFAULT 'EUR',
  `note` VARCHAR(255) DEFAULT NULL,
  `placed_at` DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
  PRIMARY KEY (`id`),
  UNIQUE KEY `uk_tenant_number` (`tenant_id`, `number`),
  KEY `idx_customer` (`customer_id`),
  KEY `idx_status` (`status`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE `app`.`order_items` (
  `id` INT UNSIGNED NOT NULL AUTO_INCREMENT,
  `order_id` INT UNSIGNED NOT NULL,
  `variant_id` BIGINT UNSIGNED NOT NULL,
  `qty` SMALLINT UNSIGNED NOT NULL DEFAULT 1,
  `unit_price` DECIMAL(10,2) NOT NULL,
  PRIMARY KEY (`id`),
  KEY `idx_order` (`order_id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

CREATE TABLE `app`.`payments` (
  `id` BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  `order_id` INT UNSIGNED NOT NULL,
  `provider` VARCHAR(20) NOT NULL,
  `provider_ref` VARCHAR(64) COLLATE utf8mb4_bin DEFAULT NULL,
  `amount` DECIMAL(10,2) NOT NULL,
  `state` ENUM('pending','captured','failed') NOT NULL DEFAULT 'pending',
  `created_at` DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
  PRIMARY KEY (`id`),
  KEY `idx_order` (`order_id`),
  UNIQUE KEY `uk_provider_ref` (`provider`, `provider_ref`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

CREATE TABLE `app`.`refunds` (
  `id` BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  `payment_id` BIGINT UNSIGNED NOT NULL,
  `amount` DECIMAL(10,2) NOT NULL,
  `reason` VARCHAR(255) DEFAULT NULL,
  `created_at` DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
  PRIMARY KEY (`id`),
  KEY `idx_payment` (`payment_id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

CREATE TABLE `app`.`shipments` (
  `id` BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  `order_id` INT UNSIGNED NOT NULL,
  `carrier` VARCHAR(20) NOT NULL,
  `tracking_no` VARCHAR(40) DEFAULT NULL,
  `shipped_at` DATETIME DEFAULT NULL,
  PRIMARY KEY (`id`),
  KEY `idx_order` (`order_id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

CREATE TABLE `app`.`shipment_items` (
  `shipment_id` BIGINT UNSIGNED NOT NULL,
  `order_item_id` INT UNSIGNED NOT NULL,
  `qty` SMALLINT UNSIGNED NOT NULL DEFAULT 1,
  PRIMARY KEY (`shipment_id`, `order_item_id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

CREATE TABLE `app`.`coupons` (
  `id` INT UNSIGNED NOT NULL AUTO_INCREMENT,
  `tenant_id` BIGINT UNSIGNED NOT NULL,
  `code` VARCHAR(20) NOT NULL,
  `percent_off` TINYINT UNSIGNED DEFAULT NULL,
  `amount_off` DECIMAL(8,2) DEFAULT NULL,
  `valid_until` DATE DEFAULT NULL,
  PRIMARY KEY (`id`),
  UNIQUE KEY `uk_tenant_code` (`tenant_id`, `code`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

CREATE TABLE `app`.`coupon_redemptions` (
  `id` BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  `coupon_id` INT UNSIGNED NOT NULL,
  `order_id` INT UNSIGNED NOT NULL,
  `redeemed_at` DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
  PRIMARY KEY (`id`),
  UNIQUE KEY `uk_coupon_order` (`coupon_id`, `order_id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

INSERT INTO `app`.`customers` (`tenant_id`, `email`, `first_name`, `last_name`) VALUES
  (1, 'wile@coyote.test', 'Wile E.', 'Coyote'), (1, 'road@runner.test', 'Road', 'Runner'), (2, 'hank@globex.test', 'Hank', 'Scorpio');
INSERT INTO `app`.`orders` (`tenant_id`, `customer_id`, `number`, `status`, `total`) VALUES
  (1, 1, 'A-1001', 'paid', 399.80), (1, 1, 'A-1002', 'new', 999.99), (2, 3, 'G-1', 'shipped', 120.00);
INSERT INTO `app`.`order_items` (`order_id`, `variant_id`, `qty`, `unit_price`) VALUES
  (1, 1, 1, 149.90), (1, 3, 1, 249.90), (2, 2, 1, 999.99), (3, 3, 1, 120.00);
INSERT INTO `app`.`payments` (`order_id`, `provider`, `provider_ref`, `amount`, `state`) VALUES
  (1, 'stripe', 'pi_001', 399.80, 'captured'), (3, 'paypal', 'PP-9', 120.00, 'captured');
