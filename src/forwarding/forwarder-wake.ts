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
// Debounce (issue 15: forwarding must not slow ingest): an isolate sends at most one wake per store per
// WAKE_DEBOUNCE_MS; a request inside that window skips its DO call once the window's wake has succeeded (if that
// wake failed, the request sends its own). Why a skipped wake is never lost: a request at time t skips only after
// a wake W0 sent at t0 > t - 250 ms reached the object (at a0 > t - 250 ms). The object (forwarder-object.ts)
// re-reads the log RECHECK_MS (1 s) after any run that drains when a wake arrived during that run or within 1 s
// before it began, so some run starts reading at or after a0 + 1 s > t + 750 ms; the skipped request's
// statements committed before t (the wake runs after the commit), so that run sees them. The 750 ms margin
// covers the clocks of the isolate and the object (Workers freeze Date.now() between I/O).
import type { Bindings } from "../env";
import { activeForwarderIds, behindForwarderIds } from "./forwarder-rows";
import type { Forwarder } from "./forwarder-object";

const ACTIVE_LIST_TTL_MS = 30_000;
/** At most one wake per store per isolate in this window; must stay well under RECHECK_MS (see above). */
export const WAKE_DEBOUNCE_MS = 250;
/** Forwarders one hub call wakes (the hub's own invocation budget); more are woken by the cron. */
const WAKES_PER_HUB_CALL = 40;
/** DO calls the cron backstop makes (it shares its invocation with the stalled-jobs check). */
const WAKES_PER_CRON = 20;

const activeByStore = new Map<string, { ids: string[]; readAtMs: number }>();
/** The last wake sent per store from this isolate: when, and whether it reached the object(s). */
const lastWakeByStore = new Map<string, { atMs: number; reached: Promise<boolean> }>();

function stub(env: Bindings, id: string): DurableObjectStub<Forwarder> {
  const namespace = (env as unknown as { FORWARDER: DurableObjectNamespace<Forwarder> }).FORWARDER;
  return namespace.get(namespace.idFromName(id));
}

/** The store's hub: the Forwarder instance that fans a wake out to the store's forwarders. */
function hub(env: Bindings, storeId: string): DurableObjectStub<Forwarder> {
  return stub(env, `store:${storeId}`);
}

/** Wakes one forwarder's object (create, resume, replay, the cron). */
export async function wakeForwarder(env: Bindings, id: string): Promise<void> {
  await stub(env, id).wake(id);
}

/** Forgets this isolate's list of a store's active forwarders (after a change made here). */
export function forgetActiveForwarders(storeId: string): void {
  activeByStore.delete(storeId);
  // The last wake went to the old list: a forwarder added or resumed since must not be covered by it.
  lastWakeByStore.delete(storeId);
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
    const recent = lastWakeByStore.get(storeId);
    // Covered by the window's wake once it reached the objects (see the proof at the top).
    if (recent && now - recent.atMs < WAKE_DEBOUNCE_MS && (await recent.reached)) return;
    const reached = sendWake(env, storeId, ids);
    lastWakeByStore.set(storeId, { atMs: now, reached });
    await reached;
  } catch (error) {
    // Ingest already succeeded; the cron backstop wakes what this missed.
    console.error("forwarder wake failed", error instanceof Error ? error.message : String(error));
  }
}

/** One wake of the store's forwarders: true once it reached them; false (logged) when the call failed. */
async function sendWake(env: Bindings, storeId: string, ids: string[]): Promise<boolean> {
  try {
    if (ids.length === 1) await wakeForwarder(env, ids[0]!);
    else await hub(env, storeId).wakeAll(ids.slice(0, WAKES_PER_HUB_CALL));
    return true;
  } catch (error) {
    // Ingest already succeeded; a later request's wake or the cron backstop wakes what this missed.
    console.error("forwarder wake failed", error instanceof Error ? error.message : String(error));
    return false;
  }
}

/** The cron's backstop: wake active forwarders with statements past their position. */
export async function wakeBehindForwarders(env: Bindings): Promise<number> {
  const ids = await behindForwarderIds(env.DB, WAKES_PER_CRON);
  await Promise.all(ids.map((id) => wakeForwarder(env, id)));
  return ids.length;
}
