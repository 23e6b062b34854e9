// The rollup aggregator: one Durable Object per store (named by its id) counts the store's new statements into
// rollup_daily off the request path (src/statement-store/rollups/aggregate.ts), page by page from the store's D1 cursor.
// The race it prevents is wasted work, not wrong counts: each page and its cursor move are one D1 transaction
// that reads its own bounds, so two runs at once (an alarm delivered twice, the rebuild job) stay correct; one
// object per store makes the normal case a single writer, so runs do not contend for the same page.
// Why a Durable Object and not a Queue: the wake needs no queue created at deploy, the alarm is a durable timer
// that survives restarts and runs at least once, and a wake is idempotent (it arms the alarm only when none is
// armed), where a queue would deliver one message per request to several consumers at once.
// Woken after each statements write (src/statement-store/rollups/aggregator-wake.ts, debounced per isolate) and by the cron.
import { DurableObject } from "cloudflare:workers";
import type { Bindings } from "../env";
import { storeDatabase } from "../db/store-databases";
import { countNextPage, pagesMustIntern } from "../statement-store/rollups/aggregate";
import { RECHECK_MS, WakeRecheck } from "../shared/debounced-wake";

/**
 * Pages per alarm run, one D1 call each after up to two asking whether pages intern: within the 45 calls we allow one
 * invocation (test/strict/limits.ts).
 */
export const PAGES_PER_RUN = 20;

export type CatchUp = {
  /** The cursor after the run, and whether statements remain past it. */
  cursor: number;
  behind: boolean;
  /** False when the store no longer exists. */
  store: boolean;
  pages: number;
  /** D1's rows_written over the run's batches (the bench's figure). */
  rowsWritten: number;
};

export class RollupAggregator extends DurableObject<Bindings> {
  private readonly recheck = new WakeRecheck();
  /**
   * Set once pagesMustIntern() answered no for this object's store: legacy rows, once moved, never come back
   * (aggregate.ts), so later runs skip its read, one D1 call of a run's usual three (it, and two pages).
   */
  private legacyRowsGone = false;

  /** Statements may wait to be counted: run soon, unless a run is already armed. */
  async wake(storeId: string): Promise<void> {
    this.recheck.noteWake();
    if ((await this.ctx.storage.get<string>("storeId")) !== storeId) await this.ctx.storage.put("storeId", storeId);
    if ((await this.ctx.storage.getAlarm()) === null) await this.ctx.storage.setAlarm(Date.now());
  }

  /** Counts up to `pages` pages now; what the alarm runs, and what tests and tools await. */
  async catchUp(storeId: string, pages = PAGES_PER_RUN): Promise<CatchUp> {
    const run: CatchUp = { cursor: 0, behind: true, store: true, pages: 0, rowsWritten: 0 };
    const db = await storeDatabase(this.env, storeId);
    const intern = !this.legacyRowsGone && (await pagesMustIntern(db, storeId));
    if (!intern) this.legacyRowsGone = true;
    while (run.behind && run.store && run.pages < pages) {
      const page = await countNextPage(db, storeId, { intern });
      run.pages++;
      run.rowsWritten += page.rowsWritten;
      Object.assign(run, { cursor: page.cursor, behind: page.behind, store: page.store });
    }
    return run;
  }

  override async alarm(): Promise<void> {
    const storeId = await this.ctx.storage.get<string>("storeId");
    if (storeId === undefined) return;
    const startedMs = Date.now();
    const run = await this.catchUp(storeId);
    if (!run.store) {
      // Deleted (src/admin/store-deletion.ts removes its statements and cursor first): nothing left to keep.
      await this.ctx.storage.deleteAll();
      return;
    }
    // Still behind after a full run: continue in a fresh invocation (its own call budget).
    if (run.behind) await this.ctx.storage.setAlarm(Date.now());
    // Caught up: the wakes seen so far are covered by one re-check (src/shared/debounced-wake.ts).
    else if (this.recheck.due(startedMs)) await this.ctx.storage.setAlarm(Date.now() + RECHECK_MS);
  }
}
