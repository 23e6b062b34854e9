// Job kind "statement-tiering": moves the bodies of statements older than the store's tier_after_days to R2
// segments (../../statement-store/tiering/tier-statements.ts). For one store (POST /admin/stores/:id/jobs), or
// for every store with a setting, one after another, when the job's store is ALL_STORES (the daily cron).
// A store without a setting (NULL) is left alone. The setting is read from the home database (DB, with the
// stores list); the statements and their segments' rows live in the store's own (src/db/store-databases.ts).
import { type TieringCursor, tierStatements } from "../../statement-store/tiering/tier-statements";
import { storeDatabase } from "../../db/store-databases";
import type { Bindings } from "../../env";
import type { JobKind } from "../job-kind";
import { startJob } from "../start-job";
import type { StepBudget } from "../step-budget";
import { ALL_STORES } from "./orphan-sweep";

const DAY_MS = 86_400_000;

type StoreCursor = { tiering: TieringCursor | null };
type AllCursor = { last: string; store: { id: string; days: number } | null; tiering: TieringCursor | null };

export const statementTieringJob: JobKind = {
  startable: true,
  async step(env, job, budget) {
    if (job.storeId !== ALL_STORES) {
      const cursor = (job.cursor as StoreCursor | null) ?? { tiering: null };
      if (!budget.take()) return { finished: false, cursor };
      const days = await tierAfterDays(env.DB, job.storeId);
      if (days === null) return { finished: true, result: { tiered: false, reason: "the store has no tier_after_days" } };
      const db = await storeDatabase(env, job.storeId);
      const step = await tierStatements(db, env.BLOBS, job.storeId, Date.now() - days * DAY_MS, cursor.tiering, budget);
      return {
        finished: step.finished,
        cursor: { tiering: step.cursor },
        counts: { statements: step.tiered, segments: step.segments },
        done: step.tiered,
        ...(step.finished ? { result: { tiered: true } } : {}),
      };
    }
    const cursor = (job.cursor as AllCursor | null) ?? { last: "", store: null, tiering: null };
    const counts = { statements: 0, segments: 0, stores: 0 };
    for (;;) {
      if (cursor.store === null) {
        const next = await nextStore(env.DB, budget, cursor.last);
        if (next === undefined) return { finished: false, cursor, counts, done: counts.statements };
        if (next === null) return { finished: true, cursor, counts, done: counts.statements };
        cursor.store = next;
        cursor.tiering = null;
      }
      const step = await tierStatements(
        await storeDatabase(env, cursor.store.id), env.BLOBS, cursor.store.id, Date.now() - cursor.store.days * DAY_MS, cursor.tiering, budget,
      );
      counts.statements += step.tiered;
      counts.segments += step.segments;
      cursor.tiering = step.cursor;
      if (!step.finished) return { finished: false, cursor, counts, done: counts.statements };
      counts.stores++;
      cursor.last = cursor.store.id;
      cursor.store = null;
    }
  },
};

/** The daily cron's start: one job over every store with a setting, none when no store has one. */
export async function startDailyTiering(env: Bindings): Promise<void> {
  const due = await env.DB.prepare("SELECT 1 AS due FROM stores WHERE tier_after_days IS NOT NULL LIMIT 1").first();
  if (due) await startJob(env, env.DB, { storeId: ALL_STORES, kind: "statement-tiering" });
}

async function tierAfterDays(db: D1Database, storeId: string): Promise<number | null> {
  const row = await db.prepare("SELECT tier_after_days AS days FROM stores WHERE id = ?").bind(storeId).first<{ days: number | null }>();
  return row?.days ?? null;
}

/** The next store with a setting after `last`: null when none is left, undefined when the budget is spent. */
async function nextStore(db: D1Database, budget: StepBudget, last: string): Promise<{ id: string; days: number } | null | undefined> {
  if (!budget.take()) return undefined;
  const row = await db
    .prepare("SELECT id, tier_after_days AS days FROM stores WHERE id > ? AND tier_after_days IS NOT NULL ORDER BY id LIMIT 1")
    .bind(last)
    .first<{ id: string; days: number }>();
  return row ?? null;
}
