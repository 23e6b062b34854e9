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
import { isBookmark } from "./bookmark";

/** Replicas normally lag by well under a second; a bookmark the replica has passed costs nothing to use. */
export const RECENT_WRITE_WINDOW_MS = 5 * 60_000;
/** About 100 bytes an entry: at most ~1 MB of an isolate's 128 MB. */
const MEMORY_ENTRIES = 10_000;
const CACHE_NAME = "lrs-recent-writes";

type Entry = { bookmark: string; expiresMs: number };

export class RecentWrites {
  #memory = new Map<string, Entry>();

  /** The newest bookmark the writer (a credential, by the hash of its Authorization header) wrote at, if recent. */
  async recall(writer: string, origin: string, now = Date.now()): Promise<string | undefined> {
    const local = this.#memory.get(writer);
    if (local && local.expiresMs > now) return local.bookmark;
    if (local) this.#memory.delete(writer);
    const cached = await (await openCache())?.match(cacheKey(writer, origin));
    const bookmark = cached ? await cached.text() : undefined;
    return bookmark !== undefined && isBookmark(bookmark) ? bookmark : undefined;
  }

  /** Records a write's bookmark; the newest one wins (bookmarks sort oldest to newest, D1 Time Travel docs). */
  async remember(writer: string, bookmark: string, origin: string, now = Date.now()): Promise<void> {
    const known = this.#memory.get(writer);
    const newest = known && known.expiresMs > now && known.bookmark > bookmark ? known.bookmark : bookmark;
    this.#memory.delete(writer);
    if (this.#memory.size >= MEMORY_ENTRIES) this.#memory.delete(this.#memory.keys().next().value!);
    this.#memory.set(writer, { bookmark: newest, expiresMs: now + RECENT_WRITE_WINDOW_MS });
    // The memory is set before the first await: a caller that does not wait (the session middleware) has it.
    const maxAge = Math.floor(RECENT_WRITE_WINDOW_MS / 1000);
    await (await openCache())?.put(cacheKey(writer, origin), new Response(newest, { headers: { "Cache-Control": `max-age=${maxAge}` } }));
  }
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
