// Waking a Durable Object after a write commits (forwarding's forwarders, the rollup aggregator), without a DO
// call per request. Both halves of the mechanism live here so every woken object gets the same guarantee.
//
// Isolate side (DebouncedWakes): an isolate sends at most one wake per key (a store) per WAKE_DEBOUNCE_MS; a
// request inside that window skips its DO call unless the window's wake has failed (then it sends its own). It
// does not wait for a wake still in flight: that promise belongs to another request's context, and awaiting it
// queued the continuation across contexts, which the runtime dropped when a context ended first ("IoContext
// dropped queued cross-context actions", once per 400 writes at concurrency 8 in wrangler dev).
// Object side (WakeRecheck): the object re-reads its log RECHECK_MS after any run that drains when a wake arrived
// during that run or within RECHECK_MS before it began.
// Why a skipped wake is never lost: a request at time t skips only when a wake W0 was sent at t0 > t - 250 ms and
// has not failed. If W0 reaches the object, it does so at a0 > t0 > t - 250 ms, so some run starts reading at or
// after a0 + 1 s > t + 750 ms; the skipped request's writes committed before t (the wake runs after the commit),
// so that run sees them. The 750 ms margin covers the clocks of the isolate and the object (Workers freeze
// Date.now() between I/O). If W0 fails, the next request's wake (no longer suppressed) or the cron backstop
// wakes the object, as for the writes of the request whose wake failed: a lost wake delays, it drops nothing.

/** At most one wake per key per isolate in this window; must stay well under RECHECK_MS (see above). */
export const WAKE_DEBOUNCE_MS = 250;
/** A drained run that saw a recent wake reads its log again this much later (see above). */
export const RECHECK_MS = 1_000;

export class DebouncedWakes {
  /** The last wake sent per key from this isolate: when, and whether it failed (false while in flight). */
  private readonly last = new Map<string, { atMs: number; failed: boolean }>();

  constructor(private readonly what: string) {}

  /** Runs `send` unless this window's wake for `key` is in flight or reached its object(s); never throws (logs). */
  async wake(key: string, send: () => Promise<void>, now = Date.now()): Promise<void> {
    const recent = this.last.get(key);
    if (recent && now - recent.atMs < WAKE_DEBOUNCE_MS && !recent.failed) return;
    const sent = { atMs: now, failed: false };
    this.last.set(key, sent);
    try {
      await send();
    } catch (error) {
      sent.failed = true;
      console.error(`${this.what} wake failed`, error instanceof Error ? error.message : String(error));
    }
  }

  /** The next wake for `key` is sent whatever the window (what the last one covered has changed). */
  forget(key: string): void {
    this.last.delete(key);
  }
}

/** The object side: note each wake; after a run drains, `due` says whether to arm a re-check RECHECK_MS later. */
export class WakeRecheck {
  /** When the last wake arrived (this object's clock); undefined after an eviction, read as "just now". */
  private wokenAtMs: number | undefined;

  noteWake(now = Date.now()): void {
    this.wokenAtMs = now;
  }

  /** True once per covered wake; a drained re-check run that saw no newer wake arms nothing (no idle polling). */
  due(runStartedMs: number): boolean {
    if ((this.wokenAtMs ?? Infinity) < runStartedMs - RECHECK_MS) return false;
    this.wokenAtMs = Number.NEGATIVE_INFINITY;
    return true;
  }
}
