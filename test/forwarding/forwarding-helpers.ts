// Helpers of the forwarding tests: receivers (test/forwarding/receiver-node.ts), forwarders made through the
// verbs, waiting for deliveries, and the forwarder's object to run its alarm now (instead of waiting out a backoff).
import { runDurableObjectAlarm } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { expect } from "vitest";
import type { Bindings } from "../../src/env";
import { parseForwarderInput } from "../../src/forwarding/forwarder-input";
import type { Forwarder } from "../../src/forwarding/forwarder-object";
import { createForwarder, getForwarder, type ForwardingContext } from "../../src/forwarding/forwarders";
import { xapi } from "../helpers";
import type { Received, ReceiverMode } from "./receiver-node";

export const bindings = env as unknown as Bindings & { RECEIVER: Fetcher };
export const fx: ForwardingContext = { db: bindings.DB, env: bindings };

export async function receiver(mode: ReceiverMode = "ok", credential?: { key: string; secret: string }): Promise<string> {
  const name = `r${crypto.randomUUID().slice(0, 8)}`;
  await configure(name, mode, credential);
  return name;
}

export async function configure(name: string, mode: ReceiverMode, credential?: { key: string; secret: string }): Promise<void> {
  const response = await bindings.RECEIVER.fetch("http://receiver/configure", {
    method: "POST",
    body: JSON.stringify({ name, mode, ...credential }),
  });
  expect(response.status).toBe(200);
}

export async function received(name: string): Promise<Received[]> {
  return (await (await bindings.RECEIVER.fetch(`http://receiver/received?name=${name}`)).json()) as Received[];
}

/** Statement ids in the bodies the receiver acknowledged (200), in arrival order. */
export async function acknowledgedIds(name: string): Promise<string[]> {
  return (await received(name))
    .filter((r) => r.status === 200)
    .flatMap((r) => {
      const body = JSON.parse(r.body) as { statements?: { id: string }[] } | { id: string }[];
      return (Array.isArray(body) ? body : body.statements!).map((s) => s.id);
    });
}

export async function webhook(name: string, extra: Record<string, unknown> = {}, storeId = "default") {
  const parsed = parseForwarderInput({ kind: "webhook", url: `https://${name}.receiver.test/hook`, ...extra }, { allowHttp: false });
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
  const created = await createForwarder(fx, storeId, parsed.value);
  return { id: created.forwarder.id, secret: created.secret! };
}

export function statement(i: number, verb = "http://adlnet.gov/expapi/verbs/experienced", extra: Record<string, unknown> = {}) {
  return {
    id: crypto.randomUUID(),
    actor: { mbox: `mailto:learner${i}@example.org` },
    verb: { id: verb },
    object: { id: `http://example.org/forwarding/${i}` },
    ...extra,
  };
}

/** POSTs statements to the default store; their ids in order. */
export async function post(statements: unknown[]): Promise<string[]> {
  const response = await xapi("/statements", { method: "POST", json: statements });
  expect(response.status).toBe(200);
  return (await response.json()) as string[];
}

export async function waitFor<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting; last value: ${JSON.stringify(value).slice(0, 500)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

export function forwarderStub(id: string): DurableObjectStub<Forwarder> {
  const namespace = (bindings as unknown as { FORWARDER: DurableObjectNamespace<Forwarder> }).FORWARDER;
  return namespace.get(namespace.idFromName(id));
}

/** Runs the forwarder's armed alarm now (a retry waiting out its backoff); false when none is armed. */
export function runAlarmNow(id: string): Promise<boolean> {
  return runDurableObjectAlarm(forwarderStub(id));
}

export async function status(id: string, storeId = "default") {
  const found = await getForwarder(fx, storeId, id);
  if (!found) throw new Error(`no forwarder ${id}`);
  return found;
}
