-- The shape of a MySQL 8 schema dump: JSON columns whose default is an empty object / array
-- (MySQL allows no literal default on JSON, so apps write an expression), ascii key columns,
-- quoted numeric defaults, and a later CHANGE ... AFTER and ADD COLUMN with the same defaults.
SET NAMES utf8mb4;
CREATE TABLE `profiles` (
  `id` varchar(36) CHARACTER SET ascii COLLATE ascii_general_ci NOT NULL DEFAULT 'none',
  `settings` json NOT NULL DEFAULT (json_object()),
  `tags` json NOT NULL DEFAULT (JSON_ARRAY()),
  `label` varchar(50) DEFAULT NULL,
  `rank` mediumint DEFAULT NULL,
  `version` int NOT NULL DEFAULT '0' COMMENT 'bumped on every edit',
  `active` tinyint(1) NOT NULL DEFAULT '1',
  PRIMARY KEY (`id`),
  UNIQUE KEY `id` (`id`),
  KEY `label_rank` (`label`,`rank`) USING BTREE
) ENGINE=InnoDB AUTO_INCREMENT=5 DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
ALTER TABLE `profiles` CHANGE `label` `display_name` varchar(255) CHARACTER SET ascii NULL COMMENT '' AFTER `id`;
ALTER TABLE `profiles` ADD COLUMN `history` json NOT NULL DEFAULT (json_array());
