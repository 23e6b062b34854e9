// /admin/stores/:storeId/credentials: create (the secret is shown in that response only), list, show, update,
// disable, enable, rotate and delete. Thin: parse, call the shared action (./actions/credential-actions.ts),
// render its value or refusal.
import { Hono } from "hono";
import { z } from "zod";
import type { AppEnv } from "../env";
import { credentialNameSchema, scopeListSchema } from "./admin-input";
import { agentSchema } from "./agent-input";
import {
  changeCredential,
  createCredential,
  deleteCredential,
  disableCredential,
  enableCredential,
  getCredential,
  listStoreCredentials,
  rotateCredential,
} from "./actions/credential-actions";
import { valueOrRefusal } from "./refusal-response";
import { readJson } from "./request-json";

/** The bodies of create and update, exported for the OpenAPI description (src/openapi/admin-paths.ts). */
export const credentialBody = z.strictObject({
  name: credentialNameSchema.optional(),
  scopes: scopeListSchema,
  authority: agentSchema(false).optional(),
});
export const credentialChangeBody = z.strictObject({
  name: credentialNameSchema.optional(),
  scopes: scopeListSchema.optional(),
  disabled: z.boolean().optional(),
});

export const credentialRoutes = new Hono<AppEnv>();

credentialRoutes.get("/", async (c) => {
  const credentials = valueOrRefusal(await listStoreCredentials(c.get("db"), c.req.param("storeId")!));
  return c.json({ credentials });
});

credentialRoutes.post("/", async (c) => {
  const body = await readJson(c, credentialBody);
  const input = { name: body.name ?? "credential", scopes: body.scopes, authority: body.authority };
  const { credential, secret } = valueOrRefusal(await createCredential(c.get("db"), c.req.param("storeId")!, input));
  return c.json({ ...credential, secret }, 201);
});

credentialRoutes.get("/:credentialId", async (c) =>
  c.json(valueOrRefusal(await getCredential(c.get("db"), c.req.param("storeId")!, c.req.param("credentialId")))),
);

credentialRoutes.patch("/:credentialId", async (c) => {
  const body = await readJson(c, credentialChangeBody);
  return c.json(valueOrRefusal(await changeCredential(c.env, c.get("db"), c.req.param("storeId")!, c.req.param("credentialId"), body)));
});

credentialRoutes.post("/:credentialId/disable", async (c) =>
  c.json(valueOrRefusal(await disableCredential(c.env, c.get("db"), c.req.param("storeId")!, c.req.param("credentialId")))),
);

credentialRoutes.post("/:credentialId/enable", async (c) =>
  c.json(valueOrRefusal(await enableCredential(c.env, c.get("db"), c.req.param("storeId")!, c.req.param("credentialId")))),
);

credentialRoutes.post("/:credentialId/rotate", async (c) => {
  const rotated = await rotateCredential(c.env, c.get("db"), c.req.param("storeId")!, c.req.param("credentialId"));
  const { credential, secret } = valueOrRefusal(rotated);
  return c.json({ ...credential, secret });
});

credentialRoutes.delete("/:credentialId", async (c) => {
  valueOrRefusal(await deleteCredential(c.env, c.get("db"), c.req.param("storeId")!, c.req.param("credentialId")));
  return c.body(null, 204);
});
