// The admin API (JSON, bearer LRS_ADMIN_TOKEN; absent when the secret is unset). Mounted at /admin by app.ts.
//   GET/POST        /admin/stores                         list, create {id?, name}
//   GET/PATCH/DELETE /admin/stores/:storeId               show with figures, rename {name}, delete (202: a job)
//   GET             /admin/stores/:storeId/stats          statements, documents, attachment bytes, ...
//   POST            /admin/stores/:storeId/erase-agent    {agent, related?} (202: a job)
//   GET/POST        /admin/stores/:storeId/jobs[/:jobId]  durable jobs (src/jobs/job-routes.ts); GET /admin/jobs
//   GET             /admin/stores/:storeId/audit          the store's audit log
//   POST            /admin/upgrade-backfill               move rows kept from before the storage change (202: a job)
//   GET/POST        /admin/stores/:storeId/credentials    list, create {name?, scopes, authority?}
//   GET/PATCH/DELETE /admin/stores/:storeId/credentials/:credentialId
//   POST            .../credentials/:credentialId/disable | enable | rotate
//   GET/POST        /admin/stores/:storeId/forwarders     list, create {kind, url | endpoint+key+secret, filter?, ...}
//   GET/DELETE      /admin/stores/:storeId/forwarders/:forwarderId; POST .../pause | resume | replay {since | from}
import { Hono } from "hono";
import type { AppEnv } from "../env";
import { requireAdminToken } from "./admin-token";
import { allJobRoutes, storeJobRoutes } from "../jobs/job-routes";
import { credentialRoutes } from "./credential-routes";
import { forwarderRoutes } from "./forwarder-routes";
import { storeRoutes } from "./store-routes";
import { backfillRoutes } from "../upgrade/backfill-routes";

export const adminRoutes = new Hono<AppEnv>();

adminRoutes.use("*", requireAdminToken);
adminRoutes.route("/stores/:storeId/credentials", credentialRoutes);
adminRoutes.route("/stores/:storeId/forwarders", forwarderRoutes);
adminRoutes.route("/stores/:storeId/jobs", storeJobRoutes);
adminRoutes.route("/jobs", allJobRoutes);
adminRoutes.route("/upgrade-backfill", backfillRoutes);
adminRoutes.route("/stores", storeRoutes);
