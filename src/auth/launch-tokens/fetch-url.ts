// The fetch URL handed to a launched course (cmi5 8.2 "fetch"): /tokens/fetch/<tokenId>.<sealed token>. The
// token travels sealed (AES-GCM under a key of the server secret, the token id as associated data), so a log of
// URLs holds nothing usable once the URL has been fetched; the single use itself is a Durable Object's
// (src/durable/launch-token-fetch.ts).
import { fromBase64Url, toBase64Url } from "../../base64url";
import { fetchUrlKey } from "./token-keys";

const IV_BYTES = 12;
const encoder = new TextEncoder();
const decoder = new TextDecoder();

export async function sealFetchHandle(serverSecret: string, tokenId: string, token: string): Promise<string> {
  const iv = crypto.getRandomValues(new Uint8Array(IV_BYTES));
  const sealed = await crypto.subtle.encrypt(
    { name: "AES-GCM", iv, additionalData: encoder.encode(tokenId) },
    await fetchUrlKey(serverSecret),
    encoder.encode(token),
  );
  const bytes = new Uint8Array(IV_BYTES + sealed.byteLength);
  bytes.set(iv);
  bytes.set(new Uint8Array(sealed), IV_BYTES);
  return `${tokenId}.${toBase64Url(bytes)}`;
}

/** The token id and token of a handle this LRS sealed; undefined for anything else. */
export async function openFetchHandle(
  serverSecret: string,
  handle: string,
): Promise<{ tokenId: string; token: string } | undefined> {
  const match = /^([A-Za-z0-9_-]{22})\.([A-Za-z0-9_-]{40,4000})$/.exec(handle);
  const bytes = match ? fromBase64Url(match[2]!) : undefined;
  if (!match || !bytes || bytes.byteLength <= IV_BYTES) return undefined;
  const tokenId = match[1]!;
  try {
    const opened = await crypto.subtle.decrypt(
      { name: "AES-GCM", iv: bytes.slice(0, IV_BYTES), additionalData: encoder.encode(tokenId) },
      await fetchUrlKey(serverSecret),
      bytes.slice(IV_BYTES),
    );
    return { tokenId, token: decoder.decode(opened) };
  } catch {
    return undefined;
  }
}
