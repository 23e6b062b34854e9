CREATE TABLE `statement_segments` (
	`id` integer PRIMARY KEY NOT NULL,
	`store_id` text NOT NULL,
	`r2_key` text NOT NULL,
	`first_seq` integer NOT NULL,
	`last_seq` integer NOT NULL,
	`statements` integer NOT NULL,
	`bytes` integer NOT NULL,
	`rewrite` integer DEFAULT 0 NOT NULL,
	`created_ms` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `statement_segments_store_seq` ON `statement_segments` (`store_id`,`last_seq`);--> statement-breakpoint
ALTER TABLE `stores` ADD `tier_after_days` integer;