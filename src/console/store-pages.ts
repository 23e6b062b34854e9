// The pages of one store, under /console/s/:storeId (access decided by ./store-access.ts).
import { Hono } from "hono";
import { activityPage, learnerDocument, learnerPage } from "./activity-learner-pages";
import type { ConsoleEnv } from "./console-env";
import { explorerPage, exportStatements, livePage } from "./explorer-pages";
import { dashboardPage, overviewPage } from "./figure-pages";
import { downloadExport, jobListPage, jobPage, startExport } from "./job-pages";
import { requireStoreAccess } from "./store-access";

export const storePages = new Hono<ConsoleEnv>();

storePages.use("*", requireStoreAccess);
storePages.get("/", overviewPage);
storePages.get("/dashboard", dashboardPage);
storePages.get("/statements", explorerPage);
storePages.get("/statements/live", livePage);
storePages.get("/statements/export", exportStatements);
storePages.get("/activity", activityPage);
storePages.get("/learner", learnerPage);
storePages.get("/learner/document", learnerDocument);
storePages.get("/jobs", jobListPage);
storePages.post("/jobs/export", startExport);
storePages.get("/jobs/:jobId", jobPage);
storePages.get("/jobs/:jobId/download", downloadExport);
