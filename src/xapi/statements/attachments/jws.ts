// JWS (RFC 7515) as xAPI signed statements use it (1.0.3 Data 2.6; 9274.1.1 4.2.6): RS256, RS384 or RS512
// only; when the header carries an x5c chain the signature must verify against the leaf certificate's key.
// Without x5c the LRS has no key to check against and checks the rest.
import type { XapiVersion } from "../../../env";
import { subjectPublicKeyInfo } from "./x509";
import { isObject } from "../../../json";

export type Jws = { header: Record<string, unknown>; payload: unknown };
/** A JWS that is not acceptable: the message says why (the LRS SHOULD say, Data 2.6.s5.b2). */
export type JwsResult = { ok: true; jws: Jws } | { ok: false; reason: string };

const HASHES: Record<string, string> = { RS256: "SHA-256", RS384: "SHA-384", RS512: "SHA-512" };
const BASE64URL = /^[A-Za-z0-9_-]*$/;
const strictUtf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false });

type Signature = { encodedProtected: string; header: unknown; encodedSignature: string };
type Serialization = { encodedPayload: string; signatures: Signature[] } | { reason: string };

/**
 * Checks a signature attachment's JWS. 9274.1.1 requires the compact serialization; 1.0.3 only recommends
 * it (Data 2.6.s4.b2), so under 1.0.3 the JSON serialization (RFC 7515 7.2) is read as well.
 */
export async function verifyJws(bytes: Uint8Array, version: XapiVersion): Promise<JwsResult> {
  let text: string;
  try {
    text = strictUtf8.decode(bytes).trim();
  } catch {
    return { ok: false, reason: "the signature is not a JWS (not UTF-8)" };
  }
  const parsed = text.startsWith("{") && version === "1.0.3" ? jsonSerialization(text) : compactSerialization(text);
  if ("reason" in parsed) return { ok: false, reason: parsed.reason };
  const payload = decodeJson(parsed.encodedPayload);
  if (!isObject(payload)) return { ok: false, reason: "the JWS payload is not a JSON serialization of a statement" };
  for (const signature of parsed.signatures) {
    const checked = await checkSignature(signature, parsed.encodedPayload);
    if (!checked.ok) return checked;
  }
  return { ok: true, jws: { header: parsed.signatures[0]!.header as Record<string, unknown>, payload } };
}

function compactSerialization(text: string): Serialization {
  const segments = text.split(".");
  if (segments.length !== 3 || !segments.every((s) => BASE64URL.test(s)) || !segments[0] || !segments[1] || !segments[2]) {
    return { reason: "the signature is not a JWS compact serialization" };
  }
  const [encodedProtected, encodedPayload, encodedSignature] = segments as [string, string, string];
  return { encodedPayload, signatures: [{ encodedProtected, header: decodeJson(encodedProtected), encodedSignature }] };
}

// RFC 7515 7.2.1 (general: `signatures`) and 7.2.2 (flattened); a header is the protected and the
// unprotected members together.
function jsonSerialization(text: string): Serialization {
  let jws: unknown;
  try {
    jws = JSON.parse(text);
  } catch {
    return { reason: "the signature is not a JWS JSON serialization" };
  }
  if (!isObject(jws) || typeof jws.payload !== "string" || !BASE64URL.test(jws.payload) || !jws.payload) {
    return { reason: "the JWS JSON serialization has no payload" };
  }
  const entries = Array.isArray(jws.signatures) ? jws.signatures : [jws];
  const signatures: Signature[] = [];
  for (const entry of entries) {
    if (!isObject(entry) || typeof entry.signature !== "string" || !BASE64URL.test(entry.signature)) {
      return { reason: "a JWS JSON serialization signature is malformed" };
    }
    const encodedProtected = typeof entry.protected === "string" && BASE64URL.test(entry.protected) ? entry.protected : "";
    const protectedHeader = encodedProtected ? decodeJson(encodedProtected) : {};
    if (!isObject(protectedHeader) || (entry.header !== undefined && !isObject(entry.header))) {
      return { reason: "a JWS JSON serialization header is not a JSON object" };
    }
    signatures.push({ encodedProtected, header: { ...protectedHeader, ...(entry.header ?? {}) }, encodedSignature: entry.signature });
  }
  if (signatures.length === 0) return { reason: "the JWS JSON serialization has no signature" };
  return { encodedPayload: jws.payload, signatures };
}

async function checkSignature(entry: Signature, encodedPayload: string): Promise<{ ok: true } | { ok: false; reason: string }> {
  const header = entry.header;
  if (!isObject(header)) return { ok: false, reason: "the JWS header is not a JSON object" };
  const hash = typeof header.alg === "string" ? HASHES[header.alg] : undefined;
  if (!hash) return { ok: false, reason: `the JWS algorithm must be RS256, RS384 or RS512, not ${JSON.stringify(header.alg)}` };
  if (header.crit !== undefined) return { ok: false, reason: "the JWS header lists critical extensions the LRS does not support" };
  let signature: Uint8Array;
  try {
    signature = base64UrlBytes(entry.encodedSignature);
  } catch {
    return { ok: false, reason: "the JWS signature is not base64url" };
  }
  if (signature.length === 0) return { ok: false, reason: "the JWS signature is empty" };
  if (header.x5c === undefined) return { ok: true };
  return verifyWithX5c(header.x5c, hash, `${entry.encodedProtected}.${encodedPayload}`, signature);
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
