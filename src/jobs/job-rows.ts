// Storage verbs for the `jobs` table (schema.ts): the one place that reads and writes where a job stands.
// Every query names the store, except the runner's and the stalled-job check's, which go by job id or state.
import { and, desc, eq } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import { jobs } from "../db/schema";

export type JobState = "queued" | "running" | "succeeded" | "failed";
export type JobRow = typeof jobs.$inferSelect;
export type Counts = Record<string, number>;

/** A job as the admin API, CLI and console show it (params omitted: they may name a person). */
export type JobView = {
  id: string;
  storeId: string;
  kind: string;
  state: JobState;
  counts: Counts;
  done: number;
  total: number | null;
  steps: number;
  result: unknown;
  error: string | null;
  createdAt: number;
  updatedAt: number;
  finishedAt: number | null;
};

export function viewJob(row: JobRow): JobView {
  return {
    id: row.id,
    storeId: row.storeId,
    kind: row.kind,
    state: row.state as JobState,
    counts: JSON.parse(row.counts) as Counts,
    done: row.done,
    total: row.total,
    steps: row.steps,
    result: row.result === null ? null : (JSON.parse(row.result) as unknown),
    error: row.error,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
    finishedAt: row.finishedAt,
  };
}

export type NewJob = { id: string; storeId: string; kind: string; params: unknown; total?: number | null };

export async function insertJob(db: D1Database, job: NewJob): Promise<JobRow> {
  const now = Date.now();
  const [row] = await drizzle(db)
    .insert(jobs)
    .values({
      id: job.id,
      storeId: job.storeId,
      kind: job.kind,
      state: "queued",
      params: JSON.stringify(job.params ?? {}),
      total: job.total ?? null,
      instanceId: job.id,
      createdAt: now,
      updatedAt: now,
    })
    .returning();
  return row!;
}

export async function findJob(db: D1Database, storeId: string, id: string): Promise<JobRow | undefined> {
  const rows = await drizzle(db).select().from(jobs).where(and(eq(jobs.storeId, storeId), eq(jobs.id, id))).limit(1);
  return rows[0];
}

export async function listJobs(db: D1Database, storeId: string, limit: number): Promise<JobRow[]> {
  return drizzle(db).select().from(jobs).where(eq(jobs.storeId, storeId)).orderBy(desc(jobs.createdAt)).limit(limit);
}

/** The store's queued or running job of `kind`, if any. */
export async function activeJob(db: D1Database, storeId: string, kind: string): Promise<JobRow | undefined> {
  return toRow(
    await db
      .prepare("SELECT * FROM jobs WHERE store_id = ? AND kind = ? AND state IN ('queued', 'running') LIMIT 1")
      .bind(storeId, kind)
      .first<Record<string, unknown>>(),
  );
}

/** The latest jobs of every store, newest first (rowid order: no scan of the table). */
export async function listAllJobs(db: D1Database, limit: number): Promise<JobRow[]> {
  const { results } = await db.prepare("SELECT * FROM jobs ORDER BY rowid DESC LIMIT ?").bind(limit).all<Record<string, unknown>>();
  return results.map((row) => toRow(row)!);
}

/** The runner's read at the start of each step. */
export async function readJob(db: D1Database, id: string): Promise<JobRow | undefined> {
  return toRow(await db.prepare("SELECT * FROM jobs WHERE id = ?").bind(id).first<Record<string, unknown>>());
}

export type StepSave = { cursor: unknown; counts: Counts; done: number; total: number | null; finished?: { result?: unknown } };

/**
 * The runner's write at the end of each step: the new cursor and absolute counters (so a step that runs again
 * after a crash does not count twice), and on the last step the terminal state, with `params` cleared.
 */
export async function saveStep(db: D1Database, id: string, save: StepSave): Promise<void> {
  const now = Date.now();
  const common = [JSON.stringify(save.cursor ?? null), JSON.stringify(save.counts), save.done, save.total, now];
  if (save.finished) {
    await db
      .prepare(
        `UPDATE jobs SET cursor = ?1, counts = ?2, done = ?3, total = ?4, updated_at = ?5, steps = steps + 1,
           state = 'succeeded', params = '{}', result = ?6, finished_at = ?5 WHERE id = ?7`,
      )
      .bind(...common, save.finished.result === undefined ? null : JSON.stringify(save.finished.result), id)
      .run();
    return;
  }
  await db
    .prepare(
      `UPDATE jobs SET cursor = ?1, counts = ?2, done = ?3, total = ?4, updated_at = ?5, steps = steps + 1,
         state = 'running' WHERE id = ?6`,
    )
    .bind(...common, id)
    .run();
}

export async function failJob(db: D1Database, id: string, error: string): Promise<void> {
  const now = Date.now();
  await db
    .prepare(
      "UPDATE jobs SET state = 'failed', error = ?1, params = '{}', updated_at = ?2, finished_at = ?2 WHERE id = ?3 AND state IN ('queued', 'running')",
    )
    .bind(error.slice(0, 500), now, id)
    .run();
}

/** Queued or running jobs not advanced since `beforeMs`, oldest first (the jobs_state_updated index). */
export async function stalledJobs(db: D1Database, beforeMs: number, limit: number): Promise<JobRow[]> {
  const { results } = await db
    .prepare(
      "SELECT * FROM jobs WHERE state IN ('queued', 'running') AND updated_at < ?1 ORDER BY updated_at LIMIT ?2",
    )
    .bind(beforeMs, limit)
    .all<Record<string, unknown>>();
  return results.map((row) => toRow(row)!);
}

/** Marks a job as just looked after (restarted, or moved to another Workflow instance). */
export async function touchJob(db: D1Database, id: string, instanceId?: string): Promise<void> {
  await db
    .prepare("UPDATE jobs SET updated_at = ?1, instance_id = COALESCE(?2, instance_id) WHERE id = ?3")
    .bind(Date.now(), instanceId ?? null, id)
    .run();
}

function toRow(raw: Record<string, unknown> | null): JobRow | undefined {
  if (!raw) return undefined;
  return {
    id: raw.id as string,
    storeId: raw.store_id as string,
    kind: raw.kind as string,
    state: raw.state as string,
    params: raw.params as string,
    cursor: raw.cursor as string,
    counts: raw.counts as string,
    done: raw.done as number,
    total: (raw.total as number | null) ?? null,
    steps: raw.steps as number,
    result: (raw.result as string | null) ?? null,
    error: (raw.error as string | null) ?? null,
    instanceId: raw.instance_id as string,
    createdAt: raw.created_at as number,
    updatedAt: raw.updated_at as number,
    finishedAt: (raw.finished_at as number | null) ?? null,
  };
}
