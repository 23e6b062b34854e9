// Storage verbs for credentials. Lookups for authentication are by key only; the caller compares the secret
// hash itself so that a missing key and a wrong secret take the same path. Admin verbs take the store id, so a
// credential of another store is simply not found.
import { and, asc, eq, type SQL, sql } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import type { Alongside } from "../db/alongside";
import { credentials } from "../db/schema";
import type { Bindings } from "../env";
import { forgetCredential, forgetStoreCredentials } from "./credential-cache";
import { hashSecret, randomToken } from "./secrets";

export type CredentialRow = typeof credentials.$inferSelect;
/** A credential as the admin API shows it: never the secret nor its hash. */
export type CredentialView = Omit<
  CredentialRow,
  "secretHash" | "scopes" | "authority" | "disabled" | "sessionGeneration" | "tokensNotBefore"
> & {
  scopes: string[];
  authority: Record<string, unknown>;
  disabled: boolean;
};

export const DEFAULT_STORE_ID = "default";
export const BOOTSTRAP_ID_PREFIX = "bootstrap:";

/**
 * True for the credential ensureBootstrapCredential rewrites from LRS_BOOTSTRAP_KEY / LRS_BOOTSTRAP_SECRET on
 * every isolate start: changing it anywhere else would be silently undone. A bootstrap row of a key no longer
 * configured is an ordinary credential (it can be disabled or deleted).
 */
export function isManagedBootstrap(env: Bindings, id: string): boolean {
  return !!env.LRS_BOOTSTRAP_KEY && !!env.LRS_BOOTSTRAP_SECRET && id === `${BOOTSTRAP_ID_PREFIX}${env.LRS_BOOTSTRAP_KEY}`;
}

/**
 * The lookup of authentication as a raw statement, so it can share one D1 batch with the throttle read; with the
 * store's database (src/db/store-databases.ts), so the request learns where its store lives in the same read.
 */
export function selectCredentialByKey(db: D1Database, key: string): D1PreparedStatement {
  return db
    .prepare(
      "SELECT c.*, s.database FROM (SELECT id, store_id, secret_hash, scopes, authority, disabled, tokens_not_before " +
        "FROM credentials WHERE key = ? LIMIT 1) AS c LEFT JOIN stores AS s ON s.id = c.store_id",
    )
    .bind(key);
}

/**
 * The homePage kept in a credential's default authority: a placeholder, because the LRS's own address is only
 * known per request. assignedAuthority replaces it with the origin the request came to, since an account's
 * homePage is an IRL (1.0.3 Data 2.4.2.4). Statements stored before that change keep it as they were stored.
 */
export const CREDENTIAL_HOME_PAGE = "urn:edge-lrs:credential";

/** The authority Agent of a credential: an account on the LRS's own home page, named by the key. */
export function defaultAuthority(key: string): Record<string, unknown> {
  return { objectType: "Agent", name: key, account: { homePage: CREDENTIAL_HOME_PAGE, name: key } };
}

/** The authority a request's statements get: the stored one, the placeholder homePage made `origin`. */
export function assignedAuthority(authority: Record<string, unknown>, origin: string): Record<string, unknown> {
  const account = authority.account as Record<string, unknown> | undefined;
  if (account?.homePage !== CREDENTIAL_HOME_PAGE) return authority;
  return { ...authority, account: { ...account, homePage: origin } };
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
      id: `${BOOTSTRAP_ID_PREFIX}${key}`,
      storeId: DEFAULT_STORE_ID,
      name: "bootstrap",
      key,
      secretHash,
      scopes: JSON.stringify(["all"]),
      authority: JSON.stringify(defaultAuthority(key)),
      disabled: 0,
      createdAt: Date.now(),
      // Its id comes from the key, so a deleted bootstrap row can come back under the same id: starting its
      // session generation at the clock keeps the sessions of the earlier row ended.
      sessionGeneration: Date.now(),
    })
    .onConflictDoUpdate({
      target: credentials.key,
      set: { secretHash, scopes: JSON.stringify(["all"]), disabled: 0, storeId: DEFAULT_STORE_ID },
    });
  // Other values for the same key (a redeploy, a test) must not be answered from the old entry.
  forgetCredential(`${BOOTSTRAP_ID_PREFIX}${key}`);
}

export function viewCredential(row: CredentialRow): CredentialView {
  const { secretHash: _hash, sessionGeneration: _generation, tokensNotBefore: _notBefore, scopes, authority, disabled, ...rest } = row;
  return {
    ...rest,
    scopes: JSON.parse(scopes) as string[],
    authority: JSON.parse(authority) as Record<string, unknown>,
    disabled: disabled !== 0,
  };
}

export async function listCredentials(db: D1Database, storeId: string): Promise<CredentialView[]> {
  const rows = await drizzle(db)
    .select()
    .from(credentials)
    .where(eq(credentials.storeId, storeId))
    .orderBy(asc(credentials.createdAt), asc(credentials.id));
  return rows.map(viewCredential);
}

export async function findCredential(db: D1Database, storeId: string, id: string): Promise<CredentialRow | undefined> {
  const rows = await drizzle(db)
    .select()
    .from(credentials)
    .where(and(eq(credentials.storeId, storeId), eq(credentials.id, id)))
    .limit(1);
  return rows[0];
}

/** "This credential exists": the condition under which a change of it takes effect (../db/alongside.ts). */
function credentialFound(storeId: string, id: string): SQL {
  return sql`EXISTS (SELECT 1 FROM ${credentials} WHERE ${credentials.storeId} = ${storeId} AND ${credentials.id} = ${id})`;
}

export type NewCredential = {
  name: string;
  scopes: readonly string[];
  authority?: Record<string, unknown>;
};

/**
 * A new credential with a generated key (128 bits) and secret (256 bits). The secret is returned here once and
 * only its hash is kept.
 */
export async function insertCredential(
  db: D1Database,
  storeId: string,
  id: string,
  input: NewCredential,
  alongside: Alongside,
): Promise<{ credential: CredentialView; secret: string }> {
  const key = randomToken(16);
  const secret = randomToken(32);
  const row: CredentialRow = {
    id,
    storeId,
    name: input.name,
    key,
    secretHash: await hashSecret(secret),
    scopes: JSON.stringify(input.scopes),
    authority: JSON.stringify(input.authority ?? defaultAuthority(key)),
    disabled: 0,
    createdAt: Date.now(),
    sessionGeneration: 0,
    tokensNotBefore: 0,
  };
  const orm = drizzle(db);
  await orm.batch([orm.insert(credentials).values(row), alongside(credentialFound(storeId, row.id))]);
  return { credential: viewCredential(row), secret };
}

// Raised by every change that must end the credential's console sessions (src/console/session.ts).
const nextGeneration = sql`${credentials.sessionGeneration} + 1`;

/**
 * A new secret for the same key and id, so statements and their authority stay with the credential. Ends its
 * console sessions.
 */
export async function rotateCredentialSecret(
  db: D1Database,
  storeId: string,
  id: string,
  alongside: Alongside,
): Promise<{ credential: CredentialView; secret: string } | undefined> {
  const secret = randomToken(32);
  const orm = drizzle(db);
  const [updated] = await orm.batch([
    orm
      .update(credentials)
      .set({ secretHash: await hashSecret(secret), sessionGeneration: nextGeneration })
      .where(and(eq(credentials.storeId, storeId), eq(credentials.id, id)))
      .returning(),
    alongside(credentialFound(storeId, id)),
  ]);
  forgetCredential(id);
  return updated[0] && { credential: viewCredential(updated[0]), secret };
}

/** Ends every console session of the credential (sign-out). False when there is no such credential. */
export async function endCredentialSessions(db: D1Database, storeId: string, id: string): Promise<boolean> {
  const rows = await drizzle(db)
    .update(credentials)
    .set({ sessionGeneration: nextGeneration })
    .where(and(eq(credentials.storeId, storeId), eq(credentials.id, id)))
    .returning({ id: credentials.id });
  return rows.length > 0;
}

/**
 * Disabling ends the credential's launch tokens for good (issue 16): the ones issued until now stay refused once
 * it is enabled again. Enabling a disabled one moves the cut to its own time too, so a token another isolate
 * issued from its cached, still-enabled copy while the credential was disabled does not come back either.
 * Enabling an enabled credential leaves its tokens alone. (The CASE reads the row as it was before the update.)
 */
function endLaunchTokens(disabled: boolean | undefined): { tokensNotBefore?: number | SQL } {
  if (disabled === undefined) return {};
  const now = Date.now();
  if (disabled) return { tokensNotBefore: now };
  return { tokensNotBefore: sql`CASE WHEN ${credentials.disabled} = 0 THEN ${credentials.tokensNotBefore} ELSE ${now} END` };
}

export async function updateCredential(
  db: D1Database,
  storeId: string,
  id: string,
  change: { name?: string; scopes?: readonly string[]; disabled?: boolean },
  alongside: Alongside,
): Promise<CredentialView | undefined> {
  const set: Partial<CredentialRow> = {};
  if (change.name !== undefined) set.name = change.name;
  if (change.scopes !== undefined) set.scopes = JSON.stringify(change.scopes);
  if (change.disabled !== undefined) set.disabled = change.disabled ? 1 : 0;
  const where = and(eq(credentials.storeId, storeId), eq(credentials.id, id));
  if (Object.keys(set).length === 0) {
    const row = await findCredential(db, storeId, id);
    return row && viewCredential(row);
  }
  // Disabling ends the console sessions for good: enabling again must not revive them.
  const generation = change.disabled ? { sessionGeneration: nextGeneration } : {};
  const orm = drizzle(db);
  const [rows] = await orm.batch([
    orm.update(credentials).set({ ...set, ...generation, ...endLaunchTokens(change.disabled) }).where(where).returning(),
    alongside(credentialFound(storeId, id)),
  ]);
  // Scopes and the disabled flag are read from the cache: this isolate must see the change at once.
  forgetCredential(id);
  return rows[0] && viewCredential(rows[0]);
}

export async function deleteCredentialRow(db: D1Database, storeId: string, id: string, alongside: Alongside): Promise<boolean> {
  const orm = drizzle(db);
  // The query alongside runs first, while the row still exists.
  const [, rows] = await orm.batch([
    alongside(credentialFound(storeId, id)),
    orm
      .delete(credentials)
      .where(and(eq(credentials.storeId, storeId), eq(credentials.id, id)))
      .returning({ id: credentials.id }),
  ]);
  forgetCredential(id);
  return rows.length > 0;
}

export async function deleteStoreCredentials(db: D1Database, storeId: string): Promise<number> {
  const rows = await drizzle(db)
    .delete(credentials)
    .where(eq(credentials.storeId, storeId))
    .returning({ id: credentials.id });
  forgetStoreCredentials(storeId);
  return rows.length;
}
