// The console's Hono environment: the app's bindings and variables plus who is viewing (./session.ts).
import type { AppVariables, Bindings, Principal } from "../env";

/** The admin sees every store; a credential sees its own store only, within its scopes. */
export type Viewer = { kind: "admin" } | { kind: "credential"; storeId: string; principal: Principal; name: string };

export type ConsoleEnv = {
  Bindings: Bindings;
  Variables: AppVariables & { viewer: Viewer; csrf: string };
};
