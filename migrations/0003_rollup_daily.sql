CREATE TABLE `rollup_daily` (
	`store_id` text NOT NULL,
	`dimension` text NOT NULL,
	`day` text NOT NULL,
	`value` text NOT NULL,
	`count` integer NOT NULL,
	PRIMARY KEY(`store_id`, `dimension`, `day`, `value`)
);
--> statement-breakpoint
CREATE INDEX `rollup_daily_value` ON `rollup_daily` (`store_id`,`dimension`,`value`,`day`);