// Waking forwarders when statements arrive, without making ingest heavier: no D1 write at all, no D1 read per
// request, and one Durable Object call. Each isolate keeps the store's active forwarder ids for
// ACTIVE_LIST_TTL_MS; after every write request one forwarder is woken directly, or, when the store has several,
// the store's hub object (a Forwarder instance named `store:<id>`) wakes each of them in its own invocation
// (a wake is cheap: the object only arms its alarm if none is armed). Chosen over a Queue of wake messages: a
// queue send is a call per request too, adds the queue's batching delay to the lag, and still needs the same
// per-store read. What a stale list misses (a forwarder created or resumed in another isolate in the last 30 s)
// the direct wake of resume / replay and the every-10-minutes cron backstop (wakeBehindForwarders) catch: a lost
// wake only delays, never drops.
//
// Debounce (issue 15: forwarding must not slow ingest): at most one wake per store per isolate in a short window,
// made safe by the object's re-check (src/shared/debounced-wake.ts, which proves why a skipped wake is never lost).
import { databaseNamed, databaseNames } from "../db/store-databases";
import type { Bindings } from "../env";
import { activeForwarderIds, behindForwarderIds } from "./forwarder-rows";
import type { Forwarder } from "./forwarder-object";
import { DebouncedWakes } from "../shared/debounced-wake";

const ACTIVE_LIST_TTL_MS = 30_000;
export { WAKE_DEBOUNCE_MS } from "../shared/debounced-wake";
/** Forwarders one hub call wakes (the hub's own invocation budget); more are woken by the cron. */
const WAKES_PER_HUB_CALL = 40;
/** DO calls the cron backstop makes (it shares its invocation with the stalled-jobs check). */
const WAKES_PER_CRON = 20;

const activeByStore = new Map<string, { ids: string[]; readAtMs: number }>();
const wakes = new DebouncedWakes("forwarder");

function stub(env: Bindings, id: string): DurableObjectStub<Forwarder> {
  const namespace = (env as unknown as { FORWARDER: DurableObjectNamespace<Forwarder> }).FORWARDER;
  return namespace.get(namespace.idFromName(id));
}

/** The store's hub: the Forwarder instance that fans a wake out to the store's forwarders. */
function hub(env: Bindings, storeId: string): DurableObjectStub<Forwarder> {
  return stub(env, `store:${storeId}`);
}

/** Wakes one forwarder's object (create, resume, replay, the cron). */
export async function wakeForwarder(env: Bindings, id: string, storeId: string): Promise<void> {
  await stub(env, id).wake(id, storeId);
}

/** Forgets this isolate's list of a store's active forwarders (after a change made here). */
export function forgetActiveForwarders(storeId: string): void {
  activeByStore.delete(storeId);
  // The last wake went to the old list: a forwarder added or resumed since must not be covered by it.
  wakes.forget(storeId);
}

/** After statements of `storeId` committed: wake its active forwarders (run in waitUntil; never throws). */
export async function wakeStoreForwarders(env: Bindings, db: D1Database, storeId: string): Promise<void> {
  try {
    const now = Date.now();
    let cached = activeByStore.get(storeId);
    if (!cached || now - cached.readAtMs > ACTIVE_LIST_TTL_MS) {
      cached = { ids: await activeForwarderIds(db, storeId), readAtMs: now };
      activeByStore.set(storeId, cached);
    }
    const ids = cached.ids;
    if (ids.length === 0) return;
    await wakes.wake(storeId, () => sendWake(env, storeId, ids), now);
  } catch (error) {
    // Ingest already succeeded; the cron backstop wakes what this missed.
    console.error("forwarder wake failed", error instanceof Error ? error.message : String(error));
  }
}

/** One wake of the store's forwarders: each directly, or through the store's hub when there are several. */
async function sendWake(env: Bindings, storeId: string, ids: string[]): Promise<void> {
  if (ids.length === 1) await wakeForwarder(env, ids[0]!, storeId);
  else await hub(env, storeId).wakeAll(ids.slice(0, WAKES_PER_HUB_CALL), storeId);
}

/** The cron's backstop: wake active forwarders with statements past their position, in every database. */
export async function wakeBehindForwarders(env: Bindings): Promise<number> {
  const behind = [];
  for (const name of databaseNames(env)) {
    if (behind.length >= WAKES_PER_CRON) break;
    behind.push(...(await behindForwarderIds(databaseNamed(env, name), WAKES_PER_CRON - behind.length)));
  }
  await Promise.all(behind.map(({ id, storeId }) => wakeForwarder(env, id, storeId)));
  return behind.length;
}
