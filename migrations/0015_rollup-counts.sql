-- Console counters keyed by integers (src/rollups/dimensions.ts) instead of text: rollup_counts replaces
-- rollup_daily. WITHOUT ROWID is added by hand (drizzle-kit cannot express it): the primary key is the table.
-- No data moves here (every statement below is O(schema), within D1's 30 s per statement): the counters are derived
-- data, so the old table goes and every store's aggregator cursor goes back to the start; the aggregators
-- (src/durable/rollup-aggregator.ts, woken by the cron's backstop for every store behind its cursor) recount the
-- statements page by page, and the console says up to which stored time its figures count meanwhile.
CREATE TABLE `rollup_counts` (
	`store_id` text NOT NULL,
	`dimension` integer NOT NULL,
	`day` integer NOT NULL,
	`a` integer NOT NULL,
	`b` integer NOT NULL,
	`count` integer NOT NULL,
	PRIMARY KEY(`store_id`, `dimension`, `day`, `a`, `b`)
) WITHOUT ROWID;
--> statement-breakpoint
CREATE INDEX `rollup_counts_value` ON `rollup_counts` (`store_id`,`dimension`,`a`,`b`,`day`);--> statement-breakpoint
DROP TABLE `rollup_daily`;--> statement-breakpoint
DELETE FROM `rollup_cursors`;
