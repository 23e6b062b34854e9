// The `more` IRL (1.0.3 Data 2.5; 9274.1.1 4.2.4.3): the original query parameters plus `cursor`, a keyset
// position (the seq of the last statement served) and, for a query of two or more filters, which of them drove
// the first page (so the next pages skip the selectivity probe: one D1 round trip instead of two), sealed with an
// HMAC over the store and the parameters.
// Paging by position, not offset, keeps pages stable while statements arrive; nothing is kept on the server,
// so a `more` IRL lives as long as the key (well past the required 24 hours).
//
// Key: LRS_CURSOR_SECRET when set (npm run deploy sets it), else derived from the first configured secret. A forged
// cursor could only name a position in the caller's own store (what since/until already allow), so the MAC
// is about refusing tampered or truncated IRLs with a 400, not about secrecy.
import { toBase64Url } from "../../../base64url";
import { badRequest } from "../../../errors";

const encoder = new TextEncoder();
const MAC_BYTES = 16;
let cachedKey: { material: string; key: Promise<CryptoKey> } | undefined;

// Never a public constant: with no secret configured at all, a random key of this isolate (a `more` IRL may
// then be refused with a 400 by another isolate, which `npm run deploy` avoids by setting LRS_CURSOR_SECRET).
let isolateSecret: string | undefined;

export function cursorKeyMaterial(env: Record<string, unknown>): string {
  const configured = [env.LRS_CURSOR_SECRET, env.LRS_BOOTSTRAP_SECRET, env.LRS_SESSION_SECRET, env.LRS_ADMIN_TOKEN];
  const secret = configured.find((value) => typeof value === "string" && value !== "") as string | undefined;
  isolateSecret ??= [...crypto.getRandomValues(new Uint8Array(32))].map((b) => b.toString(16).padStart(2, "0")).join("");
  return `edge-lrs statement cursor v1\n${secret ?? isolateSecret}`;
}

function hmacKey(material: string): Promise<CryptoKey> {
  if (cachedKey?.material !== material) {
    const key = crypto.subtle.importKey("raw", encoder.encode(material), { name: "HMAC", hash: "SHA-256" }, false, [
      "sign",
      "verify",
    ]);
    cachedKey = { material, key };
  }
  return cachedKey.key;
}

/** The parameters a cursor is bound to, in a canonical order (the cursor itself excluded). */
export function canonicalParameters(entries: Iterable<[string, string]>): string {
  return [...entries]
    .filter(([name]) => name !== "cursor")
    .map(([name, value]) => `${encodeURIComponent(name)}=${encodeURIComponent(value)}`)
    .sort()
    .join("&");
}

/** Where a `more` page starts: after `seq`, driven by the filter at `driver` in rankByKind's order (selectivity.ts). */
export type CursorPosition = { seq: number; driver?: number };

async function mac(material: string, storeId: string, parameters: string, { seq, driver }: CursorPosition): Promise<Uint8Array> {
  const data = encoder.encode(`${storeId}\n${parameters}\n${seq}${driver === undefined ? "" : `\n${driver}`}`);
  const signature = await crypto.subtle.sign("HMAC", await hmacKey(material), data);
  return new Uint8Array(signature).slice(0, MAC_BYTES);
}

export async function sealCursor(material: string, storeId: string, parameters: string, position: CursorPosition): Promise<string> {
  const driver = position.driver === undefined ? "" : `d${position.driver}`;
  return `${position.seq}${driver}.${toBase64Url(await mac(material, storeId, parameters, position))}`;
}

/**
 * The position a cursor carries; 400 when it was not issued by this LRS for exactly this store and query. A cursor
 * without a driver (issued before drivers were sealed, or for fewer than two filters) still opens.
 */
export async function openCursor(material: string, storeId: string, parameters: string, cursor: string): Promise<CursorPosition> {
  const match = /^(\d{1,15})(?:d(\d))?\.([A-Za-z0-9_-]{22})$/.exec(cursor);
  const seq = match ? Number(match[1]) : NaN;
  if (!match || !Number.isSafeInteger(seq)) throw badRequest("malformed cursor", "cursor");
  const position: CursorPosition = match[2] === undefined ? { seq } : { seq, driver: Number(match[2]) };
  const expected = toBase64Url(await mac(material, storeId, parameters, position));
  let diff = 0;
  for (let i = 0; i < expected.length; i++) diff |= expected.charCodeAt(i) ^ match[3]!.charCodeAt(i);
  if (diff !== 0) throw badRequest("the cursor does not belong to this query (tampered or from another query)", "cursor");
  return position;
}
