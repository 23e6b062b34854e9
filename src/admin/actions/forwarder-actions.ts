// The forwarder actions (issue 15), one set for the admin API (../forwarder-routes.ts) and the console
// (src/console/forwarder-pages.tsx), on the forwarding verbs of src/forwarding/forwarders.ts:
//   - an unknown store, or a forwarder of another store, is not found;
//   - a store holds at most MAX_FORWARDERS_PER_STORE forwarders: each active one is a Durable Object reading the
//     store's statements, and the list with every forwarder's lag must stay within one request's D1 query budget;
//   - every change is audited with ids only: never a destination address (a URL may carry a token in its query)
//     nor a secret. The audit row runs alongside the change in its D1 batch (src/db/alongside.ts): both commit
//     or neither, and a refused or not-found action writes none.
import type { Bindings } from "../../env";
import type { ForwarderInput } from "../../forwarding/forwarder-input";
import { forwarderLag, listForwarderRows } from "../../forwarding/forwarder-rows";
import {
  createForwarder as insertNewForwarder,
  deleteForwarder as deleteForwarderVerb,
  getForwarder,
  pauseForwarder as pauseForwarderVerb,
  replayForwarder as replayForwarderVerb,
  resumeForwarder as resumeForwarderVerb,
  type ForwarderStatus,
  type ForwarderView,
  viewForwarder,
} from "../../forwarding/forwarders";
import { auditAlongside } from "../audit";
import type { ReplayFrom } from "../forwarder-input";
import { findStore } from "../stores";
import { type ActionResult, done, refused } from "./action-result";

export const MAX_FORWARDERS_PER_STORE = 20;

export type ForwarderWithSecret = { forwarder: ForwarderView; secret?: string };
type Scope = { env: Bindings; db: D1Database; storeId: string };

/** The store's forwarders, newest first, each with its lag (one D1 query each: the cap above bounds them). */
export async function listStoreForwarders({ db, storeId }: Scope): Promise<ActionResult<ForwarderStatus[]>> {
  if (!(await findStore(db, storeId))) return refused("not-found", `no store ${storeId}`);
  const rows = await listForwarderRows(db, storeId, MAX_FORWARDERS_PER_STORE);
  return done(await Promise.all(rows.map(async (row) => ({ ...viewForwarder(row), lag: await forwarderLag(db, row) }))));
}

export async function showForwarder({ env, db, storeId }: Scope, id: string): Promise<ActionResult<ForwarderStatus>> {
  const status = await getForwarder({ env, db }, storeId, id);
  return status ? done(status) : missing(id);
}

/** A new forwarder (input checked by parseForwarderInput); a webhook's signing secret is in the value, once. */
export async function createForwarder(scope: Scope, input: ForwarderInput): Promise<ActionResult<ForwarderWithSecret>> {
  const { env, db, storeId } = scope;
  if (!(await findStore(db, storeId))) return refused("not-found", `no store ${storeId}`);
  // A count read before the insert: concurrent creations may pass it together, by a few at most.
  if ((await listForwarderRows(db, storeId, MAX_FORWARDERS_PER_STORE)).length >= MAX_FORWARDERS_PER_STORE) {
    return refused("forwarder-limit", `a store has at most ${MAX_FORWARDERS_PER_STORE} forwarders; delete one first`);
  }
  const created = await insertNewForwarder({ env, db }, storeId, input, (forwarderId) =>
    audit(scope, "forwarder.create", { forwarderId, kind: input.kind }),
  );
  return done(created);
}

export async function pauseForwarder(scope: Scope, id: string): Promise<ActionResult<ForwarderView>> {
  const paused = await pauseForwarderVerb(scope, scope.storeId, id, audit(scope, "forwarder.pause", { forwarderId: id }));
  return paused ? done(paused) : missing(id);
}

/** Active again from where it stopped (paused, or failing after its destination stayed down): nothing skipped. */
export async function resumeForwarder(scope: Scope, id: string): Promise<ActionResult<ForwarderView>> {
  const resumed = await resumeForwarderVerb(scope, scope.storeId, id, audit(scope, "forwarder.resume", { forwarderId: id }));
  return resumed ? done(resumed) : missing(id);
}

/** Forwards again what was stored after `since`, or everything; the forwarder becomes active. */
export async function replayForwarder(scope: Scope, id: string, from: ReplayFrom): Promise<ActionResult<ForwarderView>> {
  const sinceMs = from === "beginning" ? undefined : from.sinceMs;
  const detail = from === "beginning" ? { from: "beginning" } : { since: new Date(from.sinceMs).toISOString() };
  const audited = audit(scope, "forwarder.replay", { forwarderId: id, ...detail });
  const replayed = await replayForwarderVerb(scope, scope.storeId, id, sinceMs, audited);
  return replayed ? done(replayed) : missing(id);
}

export async function deleteForwarder(scope: Scope, id: string): Promise<ActionResult<null>> {
  const deleted = await deleteForwarderVerb(scope, scope.storeId, id, audit(scope, "forwarder.delete", { forwarderId: id }));
  return deleted ? done(null) : missing(id);
}

const audit = ({ db, storeId }: Scope, action: string, detail: object) => auditAlongside(db, { storeId, action, detail });

const missing = (id: string) => refused("not-found", `no forwarder ${id} in this store`);
