// Storage verbs for credentials. Lookups are by key only; the caller compares the secret hash itself so that
// a missing key and a wrong secret take the same path.
import { eq } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import { credentials } from "../db/schema";
import { hashSecret } from "./secrets";

export type CredentialRow = typeof credentials.$inferSelect;

export const DEFAULT_STORE_ID = "default";

export async function findCredentialByKey(db: D1Database, key: string): Promise<CredentialRow | undefined> {
  const rows = await drizzle(db).select().from(credentials).where(eq(credentials.key, key)).limit(1);
  return rows[0];
}

/** The authority Agent of a credential: an account on the LRS's own home page, named by the key. */
export function defaultAuthority(key: string): Record<string, unknown> {
  return { objectType: "Agent", name: key, account: { homePage: "urn:edge-lrs:credential", name: key } };
}

/**
 * Makes sure the bootstrap credential (LRS_BOOTSTRAP_KEY / LRS_BOOTSTRAP_SECRET) exists with exactly these
 * values and the `all` scope in the default store. Idempotent; run once per isolate.
 */
export async function ensureBootstrapCredential(db: D1Database, key: string, secret: string): Promise<void> {
  const secretHash = await hashSecret(secret);
  await drizzle(db)
    .insert(credentials)
    .values({
      id: `bootstrap:${key}`,
      storeId: DEFAULT_STORE_ID,
      name: "bootstrap",
      key,
      secretHash,
      scopes: JSON.stringify(["all"]),
      authority: JSON.stringify(defaultAuthority(key)),
      disabled: 0,
      createdAt: Date.now(),
    })
    .onConflictDoUpdate({
      target: credentials.key,
      set: { secretHash, scopes: JSON.stringify(["all"]), disabled: 0, storeId: DEFAULT_STORE_ID },
    });
}
