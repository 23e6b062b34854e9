// Waking a store's rollup aggregator (src/durable/rollup-aggregator.ts) once its statements committed, without
// making ingest heavier: no D1 read or write, and at most one Durable Object call per store per isolate in the
// debounce window (src/shared/debounced-wake.ts, the mechanism forwarding uses). A wake lost to an error only
// delays the counts: the every-10-minutes cron wakes every store whose statements run past its cursor.
import { databaseNamed, databaseNames } from "../../db/store-databases";
import type { Bindings } from "../../env";
import type { RollupAggregator } from "../../durable/rollup-aggregator";
import { DebouncedWakes } from "../../shared/debounced-wake";
import { walkHasAny } from "../store-walk";
import { CURSOR } from "./aggregate";

/** DO calls the cron backstop makes (it shares its invocation with the stalled-jobs check and forwarding's). */
const WAKES_PER_CRON = 20;

const wakes = new DebouncedWakes("rollup aggregator");

/** The store's aggregator (one object per store). */
export function rollupAggregator(env: Bindings, storeId: string): DurableObjectStub<RollupAggregator> {
  return env.ROLLUP_AGGREGATOR.get(env.ROLLUP_AGGREGATOR.idFromName(storeId));
}

/** After statements of `storeId` committed (run in waitUntil; never throws). */
export async function wakeRollupAggregator(env: Bindings, storeId: string): Promise<void> {
  await wakes.wake(storeId, () => rollupAggregator(env, storeId).wake(storeId));
}

// One seek per store: its first statement past its cursor (store-walk.ts).
const BEHIND_STORES_SQL = `
SELECT st.id AS id FROM stores st WHERE ${walkHasAny({ store: "st.id", from: `${CURSOR.replaceAll("?1", "st.id")} + 1` })} LIMIT ?`;

/**
 * The cron's backstop: wake the aggregators of stores with statements not counted yet, in every database (a
 * store in DB_n has its row there too: src/db/store-databases.ts).
 */
export async function wakeBehindAggregators(env: Bindings): Promise<number> {
  const behind: string[] = [];
  for (const name of databaseNames(env)) {
    if (behind.length >= WAKES_PER_CRON) break;
    const { results } = await databaseNamed(env, name)
      .prepare(BEHIND_STORES_SQL)
      .bind(WAKES_PER_CRON - behind.length)
      .all<{ id: string }>();
    behind.push(...results.map(({ id }) => id));
  }
  await Promise.all(behind.map((id) => rollupAggregator(env, id).wake(id)));
  return behind.length;
}
