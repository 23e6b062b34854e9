CREATE TABLE `index_entries` (
	`value_id` integer NOT NULL,
	`seq` integer NOT NULL,
	`roles` integer NOT NULL,
	PRIMARY KEY(`value_id`, `seq`)
) WITHOUT ROWID;
--> statement-breakpoint
CREATE TABLE `index_values` (
	`id` integer PRIMARY KEY NOT NULL,
	`store_id` text NOT NULL,
	`kind` integer NOT NULL,
	`value` text NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `index_values_store_kind_value` ON `index_values` (`store_id`,`kind`,`value`);--> statement-breakpoint
-- Hand-added (drizzle-kit cannot say WITHOUT ROWID or move data): index_entries is WITHOUT ROWID so each row is one
-- b-tree entry (one D1 row written, not a table row plus its primary-key index). The old rows move below, before
-- statement_index is dropped: agent/related_agent and activity/related_activity become one row with a bit set of
-- roles (statement-index.ts ROLE: 1 direct, 2 mentioned other than as authority, 4 authority), and rows that were
-- only copies from a StatementRef target (usage 'statementref') are dropped: StatementRef filters are now answered
-- at query time (src/xapi/statements/query/sql.ts).
INSERT INTO `index_values` (`store_id`, `kind`, `value`)
SELECT DISTINCT `store_id`,
  CASE `kind` WHEN 'agent' THEN 1 WHEN 'related_agent' THEN 1 WHEN 'activity' THEN 2 WHEN 'related_activity' THEN 2
    WHEN 'verb' THEN 3 ELSE 4 END,
  `value`
FROM `statement_index` WHERE replace(',' || `usage` || ',', ',statementref,', ',') <> ',';
--> statement-breakpoint
INSERT INTO `index_entries` (`value_id`, `seq`, `roles`)
SELECT v.`id`, o.`seq`, max(o.`direct`) | max(o.`mentioned`) | max(o.`authority`)
FROM (
  SELECT `store_id`, `seq`, `value`,
    CASE `kind` WHEN 'agent' THEN 1 WHEN 'related_agent' THEN 1 WHEN 'activity' THEN 2 WHEN 'related_activity' THEN 2
      WHEN 'verb' THEN 3 ELSE 4 END AS `kind`,
    CASE WHEN `kind` IN ('agent', 'activity', 'verb', 'registration') THEN 1 ELSE 0 END AS `direct`,
    CASE WHEN replace(replace(',' || `usage` || ',', ',statementref,', ','), ',authority,', ',') <> ',' THEN 2 ELSE 0 END
      AS `mentioned`,
    CASE WHEN instr(',' || `usage` || ',', ',authority,') > 0 THEN 4 ELSE 0 END AS `authority`
  FROM `statement_index` WHERE replace(',' || `usage` || ',', ',statementref,', ',') <> ','
) o
CROSS JOIN `index_values` v ON v.`store_id` = o.`store_id` AND v.`kind` = o.`kind` AND v.`value` = o.`value`
GROUP BY v.`id`, o.`seq`;
--> statement-breakpoint
DROP TABLE `statement_index`;--> statement-breakpoint
PRAGMA foreign_keys=OFF;--> statement-breakpoint
CREATE TABLE `__new_statement_refs` (
	`store_id` text NOT NULL,
	`seq` integer NOT NULL,
	`target_id` text NOT NULL,
	PRIMARY KEY(`store_id`, `seq`)
);
--> statement-breakpoint
INSERT INTO `__new_statement_refs`("store_id", "seq", "target_id") SELECT "store_id", "seq", "target_id" FROM `statement_refs`;--> statement-breakpoint
DROP TABLE `statement_refs`;--> statement-breakpoint
ALTER TABLE `__new_statement_refs` RENAME TO `statement_refs`;--> statement-breakpoint
PRAGMA foreign_keys=ON;--> statement-breakpoint
CREATE INDEX `statement_refs_target` ON `statement_refs` (`store_id`,`target_id`);