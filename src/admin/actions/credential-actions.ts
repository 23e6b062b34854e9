// The credential actions, one set for the admin API (../credential-routes.ts) and the console's Administration
// (src/console/admin-pages.tsx), so both follow the same rules:
//   - the configured bootstrap credential keeps its scopes, secret and state: ensureBootstrapCredential rewrites
//     it from LRS_BOOTSTRAP_KEY / LRS_BOOTSTRAP_SECRET on every isolate start, so a change made here would be
//     silently undone (refusal "bootstrap-credential");
//   - a credential id of another store is not found, like an unknown one;
//   - disable, rotate and delete end the credential's console sessions for good (src/console/session.ts), and
//     its launch tokens (src/auth/launch-tokens/authenticate.ts: disabling through tokens_not_before);
//   - every change writes its audit row in the change's own D1 batch (src/db/alongside.ts).
import type { Bindings } from "../../env";
import {
  type CredentialView,
  deleteCredentialRow,
  findCredential,
  insertCredential,
  isManagedBootstrap,
  type NewCredential,
  rotateCredentialSecret,
  listCredentials,
  updateCredential,
  viewCredential,
} from "../../auth/credentials";
import type { Scope } from "../../auth/scopes";
import { auditAlongside } from "../audit";
import { findStore } from "../stores";
import { type ActionResult, done, refused, type Refused } from "./action-result";

export type CredentialChange = { name?: string; scopes?: readonly Scope[]; disabled?: boolean };
export type CredentialWithSecret = { credential: CredentialView; secret: string };

export async function getCredential(db: D1Database, storeId: string, id: string): Promise<ActionResult<CredentialView>> {
  const row = await findCredential(db, storeId, id);
  return row ? done(viewCredential(row)) : missing(id);
}

export async function listStoreCredentials(db: D1Database, storeId: string): Promise<ActionResult<CredentialView[]>> {
  if (!(await findStore(db, storeId))) return refused("not-found", `no store ${storeId}`);
  return done(await listCredentials(db, storeId));
}

export async function createCredential(
  db: D1Database,
  storeId: string,
  input: NewCredential,
): Promise<ActionResult<CredentialWithSecret>> {
  // A store deleted between this read and the insert leaves a credential its deletion's next pass removes.
  if (!(await findStore(db, storeId))) return refused("not-found", `no store ${storeId}`);
  const id = crypto.randomUUID();
  const audit = auditAlongside(db, { storeId, action: "credential.create", detail: { credentialId: id } });
  return done(await insertCredential(db, storeId, id, input, audit));
}

/** Name, scopes, disabled. Renaming the bootstrap credential is allowed: nothing rewrites its name. */
export async function changeCredential(
  env: Bindings,
  db: D1Database,
  storeId: string,
  id: string,
  change: CredentialChange,
): Promise<ActionResult<CredentialView>> {
  if (change.scopes !== undefined || change.disabled !== undefined) {
    const refusal = bootstrapRefusal(env, id);
    if (refusal) return refusal;
  }
  const detail = {
    credentialId: id,
    ...(change.name !== undefined ? { renamed: true } : {}),
    ...(change.disabled !== undefined ? { disabled: change.disabled } : {}),
    ...(change.scopes !== undefined ? { scopes: change.scopes } : {}),
  };
  const updated = await updateCredential(db, storeId, id, change, auditAlongside(db, { storeId, action: "credential.update", detail }));
  return updated ? done(updated) : missing(id);
}

export const disableCredential = (env: Bindings, db: D1Database, storeId: string, id: string) =>
  changeCredential(env, db, storeId, id, { disabled: true });

export const enableCredential = (env: Bindings, db: D1Database, storeId: string, id: string) =>
  changeCredential(env, db, storeId, id, { disabled: false });

export const setCredentialScopes = (env: Bindings, db: D1Database, storeId: string, id: string, scopes: readonly Scope[]) =>
  changeCredential(env, db, storeId, id, { scopes });

export async function rotateCredential(
  env: Bindings,
  db: D1Database,
  storeId: string,
  id: string,
): Promise<ActionResult<CredentialWithSecret>> {
  const refusal = bootstrapRefusal(env, id);
  if (refusal) return refusal;
  const rotated = await rotateCredentialSecret(
    db,
    storeId,
    id,
    auditAlongside(db, { storeId, action: "credential.rotate", detail: { credentialId: id } }),
  );
  return rotated ? done(rotated) : missing(id);
}

export async function deleteCredential(env: Bindings, db: D1Database, storeId: string, id: string): Promise<ActionResult<null>> {
  const refusal = bootstrapRefusal(env, id);
  if (refusal) return refusal;
  const deleted = await deleteCredentialRow(
    db,
    storeId,
    id,
    auditAlongside(db, { storeId, action: "credential.delete", detail: { credentialId: id } }),
  );
  return deleted ? done(null) : missing(id);
}

function bootstrapRefusal(env: Bindings, id: string): Refused | undefined {
  if (!isManagedBootstrap(env, id)) return undefined;
  return refused(
    "bootstrap-credential",
    "the bootstrap credential is managed by LRS_BOOTSTRAP_KEY / LRS_BOOTSTRAP_SECRET; change it there",
    "credentialId",
  );
}

const missing = (id: string) => refused("not-found", `no credential ${id} in this store`);
