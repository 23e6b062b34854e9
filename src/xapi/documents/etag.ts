// Document ETags: the lowercase hex SHA-1 of the exact bytes served (1.0.3 Communication 3.1.s4.b2; 2.0 drops
// the formula, we keep it for both), sent quoted as RFC 7232 §2.3 requires (3.1.s4.b4).
export async function sha1Hex(bytes: Uint8Array | string): Promise<string> {
  const data = typeof bytes === "string" ? new TextEncoder().encode(bytes) : bytes;
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-1", data));
  return Array.from(digest, (byte) => byte.toString(16).padStart(2, "0")).join("");
}

export function quoteEtag(etag: string): string {
  return `"${etag}"`;
}
