CREATE TABLE `forwarders` (
	`id` text PRIMARY KEY NOT NULL,
	`store_id` text NOT NULL,
	`kind` text NOT NULL,
	`destination` text NOT NULL,
	`sealed_secret` text NOT NULL,
	`filter` text DEFAULT '{}' NOT NULL,
	`batch_size` integer DEFAULT 100 NOT NULL,
	`state` text NOT NULL,
	`position_seq` integer DEFAULT 0 NOT NULL,
	`delivered` integer DEFAULT 0 NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`failing_since_ms` integer,
	`last_success_ms` integer,
	`last_error` text,
	`failing_after_seconds` integer DEFAULT 259200 NOT NULL,
	`created_ms` integer NOT NULL,
	`updated_ms` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `forwarders_store` ON `forwarders` (`store_id`,`created_ms`);--> statement-breakpoint
CREATE INDEX `forwarders_state` ON `forwarders` (`state`);