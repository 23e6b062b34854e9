// The credential actions, one set for the admin API (./credential-routes.ts) and the console's Administration
// (src/console/admin-pages.tsx), so both follow the same rules:
//   - the configured bootstrap credential keeps its scopes, secret and state (409): ensureBootstrapCredential
//     rewrites it from LRS_BOOTSTRAP_KEY / LRS_BOOTSTRAP_SECRET on every isolate start, so a change made here
//     would be silently undone;
//   - a credential id of another store is a 404 like an unknown one;
//   - disable, rotate and delete end the credential's console sessions for good (src/console/session.ts);
//   - every change is audited.
import type { Bindings } from "../env";
import { conflict, notFound } from "../errors";
import {
  type CredentialView,
  createCredential,
  deleteCredential,
  isManagedBootstrap,
  type NewCredential,
  rotateCredentialSecret,
  updateCredential,
} from "../auth/credentials";
import { recordAudit } from "./audit";
import { requireStore } from "./stores";

export type CredentialChange = { name?: string; scopes?: readonly string[]; disabled?: boolean };

export async function addCredential(
  db: D1Database,
  storeId: string,
  input: NewCredential,
): Promise<{ credential: CredentialView; secret: string }> {
  const store = await requireStore(db, storeId);
  const created = await createCredential(db, store.id, input);
  await recordAudit(db, store.id, "credential.create", { credentialId: created.credential.id });
  return created;
}

/** Name, scopes, disabled. Renaming the bootstrap credential is allowed: nothing rewrites its name. */
export async function changeCredential(
  env: Bindings,
  db: D1Database,
  storeId: string,
  id: string,
  change: CredentialChange,
): Promise<CredentialView> {
  if (change.scopes !== undefined || change.disabled !== undefined) refuseBootstrap(env, id);
  const updated = await updateCredential(db, storeId, id, change);
  if (!updated) throw missing(id);
  if (change.disabled !== undefined || change.scopes !== undefined) {
    await recordAudit(db, storeId, "credential.update", {
      credentialId: id,
      ...(change.disabled !== undefined ? { disabled: change.disabled } : {}),
      ...(change.scopes !== undefined ? { scopes: change.scopes } : {}),
    });
  }
  return updated;
}

export async function rotateCredential(
  env: Bindings,
  db: D1Database,
  storeId: string,
  id: string,
): Promise<{ credential: CredentialView; secret: string }> {
  refuseBootstrap(env, id);
  const rotated = await rotateCredentialSecret(db, storeId, id);
  if (!rotated) throw missing(id);
  await recordAudit(db, storeId, "credential.rotate", { credentialId: id });
  return rotated;
}

export async function removeCredential(env: Bindings, db: D1Database, storeId: string, id: string): Promise<void> {
  refuseBootstrap(env, id);
  if (!(await deleteCredential(db, storeId, id))) throw missing(id);
  await recordAudit(db, storeId, "credential.delete", { credentialId: id });
}

function refuseBootstrap(env: Bindings, id: string): void {
  if (isManagedBootstrap(env, id)) {
    throw conflict("the bootstrap credential is managed by LRS_BOOTSTRAP_KEY / LRS_BOOTSTRAP_SECRET; change it there", "credentialId");
  }
}

function missing(id: string) {
  return notFound(`no credential ${id} in this store`);
}
