CREATE TABLE `auth_failures` (
	`subject` text PRIMARY KEY NOT NULL,
	`window_start_ms` integer NOT NULL,
	`failures` integer NOT NULL
);
