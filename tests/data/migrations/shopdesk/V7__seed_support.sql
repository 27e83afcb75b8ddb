INSERT INTO `app`.`sla_policies` (`tenant_id`, `name`) VALUES (1, 'Standard'), (2, 'Standard');
INSERT INTO `app`.`tickets` (`tenant_id`, `customer_id`, `assignee_id`, `subject`, `priority`, `state`, `sla_policy_id`) VALUES
  (1, 1, 2, 'Anvil arrived dented', 'high', 'open', 1),
  (1, 2, NULL, 'Where is my order?', 'normal', 'pending', 1),
  (2, 3, 3, 'Invoice address', 'low', 'solved', 2);
INSERT INTO `app`.`ticket_messages` (`ticket_id`, `author_type`, `author_id`, `body`) VALUES
  (1, 'customer', 1, 'The anvil has a dent.'), (1, 'agent', 2, 'Sorry! A replacement is on its way.'),
  (2, 'customer', 2, 'Beep beep?'), (3, 'customer', 3, 'Please change the address.');
INSERT INTO `app`.`kb_articles` (`tenant_id`, `slug`, `title`, `body`, `published`) VALUES
  (1, 'returns', 'Returns', 'Send it back within 30 days.', 1), (1, 'shipping', 'Shipping', 'We ship worldwide.', 1);
INSERT INTO `app`.`notifications` (`user_id`, `kind`, `payload`) VALUES (2, 'ticket.assigned', '{"ticket": 1}'), (3, 'ticket.assigned', '{"ticket": 3}');
INSERT INTO `app`.`webhooks` (`tenant_id`, `url`, `secret`) VALUES (1, 'https://hooks.acme.test/x', 's3cr3t');
UPDATE `app`.`tickets` SET `state` = 'closed' WHERE `state` = 'solved';
