-- Upgrading at any size (D1 runs each statement of a migration under its 30 s limit, PLATFORM.md): every statement
-- here is O(schema). The first version of this migration (commit f0e610b) dropped statements.registration, which
-- makes SQLite rewrite every statement row, and copied rollup_daily row by row; deployments that applied it keep
-- their result. This version:
-- * leaves statements.registration in place: nullable, never written nor read since, and absent from schema.ts and
--   the snapshots (drizzle-kit diffs snapshots, not the database, so it never generates the drop again). It is
--   the one leftover a deployment upgraded this way keeps; dropping it is a table rewrite no migration may do.
-- * renames the old rollup_daily legacy_rollup_daily, its index rollup_daily_value with it (the upgrade backfill
--   job deletes its rows in chunks, then drops it), and creates rollup_daily empty, WITHOUT ROWID (hand-added:
--   drizzle-kit cannot say it). The new table gets no index: 0015 replaces it with rollup_counts and drops it, and
--   creating rollup_daily_value again would first need a DROP INDEX of the old one, which frees every page of it.
-- * puts every store's rollup cursor back to 0: the store's aggregator recounts its statements from the start,
--   page by page off the request path (src/rollups/aggregate.ts), as 0015 does again for rollup_counts.
ALTER TABLE `rollup_daily` RENAME TO `legacy_rollup_daily`;
--> statement-breakpoint
CREATE TABLE `rollup_daily` (
	`store_id` text NOT NULL,
	`dimension` text NOT NULL,
	`day` text NOT NULL,
	`value` text NOT NULL,
	`count` integer NOT NULL,
	PRIMARY KEY(`store_id`, `dimension`, `day`, `value`)
) WITHOUT ROWID;
--> statement-breakpoint
UPDATE `rollup_cursors` SET `seq` = 0;
