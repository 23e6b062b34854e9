// createApp(): the one app factory used by the Worker entry and by the tests.
import { Hono } from "hono";
import { createMiddleware } from "hono/factory";
import { HTTPException } from "hono/http-exception";
import { requireBasicAuth } from "./auth/basic-auth";
import { launchTokenRoutes } from "./auth/launch-tokens/routes";
import type { AppEnv } from "./env";
import { XapiError } from "./errors";
import { separateConsoleOrigin } from "./http/console-origin";
import { browserCors } from "./http/cors";
import { renderRejection } from "./http/error-format";
import { useD1Session, useStoreSession } from "./http/d1-session";
import { xapiResponseHeaders } from "./http/stored-body-headers";
import { adminRoutes } from "./admin/routes";
import { consoleRoutes } from "./console/routes";
import { openapiRoutes } from "./openapi/routes";
import { aboutRoutes } from "./xapi/about/routes";
import { activityRoutes } from "./xapi/activities/routes";
import { agentRoutes } from "./xapi/agents/routes";
import { rewriteAlternateRequest } from "./xapi/alternate-syntax";
import { documentRoutes } from "./xapi/documents/routes";
import { CONSISTENT_THROUGH_HEADER } from "./statement-store/consistent-through";
import { statementRoutes } from "./xapi/statements/routes";
import { requireXapiVersion, responseVersion, servedVersions, VERSION_HEADER } from "./xapi/version";

export function createApp(): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const xapi = new Hono<AppEnv>();

  // Every response names the version that served it (1.0.3 Communication 3.3.s3.b1), as the latest patch
  // version of those rules (see responseVersion for requests without the header). And every response carries
  // Date: clients (the conformance suites among them) measure the LRS's lag as Date minus Consistent-Through.
  // Registered before CORS so that preflight (OPTIONS) answers carry them too.
  xapi.use("*", xapiResponseHeaders);
  xapi.use("*", async function setVersionAndDateHeaders(c, next) {
    await next();
    c.res.headers.set(VERSION_HEADER, responseVersion(c.req.header(VERSION_HEADER), servedVersions(c.env)));
    if (!c.res.headers.has("Date")) c.res.headers.set("Date", new Date().toUTCString());
  });

  // Consistent-Through is on every Statements response (1.0.3 Communication 2.1.3.s2.b5), even a 400 or 401
  // answered before the store is known; nothing of any store is visible to such a request, so the time of the
  // answer is a true (vacuous) bound. Authenticated responses carry the store's own value (statements/routes.ts).
  xapi.use("/statements", setFallbackConsistentThrough);
  xapi.use("/statements/*", setFallbackConsistentThrough);
  xapi.use("*", browserCors);
  // 1.0.3 Alternate Request Syntax: re-dispatch the equivalent ordinary request through the whole app.
  xapi.use("*", async function alternateRequestSyntax(c, next) {
    const rewritten = await rewriteAlternateRequest(c);
    if (!rewritten) return next();
    c.res = await app.fetch(rewritten, c.env, c.executionCtx);
  });
  xapi.route("/about", aboutRoutes);
  xapi.route("/openapi.json", openapiRoutes);
  xapi.use("*", requireXapiVersion, useD1Session, requireBasicAuth, useStoreSession);
  mountXapiResources(xapi);
  xapi.notFound((c) => renderRejection(c, { status: 404, message: `no xAPI resource at ${c.req.path}` }));

  app.use("*", separateConsoleOrigin);
  app.route("/xapi", xapi);
  // Launch tokens (src/auth/launch-tokens): beside /xapi, not under it, since minting one is no xAPI resource.
  app.use("/tokens", browserCors);
  app.use("/tokens/*", browserCors);
  app.route("/tokens", launchTokenRoutes);
  app.route("/admin", adminRoutes);
  app.route("/console", consoleRoutes);
  app.onError(renderError);
  app.notFound((c) => renderRejection(c, { status: 404, message: `nothing at ${c.req.path}` }));
  return app;
}

const setFallbackConsistentThrough = createMiddleware(async function setFallbackConsistentThrough(c, next) {
  await next();
  if (!c.res.headers.has(CONSISTENT_THROUGH_HEADER)) c.res.headers.set(CONSISTENT_THROUGH_HEADER, new Date().toISOString());
});

/** The xAPI resources behind version negotiation and authentication. */
function mountXapiResources(xapi: Hono<AppEnv>): void {
  xapi.route("/statements", statementRoutes);
  xapi.route("/activities/state", documentRoutes("state"));
  xapi.route("/activities/profile", documentRoutes("activity_profile"));
  xapi.route("/agents/profile", documentRoutes("agent_profile"));
  xapi.route("/agents", agentRoutes);
  xapi.route("/activities", activityRoutes);
}

function renderError(error: Error, c: Parameters<Parameters<Hono<AppEnv>["onError"]>[0]>[1]): Response {
  if (error instanceof XapiError) {
    return renderRejection(c, { status: error.status, message: error.message, path: error.path }, error.headers);
  }
  if (error instanceof HTTPException) {
    return renderRejection(c, { status: error.status, message: error.message || "request refused" });
  }
  // A bug: say nothing of internals to the client; the message is for the operator's logs.
  console.error("unhandled error", error);
  return renderRejection(c, { status: 500, message: "internal error" });
}
