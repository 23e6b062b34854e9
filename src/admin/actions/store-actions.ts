// The store (tenant) actions shared by the admin API (../store-routes.ts) and the console's Administration
// (src/console/admin-pages.tsx). Each change writes its audit row in its own D1 batch (src/db/alongside.ts).
// Deleting a store and erasing an agent are resumable jobs with their own modules (../store-deletion.ts,
// ../erasure-request.ts).
import { auditAlongside } from "../audit";
import { findStore, insertStore, type StoreRow, updateStoreName } from "../stores";
import { type ActionResult, done, refused } from "./action-result";

export async function getStore(db: D1Database, id: string): Promise<ActionResult<StoreRow>> {
  const store = await findStore(db, id);
  return store ? done(store) : refused("not-found", `no store ${id}`);
}

/** A store with the given id (a random UUID when none is given) and name, as checked by ../admin-input.ts. */
export async function createStore(db: D1Database, input: { id?: string; name: string }): Promise<ActionResult<StoreRow>> {
  const id = input.id ?? crypto.randomUUID();
  const created = await insertStore(db, id, input.name, auditAlongside(db, { storeId: id, action: "store.create", detail: { storeId: id } }));
  return created ? done(created) : refused("store-id-taken", `a store with id ${id} exists`, "id");
}

export async function renameStore(db: D1Database, id: string, name: string): Promise<ActionResult<StoreRow>> {
  const renamed = await updateStoreName(db, id, name, auditAlongside(db, { storeId: id, action: "store.rename", detail: { storeId: id } }));
  return renamed ? done(renamed) : refused("not-found", `no store ${id}`);
}
