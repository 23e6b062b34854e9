// A launch token is an HTTP Basic credential that carries its own claims, so checking it reads only the issuing
// credential (issue 16: no row per token):
//   token    = base64("<user>:<mac>")            what follows "Basic " (cmi5 8.2's auth-token is this value)
//   user     = "lt1." <issuer key> "." base64url(JSON claims)
//   mac      = base64url(HMAC-SHA256(user)) under the key of ./token-keys.ts (server secret + issuer's secret hash)
// The issuer's key, not its id, is in the user part because authentication looks credentials up by key.
import type { XapiScope } from "../scopes";
import { fromBase64Url, toBase64Url } from "../../base64url";
import { MAX_TTL_SECONDS } from "./token-request";

export const LAUNCH_TOKEN_PREFIX = "lt1.";

export type LaunchClaims = {
  /** 128 random bits, base64url: names the token's statements and its fetch URL's single use. */
  tokenId: string;
  /** The bound actor's identifier (agentIdentifier), e.g. `{ mbox: "mailto:a@b" }`. */
  actor: Record<string, unknown>;
  registration?: string;
  activityId?: string;
  scopes: XapiScope[];
  /** Seconds since the epoch. */
  expiresAt: number;
  /**
   * Milliseconds since the epoch, compared with the issuer's tokens_not_before (./authenticate.ts). Ms, not
   * seconds: a token issued in the second an issuer was enabled again must not be taken for an older one.
   */
  issuedAt: number;
};

type WireClaims = { t: string; a: Record<string, unknown>; r?: string; i?: string; s: XapiScope[]; e: number; c?: number };

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export function isLaunchTokenUser(user: string): boolean {
  return user.startsWith(LAUNCH_TOKEN_PREFIX);
}

export function tokenUser(issuerKey: string, claims: LaunchClaims): string {
  const wire: WireClaims = { t: claims.tokenId, a: claims.actor, s: claims.scopes, e: claims.expiresAt, c: claims.issuedAt };
  if (claims.registration !== undefined) wire.r = claims.registration;
  if (claims.activityId !== undefined) wire.i = claims.activityId;
  return `${LAUNCH_TOKEN_PREFIX}${issuerKey}.${toBase64Url(encoder.encode(JSON.stringify(wire)))}`;
}

/** The issuer's key and the claims of a token's user part, unverified; undefined when malformed. */
export function readTokenUser(user: string): { issuerKey: string; claims: LaunchClaims } | undefined {
  if (!isLaunchTokenUser(user)) return undefined;
  const dot = user.lastIndexOf(".");
  const issuerKey = user.slice(LAUNCH_TOKEN_PREFIX.length, dot);
  const bytes = fromBase64Url(user.slice(dot + 1));
  if (!issuerKey || !bytes) return undefined;
  let wire: Partial<WireClaims>;
  try {
    wire = JSON.parse(decoder.decode(bytes)) as Partial<WireClaims>;
  } catch {
    return undefined;
  }
  if (typeof wire?.t !== "string" || typeof wire.a !== "object" || wire.a === null || !Array.isArray(wire.s)) return undefined;
  if (typeof wire.e !== "number" || (wire.c !== undefined && typeof wire.c !== "number")) return undefined;
  return {
    issuerKey,
    claims: {
      tokenId: wire.t,
      actor: wire.a,
      scopes: wire.s,
      expiresAt: wire.e,
      // Tokens minted before issue times were carried: the earliest they can have been issued, so a disable
      // after their real issue still ends them (at worst one disabled a little before it is refused too).
      issuedAt: wire.c ?? (wire.e - MAX_TTL_SECONDS) * 1000,
      ...(typeof wire.r === "string" ? { registration: wire.r } : {}),
      ...(typeof wire.i === "string" ? { activityId: wire.i } : {}),
    },
  };
}

export async function signTokenUser(key: CryptoKey, user: string): Promise<string> {
  return toBase64Url(new Uint8Array(await crypto.subtle.sign("HMAC", key, encoder.encode(user))));
}

/** Constant-time (crypto.subtle.verify) check of a presented MAC. */
export async function verifyTokenMac(key: CryptoKey, user: string, mac: string): Promise<boolean> {
  const presented = fromBase64Url(mac);
  if (!presented || presented.byteLength !== 32) return false;
  return crypto.subtle.verify("HMAC", key, presented, encoder.encode(user));
}

/** The Basic credential: what a client puts after "Basic ". */
export function encodeToken(user: string, mac: string): string {
  return btoa(`${user}:${mac}`);
}
