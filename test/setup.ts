import { applyD1Migrations } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, beforeEach } from "vitest";
import { clearAllowances, takeReports, takeViolations } from "./strict/ledger";

// Each test file gets isolated storage; migrations are applied to it before its tests run.
const migrations = (env as unknown as { TEST_MIGRATIONS: Parameters<typeof applyD1Migrations>[1] }).TEST_MIGRATIONS;
await applyD1Migrations(env.DB, migrations);
// The second database a store may live in (src/db/store-databases.ts): the same migrations.
await applyD1Migrations((env as unknown as { DB_2: D1Database }).DB_2, migrations);

// The Worker runs under test/strict/strict-worker.ts: a request that broke a production limit fails its test
// even when the Worker answered it with a 4xx/5xx.
beforeEach(() => {
  takeReports();
  takeViolations();
});
afterEach(() => {
  clearAllowances();
  const violations = takeViolations();
  if (violations.length > 0) throw new Error(`${violations.length} platform limit violation(s):\n${violations.join("\n")}`);
});
