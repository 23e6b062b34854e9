// /tokens: a backend holding `tokens/issue` mints launch tokens (POST /tokens), and a launched course trades its
// fetch URL for its token once (POST /tokens/fetch/<handle>, cmi5 8.2), from the browser too: /tokens shares
// the xAPI resources' CORS policy (src/http/cors.ts, mounted in app.ts). Routes parse, call, render.
import { type Context, Hono } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { readJson } from "../../admin/request-json";
import type { AppEnv } from "../../env";
import { unauthorized, XapiError } from "../../errors";
import { useD1Session } from "../../http/d1-session";
import { requireBasicAuth } from "../basic-auth";
import { findCredential } from "../credentials";
import { requireScope } from "../scopes";
import { openFetchHandle } from "./fetch-url";
import { issueLaunchToken } from "./issue-token";
import { readTokenUser } from "./token-format";
import { tokenServerSecret } from "./token-keys";
import { checkTokenRequest, grantTokenScopes, type Refusal, tokenRequestSchema } from "./token-request";

export const launchTokenRoutes = new Hono<AppEnv>();

const NO_STORE = { "Cache-Control": "no-store" };

launchTokenRoutes.post("/", useD1Session, requireBasicAuth, requireScope("tokens/issue"), async function issueToken(c) {
  const issuer = c.get("principal");
  const serverSecret = tokenServerSecret(c.env);
  if (!serverSecret) throw new XapiError(503, "launch tokens need a server secret: set LRS_TOKEN_SECRET");
  const request = orRefused(checkTokenRequest(await readJson(c, tokenRequestSchema)));
  const scopes = orRefused(grantTokenScopes(request.scopes, issuer));
  const row = await findCredential(c.get("db"), issuer.storeId, issuer.credentialId);
  if (!row) throw unauthorized("a valid HTTP Basic credential is required");
  const issued = await issueLaunchToken(
    serverSecret,
    { key: row.key, secretHash: row.secretHash },
    request,
    scopes,
    new URL(c.req.url).origin,
  );
  return c.json(issued, 201, NO_STORE);
});

launchTokenRoutes.post("/fetch/:handle", async function fetchToken(c) {
  const serverSecret = tokenServerSecret(c.env);
  const opened = serverSecret ? await openFetchHandle(serverSecret, c.req.param("handle")) : undefined;
  if (!opened) return fetchError(c, 404, "2", "this is not a fetch URL of this LRS");
  const expiresAtMs = (readTokenUser(atob(opened.token).split(":")[0]!)?.claims.expiresAt ?? 0) * 1000;
  if (expiresAtMs <= Date.now()) return fetchError(c, 410, "2", "the launch token has expired");
  const namespace = c.env.LAUNCH_TOKEN_FETCH;
  const first = await namespace.get(namespace.idFromName(opened.tokenId)).redeem(expiresAtMs);
  if (!first) return fetchError(c, 409, "1", "this fetch URL has already been used");
  return c.json({ "auth-token": opened.token }, 200, NO_STORE);
});

/** cmi5 8.2.3: a refused fetch answers an error JSON with `error-code` ("1": already in use) and `error-text`. */
function fetchError(c: Context<AppEnv>, status: ContentfulStatusCode, code: "1" | "2", text: string): Response {
  return c.json({ "error-code": code, "error-text": text }, status, NO_STORE);
}

function orRefused<T>(checked: { ok: true; value: T } | { ok: false; refusal: Refusal }): T {
  if (!checked.ok) throw new XapiError(checked.refusal.status, checked.refusal.message, checked.refusal.property);
  return checked.value;
}
