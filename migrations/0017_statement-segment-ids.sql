CREATE TABLE `statement_segment_ids` (
	`id` integer PRIMARY KEY NOT NULL,
	`last` integer NOT NULL
);
