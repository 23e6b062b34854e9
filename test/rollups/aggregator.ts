// Driving a store's rollup aggregator from tests: run it to completion through its Durable Object stub (the
// same catchUp its alarm runs), or hold it so statements stay uncounted while a test arranges an order of events.
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import type { Bindings } from "../../src/env";
import type { CatchUp, RollupAggregator } from "../../src/durable/rollup-aggregator";
import { rollupAggregator } from "../../src/statement-store/rollups/aggregator-wake";

const stubOf = (storeId: string) => rollupAggregator(env as unknown as Bindings, storeId);

/** Counts every statement of the store not counted yet; the runs' figures summed. */
export async function aggregate(storeId: string): Promise<CatchUp> {
  const total: CatchUp = { cursor: 0, behind: true, store: true, pages: 0, rowsWritten: 0 };
  while (total.behind && total.store) {
    const run = await stubOf(storeId).catchUp(storeId);
    Object.assign(total, { cursor: run.cursor, behind: run.behind, store: run.store });
    total.pages += run.pages;
    total.rowsWritten += run.rowsWritten;
  }
  return total;
}

/**
 * Keeps the store's aggregator from running on its own (wakes after ingest arm its alarm; the alarm does
 * nothing) until the returned release is called. Test-only: it shadows the instance's alarm method.
 */
export async function holdAggregator(storeId: string): Promise<() => Promise<void>> {
  const stub = stubOf(storeId);
  await runInDurableObject(stub, (instance: RollupAggregator) => {
    Object.defineProperty(instance, "alarm", { value: async () => {}, configurable: true, writable: true });
  });
  return async () => {
    await runInDurableObject(stub, (instance: RollupAggregator) => {
      delete (instance as unknown as Record<string, unknown>).alarm;
    });
  };
}

/** The store's cursor row (undefined when it has none). */
export async function cursorOf(storeId: string): Promise<number | undefined> {
  const row = await env.DB.prepare("SELECT seq FROM rollup_cursors WHERE store_id = ?").bind(storeId).first<{ seq: number }>();
  return row?.seq;
}
