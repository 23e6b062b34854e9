CREATE TABLE `activities` (
	`store_id` text NOT NULL,
	`activity_id` text NOT NULL,
	`definition` text NOT NULL,
	`updated_ms` integer NOT NULL,
	PRIMARY KEY(`store_id`, `activity_id`)
);
--> statement-breakpoint
CREATE TABLE `agents` (
	`store_id` text NOT NULL,
	`agent_key` text NOT NULL,
	`identifier` text NOT NULL,
	`names` text DEFAULT '[]' NOT NULL,
	`updated_ms` integer NOT NULL,
	PRIMARY KEY(`store_id`, `agent_key`)
);
--> statement-breakpoint
CREATE TABLE `attachments` (
	`store_id` text NOT NULL,
	`sha2` text NOT NULL,
	`content_type` text NOT NULL,
	`length` integer NOT NULL,
	`r2_key` text NOT NULL,
	`created_ms` integer NOT NULL,
	PRIMARY KEY(`store_id`, `sha2`)
);
--> statement-breakpoint
CREATE TABLE `audit_log` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`store_id` text NOT NULL,
	`action` text NOT NULL,
	`detail` text NOT NULL,
	`at_ms` integer DEFAULT (unixepoch() * 1000) NOT NULL
);
--> statement-breakpoint
CREATE TABLE `credentials` (
	`id` text PRIMARY KEY NOT NULL,
	`store_id` text NOT NULL,
	`name` text NOT NULL,
	`key` text NOT NULL,
	`secret_hash` text NOT NULL,
	`scopes` text NOT NULL,
	`authority` text NOT NULL,
	`disabled` integer DEFAULT 0 NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `credentials_key` ON `credentials` (`key`);--> statement-breakpoint
CREATE INDEX `credentials_store` ON `credentials` (`store_id`);--> statement-breakpoint
CREATE TABLE `documents` (
	`store_id` text NOT NULL,
	`kind` text NOT NULL,
	`activity_id` text NOT NULL,
	`agent_key` text NOT NULL,
	`registration` text NOT NULL,
	`document_id` text NOT NULL,
	`etag` text NOT NULL,
	`content_type` text NOT NULL,
	`size` integer NOT NULL,
	`updated_ms` integer NOT NULL,
	`r2_key` text NOT NULL,
	PRIMARY KEY(`store_id`, `kind`, `activity_id`, `agent_key`, `registration`, `document_id`)
);
--> statement-breakpoint
CREATE INDEX `documents_store_agent` ON `documents` (`store_id`,`agent_key`);--> statement-breakpoint
CREATE TABLE `statement_attachments` (
	`store_id` text NOT NULL,
	`seq` integer NOT NULL,
	`sha2` text NOT NULL,
	PRIMARY KEY(`store_id`, `seq`, `sha2`)
);
--> statement-breakpoint
CREATE INDEX `statement_attachments_sha2` ON `statement_attachments` (`store_id`,`sha2`);--> statement-breakpoint
CREATE TABLE `statement_index` (
	`store_id` text NOT NULL,
	`kind` text NOT NULL,
	`value` text NOT NULL,
	`seq` integer NOT NULL,
	`usage` text NOT NULL,
	PRIMARY KEY(`store_id`, `kind`, `value`, `seq`)
);
--> statement-breakpoint
CREATE INDEX `statement_index_seq` ON `statement_index` (`store_id`,`seq`);--> statement-breakpoint
CREATE TABLE `statement_refs` (
	`store_id` text NOT NULL,
	`target_id` text NOT NULL,
	`seq` integer NOT NULL,
	PRIMARY KEY(`store_id`, `target_id`, `seq`)
);
--> statement-breakpoint
CREATE TABLE `statements` (
	`seq` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`store_id` text NOT NULL,
	`id` text NOT NULL,
	`stored_ms` integer NOT NULL,
	`verb_id` text NOT NULL,
	`registration` text,
	`voided` integer DEFAULT 0 NOT NULL,
	`voids_id` text,
	`credential_id` text,
	`version` text NOT NULL,
	`statement` text NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `statements_store_id` ON `statements` (`store_id`,`id`);--> statement-breakpoint
CREATE INDEX `statements_store_seq` ON `statements` (`store_id`,`seq`);--> statement-breakpoint
CREATE INDEX `statements_store_stored` ON `statements` (`store_id`,`stored_ms`);--> statement-breakpoint
CREATE INDEX `statements_store_credential` ON `statements` (`store_id`,`credential_id`,`seq`);--> statement-breakpoint
CREATE TABLE `stores` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`created_at` integer NOT NULL
);
