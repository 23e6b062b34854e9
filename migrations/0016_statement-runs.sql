-- A store's statements walked through runs (src/statement-store/store-walk.ts): each accepted batch writes one row
-- in statement_runs and one in credential_runs instead of one statements_store_seq and one
-- statements_store_credential entry per statement. WITHOUT ROWID is added by hand (drizzle-kit cannot express
-- it): the primary key is the table.
-- The statements already stored get one run per store and one per (store, credential), each spanning that key's
-- first to last seq (`spans` = 1): walks check each row's own store and credential, so a run holding other stores'
-- rows is still exact; the upgrade backfill job then splits those into exact runs in bounded chunks
-- (src/statement-store/run-split.ts). The keys are found by skip-scans of the old indexes (one seek per distinct
-- key, before they go), so every statement here is O(stores + credentials), not O(statements), within D1's 30 s
-- per statement.
CREATE TABLE `credential_runs` (
	`store_id` text NOT NULL,
	`credential_id` text NOT NULL,
	`first_seq` integer NOT NULL,
	`last_seq` integer NOT NULL,
	`spans` integer DEFAULT 0 NOT NULL,
	PRIMARY KEY(`store_id`, `credential_id`, `first_seq`)
) WITHOUT ROWID;
--> statement-breakpoint
CREATE INDEX `credential_runs_spanning` ON `credential_runs` (`first_seq`) WHERE "credential_runs"."spans" = 1;--> statement-breakpoint
CREATE TABLE `statement_runs` (
	`store_id` text NOT NULL,
	`first_seq` integer NOT NULL,
	`last_seq` integer NOT NULL,
	`credential_id` text,
	`spans` integer DEFAULT 0 NOT NULL,
	PRIMARY KEY(`store_id`, `first_seq`)
) WITHOUT ROWID;
--> statement-breakpoint
CREATE INDEX `statement_runs_spanning` ON `statement_runs` (`first_seq`) WHERE "statement_runs"."spans" = 1;--> statement-breakpoint
WITH RECURSIVE st(id) AS (
  SELECT (SELECT store_id FROM statements INDEXED BY statements_store_seq ORDER BY store_id LIMIT 1)
  UNION ALL
  SELECT (SELECT store_id FROM statements INDEXED BY statements_store_seq WHERE store_id > st.id ORDER BY store_id LIMIT 1)
  FROM st WHERE st.id IS NOT NULL)
INSERT INTO `statement_runs` (`store_id`, `first_seq`, `last_seq`, `spans`)
SELECT id,
  (SELECT seq FROM statements INDEXED BY statements_store_seq WHERE store_id = st.id ORDER BY seq LIMIT 1),
  (SELECT seq FROM statements INDEXED BY statements_store_seq WHERE store_id = st.id ORDER BY seq DESC LIMIT 1), 1
FROM st WHERE id IS NOT NULL;
--> statement-breakpoint
WITH RECURSIVE st(id) AS (
  SELECT store_id FROM statement_runs),
cr(store_id, credential_id) AS (
  SELECT st.id, (SELECT credential_id FROM statements INDEXED BY statements_store_credential
    WHERE store_id = st.id AND credential_id IS NOT NULL ORDER BY credential_id LIMIT 1) FROM st
  UNION ALL
  SELECT cr.store_id, (SELECT credential_id FROM statements INDEXED BY statements_store_credential
    WHERE store_id = cr.store_id AND credential_id > cr.credential_id ORDER BY credential_id LIMIT 1)
  FROM cr WHERE cr.credential_id IS NOT NULL)
INSERT INTO `credential_runs` (`store_id`, `credential_id`, `first_seq`, `last_seq`, `spans`)
SELECT store_id, credential_id,
  (SELECT seq FROM statements INDEXED BY statements_store_credential
    WHERE store_id = cr.store_id AND credential_id = cr.credential_id ORDER BY seq LIMIT 1),
  (SELECT seq FROM statements INDEXED BY statements_store_credential
    WHERE store_id = cr.store_id AND credential_id = cr.credential_id ORDER BY seq DESC LIMIT 1), 1
FROM cr WHERE credential_id IS NOT NULL;
--> statement-breakpoint
DROP INDEX `statements_store_seq`;--> statement-breakpoint
DROP INDEX `statements_store_credential`;