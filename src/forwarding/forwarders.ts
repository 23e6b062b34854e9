// The forwarding verbs the front ends call (admin API, CLI, console: issue 15). Each names the store, so one
// store never sees or changes another's forwarders; an unknown id answers undefined/false (the route's 404).
// Changes that give the forwarder work (create, resume, replay) wake its Durable Object. Each change takes an
// optional query to commit with it (../db/alongside.ts: the admin's audit row), run only when the change applies.
import type { Alongside } from "../db/alongside";
import type { Bindings } from "../env";
import type { ForwarderFilter, ForwarderInput } from "./forwarder-input";
import {
  deleteForwarderRow,
  findForwarder,
  forwarderLag,
  insertForwarder,
  listForwarderRows,
  rewindForwarder,
  setForwarderState,
  type ForwarderRow,
  type ForwarderState,
  type Lag,
  type LastError,
  type WebhookDestination,
  type XapiDestination,
} from "./forwarder-rows";
import { headSeq } from "../statement-store/statement-log";
import { forgetActiveForwarders, wakeForwarder } from "./forwarder-wake";
import { randomToken } from "../auth/secrets";
import { sealSecret } from "./sealed-secret";

/** What the verbs need: the request's D1 session and the env (sealing key, the FORWARDER namespace). */
export type ForwardingContext = { db: D1Database; env: Bindings };

/** A forwarder as the front ends show it: never its secret. */
export type ForwarderView = {
  id: string;
  storeId: string;
  kind: "webhook" | "xapi";
  destination: WebhookDestination | XapiDestination;
  filter: ForwarderFilter;
  batchSize: number;
  state: ForwarderState;
  /** The seq of the last statement delivered (or passed over by the filter). */
  position: number;
  delivered: number;
  attempts: number;
  lastSuccessAt: string | null;
  lastError: { status: number | null; body: string; at: string } | null;
  failingSince: string | null;
  failingAfterSeconds: number;
  createdAt: string;
  updatedAt: string;
};

export type ForwarderStatus = ForwarderView & { lag: Lag };

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

export function viewForwarder(row: ForwarderRow): ForwarderView {
  const lastError = row.lastError === null ? null : (JSON.parse(row.lastError) as LastError);
  return {
    id: row.id,
    storeId: row.storeId,
    kind: row.kind as "webhook" | "xapi",
    destination: JSON.parse(row.destination) as WebhookDestination | XapiDestination,
    filter: JSON.parse(row.filter) as ForwarderFilter,
    batchSize: row.batchSize,
    state: row.state as ForwarderState,
    position: row.positionSeq,
    delivered: row.delivered,
    attempts: row.attempts,
    lastSuccessAt: iso(row.lastSuccessMs),
    lastError: lastError && { status: lastError.status, body: lastError.body, at: new Date(lastError.atMs).toISOString() },
    failingSince: iso(row.failingSinceMs),
    failingAfterSeconds: row.failingAfterSeconds,
    createdAt: new Date(row.createdMs).toISOString(),
    updatedAt: new Date(row.updatedMs).toISOString(),
  };
}

/**
 * Creates an active forwarder that forwards statements stored from now on (replay reaches back). The webhook's
 * signing secret is generated here and returned once; an LRS destination's secret is the one given. The query
 * alongside is built from the new forwarder's id.
 */
export async function createForwarder(
  fx: ForwardingContext,
  storeId: string,
  input: ForwarderInput,
  alongside?: (forwarderId: string) => Alongside,
): Promise<{ forwarder: ForwarderView; secret?: string }> {
  const id = crypto.randomUUID();
  const secret = input.kind === "webhook" ? randomToken(32) : input.secret;
  const destination: WebhookDestination | XapiDestination =
    input.kind === "webhook" ? { url: input.url } : { endpoint: input.endpoint, key: input.key, version: input.version };
  const row = await insertForwarder(fx.db, {
    id,
    storeId,
    kind: input.kind,
    destination,
    sealedSecret: await sealSecret(fx.env, id, secret),
    filter: input.filter,
    batchSize: input.batchSize,
    failingAfterSeconds: input.failingAfterSeconds,
    // A new forwarder starts at the head, forwarding what arrives from now on.
    positionSeq: await headSeq(fx.db, storeId),
  }, alongside?.(id));
  forgetActiveForwarders(storeId);
  return { forwarder: viewForwarder(row), ...(input.kind === "webhook" ? { secret } : {}) };
}

export async function listForwarders(fx: ForwardingContext, storeId: string): Promise<ForwarderView[]> {
  return (await listForwarderRows(fx.db, storeId)).map(viewForwarder);
}

/** One forwarder with its lag (statements and seconds behind). */
export async function getForwarder(fx: ForwardingContext, storeId: string, id: string): Promise<ForwarderStatus | undefined> {
  const row = await findForwarder(fx.db, storeId, id);
  return row && { ...viewForwarder(row), lag: await forwarderLag(fx.db, row) };
}

export async function pauseForwarder(
  fx: ForwardingContext,
  storeId: string,
  id: string,
  alongside?: Alongside,
): Promise<ForwarderView | undefined> {
  const row = await setForwarderState(fx.db, storeId, id, "paused", alongside);
  forgetActiveForwarders(storeId);
  return row && viewForwarder(row);
}

/** Active again (from paused or failing), from where it stopped: nothing is skipped. */
export async function resumeForwarder(
  fx: ForwardingContext,
  storeId: string,
  id: string,
  alongside?: Alongside,
): Promise<ForwarderView | undefined> {
  const row = await setForwarderState(fx.db, storeId, id, "active", alongside);
  forgetActiveForwarders(storeId);
  if (row) await wakeForwarder(fx.env, row.id, storeId);
  return row && viewForwarder(row);
}

/**
 * Forwards again every statement stored after `since` (epoch ms, exclusive like the statement query's `since`),
 * or from the beginning when it is undefined; receivers see repeats, recognisable by statement id.
 */
export async function replayForwarder(
  fx: ForwardingContext,
  storeId: string,
  id: string,
  sinceMs?: number,
  alongside?: Alongside,
): Promise<ForwarderView | undefined> {
  const row = await rewindForwarder(fx.db, storeId, id, sinceMs, alongside);
  if (row) await wakeForwarder(fx.env, row.id, storeId);
  return row && viewForwarder(row);
}

export async function deleteForwarder(fx: ForwardingContext, storeId: string, id: string, alongside?: Alongside): Promise<boolean> {
  forgetActiveForwarders(storeId);
  return deleteForwarderRow(fx.db, storeId, id, alongside);
}
