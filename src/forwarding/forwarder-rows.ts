// Storage verbs for the `forwarders` table (schema.ts). The delivery cursor `position_seq` has one writer, the
// forwarder's Durable Object, and it moves only by compare-and-set on the position its batch was read at: a
// replay, pause or delete in between makes that write match no row, and the object reads the row again.
// The admin's changes take an optional query to run alongside in the same D1 batch (../db/alongside.ts): the
// audit row commits with the change, and a change that finds no forwarder writes none.
import { and, desc, eq, type SQL, sql } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import type { Alongside } from "../db/alongside";
import { boundSql } from "../db/bound-sql";
import { forwarders } from "../db/schema";
import { firstSeqStoredAfter } from "../statement-store/stored-order";
import { backlogAfter, hasStatementsAfterSql, headSeqSql } from "../statement-store/statement-log";
import type { ForwarderFilter } from "./forwarder-input";

export type ForwarderRow = typeof forwarders.$inferSelect;
export type ForwarderState = "active" | "paused" | "failing";
export type WebhookDestination = { url: string };
export type XapiDestination = { endpoint: string; key: string; version: "1.0.3" | "2.0.0" };
export type LastError = { status: number | null; body: string; atMs: number };

/** The excerpt of a destination's answer kept in last_error (no secrets are ever part of it). */
export const ERROR_EXCERPT_CHARS = 300;

export type NewForwarderRow = {
  id: string;
  storeId: string;
  kind: "webhook" | "xapi";
  destination: WebhookDestination | XapiDestination;
  sealedSecret: string;
  filter: ForwarderFilter;
  batchSize: number;
  failingAfterSeconds: number;
  positionSeq: number;
};

/** The forwarder exists at the alongside query's place in the batch: the change to it takes effect. */
const forwarderFound = (storeId: string, id: string): SQL =>
  sql`EXISTS (SELECT 1 FROM ${forwarders} WHERE ${forwarders.storeId} = ${storeId} AND ${forwarders.id} = ${id})`;

export async function insertForwarder(
  db: D1Database,
  row: NewForwarderRow,
  alongside?: Alongside,
  now = Date.now(),
): Promise<ForwarderRow> {
  const orm = drizzle(db);
  const insert = orm
    .insert(forwarders)
    .values({
      ...row,
      destination: JSON.stringify(row.destination),
      filter: JSON.stringify(row.filter),
      state: "active",
      createdMs: now,
      updatedMs: now,
    })
    .returning();
  // The query alongside runs after the insert: the new row is there.
  const [inserted] = alongside ? (await orm.batch([insert, alongside(forwarderFound(row.storeId, row.id))]))[0] : await insert;
  return inserted!;
}

export async function findForwarder(db: D1Database, storeId: string, id: string): Promise<ForwarderRow | undefined> {
  const rows = await drizzle(db)
    .select()
    .from(forwarders)
    .where(and(eq(forwarders.storeId, storeId), eq(forwarders.id, id)))
    .limit(1);
  return rows[0];
}

/** By id alone: for the forwarder's own Durable Object, which knows no store until it reads its row. */
export async function findForwarderById(db: D1Database, id: string): Promise<ForwarderRow | undefined> {
  const rows = await drizzle(db).select().from(forwarders).where(eq(forwarders.id, id)).limit(1);
  return rows[0];
}

/** A store's forwarders, newest first (a store has few: the admin creates each by hand). */
export async function listForwarderRows(db: D1Database, storeId: string, limit = 200): Promise<ForwarderRow[]> {
  return drizzle(db)
    .select()
    .from(forwarders)
    .where(eq(forwarders.storeId, storeId))
    .orderBy(desc(forwarders.createdMs))
    .limit(limit);
}

/** Ids of a store's active forwarders, for waking them after statements arrive. */
export async function activeForwarderIds(db: D1Database, storeId: string): Promise<string[]> {
  const { results } = await db
    .prepare("SELECT id FROM forwarders INDEXED BY forwarders_store WHERE store_id = ? AND state = 'active' LIMIT 50")
    .bind(storeId)
    .all<{ id: string }>();
  return results.map((r) => r.id);
}

/** Active forwarders of any store with statements past their position: the cron's backstop for a lost wake. */
export async function behindForwarderIds(db: D1Database, limit: number): Promise<{ id: string; storeId: string }[]> {
  const { results } = await db
    .prepare(
      "SELECT f.id AS id, f.store_id AS storeId FROM forwarders AS f INDEXED BY forwarders_state WHERE f.state = 'active' AND " +
        `${hasStatementsAfterSql("f.store_id", "f.position_seq")} LIMIT ?`,
    )
    .bind(limit)
    .all<{ id: string; storeId: string }>();
  return results;
}

/** Sets the state (and clears the failure run when becoming active); undefined when there is no such forwarder. */
export async function setForwarderState(
  db: D1Database,
  storeId: string,
  id: string,
  state: ForwarderState,
  alongside?: Alongside,
  now = Date.now(),
): Promise<ForwarderRow | undefined> {
  const reset = state === "active" ? { attempts: 0, failingSinceMs: null } : {};
  const orm = drizzle(db);
  const update = orm
    .update(forwarders)
    .set({ state, updatedMs: now, ...reset })
    .where(and(eq(forwarders.storeId, storeId), eq(forwarders.id, id)))
    .returning();
  const rows = alongside ? (await orm.batch([update, alongside(forwarderFound(storeId, id))]))[0] : await update;
  return rows[0];
}

/**
 * Moves the cursor back to just before the first statement stored after `sinceMs` (exclusive, as the `since`
 * query parameter), or to the beginning; the forwarder becomes active with a fresh failure run.
 */
export async function rewindForwarder(
  db: D1Database,
  storeId: string,
  id: string,
  sinceMs: number | undefined,
  alongside?: Alongside,
  now = Date.now(),
): Promise<ForwarderRow | undefined> {
  // The seq before the first statement stored after `since`; the store's head when none is (nothing to replay).
  // The subqueries name the statements table's own store_id.
  const position =
    sinceMs === undefined
      ? sql`0`
      : sql`coalesce(${boundSql(firstSeqStoredAfter(storeId, sinceMs))} - 1,
          ${headSeqSql(storeId)}, 0)`;
  const orm = drizzle(db);
  const update = orm
    .update(forwarders)
    .set({ positionSeq: position, state: "active", attempts: 0, failingSinceMs: null, updatedMs: now })
    .where(and(eq(forwarders.storeId, storeId), eq(forwarders.id, id)))
    .returning();
  const rows = alongside ? (await orm.batch([update, alongside(forwarderFound(storeId, id))]))[0] : await update;
  return rows[0];
}

export async function deleteForwarderRow(db: D1Database, storeId: string, id: string, alongside?: Alongside): Promise<boolean> {
  const orm = drizzle(db);
  const remove = orm
    .delete(forwarders)
    .where(and(eq(forwarders.storeId, storeId), eq(forwarders.id, id)))
    .returning({ id: forwarders.id });
  // The query alongside runs first: it applies only while the row is still there.
  const rows = alongside ? (await orm.batch([alongside(forwarderFound(storeId, id)), remove]))[1] : await remove;
  return rows.length === 1;
}

/** Lag, bounded: at most `cap` statements are counted (a forwarder far behind shows `cap`, capped). */
export type Lag = { statements: number; capped: boolean; seconds: number };
export const LAG_COUNT_CAP = 10_000;

export async function forwarderLag(db: D1Database, row: ForwarderRow, now = Date.now()): Promise<Lag> {
  const backlog = await backlogAfter(db, row.storeId, row.positionSeq, LAG_COUNT_CAP);
  const behind = backlog.statements;
  const oldest = backlog.oldestStoredMs;
  return {
    statements: behind,
    capped: behind >= LAG_COUNT_CAP,
    seconds: oldest === null ? 0 : Math.max(0, Math.floor((now - oldest) / 1000)),
  };
}

// ---- The delivery engine's writes (src/forwarding/forwarder-object.ts) ----

/**
 * A batch was acknowledged: the cursor moves from `fromSeq` to `toSeq`, the failure run ends. False when the row
 * moved meanwhile (replayed, paused, deleted): nothing is written and the caller reads the row again.
 */
export async function recordDelivery(
  db: D1Database,
  id: string,
  fromSeq: number,
  toSeq: number,
  statements: number,
  now = Date.now(),
): Promise<boolean> {
  const result = await deliveryStatement(db, id, fromSeq, toSeq, statements, now).run();
  return result.meta.changes === 1;
}

/** recordDelivery's write, to run in a D1 batch with the next batch's reads (one round trip per batch). */
export function deliveryStatement(
  db: D1Database,
  id: string,
  fromSeq: number,
  toSeq: number,
  statements: number,
  now = Date.now(),
): D1PreparedStatement {
  return db
    .prepare(
      "UPDATE forwarders SET position_seq = ?3, delivered = delivered + ?4, attempts = 0, failing_since_ms = NULL, " +
        "last_success_ms = CASE WHEN ?4 > 0 THEN ?5 ELSE last_success_ms END, updated_ms = ?5 " +
        "WHERE id = ?1 AND position_seq = ?2 AND state = 'active'",
    )
    .bind(id, fromSeq, toSeq, statements, now);
}

/**
 * A delivery attempt failed. The failure run starts at the first failed attempt's start; once it is older than
 * failing_after_seconds the forwarder turns `failing` and stops (never skipping). Returns the new state.
 */
export async function recordFailure(
  db: D1Database,
  id: string,
  atSeq: number,
  error: LastError,
  attemptStartedMs: number,
): Promise<ForwarderState | undefined> {
  const row = await db
    .prepare(
      "UPDATE forwarders SET attempts = attempts + 1, failing_since_ms = coalesce(failing_since_ms, ?3), last_error = ?4, " +
        "state = CASE WHEN ?5 - coalesce(failing_since_ms, ?3) >= failing_after_seconds * 1000 THEN 'failing' ELSE state END, " +
        "updated_ms = ?5 WHERE id = ?1 AND position_seq = ?2 AND state = 'active' RETURNING state",
    )
    .bind(id, atSeq, attemptStartedMs, JSON.stringify(error), Date.now())
    .first<{ state: ForwarderState }>();
  return row?.state;
}
