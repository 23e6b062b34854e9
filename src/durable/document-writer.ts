// The race it prevents: two writers of one document (two tabs of a course saving State, a merge POST racing a
// PUT) each checking If-Match against the same old ETag, or each merging into the same old JSON, so one
// acknowledged update is silently lost. One object per activity/agent context (writerName) runs every write
// of that context: the precondition check, the body write and the metadata switch of one document happen one
// write at a time (DocumentLocks), other documents of the context proceed side by side, and a delete-all of
// State waits for all of them and holds back those that follow.
//
// Write order, so a crash at any point leaves the old or the new document whole and never loses an
// acknowledged write:
//   1. record the intent (new and old R2 keys) in this object's SQLite storage, and arm an alarm;
//   2. write the new body to a fresh R2 key that is never reused (a random id, not the ETag, since the same
//      content may be written again while its earlier copy is being deleted);
//   3. switch the D1 metadata row to the new key — the commit point; readers see the old or the new body;
//   4. delete the old R2 object; 5. clear the intent.
// A crash before 3 leaves an unreferenced new body, after 3 an unreferenced old one. Recorded intents are
// settled — D1 says which key is live, the other is deleted — exclusively: before the first command of a
// restarted object, and from the alarm when a command of a live one failed.
// What it is asked and answers (commands, domain refusals) is defined beside the documents code, in
// src/xapi/documents/document-writes.ts; the routes choose the HTTP statuses.
import { DurableObject } from "cloudflare:workers";
import { storeDatabase, storePrimary } from "../db/store-databases";
import { DocumentLocks } from "./document-locks";
import { type DocumentAddress, type DocumentSet } from "../xapi/documents/document-address";
import {
  deleteDocumentRow,
  deleteDocumentSetRows,
  type DocumentRow,
  findDocumentRow,
  insertDocumentRow,
  listDocumentSetRows,
  replaceDocumentRow,
} from "../xapi/documents/document-rows";
import { preconditionRefusal, type WriteCommand, type WriteOutcome } from "../xapi/documents/document-writes";
import { sha1Hex } from "../xapi/documents/etag";
import { requestLimits } from "../http/request-limits";
import { isJsonMediaType, mergeJsonDocuments } from "../xapi/documents/json-merge";
import { type Conditions, hasConditions, preconditionsHold } from "../xapi/documents/preconditions";

/** The D1 row moved under us (only possible across a network split); the command is run again. */
const RETRY = Symbol("retry");
/** A refusal decided on the remembered row: decided again on the row read from D1 before it is answered. */
const RECHECK = Symbol("recheck");
const KNOWN_LIMIT = 1000;
const ATTEMPTS = 3;
const R2_DELETE_BATCH = 1000;
const SETTLE_AFTER_MS = 60_000;

/** The R2 prefix of every document body of a store (store deletion removes it whole). */
export function documentKeyPrefix(storeId: string): string {
  return `documents/${encodeURIComponent(storeId)}/`;
}

export class DocumentWriter extends DurableObject<Env> {
  #locks = new DocumentLocks();
  /**
   * The row this object last read or committed per document, so a write usually needs no D1 read first. It is
   * trusted only where a compare-and-set commit verifies it; a refusal decided on it is decided again on D1.
   */
  #known = new Map<string, DocumentRow | null>();
  /** Intents found at start-up belong to an earlier, crashed instance: settled before the first command. */
  #startup: Promise<void> | undefined;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    ctx.storage.sql.exec(
      "CREATE TABLE IF NOT EXISTS intents (id INTEGER PRIMARY KEY, address TEXT NOT NULL, new_key TEXT, old_key TEXT)",
    );
  }

  write(command: WriteCommand): Promise<WriteOutcome> {
    this.#startup ??= this.#locks.run(undefined, () => this.#settleIntents()).catch(() => {
      this.#startup = undefined;
    });
    const key = command.method === "DELETE_SET" ? undefined : documentLockKey(command.address);
    return this.#locks.run(key, () => this.#apply(command));
  }

  /** Settles what a command of this instance left behind when it failed (armed with each intent). */
  override async alarm(): Promise<void> {
    await this.#locks.run(undefined, () => this.#settleIntents());
  }

  async #apply(command: WriteCommand): Promise<WriteOutcome> {
    // D1 sessions do not cross into the object, so it keeps its own, at the primary; its bookmark lets the
    // client read its own write from a replica afterwards.
    const storeId = command.method === "DELETE_SET" ? command.set.storeId : command.address.storeId;
    const session = (await storeDatabase(this.env, storeId)).withSession("first-primary");
    const db = session as unknown as D1Database;
    try {
      for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
        const useKnown = attempt === 0;
        const outcome =
          command.method === "DELETE_SET"
            ? await this.#deleteSet(db, command.set)
            : command.method === "DELETE"
              ? await this.#delete(db, command.address, command.conditions, useKnown)
              : await this.#store(db, command, useKnown);
        if (outcome === RETRY || outcome === RECHECK) continue;
        return outcome.ok ? { ...outcome, bookmark: session.getBookmark() ?? undefined } : outcome;
      }
      throw new Error("the document kept changing outside its writer");
    } catch (error) {
      // A failure part-way (say after the commit) may leave the remembered row behind the truth.
      if (command.method === "DELETE_SET") this.#known.clear();
      else this.#known.delete(documentLockKey(command.address));
      throw error;
    }
  }

  async #current(
    db: D1Database,
    address: DocumentAddress,
    useKnown: boolean,
  ): Promise<{ current: DocumentRow | undefined; known: boolean }> {
    const key = documentLockKey(address);
    if (useKnown && this.#known.has(key)) return { current: this.#known.get(key) ?? undefined, known: true };
    const current = await findDocumentRow(db, address);
    this.#remember(address, current ?? null);
    return { current, known: false };
  }

  #remember(address: DocumentAddress, row: DocumentRow | null): void {
    if (this.#known.size >= KNOWN_LIMIT) this.#known.clear();
    this.#known.set(documentLockKey(address), row);
  }

  async #store(
    db: D1Database,
    command: Extract<WriteCommand, { method: "PUT" | "POST" }>,
    useKnown: boolean,
  ): Promise<WriteOutcome | typeof RETRY | typeof RECHECK> {
    const { address, conditions } = command;
    const { current, known } = await this.#current(db, address, useKnown);
    const refuse = (outcome: WriteOutcome) => (known ? RECHECK : outcome);
    if (!preconditionsHold(conditions, current?.etag)) return refuse({ ok: false, refusal: preconditionRefusal(conditions) });
    if (command.method === "PUT" && !hasConditions(conditions)) {
      if (current && command.unconditionalPut.existing === "conflict") {
        return refuse({ ok: false, refusal: { kind: "exists-without-precondition" } });
      }
      if (!current && command.unconditionalPut.absent === "reject") {
        return refuse({ ok: false, refusal: { kind: "precondition-required" } });
      }
    }
    let bytes = command.body;
    if (command.method === "POST" && current) {
      // Bounded memory: the merge holds both documents parsed (http/request-limits.ts).
      const limit = requestLimits(this.env).maxJsonDocumentBytes;
      if (isJsonMediaType(current.contentType) && isJsonMediaType(command.contentType) && current.size > limit) {
        return refuse({ ok: false, refusal: { kind: "too-large", document: "stored", limit } });
      }
      const stored = await this.env.BLOBS.get(current.r2Key);
      if (!stored) return RETRY;
      const merged = mergeJsonDocuments(
        { bytes: new Uint8Array(await stored.arrayBuffer()), contentType: current.contentType },
        { bytes, contentType: command.contentType },
      );
      if (!merged.ok) return refuse({ ok: false, refusal: { kind: "not-mergeable", reason: merged.message } });
      if (merged.bytes.byteLength > limit) return refuse({ ok: false, refusal: { kind: "too-large", document: "merged", limit } });
      bytes = merged.bytes;
    }
    const row: DocumentRow = {
      ...address,
      etag: await sha1Hex(bytes),
      contentType: command.contentType,
      size: bytes.byteLength,
      // Never earlier than the previous version, so Last-Modified and `since` move forward with every change.
      updatedMs: Math.max(Date.now(), (current?.updatedMs ?? 0) + 1),
      r2Key: `${documentKeyPrefix(address.storeId)}${crypto.randomUUID()}`,
    };
    const intent = this.#recordIntent(address, row.r2Key, current?.r2Key);
    await this.#armSettlement();
    await this.env.BLOBS.put(row.r2Key, bytes, { httpMetadata: { contentType: row.contentType } });
    const committed = current
      ? await replaceDocumentRow(db, row, current.r2Key)
      : await insertDocumentRow(db, row);
    if (!committed) {
      await this.env.BLOBS.delete(row.r2Key);
      this.#clearIntent(intent);
      return RETRY;
    }
    this.#remember(address, row);
    if (current) await this.env.BLOBS.delete(current.r2Key);
    this.#clearIntent(intent);
    return { ok: true, etag: row.etag, updatedMs: row.updatedMs };
  }

  async #delete(
    db: D1Database,
    address: DocumentAddress,
    conditions: Conditions,
    useKnown: boolean,
  ): Promise<WriteOutcome | typeof RETRY | typeof RECHECK> {
    const { current, known } = await this.#current(db, address, useKnown);
    const refuse = (outcome: WriteOutcome) => (known ? RECHECK : outcome);
    if (!preconditionsHold(conditions, current?.etag)) return refuse({ ok: false, refusal: preconditionRefusal(conditions) });
    if (!current) return refuse({ ok: true });
    const intent = this.#recordIntent(address, undefined, current.r2Key);
    await this.#armSettlement();
    const committed = await deleteDocumentRow(db, address, current.r2Key);
    if (committed) this.#remember(address, null);
    if (committed) await this.env.BLOBS.delete(current.r2Key);
    this.#clearIntent(intent);
    return committed ? { ok: true } : RETRY;
  }

  async #deleteSet(db: D1Database, set: DocumentSet): Promise<WriteOutcome> {
    const rows = await listDocumentSetRows(db, set);
    const intents = rows.map((row) => this.#recordIntent(row, undefined, row.r2Key));
    await this.#armSettlement();
    const keys = await deleteDocumentSetRows(db, set);
    this.#known.clear();
    for (let i = 0; i < keys.length; i += R2_DELETE_BATCH) {
      await this.env.BLOBS.delete(keys.slice(i, i + R2_DELETE_BATCH));
    }
    for (const intent of intents) this.#clearIntent(intent);
    return { ok: true };
  }

  #recordIntent(address: Pick<DocumentRow, keyof DocumentAddress>, newKey?: string, oldKey?: string): number {
    const identity = JSON.stringify({
      storeId: address.storeId,
      kind: address.kind,
      activityId: address.activityId,
      agentKey: address.agentKey,
      registration: address.registration,
      documentId: address.documentId,
    });
    const cursor = this.ctx.storage.sql.exec<{ id: number }>(
      "INSERT INTO intents (address, new_key, old_key) VALUES (?, ?, ?) RETURNING id",
      identity,
      newKey ?? null,
      oldKey ?? null,
    );
    return cursor.one().id;
  }

  /** With the intents, so even a crash that no later command follows gets settled. */
  async #armSettlement(): Promise<void> {
    await this.ctx.storage.setAlarm(Date.now() + SETTLE_AFTER_MS);
  }

  #clearIntent(id: number): void {
    this.ctx.storage.sql.exec("DELETE FROM intents WHERE id = ?", id);
  }

  /** Deletes whichever body of an interrupted write D1 does not reference; keys are never reused. */
  async #settleIntents(): Promise<void> {
    const intents = this.ctx.storage.sql
      .exec<{ id: number; address: string; new_key: string | null; old_key: string | null }>(
        "SELECT id, address, new_key, old_key FROM intents ORDER BY id",
      )
      .toArray();
    for (const intent of intents) {
      const address = JSON.parse(intent.address) as DocumentAddress;
      const live = (await findDocumentRow(await storePrimary(this.env, address.storeId), address))?.r2Key;
      const orphans = [intent.new_key, intent.old_key].filter((key): key is string => key !== null && key !== live);
      if (orphans.length) await this.env.BLOBS.delete(orphans);
      this.#clearIntent(intent.id);
    }
  }
}

function documentLockKey(address: DocumentAddress): string {
  return JSON.stringify([address.registration, address.documentId]);
}
