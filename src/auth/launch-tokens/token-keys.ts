// The keys of launch tokens. A token's MAC key is derived (HKDF-SHA256) from the server secret AND the issuing
// credential's current secret hash: rotating the issuer's secret changes the key, so every token it issued stops
// verifying, with no row per token to revoke. The fetch-URL key depends on the server secret alone (the URL is
// opened before any credential is known).
import { deriveKey } from "../secrets";
import type { Bindings } from "../../env";

/**
 * The server secret: LRS_TOKEN_SECRET, else the secrets the `more` cursors fall back to (src/xapi/statements/
 * query/cursor.ts), so a deployment that sets any of them can issue tokens. Undefined when none is set: a random
 * per-isolate secret would make a token fail in every other isolate, so POST /tokens is refused instead.
 */
export function tokenServerSecret(env: Bindings): string | undefined {
  const configured = [
    env.LRS_TOKEN_SECRET,
    env.LRS_CURSOR_SECRET,
    env.LRS_BOOTSTRAP_SECRET,
    env.LRS_SESSION_SECRET,
    env.LRS_ADMIN_TOKEN,
  ];
  return configured.find((value) => typeof value === "string" && value !== "");
}

/** The HMAC-SHA256 key of the tokens of the credential whose secret hash is `issuerSecretHash`. */
export function tokenMacKey(serverSecret: string, issuerSecretHash: string): Promise<CryptoKey> {
  return deriveKey(serverSecret, issuerSecretHash, "edge-lrs launch token mac v1", { name: "HMAC", hash: "SHA-256", length: 256 }, [
    "sign",
    "verify",
  ]);
}

/** The AES-GCM key sealing a token inside its fetch URL. */
export function fetchUrlKey(serverSecret: string): Promise<CryptoKey> {
  return deriveKey(serverSecret, "", "edge-lrs launch token fetch url v1", { name: "AES-GCM", length: 256 }, ["encrypt", "decrypt"]);
}
