// The delivery engine: one Durable Object per forwarder (named by its id) sends the store's statements in seq
// order from the forwarder's D1 cursor, one batch at a time, and moves the cursor only after the destination
// acknowledged the batch. At least once, in order, nothing skipped: a crash or deploy between the POST and the
// cursor write resends that batch (X-LRS-Delivery and statement ids let a receiver drop the repeat).
//
// Why a Durable Object alarm and not Queues alone: Queues give at-least-once delivery but neither order nor a
// single consumer, while a per-forwarder cursor must have exactly one writer moving it forward in order. The
// object is that writer; its alarm is a durable timer that survives restarts (retries with exponential backoff
// and jitter), and a wake is idempotent (it only arms the alarm when none is armed). Waking: ./forwarder-wake.ts.
import { DurableObject } from "cloudflare:workers";
import { storeDatabase } from "../db/store-databases";
import type { Bindings } from "../env";
import { batchFrom, batchStatements, readBatch, type Batch } from "./forwarder-batch";
import { deliveryStatement, findForwarderById, recordDelivery, recordFailure, type ForwarderRow } from "./forwarder-rows";
import { deliver, type Outcome, type Target } from "./delivery";
import { openSecret } from "./sealed-secret";
import { RECHECK_MS, WakeRecheck } from "../shared/debounced-wake";

/**
 * Batches per alarm run: each costs two calls (the POST, then one D1 batch writing the cursor and reading the
 * next batch), plus two to start (the row, the first batch), so a run stays within the 45 D1/R2/DO/fetch calls
 * we allow one invocation (test/strict/limits.ts); a forwarder further behind continues in a new run at once.
 */
export const BATCHES_PER_RUN = 20;
/** A drained run re-reads the log this much later after a recent wake (src/shared/debounced-wake.ts says why). */
export { RECHECK_MS };
/** Retry delays double from one second up to five minutes, each drawn in [half, full] (jitter). */
const FIRST_RETRY_MS = 1_000;
const LONGEST_RETRY_MS = 5 * 60_000;

/**
 * A secret sealed under a server secret that has since changed (LRS_FORWARD_SECRET, or the secret it fell back
 * to) cannot be opened: a failed attempt like any other, retried and shown, so it turns failing visibly.
 */
const UNREADABLE_SECRET: Outcome = {
  delivered: false,
  status: null,
  body: "the forwarder's secret cannot be opened: the server secret it was sealed under (LRS_FORWARD_SECRET) changed",
};

export function retryDelayMs(attempts: number, random = Math.random()): number {
  const full = Math.min(LONGEST_RETRY_MS, FIRST_RETRY_MS * 2 ** Math.min(attempts - 1, 20));
  return Math.round(full * (0.5 + random / 2));
}

export class Forwarder extends DurableObject<Bindings> {
  private opened: { sealed: string; secret: string } | undefined;
  private readonly recheck = new WakeRecheck();

  /** Something may wait for delivery: run soon, unless a run or a retry is already armed (its backoff holds). */
  async wake(forwarderId: string, storeId: string): Promise<void> {
    this.recheck.noteWake();
    if ((await this.ctx.storage.get<string>("id")) !== forwarderId) await this.ctx.storage.put("id", forwarderId);
    if ((await this.ctx.storage.get<string>("storeId")) !== storeId) await this.ctx.storage.put("storeId", storeId);
    if ((await this.ctx.storage.getAlarm()) === null) await this.ctx.storage.setAlarm(Date.now());
  }

  /** As the store's hub (named `store:<id>`, no forwarder of its own): wakes each of the store's forwarders. */
  async wakeAll(forwarderIds: string[], storeId: string): Promise<void> {
    const namespace = (this.env as unknown as { FORWARDER: DurableObjectNamespace<Forwarder> }).FORWARDER;
    await Promise.all(forwarderIds.map((id) => namespace.get(namespace.idFromName(id)).wake(id, storeId)));
  }

  override async alarm(): Promise<void> {
    const id = await this.ctx.storage.get<string>("id");
    if (id === undefined) return;
    const startedMs = Date.now();
    // The object is named by the forwarder's id alone; its store (hence its database) came with the wake. An
    // object woken before stores had databases kept no store: its store is one from then, in DB.
    const db = await storeDatabase(this.env, (await this.ctx.storage.get<string>("storeId")) ?? "");
    let row = await findForwarderById(db, id);
    let next: Batch | undefined;
    for (let round = 0; round < BATCHES_PER_RUN; round++) {
      if (!row) {
        // Deleted: this object has nothing left to do and keeps nothing.
        await this.ctx.storage.deleteAll();
        return;
      }
      if (row.state !== "active") return;
      const batch = next ?? (await readBatch(db, row));
      if (batch.statements.length === 0) {
        // Caught up: the cursor passes statements the filter skips, up to the head read with the page.
        if (batch.nextPosition > row.positionSeq) await recordDelivery(db, id, row.positionSeq, batch.nextPosition, 0);
        // The wakes seen so far are covered by the re-check run; only a newer wake arms another one after it.
        if (this.recheck.due(startedMs)) await this.ctx.storage.setAlarm(Date.now() + RECHECK_MS);
        return;
      }
      const started = Date.now();
      const target = await this.target(row);
      const outcome: Outcome = target ? await deliver(id, target, batch) : UNREADABLE_SECRET;
      if (!outcome.delivered) {
        const state = await recordFailure(db, id, row.positionSeq, { status: outcome.status, body: outcome.body, atMs: started }, started);
        // `failing` (too long without success) stops here, visibly; paused/replayed/deleted rows are reread when woken.
        if (state === "active") await this.ctx.storage.setAlarm(Date.now() + retryDelayMs(row.attempts + 1));
        return;
      }
      // The cursor write and the next batch's reads in one round trip; the reads are used only if the write held.
      const advanced: ForwarderRow = { ...row, positionSeq: batch.nextPosition, attempts: 0, failingSinceMs: null };
      const [write, page, head] = await db.batch([
        deliveryStatement(db, id, row.positionSeq, batch.nextPosition, batch.statements.length),
        ...batchStatements(db, advanced),
      ]);
      if (write!.meta.changes === 1) {
        row = advanced;
        next = batchFrom(advanced, page!, head!);
      } else {
        row = await findForwarderById(db, id);
        next = undefined;
      }
    }
    // Still behind after a full run: continue in a fresh invocation (its own call budget).
    await this.ctx.storage.setAlarm(Date.now());
  }

  /** The destination with its secret opened; undefined when the secret cannot be opened. */
  private async target(row: ForwarderRow): Promise<Target | undefined> {
    if (this.opened?.sealed !== row.sealedSecret) {
      try {
        this.opened = { sealed: row.sealedSecret, secret: await openSecret(this.env, row.id, row.sealedSecret) };
      } catch {
        return undefined;
      }
    }
    const destination = JSON.parse(row.destination) as never;
    return { kind: row.kind as "webhook" | "xapi", destination, secret: this.opened.secret } as Target;
  }
}
