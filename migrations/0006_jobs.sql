CREATE TABLE `jobs` (
	`id` text PRIMARY KEY NOT NULL,
	`store_id` text NOT NULL,
	`kind` text NOT NULL,
	`state` text NOT NULL,
	`params` text DEFAULT '{}' NOT NULL,
	`cursor` text DEFAULT 'null' NOT NULL,
	`counts` text DEFAULT '{}' NOT NULL,
	`done` integer DEFAULT 0 NOT NULL,
	`total` integer,
	`steps` integer DEFAULT 0 NOT NULL,
	`result` text,
	`error` text,
	`instance_id` text NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`finished_at` integer
);
--> statement-breakpoint
CREATE INDEX `jobs_store_created` ON `jobs` (`store_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `jobs_state_updated` ON `jobs` (`state`,`updated_at`);