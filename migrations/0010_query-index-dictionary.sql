-- Upgrading at any size (D1 runs each statement of a migration under its 30 s limit, PLATFORM.md): every statement
-- here is O(schema). The first version of this migration (commit 17d5c1d) moved statement_index and statement_refs
-- with INSERT ... SELECT over all their rows; deployments that applied it keep their result. This version creates
-- the new tables empty and renames the old ones legacy_statement_index and legacy_statement_refs; the upgrade
-- backfill job (src/jobs/kinds/upgrade-backfill.ts) moves their rows in bounded chunks, with the same conversion,
-- and drops them once empty. Either way the end schema is the same. Until then queries also read
-- legacy_statement_index (src/xapi/statements/query/legacy-index.ts).
-- Hand-edited (drizzle-kit cannot say WITHOUT ROWID, nor keep a renamed table it does not know): index_entries is
-- WITHOUT ROWID so each row is one b-tree entry (one D1 row written, not a table row plus its primary-key index).
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
ALTER TABLE `statement_index` RENAME TO `legacy_statement_index`;--> statement-breakpoint
ALTER TABLE `statement_refs` RENAME TO `legacy_statement_refs`;--> statement-breakpoint
CREATE TABLE `statement_refs` (
	`store_id` text NOT NULL,
	`seq` integer NOT NULL,
	`target_id` text NOT NULL,
	PRIMARY KEY(`store_id`, `seq`)
);
--> statement-breakpoint
CREATE INDEX `statement_refs_target` ON `statement_refs` (`store_id`,`target_id`);
