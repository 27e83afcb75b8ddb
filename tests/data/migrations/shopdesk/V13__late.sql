-- Late changes: a table renamed, a counter moved, a table's default collation switched to binary
-- for the columns added from now on.
RENAME TABLE `app`.`pageviews` TO `app`.`page_view_log`;
ALTER TABLE `app`.`page_view_log` AUTO_INCREMENT = 5000, COMMENT = 'raw page views';
ALTER TABLE `app`.`tickets`
  DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin,
  ADD COLUMN `external_ref` VARCHAR(64) DEFAULT NULL,
  ADD UNIQUE KEY `uk_external_ref` (`external_ref`);
INSERT INTO `app`.`page_view_log` (`tenant_id`, `path`) VALUES (1, '/'), (1, '/pricing');
