// Request helpers: every call goes through the real Worker (SELF) with auth and version headers.
import { SELF } from "cloudflare:test";

export const VERSIONS = ["1.0.3", "2.0.0"] as const;
export type Version = (typeof VERSIONS)[number];

export const BASE = "http://lrs.test/xapi";
export const TEST_KEY = "test-key";
export const TEST_SECRET = "test-secret";

export function basic(key = TEST_KEY, secret = TEST_SECRET): string {
  return `Basic ${btoa(`${key}:${secret}`)}`;
}

export type XapiInit = Omit<RequestInit, "body"> & {
  version?: string | null;
  auth?: string | null;
  json?: unknown;
  body?: BodyInit | null;
};

/** fetch() against /xapi with the test credential and version header unless overridden (null drops one). */
export function xapi(path: string, init: XapiInit = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  if (init.version !== null && !headers.has("X-Experience-API-Version")) {
    headers.set("X-Experience-API-Version", init.version ?? "2.0.0");
  }
  if (init.auth !== null && !headers.has("Authorization")) headers.set("Authorization", init.auth ?? basic());
  let body = init.body;
  if (init.json !== undefined) {
    body = JSON.stringify(init.json);
    if (!headers.has("Content-Type")) headers.set("Content-Type", "application/json");
  }
  const { json: _json, version: _version, auth: _auth, ...rest } = init;
  return SELF.fetch(`${BASE}${path}`, { ...rest, headers, body });
}
