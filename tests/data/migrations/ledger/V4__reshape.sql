-- Constraints changed on tables with rows: ADD/DROP FOREIGN KEY, ADD/DROP CHECK, a STORED generated
-- column added, an index that replaces the one InnoDB made for a key, renames a key follows.
ALTER TABLE `app`.`entries` ADD COLUMN `note` VARCHAR(100) DEFAULT NULL,
  ADD COLUMN `abs_amount` DECIMAL(13,2) AS (ABS(`debit` - `credit`)) STORED;
ALTER TABLE `app`.`accounts` ADD CONSTRAINT `ck_accounts_code` CHECK (`code` <> ''), DROP FOREIGN KEY `fk_accounts_parent`;
ALTER TABLE `app`.`accounts` ADD CONSTRAINT `fk_accounts_parent2` FOREIGN KEY (`parent_id`) REFERENCES `accounts` (`id`);
ALTER TABLE `app`.`journals` ADD COLUMN `approved_by` INT UNSIGNED DEFAULT NULL,
  ADD FOREIGN KEY (`approved_by`) REFERENCES `accounts` (`id`) ON DELETE SET NULL;
CREATE TABLE `app`.`budgets` (
  `id` INT UNSIGNED NOT NULL AUTO_INCREMENT,
  `account_id` INT UNSIGNED NOT NULL,
  `year` SMALLINT NOT NULL,
  `amount` DECIMAL(12,2) NOT NULL,
  `monthly` DECIMAL(14,4) AS (`amount` / 12) VIRTUAL,
  PRIMARY KEY (`id`),
  CONSTRAINT `fk_budgets_account` FOREIGN KEY (`account_id`) REFERENCES `accounts` (`id`) ON DELETE CASCADE ON UPDATE CASCADE,
  CONSTRAINT `ck_budgets_year` CHECK (`year` >= 2000 AND `year` < 2100)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
INSERT INTO `app`.`budgets` (`account_id`, `year`, `amount`) VALUES (2, 2024, 1200.00), (3, 2024, 600.00), (5, 2025, 90.00);
ALTER TABLE `app`.`budgets` ADD UNIQUE KEY `uk_account_year` (`account_id`, `year`);
RENAME TABLE `app`.`journals` TO `app`.`journal_headers`;
ALTER TABLE `app`.`tenants` MODIFY COLUMN `slug` VARCHAR(60) NOT NULL;
ALTER TABLE `app`.`accounts` CHANGE COLUMN `code` `acct_code` VARCHAR(24) NOT NULL;
ALTER TABLE `app`.`accounts` DROP CHECK `ck_accounts_code`, ADD CONSTRAINT `ck_accounts_code2` CHECK (CHAR_LENGTH(`acct_code`) >= 2);
ALTER TABLE `app`.`entries` DROP CONSTRAINT `ck_entries_one_side`;
ALTER TABLE `app`.`tenants` CHANGE COLUMN `id` `tenant_no` INT UNSIGNED NOT NULL AUTO_INCREMENT;
