// End-to-end check of the CLI against a live `npm start` (node:test; not part of vitest, which runs inside
// workerd). Run: `npx node --test scripts/lrs/cli.test.mjs` (PORT 8850 by default, LRS_CLI_TEST_PORT to change).
// Starts its own LRS with a throwaway state directory and stops its whole process group at the end.
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";

const port = process.env.LRS_CLI_TEST_PORT ?? "8850";
const url = `http://127.0.0.1:${port}`;
const token = "cli-test-admin-token";
const dir = mkdtempSync(join(tmpdir(), "lrs-cli-"));
let server;

function lrs(args, extraEnv = {}) {
  const result = spawnSync(process.execPath, ["scripts/lrs.mjs", ...args], {
    env: { ...process.env, LRS_URL: url, LRS_ADMIN_TOKEN: token, ...extraEnv },
    encoding: "utf8",
  });
  if (result.status !== 0) throw new Error(`lrs ${args.join(" ")}: ${result.stderr}`);
  return result.stdout;
}
const lrsJson = (args, env) => JSON.parse(lrs(args, env));

before(async () => {
  server = spawn(process.execPath, ["scripts/start.mjs"], {
    env: { ...process.env, PORT: port, LRS_PERSIST_DIR: join(dir, "state"), LRS_ADMIN_TOKEN: token },
    stdio: "ignore",
    detached: true,
  });
  for (let i = 0; i < 120; i++) {
    try {
      if ((await fetch(`${url}/xapi/about`)).ok) return;
    } catch {}
    await new Promise((done) => setTimeout(done, 1000));
  }
  throw new Error("the LRS did not start");
});

after(() => {
  if (server?.pid) process.kill(-server.pid, "SIGTERM");
  rmSync(dir, { recursive: true, force: true });
});

function statement(i, withId = true) {
  return {
    ...(withId ? { id: crypto.randomUUID() } : {}),
    actor: { mbox: `mailto:learner${i % 7}@example.com` },
    verb: { id: "http://adlnet.gov/expapi/verbs/completed" },
    object: { id: `http://example.com/activities/${i % 5}` },
  };
}

test("import stores good lines, reports bad ones, and a re-run imports nothing twice; export round-trips", () => {
  lrsJson(["stores", "create", "Source", "--id", "source"]);
  lrsJson(["stores", "create", "Copy", "--id", "copy"]);
  const source = lrsJson(["credentials", "create", "source", "--scopes", "statements/write,statements/read"]);
  const copy = lrsJson(["credentials", "create", "copy", "--scopes", "all"]);
  const as = (credential) => ({ LRS_KEY: credential.key, LRS_SECRET: credential.secret });

  const lines = [];
  for (let i = 0; i < 60; i++) lines.push(JSON.stringify(statement(i, i % 4 !== 0)));
  lines.splice(10, 0, "{broken json");
  lines.splice(30, 0, JSON.stringify({ ...statement(99), verb: undefined }));
  lines.splice(45, 0, JSON.stringify({ ...statement(98), id: "not-a-uuid" }));
  const file = join(dir, "statements.ndjson");
  writeFileSync(file, `${lines.join("\n")}\n`);

  const first = lrsJson(["import", file, "--batch", "16"], as(source));
  assert.deepEqual({ accepted: first.accepted, rejected: first.rejected }, { accepted: 60, rejected: 3 });
  const rejected = readFileSync(`${file}.rejected.ndjson`, "utf8").trim().split("\n").map((l) => JSON.parse(l));
  assert.deepEqual(rejected.map((r) => r.line), [11, 31, 46]);
  assert.match(rejected[0].reason, /not valid JSON/);
  assert.match(rejected[1].reason, /verb/);
  assert.match(rejected[2].reason, /id/);
  assert.equal(lrsJson(["stats", "source"]).statements, 60);

  // Re-run: the saved position skips everything; with --restart the ids make every re-POST a no-op.
  lrsJson(["import", file], as(source));
  lrsJson(["import", file, "--restart"], as(source));
  assert.equal(lrsJson(["stats", "source"]).statements, 60);

  const exported = join(dir, "export.ndjson");
  lrs(["export", "--out", exported], as(source));
  lrsJson(["import", exported], as(copy));
  const copied = join(dir, "copy.ndjson");
  lrs(["export", "--out", copied], as(copy));
  const comparable = (path) =>
    readFileSync(path, "utf8").trim().split("\n").map((line) => {
      const { stored: _stored, authority: _authority, ...rest } = JSON.parse(line);
      return JSON.stringify(rest, Object.keys(rest).sort());
    });
  assert.deepEqual(comparable(copied), comparable(exported));
  assert.equal(comparable(exported).length, 60);

  const csv = lrs(["export", "--csv", "--agent", '{"mbox":"mailto:learner1@example.com"}'], as(source));
  const rows = csv.trim().split("\n");
  assert.match(rows[0], /^id,timestamp,stored,actor/);
  assert.ok(rows.slice(1).every((row) => row.includes("mailto:learner1@example.com")));
});

test("erase-agent and store deletion run to completion", () => {
  lrsJson(["stores", "create", "Erase", "--id", "erase"]);
  const credential = lrsJson(["credentials", "create", "erase"]);
  const file = join(dir, "erase.ndjson");
  writeFileSync(file, Array.from({ length: 14 }, (_, i) => JSON.stringify(statement(i))).join("\n"));
  lrsJson(["import", file], { LRS_KEY: credential.key, LRS_SECRET: credential.secret });
  const erased = lrsJson(["erase-agent", '{"mbox":"mailto:learner0@example.com"}', "--store", "erase", "--yes"]);
  assert.equal(erased.erased.statements, 2);
  assert.equal(lrsJson(["stats", "erase"]).statements, 12);
  const deleted = lrsJson(["stores", "delete", "erase", "--yes"]);
  assert.equal(deleted.done, true);
  assert.ok(!lrsJson(["stores", "list"]).some((store) => store.id === "erase"));
  assert.ok(existsSync(`${file}.import-state`));
});
