-- Data statements that rely on the keys' actions inside a migration: ON UPDATE CASCADE, ON DELETE CASCADE
-- and SET NULL run on every engine (SQLite runs this file with foreign keys on: it rebuilds no parent).
UPDATE `app`.`accounts` SET `id` = 400 WHERE `id` = 5;
DELETE FROM `app`.`journal_headers` WHERE `id` = 3;
INSERT INTO `app`.`journal_headers` (`tenant_id`, `posted_on`, `memo`, `approved_by`) VALUES (2, '2024-04-01', 'approved', 4);
DELETE FROM `app`.`entries` WHERE `account_id` = 4;
DELETE FROM `app`.`budgets` WHERE `account_id` = 4;
DELETE FROM `app`.`accounts` WHERE `id` = 4;
ALTER TABLE `app`.`entries` ADD COLUMN `reviewed` TINYINT(1) NOT NULL DEFAULT 0;
