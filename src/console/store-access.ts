// Which store a console page is about, and as whom it is read. A credential sees only its own store: any
// other store id is answered 404, exactly like a store that does not exist, so ids of other tenants cannot
// even be probed. The admin reads any existing store with every scope.
import type { Context } from "hono";
import { createMiddleware } from "hono/factory";
import type { Principal } from "../env";
import { hasScope, type Scope } from "../auth/scopes";
import { findStore } from "../admin/stores";
import { storeSessionBeside } from "../db/store-databases";
import type { ConsoleEnv } from "./console-env";

export const ADMIN_CREDENTIAL_ID = "console-admin";

export const requireStoreAccess = createMiddleware<ConsoleEnv>(async function requireStoreAccess(c, next) {
  const storeId = c.req.param("storeId") ?? "";
  const viewer = c.get("viewer");
  if (viewer.kind === "credential") {
    if (viewer.storeId !== storeId) return c.text("Not found", 404);
    c.set("principal", viewer.principal);
  } else {
    if (!(await findStore(c.get("db"), storeId))) return c.text("Not found", 404);
    c.set("principal", { storeId, credentialId: ADMIN_CREDENTIAL_ID, scopes: ["all"], authority: {} });
  }
  // The pages read the store's data: from here on the session is on the store's database (the job pages, which
  // read the global jobs table, open their own on DB).
  c.set("db", await storeSessionBeside(c.env, storeId, c.get("db")));
  await next();
});

/** The store's principal when it holds the scope, else undefined (the page answers 403). */
export function principalWith(c: Context<ConsoleEnv>, scope: Scope): Principal | undefined {
  const principal = c.get("principal");
  return hasScope(principal, scope) ? principal : undefined;
}

export function storeBase(storeId: string): string {
  return `/console/s/${encodeURIComponent(storeId)}`;
}
