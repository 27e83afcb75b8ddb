INSERT INTO `app`.`tenants` (`slug`, `plan`, `seats`) VALUES ('acme', 'pro', 25), ('globex', 'free', 1), ('initech', 'free', 3);
INSERT INTO `app`.`accounts` (`tenant_id`, `code`, `name`, `kind`, `parent_id`, `credit_limit`) VALUES
  (1, '1000', 'Assets', 'asset', NULL, NULL),
  (1, '1100', 'Cash', 'asset', 1, NULL),
  (1, '2000', 'Payables', 'liability', NULL, 5000.00),
  (2, '1000', 'Assets', 'asset', NULL, NULL),
  (2, '4000', 'Sales', 'income', NULL, NULL),
  (3, '5000', 'Rent', 'expense', NULL, 100.00);
INSERT INTO `app`.`journals` (`tenant_id`, `posted_on`, `memo`) VALUES (1, '2024-01-31', 'January'), (1, '2024-02-29', 'February'), (2, '2024-03-01', NULL);
INSERT INTO `app`.`entries` (`journal_id`, `account_id`, `debit`, `credit`) VALUES
  (1, 2, 100.00, 0), (1, 3, 0, 100.00), (2, 2, 40.50, 0), (2, 3, 0, 40.50), (3, 5, 0, 12.00), (3, 4, 12.00, 0);
