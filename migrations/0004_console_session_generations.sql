CREATE TABLE `session_generations` (
	`subject` text PRIMARY KEY NOT NULL,
	`generation` integer NOT NULL
);
--> statement-breakpoint
ALTER TABLE `credentials` ADD `session_generation` integer DEFAULT 0 NOT NULL;