// The console session: a token signed with HMAC-SHA-256, kept in an HttpOnly cookie. It names who signed in
// (the admin, or one store credential) and carries a fingerprint of what they signed in with, never the secret
// itself, so rotating a credential's secret or changing LRS_ADMIN_TOKEN ends every session made with the old
// one. It also carries the session generation it began under (sign-out, disable and rotate raise the stored
// one: ./session.ts), the CSRF synchronizer token of the session and its expiry.
//
// Key: LRS_SESSION_SECRET when set (set it in deployments), else derived from LRS_ADMIN_TOKEN, else from
// LRS_BOOTSTRAP_SECRET (so `npm start` works out of the box). Without any of them the console is disabled.
import { fromBase64Url, toBase64Url } from "../base64url";
import type { Bindings } from "../env";
import { hashSecret, randomToken, timingSafeEqual } from "../auth/secrets";

const encoder = new TextEncoder();
export const SESSION_TTL_MS = 8 * 60 * 60_000;

export type SessionClaims =
  | { kind: "admin"; fingerprint: string; generation: number; csrf: string; expiresMs: number }
  | {
      kind: "credential";
      storeId: string;
      credentialId: string;
      fingerprint: string;
      generation: number;
      csrf: string;
      expiresMs: number;
    };

let cachedKey: { material: string; key: Promise<CryptoKey> } | undefined;

/** The signing key, or undefined when no secret is configured (the console then does not exist). */
export function sessionKey(env: Bindings): Promise<CryptoKey> | undefined {
  const vars = env as Bindings & { LRS_SESSION_SECRET?: string };
  const secret = vars.LRS_SESSION_SECRET || vars.LRS_ADMIN_TOKEN || vars.LRS_BOOTSTRAP_SECRET;
  if (!secret) return undefined;
  const material = `edge-lrs console session v1\n${secret}`;
  if (cachedKey?.material !== material) {
    const key = crypto.subtle.importKey("raw", encoder.encode(material), { name: "HMAC", hash: "SHA-256" }, false, [
      "sign",
    ]);
    cachedKey = { material, key };
  }
  return cachedKey.key;
}

/** A short fingerprint of a secret's hash: enough to notice a change, useless for recovering the secret. */
export async function fingerprintOf(secretHash: string): Promise<string> {
  return (await hashSecret(`console fingerprint\n${secretHash}`)).slice(0, 32);
}

export function newCsrfToken(): string {
  return randomToken(24);
}

export async function signValue(key: CryptoKey, value: string): Promise<string> {
  const signature = await crypto.subtle.sign("HMAC", key, encoder.encode(value));
  return toBase64Url(new Uint8Array(signature));
}

export async function sealSession(key: CryptoKey, claims: SessionClaims): Promise<string> {
  const payload = toBase64Url(encoder.encode(JSON.stringify(claims)));
  return `${payload}.${await signValue(key, `session\n${payload}`)}`;
}

/** The claims of an untampered, unexpired token; undefined otherwise. */
export async function openSession(key: CryptoKey, token: string, now = Date.now()): Promise<SessionClaims | undefined> {
  const match = /^([A-Za-z0-9_-]{1,4000})\.([A-Za-z0-9_-]{43})$/.exec(token);
  if (!match) return undefined;
  const expected = await signValue(key, `session\n${match[1]}`);
  if (!timingSafeEqual(expected, match[2]!)) return undefined;
  let claims: SessionClaims;
  try {
    const payload = fromBase64Url(match[1]!);
    if (!payload) return undefined;
    claims = JSON.parse(new TextDecoder().decode(payload)) as SessionClaims;
  } catch {
    return undefined;
  }
  if (typeof claims.expiresMs !== "number" || claims.expiresMs <= now) return undefined;
  return claims;
}
