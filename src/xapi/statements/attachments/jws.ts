// JWS Compact Serialization (RFC 7515 3.1, 7.1) as xAPI signed statements use it (1.0.3 Data 2.6;
// 9274.1.1 4.2.6): RS256, RS384 or RS512 only; when the header carries an x5c chain the signature must verify
// against the leaf certificate's key. Without x5c the LRS has no key to check against and checks the rest.
import { subjectPublicKeyInfo } from "./x509";

export type Jws = { header: Record<string, unknown>; payload: unknown };
/** A JWS that is not acceptable: the message says why (the LRS SHOULD say, Data 2.6.s5.b2). */
export type JwsResult = { ok: true; jws: Jws } | { ok: false; reason: string };

const HASHES: Record<string, string> = { RS256: "SHA-256", RS384: "SHA-384", RS512: "SHA-512" };
const BASE64URL = /^[A-Za-z0-9_-]*$/;
const strictUtf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false });

export async function verifyCompactJws(bytes: Uint8Array): Promise<JwsResult> {
  let text: string;
  try {
    text = strictUtf8.decode(bytes).trim();
  } catch {
    return { ok: false, reason: "the signature is not a JWS compact serialization (not UTF-8)" };
  }
  const segments = text.split(".");
  if (segments.length !== 3 || !segments.every((s) => BASE64URL.test(s)) || !segments[0] || !segments[1] || !segments[2]) {
    return { ok: false, reason: "the signature is not a JWS compact serialization" };
  }
  const [encodedHeader, encodedPayload, encodedSignature] = segments as [string, string, string];
  const header = decodeJson(encodedHeader);
  if (!isObject(header)) return { ok: false, reason: "the JWS header is not a JSON object" };
  const hash = typeof header.alg === "string" ? HASHES[header.alg] : undefined;
  if (!hash) return { ok: false, reason: `the JWS algorithm must be RS256, RS384 or RS512, not ${JSON.stringify(header.alg)}` };
  if (header.crit !== undefined) return { ok: false, reason: "the JWS header lists critical extensions the LRS does not support" };
  const payload = decodeJson(encodedPayload);
  if (!isObject(payload)) return { ok: false, reason: "the JWS payload is not a JSON serialization of a statement" };
  let signature: Uint8Array;
  try {
    signature = base64UrlBytes(encodedSignature);
  } catch {
    return { ok: false, reason: "the JWS signature is not base64url" };
  }
  if (header.x5c !== undefined) {
    const checked = await verifyWithX5c(header.x5c, hash, `${encodedHeader}.${encodedPayload}`, signature);
    if (!checked.ok) return checked;
  }
  return { ok: true, jws: { header, payload } };
}

async function verifyWithX5c(
  x5c: unknown,
  hash: string,
  signingInput: string,
  signature: Uint8Array,
): Promise<{ ok: true } | { ok: false; reason: string }> {
  // RFC 7515 4.1.6: an array of base64 (not base64url) DER certificates, the signer's first.
  if (!Array.isArray(x5c) || x5c.length === 0 || !x5c.every((c) => typeof c === "string")) {
    return { ok: false, reason: "the JWS x5c header must be a non-empty array of base64 certificates" };
  }
  let key: CryptoKey;
  try {
    const der = Uint8Array.from(atob(x5c[0] as string), (c) => c.charCodeAt(0));
    key = await crypto.subtle.importKey("spki", subjectPublicKeyInfo(der), { name: "RSASSA-PKCS1-v1_5", hash }, false, ["verify"]);
  } catch {
    return { ok: false, reason: "the JWS x5c certificate is not an X.509 certificate with an RSA public key" };
  }
  const valid = await crypto.subtle.verify("RSASSA-PKCS1-v1_5", key, signature, new TextEncoder().encode(signingInput));
  return valid ? { ok: true } : { ok: false, reason: "the JWS signature does not verify against its x5c certificate" };
}

function decodeJson(segment: string): unknown {
  try {
    return JSON.parse(strictUtf8.decode(base64UrlBytes(segment)));
  } catch {
    return undefined;
  }
}

function base64UrlBytes(segment: string): Uint8Array {
  const base64 = segment.replaceAll("-", "+").replaceAll("_", "/");
  return Uint8Array.from(atob(base64 + "=".repeat((4 - (base64.length % 4)) % 4)), (c) => c.charCodeAt(0));
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
