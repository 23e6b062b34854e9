// /admin/stores/:storeId/credentials: create (the secret is shown in that response only), list, show, update,
// disable, enable, rotate and delete. The rules of each action live in ./credential-actions.ts, shared with the
// console's Administration.
import { Hono } from "hono";
import { z } from "zod";
import type { AppEnv } from "../env";
import { notFound } from "../errors";
import { findCredential, listCredentials, viewCredential } from "../auth/credentials";
import { ALL_SCOPES, type Scope } from "../auth/scopes";
import { agentSchema } from "./agent-input";
import { addCredential, changeCredential, removeCredential, rotateCredential } from "./credential-actions";
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
  const body = await readJson(c, createBody);
  const { credential, secret } = await addCredential(c.get("db"), c.req.param("storeId")!, {
    name: body.name ?? "credential",
    scopes: body.scopes,
    authority: body.authority,
  });
  return c.json({ ...credential, secret }, 201);
});

credentialRoutes.get("/:credentialId", async (c) => {
  const row = await findCredential(c.get("db"), c.req.param("storeId")!, c.req.param("credentialId"));
  if (!row) throw notFound(`no credential ${c.req.param("credentialId")} in this store`);
  return c.json(viewCredential(row));
});

credentialRoutes.patch("/:credentialId", async (c) => {
  const body = await readJson(c, updateBody);
  return c.json(await changeCredential(c.env, c.get("db"), c.req.param("storeId")!, c.req.param("credentialId"), body));
});

for (const action of ["disable", "enable"] as const) {
  credentialRoutes.post(`/:credentialId/${action}`, async (c) =>
    c.json(
      await changeCredential(c.env, c.get("db"), c.req.param("storeId")!, c.req.param("credentialId"), {
        disabled: action === "disable",
      }),
    ),
  );
}

credentialRoutes.post("/:credentialId/rotate", async (c) => {
  const { credential, secret } = await rotateCredential(c.env, c.get("db"), c.req.param("storeId")!, c.req.param("credentialId"));
  return c.json({ ...credential, secret });
});

credentialRoutes.delete("/:credentialId", async (c) => {
  await removeCredential(c.env, c.get("db"), c.req.param("storeId")!, c.req.param("credentialId"));
  return c.body(null, 204);
});
