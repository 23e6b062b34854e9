// /admin/stores/:storeId/credentials: create (the secret is shown in that response only), list, show, update,
// disable, enable, rotate and delete. A credential id of another store is a 404 like an unknown one.
import { Hono } from "hono";
import { z } from "zod";
import type { AppEnv } from "../env";
import { conflict, notFound } from "../errors";
import {
  BOOTSTRAP_ID_PREFIX,
  createCredential,
  deleteCredential,
  findCredential,
  listCredentials,
  rotateCredentialSecret,
  updateCredential,
  viewCredential,
} from "../auth/credentials";
import { ALL_SCOPES, type Scope } from "../auth/scopes";
import { agentSchema } from "./agent-input";
import { recordAudit } from "./audit";
import { readJson } from "./request-json";
import { requireStore } from "./stores";

const scopes = z
  .array(z.enum(ALL_SCOPES as [Scope, ...Scope[]]))
  .min(1, "at least one scope is required")
  .transform((list) => [...new Set(list)]);
const name = z.string().trim().min(1).max(200);
const createBody = z.strictObject({ name: name.optional(), scopes, authority: agentSchema(false).optional() });
const updateBody = z.strictObject({ name: name.optional(), scopes: scopes.optional(), disabled: z.boolean().optional() });

export const credentialRoutes = new Hono<AppEnv>();

credentialRoutes.get("/", async (c) => {
  const store = await requireStore(c.get("db"), c.req.param("storeId")!);
  return c.json({ credentials: await listCredentials(c.get("db"), store.id) });
});

credentialRoutes.post("/", async (c) => {
  const store = await requireStore(c.get("db"), c.req.param("storeId")!);
  const body = await readJson(c, createBody);
  const { credential, secret } = await createCredential(c.get("db"), store.id, {
    name: body.name ?? "credential",
    scopes: body.scopes,
    authority: body.authority,
  });
  await recordAudit(c.get("db"), store.id, "credential.create", { credentialId: credential.id });
  return c.json({ ...credential, secret }, 201);
});

credentialRoutes.get("/:credentialId", async (c) => {
  const row = await findCredential(c.get("db"), c.req.param("storeId")!, c.req.param("credentialId"));
  if (!row) throw notFound(`no credential ${c.req.param("credentialId")} in this store`);
  return c.json(viewCredential(row));
});

credentialRoutes.patch("/:credentialId", async (c) => {
  const body = await readJson(c, updateBody);
  return c.json(await update(c.get("db"), c.req.param("storeId")!, c.req.param("credentialId"), body));
});

credentialRoutes.post("/:credentialId/disable", async (c) =>
  c.json(await update(c.get("db"), c.req.param("storeId")!, c.req.param("credentialId"), { disabled: true })),
);

credentialRoutes.post("/:credentialId/enable", async (c) =>
  c.json(await update(c.get("db"), c.req.param("storeId")!, c.req.param("credentialId"), { disabled: false })),
);

credentialRoutes.post("/:credentialId/rotate", async (c) => {
  const storeId = c.req.param("storeId")!;
  const id = c.req.param("credentialId");
  refuseBootstrap(id);
  const secret = await rotateCredentialSecret(c.get("db"), storeId, id);
  if (!secret) throw notFound(`no credential ${id} in this store`);
  await recordAudit(c.get("db"), storeId, "credential.rotate", { credentialId: id });
  const row = await findCredential(c.get("db"), storeId, id);
  return c.json({ ...viewCredential(row!), secret });
});

credentialRoutes.delete("/:credentialId", async (c) => {
  const storeId = c.req.param("storeId")!;
  const id = c.req.param("credentialId");
  refuseBootstrap(id);
  if (!(await deleteCredential(c.get("db"), storeId, id))) throw notFound(`no credential ${id} in this store`);
  await recordAudit(c.get("db"), storeId, "credential.delete", { credentialId: id });
  return c.body(null, 204);
});

async function update(
  db: D1Database,
  storeId: string,
  id: string,
  change: { name?: string; scopes?: string[]; disabled?: boolean },
) {
  if (change.scopes !== undefined || change.disabled !== undefined) refuseBootstrap(id);
  const updated = await updateCredential(db, storeId, id, change);
  if (!updated) throw notFound(`no credential ${id} in this store`);
  if (change.disabled !== undefined || change.scopes !== undefined) {
    await recordAudit(db, storeId, "credential.update", {
      credentialId: id,
      ...(change.disabled !== undefined ? { disabled: change.disabled } : {}),
      ...(change.scopes !== undefined ? { scopes: change.scopes } : {}),
    });
  }
  return updated;
}

/** The bootstrap credential is rewritten from LRS_BOOTSTRAP_KEY/SECRET on every isolate start; change it there. */
function refuseBootstrap(id: string): void {
  if (id.startsWith(BOOTSTRAP_ID_PREFIX)) {
    throw conflict("the bootstrap credential is managed by LRS_BOOTSTRAP_KEY / LRS_BOOTSTRAP_SECRET");
  }
}
