// Forwarding destinations for the tests, run in Node by miniflare (vitest.config.ts): the Worker's outbound
// fetches to https://<name>.receiver.test/... reach receiverOutbound, a real HTTP handler that records each
// delivery as received (headers and raw body) and answers as its mode says; every other host passes through
// to the network. The tests configure receivers and read what arrived through the RECEIVER service binding
// (receiverControl). Chosen over a node server on a port: concurrent vitest runs share no port, and no
// globalSetup has to hand a port to workerd. Not a mock of storage: the LRS under test is untouched.
import { fetch, Response, type Request } from "miniflare";

/**
 * ok: 200. flaky: every other request 503. down: 503 until set back. xapi: an LRS's answers (Basic checked).
 * redirect: 307 to the receiver named `<name>-moved`, over plain http.
 */
export type ReceiverMode = "ok" | "flaky" | "down" | "xapi" | "conflict" | "redirect";
type Receiver = { mode: ReceiverMode; key?: string; secret?: string; count: number; received: Received[] };
export type Received = { status: number; headers: Record<string, string>; path: string; body: string; atMs: number };

const receivers = new Map<string, Receiver>();
const HOST = /^([a-z0-9-]+)\.receiver\.test$/;

function receiver(name: string): Receiver {
  let found = receivers.get(name);
  if (!found) {
    found = { mode: "ok", count: 0, received: [] };
    receivers.set(name, found);
  }
  return found;
}

function answer(target: Receiver, request: Request): { status: number; body: string; location?: string } {
  target.count += 1;
  switch (target.mode) {
    case "redirect": {
      const host = new URL(request.url).hostname.replace(HOST, "$1-moved.receiver.test");
      return { status: 307, body: "moved", location: `http://${host}/hook` };
    }
    case "down":
      return { status: 503, body: "down for maintenance" };
    case "flaky":
      return target.count % 2 === 1 ? { status: 503, body: `flaky: request ${target.count} refused` } : { status: 200, body: "ok" };
    case "conflict":
      return { status: 409, body: "statement already stored" };
    case "xapi": {
      const expected = `Basic ${Buffer.from(`${target.key}:${target.secret}`).toString("base64")}`;
      if (request.headers.get("authorization") !== expected) return { status: 401, body: "bad credential" };
      if (!request.headers.get("x-experience-api-version")) return { status: 400, body: "no version header" };
      return { status: 200, body: "[]" };
    }
    default:
      return { status: 200, body: "ok" };
  }
}

export async function receiverOutbound(request: Request): Promise<Response> {
  const url = new URL(request.url);
  const match = HOST.exec(url.hostname);
  if (!match) return fetch(request);
  const target = receiver(match[1]!);
  const body = await request.text();
  const { status, body: text, location } = answer(target, request);
  const headers: Record<string, string> = {};
  request.headers.forEach((value, name) => {
    headers[name] = value;
  });
  target.received.push({ status, headers, path: url.pathname, body, atMs: Date.now() });
  return new Response(text, { status, headers: location ? { Location: location } : {} });
}

/** POST /configure {name, mode, key?, secret?}; GET /received?name=... */
export async function receiverControl(request: Request): Promise<Response> {
  const url = new URL(request.url);
  if (url.pathname === "/configure") {
    const { name, mode, key, secret } = (await request.json()) as { name: string; mode: ReceiverMode; key?: string; secret?: string };
    Object.assign(receiver(name), { mode, key, secret });
    return new Response("ok");
  }
  const name = url.searchParams.get("name") ?? "";
  return Response.json(receiver(name).received);
}
