// The newest D1 bookmark of each credential's recent writes, so a GET from a client that sends no X-LRS-Bookmark
// (ordinary xAPI clients do not) still opens its session at or after its own writes when read replication is on.
//
// Where it is kept, and why (Cloudflare: isolates are not shared; Durable Objects are global but far; KV is
// eventually consistent for up to 60 s, too slow to carry a write's position to the next read):
//   1. this isolate's memory: free, and the common case (a client's next request usually reaches the same one);
//   2. the data centre's Cache API: about a millisecond, no charge; a client's requests keep to one data centre,
//      so its next request finds the entry even in another isolate. A Durable Object per credential would
//      make every read cross the network to the object, the very latency replicas remove.
// What neither covers (a client moving data centre, or a *.workers.dev route, where Cache API calls do nothing):
// a missing document or credential is still asked of the primary before a 404 or 401, but an older version of a
// document may be read until the replica catches up, unless the client sends the bookmark back (README).
//
// Cache API puts are paced: at most one per writer per PUT_INTERVAL_MS from an isolate, and a write inside the
// interval is carried by one trailing put at its end, which the write that armed it waits for and the others do
// not (each put cost a local write about 3 ms, and is a call in production, for a value the next write
// replaces). A reader elsewhere that finds an entry put within twice the interval may be missing up to an
// interval of writes, so it opens at the primary instead; an older entry holds every write before it was put
// (the trailing put comes at most PUT_INTERVAL_MS after a write).
import { isBookmark } from "./bookmark";

/** Replicas normally lag by well under a second; a bookmark the replica has passed costs nothing to use. */
export const RECENT_WRITE_WINDOW_MS = 5 * 60_000;
/** At most one Cache API put per writer per isolate in this interval (see above). */
export const PUT_INTERVAL_MS = 1_000;
/** An entry put more recently than this may lack the last interval's writes: twice the interval, for the clocks. */
const FRESH_ENTRY_FACTOR = 2;
/** About 100 bytes an entry: at most ~1 MB of an isolate's 128 MB. */
const MEMORY_ENTRIES = 10_000;
const CACHE_NAME = "lrs-recent-writes";

type Entry = { bookmark: string; expiresMs: number };
/** Where a read of the writer starts: after its writes (a bookmark), or at the primary, which has them all. */
export type RecalledStart = string | "first-primary";

export class RecentWrites {
  #memory = new Map<string, Entry>();
  /** The last Cache API put per writer from this isolate, and the trailing put pending, if any. */
  #puts = new Map<string, { atMs: number; trailing?: Promise<void> }>();
  readonly #putIntervalMs: number;

  constructor({ putIntervalMs = PUT_INTERVAL_MS }: { putIntervalMs?: number } = {}) {
    this.#putIntervalMs = putIntervalMs;
  }

  /** Where a read of the writer (a credential, by the hash of its Authorization header) starts, if it wrote recently. */
  async recall(writer: string, origin: string, now = Date.now()): Promise<RecalledStart | undefined> {
    const local = this.#memory.get(writer);
    if (local && local.expiresMs > now) return local.bookmark;
    if (local) this.#memory.delete(writer);
    const entry = await readEntry(writer, origin);
    if (!entry) return undefined;
    return now - entry.atMs < FRESH_ENTRY_FACTOR * this.#putIntervalMs ? "first-primary" : entry.bookmark;
  }

  /** Records a write's bookmark; the newest one wins (bookmarks sort oldest to newest, D1 Time Travel docs). */
  async remember(writer: string, bookmark: string, origin: string, now = Date.now()): Promise<void> {
    const known = this.#memory.get(writer);
    const newest = known && known.expiresMs > now && known.bookmark > bookmark ? known.bookmark : bookmark;
    this.#memory.delete(writer);
    if (this.#memory.size >= MEMORY_ENTRIES) this.#memory.delete(this.#memory.keys().next().value!);
    this.#memory.set(writer, { bookmark: newest, expiresMs: now + RECENT_WRITE_WINDOW_MS });
    // The memory is set before the first await: a caller that does not wait (the session middleware) has it.
    const last = this.#puts.get(writer);
    if (!last || now - last.atMs >= this.#putIntervalMs) return this.#put(writer, origin, now);
    // The pending trailing put reads the memory when it runs, so it carries this bookmark too. Only the write
    // that armed it holds it (the caller's waitUntil); the others return at once: a request awaiting a promise of
    // another request's context has its continuation queued across contexts and stays open until the put, which
    // cost the local runtime 1.3 ms of CPU per write (batches of 1, concurrency 8; the bench's ingest cells).
    if (last.trailing) return;
    last.trailing = new Promise<void>((resolve) => setTimeout(resolve, last.atMs + this.#putIntervalMs - now)).then(() =>
      this.#put(writer, origin, Date.now()),
    );
    return last.trailing;
  }

  async #put(writer: string, origin: string, now: number): Promise<void> {
    this.#puts.delete(writer);
    if (this.#puts.size >= MEMORY_ENTRIES) this.#puts.delete(this.#puts.keys().next().value!);
    this.#puts.set(writer, { atMs: now });
    const local = this.#memory.get(writer);
    if (!local) return;
    const cache = await openCache();
    if (!cache) return;
    // Another isolate of the same writer may have put a newer bookmark meanwhile: keep the newest.
    const stored = await readEntry(writer, origin, cache);
    const bookmark = stored && stored.bookmark > local.bookmark ? stored.bookmark : local.bookmark;
    const maxAge = Math.floor(RECENT_WRITE_WINDOW_MS / 1000);
    await cache.put(cacheKey(writer, origin), new Response(`${now} ${bookmark}`, { headers: { "Cache-Control": `max-age=${maxAge}` } }));
  }
}

/** The writer's entry in the Cache API: when it was put, and the newest bookmark it then knew. */
async function readEntry(writer: string, origin: string, cache?: Cache): Promise<{ atMs: number; bookmark: string } | undefined> {
  const found = await (cache ?? (await openCache()))?.match(cacheKey(writer, origin));
  if (!found) return undefined;
  const [at, bookmark] = (await found.text()).split(" ");
  const atMs = Number(at);
  return Number.isSafeInteger(atMs) && bookmark !== undefined && isBookmark(bookmark) ? { atMs, bookmark } : undefined;
}

/** The writer key of a request: a hash, so neither memory nor the cache holds the credential itself. */
export async function writerOf(authorization: string | undefined): Promise<string | undefined> {
  if (!authorization) return undefined;
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(authorization));
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}

async function openCache(): Promise<Cache | undefined> {
  // Absent outside the Workers runtime; there the memory alone serves.
  return typeof caches === "undefined" ? undefined : caches.open(CACHE_NAME);
}

/** On the Worker's own host (Cloudflare advises against other hostnames in cache keys). */
function cacheKey(writer: string, origin: string): Request {
  return new Request(`${origin}/.well-known/lrs-recent-writes/${writer}`);
}
