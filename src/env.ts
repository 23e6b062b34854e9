// The Worker's bindings and variables, with the secrets `wrangler types` cannot see (they come from
// `wrangler secret` in deployments and from `--var` in local runs).
export type Bindings = Env & {
  LRS_BOOTSTRAP_KEY?: string;
  LRS_BOOTSTRAP_SECRET?: string;
  LRS_ADMIN_TOKEN?: string;
  /** Key of the HMAC sealing `more` cursors (falls back to one derived from LRS_BOOTSTRAP_SECRET). */
  LRS_CURSOR_SECRET?: string;
  /** Key material sealing forwarder secrets at rest (falls back like LRS_CURSOR_SECRET; src/forwarding/sealed-secret.ts). */
  LRS_FORWARD_SECRET?: string;
  /** "1" lets forwarders deliver to plain http:// destinations (local development and tests only). */
  LRS_FORWARD_ALLOW_HTTP?: string;
  /** Key of the console's signed session cookies (falls back to LRS_ADMIN_TOKEN, then LRS_BOOTSTRAP_SECRET). */
  LRS_SESSION_SECRET?: string;
  /** Key of launch tokens' MACs (src/auth/launch-tokens); falls back to LRS_CURSOR_SECRET, then the others above. */
  LRS_TOKEN_SECRET?: string;
  /** The console's own origin (https://console.example.org): it then serves only the console (src/http/console-origin.ts). */
  LRS_CONSOLE_ORIGIN?: string;
  /** Origins allowed to call /xapi and /tokens with credentials, comma separated; empty: any origin, none (src/http/cors.ts). */
  LRS_CORS_ORIGINS?: string;
  /** The xAPI versions served, comma separated ("1.0.3,2.0.0" when unset). */
  LRS_XAPI_VERSIONS?: string;
  /** D1 bindings new stores may be placed in, comma separated; unset: all of DB, DB_2 ... (src/db/store-databases.ts). */
  LRS_NEW_STORE_DATABASES?: string;
};

/** What authentication establishes for the rest of the request. */
export type Principal = {
  storeId: string;
  credentialId: string;
  scopes: readonly string[];
  /** The Agent (or Group) set as `authority` on statements this credential writes. */
  authority: Record<string, unknown>;
  /** Present when the request came with a launch token (src/auth/launch-tokens): what the token is bound to. */
  launch?: LaunchBinding;
};

/** A launch token's binding; `credentialId` of its principal is `<issuer id>#<tokenId>`. */
export type LaunchBinding = {
  tokenId: string;
  /** The bound actor's identifier as agentKey (src/xapi/agents/identifier.ts) renders it. */
  actorKey: string;
  /** Lower-cased, as registrations are compared. */
  registration?: string;
  activityId?: string;
};

export type XapiVersion = "1.0.3" | "2.0.0";

export type AppVariables = {
  /** The D1 session of this request (src/http/d1-session.ts); storage code uses it, never env.DB directly. */
  db: D1Database;
  principal: Principal;
  xapiVersion: XapiVersion;
  /** The exact header value sent, echoed back (1.0.0–1.0.3 map to the 1.0.3 rules). */
  xapiVersionHeader: string;
};

export type AppEnv = { Bindings: Bindings; Variables: AppVariables };
