// The D1 schema: every table that holds learner data carries `store_id`, and every index starts with it,
// so one store's rows are a contiguous key range and another store's data is simply not found.
import { sql } from "drizzle-orm";
import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

/** A store is one isolated tenant (Learning Locker's "store"). `default` exists from the first migration. */
export const stores = sqliteTable("stores", {
  id: text("id").primaryKey(),
  name: text("name").notNull(),
  createdAt: integer("created_at").notNull(),
  /**
   * The D1 binding holding the store's data (src/db/store-databases.ts); NULL: the home database, DB, where every
   * store created before there were several lives. Fixed at creation: a store never moves.
   */
  database: text("database"),
  /** Statements stored more than this many days ago move to R2 segments (src/statement-store/tiering); NULL: never. */
  tierAfterDays: integer("tier_after_days"),
});

/**
 * Credentials for HTTP Basic auth. The secret is kept only as its SHA-256: secrets are generated with 128+ bits
 * of entropy, so a slow password hash would add latency to every request without adding safety.
 */
export const credentials = sqliteTable(
  "credentials",
  {
    id: text("id").primaryKey(),
    storeId: text("store_id").notNull(),
    name: text("name").notNull(),
    key: text("key").notNull(),
    secretHash: text("secret_hash").notNull(),
    /** JSON array of xAPI scopes, e.g. ["all"] or ["statements/write","state"]. */
    scopes: text("scopes").notNull(),
    /** JSON of the Agent used as `authority` on statements this credential writes. */
    authority: text("authority").notNull(),
    disabled: integer("disabled").notNull().default(0),
    createdAt: integer("created_at").notNull(),
    /** Console sessions carry the value they began under; sign-out, disable and rotate raise it (src/console/session.ts). */
    sessionGeneration: integer("session_generation").notNull().default(0),
    /** Ms; launch tokens it issued before this are refused. Disabling sets it, so enabling revives none of them. */
    tokensNotBefore: integer("tokens_not_before").notNull().default(0),
  },
  (t) => [uniqueIndex("credentials_key").on(t.key), index("credentials_store").on(t.storeId)],
);

/**
 * One row per statement. `seq` is the monotonic order of acceptance and the keyset for paging; `stored_ms` is
 * assigned inside the insert as max(now, newest stored in the store), so it never decreases as `seq` grows and
 * `since`/`until` become `seq` bounds (src/statement-store/stored-order.ts: a binary search over the store's walk,
 * so no index on stored_ms). A store's walks go through statement_runs, not an index (store-walk.ts). `statement`
 * is the JSON as the LRS keeps it, without `stored` (the column is the truth, merged back on read).
 */
export const statements = sqliteTable(
  "statements",
  {
    seq: integer("seq").primaryKey({ autoIncrement: true }),
    storeId: text("store_id").notNull(),
    id: text("id").notNull(),
    storedMs: integer("stored_ms").notNull(),
    verbId: text("verb_id").notNull(),
    /** 1 once a voiding statement targeting this one has been accepted. */
    voided: integer("voided").notNull().default(0),
    /** id of the statement this one voids, when it is a voiding statement. */
    voidsId: text("voids_id"),
    /**
     * id of the credential whose authority was set (for `statements/read/mine`), on statements stored before runs;
     * NULL since, the batch's statement_runs row holding it (src/statement-store/store-walk.ts rowCredentialSql).
     */
    credentialId: text("credential_id"),
    /** the xAPI version the statement was accepted under ("1.0.3" rules or "2.0.0" rules). */
    version: text("version").notNull(),
    statement: text("statement").notNull(),
  },
  (t) => [uniqueIndex("statements_store_id").on(t.storeId, t.id)],
);

/**
 * A store's statements in seq order, one row per accepted batch (its statements take consecutive seqs): walks
 * (src/statement-store/store-walk.ts) seek a run, then read its seqs off the statements rowid. One row per batch
 * where a (store_id, seq) index wrote one per statement. WITHOUT ROWID (hand-set in the migration).
 */
export const statementRuns = sqliteTable(
  "statement_runs",
  {
    storeId: text("store_id").notNull(),
    firstSeq: integer("first_seq").notNull(),
    lastSeq: integer("last_seq").notNull(),
    /** The batch's credential; NULL on a run the upgrade made (each row has its own then). */
    credentialId: text("credential_id"),
    /** 1: made by the upgrade over the statements stored before runs, spanning other stores' rows (run-split.ts). */
    spans: integer("spans").notNull().default(0),
  },
  (t) => [
    primaryKey({ columns: [t.storeId, t.firstSeq] }),
    // Partial: the spanning runs only, so a new batch's run writes no entry here.
    index("statement_runs_spanning").on(t.firstSeq).where(sql`${t.spans} = 1`),
  ],
);

/** The same per credential, for `statements/read/mine` walks. WITHOUT ROWID (hand-set in the migration). */
export const credentialRuns = sqliteTable(
  "credential_runs",
  {
    storeId: text("store_id").notNull(),
    credentialId: text("credential_id").notNull(),
    firstSeq: integer("first_seq").notNull(),
    lastSeq: integer("last_seq").notNull(),
    spans: integer("spans").notNull().default(0),
  },
  (t) => [
    primaryKey({ columns: [t.storeId, t.credentialId, t.firstSeq] }),
    index("credential_runs_spanning").on(t.firstSeq).where(sql`${t.spans} = 1`),
  ],
);

/**
 * The query index's dictionary: each (store, kind, value) once, with a number the index rows carry instead of the
 * text (an IRI or agent key is stored once per store, not on every statement naming it). `kind` is one of
 * VALUE_KIND in src/statement-store/statement-index.ts (agent, activity, verb, registration); `value` is the
 * agent's identifier key (agents/identifier), the activity or verb IRI, or the registration. Agent values are
 * personal data: erasure deletes them with their rows.
 */
export const indexValues = sqliteTable(
  "index_values",
  {
    id: integer("id").primaryKey(),
    storeId: text("store_id").notNull(),
    kind: integer("kind").notNull(),
    value: text("value").notNull(),
  },
  (t) => [uniqueIndex("index_values_store_kind_value").on(t.storeId, t.kind, t.value)],
);

/**
 * The query index: one row per (statement, dictionary value), keyed (value_id, seq) so every filter is one seek
 * walked in seq order. `roles` is a bit set of where the statement names the value (statement-index.ts ROLE):
 * DIRECT (actor/object, or a member of a Group there: the plain `agent`/`activity` filters), MENTIONED (anywhere
 * but `authority`: what erasure removes) and AUTHORITY; `related_*` filters take any row. WITHOUT ROWID (set in
 * the migration, drizzle cannot say it): the primary key is the table, so a row is written once, not twice.
 * StatementRef targets are matched at query time (query/sql.ts), never copied here.
 */
export const indexEntries = sqliteTable(
  "index_entries",
  {
    valueId: integer("value_id").notNull(),
    seq: integer("seq").notNull(),
    roles: integer("roles").notNull(),
  },
  (t) => [primaryKey({ columns: [t.valueId, t.seq] })],
);

/**
 * Statement → statement references (StatementRef objects, voiding included): walked by referrer `seq` for the
 * query-time StatementRef rule (query/sql.ts), looked up by target for voiding. A statement has one object, so at
 * most one row.
 */
export const statementRefs = sqliteTable(
  "statement_refs",
  {
    storeId: text("store_id").notNull(),
    seq: integer("seq").notNull(),
    targetId: text("target_id").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.storeId, t.seq] }),
    index("statement_refs_target").on(t.storeId, t.targetId),
  ],
);

/** The canonical Activity definition per store, merged from accepted statements (Activities resource). */
export const activities = sqliteTable(
  "activities",
  {
    storeId: text("store_id").notNull(),
    activityId: text("activity_id").notNull(),
    definition: text("definition").notNull(),
    updatedMs: integer("updated_ms").notNull(),
  },
  (t) => [primaryKey({ columns: [t.storeId, t.activityId] })],
);

/** Everything the store knows of an agent identifier, for the Agents resource's Person object. */
export const agents = sqliteTable(
  "agents",
  {
    storeId: text("store_id").notNull(),
    agentKey: text("agent_key").notNull(),
    /** JSON object: the identifier as sent (mbox / mbox_sha1sum / openid / account). */
    identifier: text("identifier").notNull(),
    /** JSON array of names seen with this identifier. */
    names: text("names").notNull().default("[]"),
    updatedMs: integer("updated_ms").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.storeId, t.agentKey] }),
    // Erasure of an mbox finds the identifier's case variants (mailto:Ann@… for mailto:ann@…) by a seek.
    index("agents_store_key_nocase").on(t.storeId, sql`${t.agentKey} COLLATE NOCASE`),
  ],
);

/**
 * Metadata of State / Activity Profile / Agent Profile documents; bodies live in R2 under `r2_key`.
 * Absent parts of the identity are stored as '' so the primary key is a plain prefix seek for listing.
 */
export const documents = sqliteTable(
  "documents",
  {
    storeId: text("store_id").notNull(),
    kind: text("kind").notNull(),
    activityId: text("activity_id").notNull(),
    agentKey: text("agent_key").notNull(),
    registration: text("registration").notNull(),
    documentId: text("document_id").notNull(),
    etag: text("etag").notNull(),
    contentType: text("content_type").notNull(),
    size: integer("size").notNull(),
    updatedMs: integer("updated_ms").notNull(),
    r2Key: text("r2_key").notNull(),
  },
  (t) => [
    primaryKey({
      columns: [t.storeId, t.kind, t.activityId, t.agentKey, t.registration, t.documentId],
    }),
    index("documents_store_agent").on(t.storeId, t.agentKey),
    index("documents_store_agent_nocase").on(t.storeId, sql`${t.agentKey} COLLATE NOCASE`),
  ],
);

/**
 * Immutable R2 objects holding the bodies of tiered statements (src/statement-store/tiering): the statements of
 * one store with seq in first_seq..last_seq whose row points here. `id` is random (the pointer in each row names
 * it); `rewrite` is 1 once erasure deleted a statement whose bytes it still holds (it is rewritten, then dropped).
 */
export const statementSegments = sqliteTable(
  "statement_segments",
  {
    id: integer("id").primaryKey(),
    storeId: text("store_id").notNull(),
    r2Key: text("r2_key").notNull(),
    firstSeq: integer("first_seq").notNull(),
    lastSeq: integer("last_seq").notNull(),
    statements: integer("statements").notNull(),
    bytes: integer("bytes").notNull(),
    rewrite: integer("rewrite").notNull().default(0),
    createdMs: integer("created_ms").notNull(),
  },
  (t) => [index("statement_segments_store_seq").on(t.storeId, t.lastSeq)],
);

/**
 * The last statement segment id this database handed out (one row, id 1): a tiered row's pointer names its
 * segment, so a short id saves bytes on every tiered statement, and a counter never repeats an id, so two tiering
 * or rewrite runs never write the same R2 key (src/statement-store/tiering/segments.ts reserveSegmentId).
 */
export const statementSegmentIds = sqliteTable("statement_segment_ids", {
  id: integer("id").primaryKey(),
  last: integer("last").notNull(),
});

/** Attachment contents, content-addressed by sha2 within a store; bodies live in R2. */
export const attachments = sqliteTable(
  "attachments",
  {
    storeId: text("store_id").notNull(),
    sha2: text("sha2").notNull(),
    contentType: text("content_type").notNull(),
    length: integer("length").notNull(),
    r2Key: text("r2_key").notNull(),
    createdMs: integer("created_ms").notNull(),
  },
  (t) => [primaryKey({ columns: [t.storeId, t.sha2] })],
);

/** Which statements reference which attachment contents (for responses, orphan cleanup and erasure). */
export const statementAttachments = sqliteTable(
  "statement_attachments",
  {
    storeId: text("store_id").notNull(),
    seq: integer("seq").notNull(),
    sha2: text("sha2").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.storeId, t.seq, t.sha2] }),
    index("statement_attachments_sha2").on(t.storeId, t.sha2),
  ],
);

/** Admin actions (erasure, deletions). Holds no personal data: only ids, counts and a hash of the subject. */
export const auditLog = sqliteTable("audit_log", {
  id: integer("id").primaryKey({ autoIncrement: true }),
  storeId: text("store_id").notNull(),
  action: text("action").notNull(),
  detail: text("detail").notNull(),
  atMs: integer("at_ms").notNull().default(sql`(unixepoch() * 1000)`),
});

/**
 * The session generation of console sign-ins that have no credential row: `admin` (signed in with
 * LRS_ADMIN_TOKEN). A missing row is generation 0; sign-out raises it, ending every admin session.
 */
export const sessionGenerations = sqliteTable("session_generations", {
  subject: text("subject").primaryKey(),
  generation: integer("generation").notNull(),
});

/**
 * Failed Basic authentications per subject (a hash of key + client address, or of the address alone) in a fixed
 * window, for throttling guessing (src/auth/throttle.ts). Subjects are hashed: a mistyped secret sent as a key
 * must not be stored in clear.
 */
export const authFailures = sqliteTable("auth_failures", {
  subject: text("subject").primaryKey(),
  windowStartMs: integer("window_start_ms").notNull(),
  failures: integer("failures").notNull(),
});

/**
 * Per-store, per-day counters for the console (src/rollups), counted off the request path by each store's rollup
 * aggregator (voiding and erasure subtract what it has already counted), so charts never scan `statements`.
 * Integers only (src/statement-store/rollups/dimensions.ts): `dimension` a code (total, verb, activity, learner, activity_learner,
 * learner_activity, activity_score, score, activity_completion, completion), `day` whole UTC days since 1970 of
 * `stored`, and the parts `a`, `b`: dictionary ids (index_values) for verbs, activities and learners, small codes
 * for the hour, score bucket and outcome, 0 when unused. The text keys these replace (rollup_daily) stored each
 * IRI or agent key on every row of both b-trees: ~360 bytes per statement of the seed data set (issue 13).
 * WITHOUT ROWID (set in the migration, drizzle cannot say it): the primary key is the table. Counts of voided and
 * erased statements are subtracted, and a row brought to 0 is deleted, so every row holds count > 0. The second
 * index serves per-activity and per-learner pages (a seek on the `a` part, then the days).
 */
export const rollupCounts = sqliteTable(
  "rollup_counts",
  {
    storeId: text("store_id").notNull(),
    dimension: integer("dimension").notNull(),
    day: integer("day").notNull(),
    a: integer("a").notNull(),
    b: integer("b").notNull(),
    count: integer("count").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.storeId, t.dimension, t.day, t.a, t.b] }),
    index("rollup_counts_value").on(t.storeId, t.dimension, t.a, t.b, t.day),
  ],
);

/**
 * Where each store's rollup aggregator (src/durable/rollup-aggregator.ts) stands: `rollup_counts` counts exactly
 * the statements with seq <= `seq` that were not voided when the aggregator passed them. Only the aggregator
 * moves it, in the same D1 batch as the counts it adds, so a crashed or retried run never counts twice.
 */
export const rollupCursors = sqliteTable("rollup_cursors", {
  storeId: text("store_id").primaryKey(),
  seq: integer("seq").notNull(),
});

/**
 * Long work run as durable jobs on Cloudflare Workflows (src/jobs): agent erasure, store deletion, the orphan
 * sweep, rollup rebuilds, exports. The row, not the Workflow instance, holds where the job stands (`cursor`,
 * `counts`), so a run restarted from scratch after a crash or deploy resumes where the last step stopped.
 * `params` may name a person (an erasure's agent keys): it is cleared when the job ends.
 */
export const jobs = sqliteTable(
  "jobs",
  {
    id: text("id").primaryKey(),
    storeId: text("store_id").notNull(),
    kind: text("kind").notNull(),
    /** queued | running | succeeded | failed */
    state: text("state").notNull(),
    params: text("params").notNull().default("{}"),
    cursor: text("cursor").notNull().default("null"),
    /** Counters of the work done so far, e.g. {"statements": 200}. */
    counts: text("counts").notNull().default("{}"),
    /** Units of work done and expected (null when unknown), for progress bars. */
    done: integer("done").notNull().default(0),
    total: integer("total"),
    steps: integer("steps").notNull().default(0),
    /** What the job produced, e.g. an export's download path. */
    result: text("result"),
    error: text("error"),
    /** The Workflow instance running it (a job outgrowing one instance's step limit continues in another). */
    instanceId: text("instance_id").notNull(),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
    finishedAt: integer("finished_at"),
  },
  (t) => [
    index("jobs_store_created").on(t.storeId, t.createdAt),
    index("jobs_state_updated").on(t.state, t.updatedAt),
  ],
);

/**
 * Statement forwarders (src/forwarding): each sends a store's statements, in `seq` order, to a webhook or another
 * LRS. The statements table is the log; `position_seq` is the one cursor (the last seq delivered or passed over by
 * the filter), written only by the forwarder's Durable Object once a batch is acknowledged. Secrets are sealed
 * (AES-GCM, src/forwarding/sealed-secret.ts), never stored in clear.
 */
export const forwarders = sqliteTable(
  "forwarders",
  {
    id: text("id").primaryKey(),
    storeId: text("store_id").notNull(),
    /** webhook | xapi */
    kind: text("kind").notNull(),
    /** JSON: {"url"} for a webhook, {"endpoint","key","version"} for an LRS. */
    destination: text("destination").notNull(),
    /** The webhook signing secret or the destination LRS's Basic secret, sealed. */
    sealedSecret: text("sealed_secret").notNull(),
    /** JSON: statement query filters (verb, activity, agent, registration, related_*); {} forwards everything. */
    filter: text("filter").notNull().default("{}"),
    batchSize: integer("batch_size").notNull().default(100),
    /** active | paused | failing */
    state: text("state").notNull(),
    positionSeq: integer("position_seq").notNull().default(0),
    delivered: integer("delivered").notNull().default(0),
    /** Delivery attempts since the last success (0 once caught up). */
    attempts: integer("attempts").notNull().default(0),
    /** When the first failed attempt of the current run of failures started (null when none is pending). */
    failingSinceMs: integer("failing_since_ms"),
    lastSuccessMs: integer("last_success_ms"),
    /** JSON {status, body, atMs}: the destination's answer (a short excerpt) or the network error. */
    lastError: text("last_error"),
    failingAfterSeconds: integer("failing_after_seconds").notNull().default(259200),
    createdMs: integer("created_ms").notNull(),
    updatedMs: integer("updated_ms").notNull(),
  },
  (t) => [index("forwarders_store").on(t.storeId, t.createdMs), index("forwarders_state").on(t.state)],
);
