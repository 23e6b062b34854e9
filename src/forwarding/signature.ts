// X-LRS-Signature: sha256=<hex HMAC-SHA256 of the raw body> under the forwarder's secret (GitHub's webhook
// convention), so a receiver can check that a delivery came from this LRS and was not altered.
import { toHex } from "../auth/secrets";

const encoder = new TextEncoder();

export async function signBody(secret: string, body: string): Promise<string> {
  const key = await crypto.subtle.importKey("raw", encoder.encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  return `sha256=${toHex(new Uint8Array(await crypto.subtle.sign("HMAC", key, encoder.encode(body))))}`;
}
