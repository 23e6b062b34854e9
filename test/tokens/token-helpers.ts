// Launch-token test helpers: a store with an issuing credential, POST /tokens through the real Worker, and xAPI
// calls with a token as the Basic credential (as TinCanJS and @xapi/xapi send `auth: "Basic " + token`).
import { SELF } from "cloudflare:test";
import { createCredential, createStore, type TestCredential } from "../admin/admin-helpers";
import { xapi, type XapiInit } from "../helpers";

export const ORIGIN = "http://lrs.test";

export type Issued = { token: string; expiresAt: string; fetchUrl: string };

export async function issuerIn(storeId?: string, scopes = ["all", "tokens/issue"]): Promise<TestCredential> {
  return createCredential(storeId ?? (await createStore(`tokens-${crypto.randomUUID()}`)), scopes);
}

export function requestToken(issuer: { auth: string }, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return SELF.fetch(`${ORIGIN}/tokens`, {
    method: "POST",
    headers: { Authorization: issuer.auth, "Content-Type": "application/json", ...headers },
    body: JSON.stringify(body),
  });
}

export async function issue(issuer: { auth: string }, body: unknown): Promise<Issued> {
  const response = await requestToken(issuer, body);
  if (response.status !== 201) throw new Error(`POST /tokens: ${response.status} ${await response.text()}`);
  return (await response.json()) as Issued;
}

export function xapiWithToken(token: string, path: string, init: XapiInit = {}): Promise<Response> {
  return xapi(path, { ...init, auth: `Basic ${token}` });
}

/** The user part and MAC of a token, as the Basic credential carries them. */
export function splitToken(token: string): { user: string; mac: string } {
  const decoded = atob(token);
  const colon = decoded.indexOf(":");
  return { user: decoded.slice(0, colon), mac: decoded.slice(colon + 1) };
}

export const statement = (actor: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  id: crypto.randomUUID(),
  actor,
  verb: { id: "http://adlnet.gov/expapi/verbs/experienced" },
  object: { id: "http://example.com/course/1" },
  ...extra,
});

export async function errorOf(response: Response): Promise<{ status: number; path?: string; message: string }> {
  const body = (await response.json()) as { error: { status: number; path?: string; message: string } };
  return body.error;
}
