// The store (tenant) actions shared by the admin API (../store-routes.ts) and the console's Administration
// (src/console/admin-pages.tsx). Each change writes its audit row in its own D1 batch (src/db/alongside.ts).
// Deleting a store and erasing an agent are resumable jobs with their own modules (../store-deletion.ts,
// ../erasure-request.ts).
import { auditAlongside } from "../audit";
import { databaseNamed, databaseNames, HOME_DATABASE, placeNewStore, rememberPlacement } from "../../db/store-databases";
import type { Bindings } from "../../env";
import { findStore, insertStore, insertStoreCopy, type StoreRow, updateStoreName } from "../stores";
import { type ActionResult, done, refused } from "./action-result";

export async function getStore(db: D1Database, id: string): Promise<ActionResult<StoreRow>> {
  const store = await findStore(db, id);
  return store ? done(store) : refused("not-found", `no store ${id}`);
}

/**
 * A store with the given id (a random UUID when none is given) and name, as checked by ../admin-input.ts, in the
 * database named (else the emptiest open one: src/db/store-databases.ts). `db` is a session on the home database.
 */
export async function createStore(
  env: Bindings,
  db: D1Database,
  input: { id?: string; name: string; database?: string },
): Promise<ActionResult<StoreRow>> {
  const id = input.id ?? crypto.randomUUID();
  if (input.database !== undefined && !databaseNames(env).includes(input.database)) {
    return refused("unknown-database", `no D1 binding ${input.database}: one of ${databaseNames(env).join(", ")}`, "database");
  }
  // An id in use is refused before a copy of the row is written elsewhere for it.
  if (input.id !== undefined && (await findStore(db, id))) return refused("store-id-taken", `a store with id ${id} exists`, "id");
  const database = input.database ?? (await placeNewStore(env));
  const createdAt = Date.now();
  if (database !== HOME_DATABASE) await insertStoreCopy(databaseNamed(env, database), id, input.name, database, createdAt);
  const audit = auditAlongside(db, { storeId: id, action: "store.create", detail: { storeId: id } });
  const created = await insertStore(db, id, input.name, audit, database === HOME_DATABASE ? null : database, createdAt);
  if (created) rememberPlacement(id, database);
  return created ? done(created) : refused("store-id-taken", `a store with id ${id} exists`, "id");
}

export async function renameStore(db: D1Database, id: string, name: string): Promise<ActionResult<StoreRow>> {
  const renamed = await updateStoreName(db, id, name, auditAlongside(db, { storeId: id, action: "store.rename", detail: { storeId: id } }));
  return renamed ? done(renamed) : refused("not-found", `no store ${id}`);
}
