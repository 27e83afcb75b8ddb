-- Generated columns under later changes: an index on one, a type change of a column three of them
-- use (PostgreSQL cannot retype it in place: they are dropped and added again), a VIRTUAL one added.
ALTER TABLE `app`.`entries` ADD INDEX `ix_amount` (`amount`, `id`);
ALTER TABLE `app`.`entries` MODIFY COLUMN `debit` DECIMAL(14,2) NOT NULL DEFAULT 0;
ALTER TABLE `app`.`entries` ADD COLUMN `label` VARCHAR(30) AS (CONCAT('j', `journal_id`, '/', `account_id`)) VIRTUAL;
ALTER TABLE `app`.`tenants` ADD COLUMN `slug_upper` VARCHAR(60) AS (UPPER(`slug`)) STORED, ADD INDEX `ix_slug_upper` (`slug_upper`);
INSERT INTO `app`.`entries` (`journal_id`, `account_id`, `debit`, `credit`, `note`) VALUES (2, 2, 0, 3.50, 'v6');
-- column CHECKs: a MODIFY without the CHECK drops it (MariaDB cannot drop a column's CHECK by name)
ALTER TABLE `app`.`tenants` ADD COLUMN `quota` INT DEFAULT 10 CHECK (`quota` >= 0), ADD COLUMN `max_users` INT DEFAULT NULL CHECK (`max_users` > 0);
ALTER TABLE `app`.`tenants` MODIFY COLUMN `max_users` INT DEFAULT NULL;
