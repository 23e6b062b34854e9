// The web console, mounted at /console by app.ts: server-rendered pages (Hono JSX) over the same storage verbs
// as the xAPI and admin APIs, charts and counters from the per-day rollups (never a scan of statements).
// Static client files (CSS, console.js, the uPlot bundle) are Workers static assets under /console/assets.
//   /console/sign-in                       sign in (admin token or store credential); POST /console/sign-out
//   /console/s/:storeId                    overview          .../statements  explorer (+ /export, /live)
//   /console/s/:storeId/dashboard          dashboard         .../activity?activityId=   .../learner?agent=
//   /console/admin                         administration (admin only): stores, credentials, erasure
//   /console/admin/stores/:storeId/forwarders   the store's statement forwarders (admin only)
import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import type { ConsoleEnv } from "./console-env";
import { adminPages } from "./admin-pages";
import { forwarderPages } from "./forwarder-pages";
import { requireCsrf, requireSession, securityHeaders, signOut, usePrimary } from "./session";
import { signInRoutes } from "./sign-in-routes";
import { storePages } from "./store-pages";

export const consoleRoutes = new Hono<ConsoleEnv>();

// Console forms are a few fields; refuse anything larger before it is read (sign-in is reachable unauthenticated).
const FORM_BYTES = 64 * 1024;

consoleRoutes.use("*", securityHeaders, usePrimary);
consoleRoutes.use("*", bodyLimit({ maxSize: FORM_BYTES, onError: (c) => c.text("This form is too large.", 413) }));
consoleRoutes.route("/", signInRoutes);
consoleRoutes.use("*", requireSession, requireCsrf);

consoleRoutes.get("/", (c) => {
  const viewer = c.get("viewer");
  return c.redirect(viewer.kind === "admin" ? "/console/admin" : `/console/s/${encodeURIComponent(viewer.storeId)}`, 303);
});

consoleRoutes.post("/sign-out", async (c) => {
  await signOut(c);
  return c.redirect("/console/sign-in", 303);
});

consoleRoutes.route("/admin/stores/:storeId/forwarders", forwarderPages);
consoleRoutes.route("/admin", adminPages);
consoleRoutes.route("/s/:storeId", storePages);
