// Stores across several D1 databases. A D1 database holds at most 10 GB on Paid (500 MB on Free) and cannot be
// raised (../../../shared/PLATFORM.md), so an LRS with many stores spreads them over bindings DB, DB_2 ... DB_N
// (`npm run deploy -- --databases N` creates and migrates them). Every database gets the same migrations.
// The home database DB keeps what is global: stores (with `database`, the directory), credentials, jobs, auth
// failures, console session generations and the audit rows of store and credential changes. A store's data
// (statements and their index, documents, attachments, activities, agents, rollups, forwarders) lives in the
// one database its row names; NULL names DB, so every deployment from before this upgrades with no data moved.
// A store in another database also has a copy of its row there, so the per-database SQL that joins `stores` (the
// aggregator's existence check, the cron's scans) reads the same in every database.
import type { Bindings } from "../env";

export const HOME_DATABASE = "DB";
const BINDING_NAME = /^DB(?:_([1-9][0-9]*))?$/;
/** Placements kept per isolate: a store never moves, so an entry never goes stale (bounded for memory only). */
const CACHED_PLACEMENTS = 10_000;

const placements = new Map<string, string>();

function isD1(binding: unknown): binding is D1Database {
  return typeof binding === "object" && binding !== null && "prepare" in binding && "batch" in binding && "withSession" in binding;
}

/** The D1 bindings that hold stores: DB first, then DB_2, DB_3 ... in number order. */
export function databaseNames(env: Bindings): string[] {
  const all = env as unknown as Record<string, unknown>;
  return Object.keys(all)
    .filter((name) => BINDING_NAME.test(name) && isD1(all[name]))
    .sort((a, b) => numberOf(a) - numberOf(b));
}

function numberOf(name: string): number {
  return Number(BINDING_NAME.exec(name)?.[1] ?? 1);
}

/** The binding named `name`; throws for a name this Worker has no binding for (a bug or a removed binding). */
export function databaseNamed(env: Bindings, name: string | null | undefined): D1Database {
  const binding = (env as unknown as Record<string, unknown>)[name ?? HOME_DATABASE];
  if (!isD1(binding)) throw new Error(`no D1 binding ${name} (a store's database must stay bound)`);
  return binding;
}

/** The name of the binding holding `storeId`'s data; an unknown store answers DB (it has no data anywhere). */
export async function storeDatabaseName(env: Bindings, storeId: string): Promise<string> {
  const cached = placements.get(storeId);
  if (cached !== undefined) return cached;
  // From the primary: a replica behind the store's creation would answer DB for a store that lives elsewhere.
  const row = await env.DB.withSession("first-primary")
    .prepare("SELECT database FROM stores WHERE id = ?")
    .bind(storeId)
    .first<{ database: string | null }>();
  if (!row) return HOME_DATABASE;
  rememberPlacement(storeId, row.database ?? HOME_DATABASE);
  return row.database ?? HOME_DATABASE;
}

/** The D1 binding holding `storeId`'s data. */
export async function storeDatabase(env: Bindings, storeId: string): Promise<D1Database> {
  return databaseNamed(env, await storeDatabaseName(env, storeId));
}

export function rememberPlacement(storeId: string, name: string): void {
  if (placements.size >= CACHED_PLACEMENTS) placements.clear();
  placements.set(storeId, name);
}

/**
 * The databases new stores may be placed in: LRS_NEW_STORE_DATABASES (comma separated binding names; an
 * operator closes a nearly full database with it), else every bound one.
 */
export function openDatabaseNames(env: Bindings): string[] {
  const bound = databaseNames(env);
  const listed = (env.LRS_NEW_STORE_DATABASES ?? "").split(",").map((name) => name.trim()).filter(Boolean);
  const open = listed.length === 0 ? bound : bound.filter((name) => listed.includes(name));
  return open.length === 0 ? [HOME_DATABASE] : open;
}

/**
 * Where a new store goes: the open database with the fewest bytes, as D1 reports its size after any query
 * (`meta.size_after`): the size is what the 10 GB limit counts, and it costs one trivial query per database at
 * store creation instead of a counter written on every statements request. Ties go to the first in order.
 */
export async function placeNewStore(env: Bindings): Promise<string> {
  const names = openDatabaseNames(env);
  if (names.length === 1) return names[0]!;
  const sizes = await Promise.all(names.map((name) => databaseBytes(databaseNamed(env, name))));
  let best = 0;
  sizes.forEach((size, i) => {
    if (size < sizes[best]!) best = i;
  });
  return names[best]!;
}

/** The database's size in bytes, as D1 reports it after a query that reads nothing. */
export async function databaseBytes(db: D1Database): Promise<number> {
  const result = await db.prepare("SELECT 1").run();
  return result.meta.size_after ?? 0;
}

/** The session for `storeId`'s data beside `home`, a session on DB: `home` itself for a store in DB. */
export async function storeSessionBeside(env: Bindings, storeId: string, home: D1Database): Promise<D1Database> {
  const name = await storeDatabaseName(env, storeId);
  return name === HOME_DATABASE ? home : (databaseNamed(env, name).withSession("first-primary") as unknown as D1Database);
}

/** A session at the primary of the home database (global tables: jobs, credentials, stores). */
export function homePrimary(env: Bindings): D1Database {
  return env.DB.withSession("first-primary") as unknown as D1Database;
}

/** A session at the primary of `storeId`'s database (reads that must see the newest writes). */
export async function storePrimary(env: Bindings, storeId: string): Promise<D1Database> {
  return (await storeDatabase(env, storeId)).withSession("first-primary") as unknown as D1Database;
}
