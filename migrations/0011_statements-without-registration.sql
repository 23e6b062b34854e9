-- The registration is in the statement's JSON and in the query index; no request path read this column.
ALTER TABLE `statements` DROP COLUMN `registration`;--> statement-breakpoint
-- Hand-added (drizzle-kit cannot say WITHOUT ROWID): rollup_daily keyed by its primary key alone, so each counter
-- is one b-tree entry (stored and written once) instead of a table row plus its primary-key index.
CREATE TABLE `__new_rollup_daily` (
	`store_id` text NOT NULL,
	`dimension` text NOT NULL,
	`day` text NOT NULL,
	`value` text NOT NULL,
	`count` integer NOT NULL,
	PRIMARY KEY(`store_id`, `dimension`, `day`, `value`)
) WITHOUT ROWID;
--> statement-breakpoint
INSERT INTO `__new_rollup_daily` (`store_id`, `dimension`, `day`, `value`, `count`)
SELECT `store_id`, `dimension`, `day`, `value`, `count` FROM `rollup_daily`;
--> statement-breakpoint
DROP TABLE `rollup_daily`;
--> statement-breakpoint
ALTER TABLE `__new_rollup_daily` RENAME TO `rollup_daily`;
--> statement-breakpoint
CREATE INDEX `rollup_daily_value` ON `rollup_daily` (`store_id`,`dimension`,`value`,`day`);
