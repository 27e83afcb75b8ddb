-- Seed data: the widenings of V5 and V8 run with rows present.
INSERT INTO `app`.`tenants` (`slug`, `display_name`, `plan`, `seats`) VALUES
  ('acme', 'ACME Corp', 'business', 50),
  ('globex', 'Globex', 'team', 10),
  ('initech', 'Initech', 'free', 3);
INSERT INTO `app`.`users` (`tenant_id`, `email`, `full_name`, `password_hash`, `is_admin`) VALUES
  (1, 'ann@acme.test', 'Ann Archer', '$2b$12$aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', 1),
  (1, 'bob@acme.test', 'Bob Baker', '$2b$12$bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb', 0),
  (2, 'cy@globex.test', NULL, '$2b$12$ccccccccccccccccccccccccccccccccccccccccccccccccccccc', 1),
  (3, 'dee@initech.test', 'Dee Dunn', '$2b$12$ddddddddddddddddddddddddddddddddddddddddddddddddddddd', 1);
INSERT INTO `app`.`roles` (`tenant_id`, `name`, `description`) VALUES
  (1, 'owner', 'everything'), (1, 'agent', 'answers tickets'), (2, 'owner', NULL);
INSERT INTO `app`.`permissions` (`code`, `label`) VALUES
  ('ticket.read', 'Read tickets'), ('ticket.write', 'Answer tickets'), ('catalog.write', 'Edit the catalog');
INSERT INTO `app`.`role_permissions` (`role_id`, `permission_id`) VALUES (1, 1), (1, 2), (1, 3), (2, 1), (2, 2), (3, 1);
INSERT INTO `app`.`user_roles` (`user_id`, `role_id`) VALUES (1, 1), (2, 2), (3, 3);
INSERT INTO `app`.`settings` (`tenant_id`, `name`, `val`) VALUES (1, 'theme', 'dark'), (1, 'timezone', 'Europe/Berlin'), (2, 'theme', 'light');
INSERT INTO `app`.`categories` (`tenant_id`, `parent_id`, `name`, `position`) VALUES
  (1, NULL, 'Hardware', 1), (1, 1, 'Anvils', 1), (1, 1, 'Rockets', 2), (2, NULL, 'Services', 1);
INSERT INTO `app`.`products` (`tenant_id`, `category_id`, `sku`, `title`, `price`, `status`, `attributes`) VALUES
  (1, 2, 'ANV-100', 'Anvil 100 kg', 149.90, 'active', '{"weight": 100}'),
  (1, 2, 'ANV-200', 'Anvil 200 kg', 249.00, 'active', '{"weight": 200}'),
  (1, 3, 'RKT-1', 'Rocket skates', 999.99, 'draft', NULL),
  (2, 4, 'SVC-CONSULT', 'Consulting hour', 120.00, 'active', '{"unit": "hour"}');
INSERT INTO `app`.`product_variants` (`product_id`, `sku`, `option1`, `price_delta`, `weight_grams`) VALUES
  (1, 'ANV-100-BLK', 'black', 0.00, 100000), (1, 'ANV-100-RED', 'red', 5.00, 100000), (2, 'ANV-200-BLK', 'black', 0.00, 200000);
INSERT INTO `app`.`warehouses` (`tenant_id`, `code`, `city`) VALUES (1, 'BER1', 'Berlin'), (1, 'HAM1', 'Hamburg');
INSERT INTO `app`.`inventory` (`variant_id`, `warehouse_id`, `on_hand`, `reserved`) VALUES (1, 1, 12, 2), (2, 1, 3, 0), (3, 2, 7, 1);
INSERT INTO `app`.`tags` (`tenant_id`, `label`) VALUES (1, 'heavy'), (1, 'sale'), (2, 'remote');
INSERT INTO `app`.`product_tags` (`product_id`, `tag_id`) VALUES (1, 1), (2, 1), (2, 2), (4, 3);
