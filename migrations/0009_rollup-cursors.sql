CREATE TABLE `rollup_cursors` (
	`store_id` text PRIMARY KEY NOT NULL,
	`seq` integer NOT NULL
);
--> statement-breakpoint
-- Hand-added (drizzle-kit generates schema, not data): until this migration the rollups were counted in each
-- statements batch, so every statement already stored is already counted. Starting each existing store's
-- aggregator at its current max(seq) keeps it from counting them a second time.
INSERT INTO `rollup_cursors` (`store_id`, `seq`) SELECT `stores`.`id`, COALESCE((SELECT max(`seq`) FROM `statements` WHERE `statements`.`store_id` = `stores`.`id`), 0) FROM `stores`;
