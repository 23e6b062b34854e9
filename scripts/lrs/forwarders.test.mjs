// The CLI's forwarders commands against a live `npm start` (node:test, like ./cli.test.mjs; run:
// `npx node --test scripts/lrs/forwarders.test.mjs`, PORT 8860 by default, LRS_FORWARDERS_TEST_PORT to change).
// The destinations are on this machine: a webhook receiver here that checks each delivery's signature with the
// secret the CLI printed, and the LRS itself (another store) as the xAPI destination. Plain http is allowed for
// them with LRS_FORWARD_ALLOW_HTTP=1, as in local development.
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { createHmac } from "node:crypto";
import { once } from "node:events";
import { createServer } from "node:http";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { after, before, test } from "node:test";

const root = resolve(import.meta.dirname, "..", "..");
const port = process.env.LRS_FORWARDERS_TEST_PORT ?? "8860";
const url = `http://127.0.0.1:${port}`;
const token = `forwarders-test-admin-token-${crypto.randomUUID()}`;
const dir = mkdtempSync(join(tmpdir(), "lrs-forwarders-"));
let server;

function run(args, extra = {}) {
  return spawnSync(process.execPath, ["scripts/lrs.mjs", ...args], {
    cwd: root,
    env: { ...process.env, LRS_URL: url, LRS_ADMIN_TOKEN: token, LRS_DESTINATION_SECRET: "", ...extra.env },
    input: extra.input,
    encoding: "utf8",
  });
}
function lrsJson(args, extra) {
  const result = run(args, extra);
  if (result.status !== 0) throw new Error(`lrs ${args.join(" ")}: ${result.stderr}`);
  return JSON.parse(result.stdout);
}

before(async () => {
  server = spawn(process.execPath, ["scripts/start.mjs"], {
    cwd: root,
    env: {
      ...process.env,
      PORT: port,
      LRS_PERSIST_DIR: join(dir, "state"),
      LRS_ADMIN_TOKEN: token,
      LRS_FORWARD_ALLOW_HTTP: "1",
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

after(async () => {
  if (server && server.exitCode === null && server.signalCode === null) {
    const exited = once(server, "exit");
    process.kill(-server.pid, "SIGTERM");
    await exited;
  }
  rmSync(dir, { recursive: true, force: true });
});

const statement = (i) => ({
  id: crypto.randomUUID(),
  actor: { mbox: `mailto:learner${i}@example.com` },
  verb: { id: "http://adlnet.gov/expapi/verbs/completed" },
  object: { id: `http://example.com/activities/${i}` },
});

test("forwarders: create, list, show, pause, resume, replay and delete through the CLI", () => {
  lrsJson(["stores", "create", "Forwarding", "--id", "fwd"]);
  // A closed port on loopback, and paused at once below: nothing is sent anywhere.
  const hook = "https://127.0.0.1:9/hook";
  const created = lrsJson(["forwarders", "create", "fwd", "webhook", hook, "--filter", '{"verb":"http://adlnet.gov/expapi/verbs/completed"}', "--batch-size", "50"]);
  assert.match(created.secret, /^[0-9a-f]{64}$/);
  assert.equal(lrsJson(["forwarders", "pause", "fwd", created.id]).state, "paused");
  const listed = run(["forwarders", "list", "fwd"]);
  assert.equal(listed.stdout.includes(created.secret), false);
  assert.deepEqual(
    JSON.parse(listed.stdout).map((f) => [f.id, f.kind, f.destination.url, f.batchSize, f.filter.verb, f.state]),
    [[created.id, "webhook", hook, 50, "http://adlnet.gov/expapi/verbs/completed", "paused"]],
  );
  const shown = lrsJson(["forwarders", "show", "fwd", created.id]);
  assert.deepEqual([shown.position, shown.lag, shown.attempts, shown.lastError], [0, { statements: 0, capped: false, seconds: 0 }, 0, null]);

  const replayed = lrsJson(["forwarders", "replay", "fwd", created.id, "--since", "2026-01-01T00:00:00Z"]);
  assert.equal(replayed.id, created.id);
  const neither = run(["forwarders", "replay", "fwd", created.id]);
  assert.equal(neither.status, 1);
  assert.match(neither.stderr, /needs exactly one of --since <timestamp> and --from-beginning/);
  const badSince = run(["forwarders", "replay", "fwd", created.id, "--since", "yesterday"]);
  assert.equal(badSince.status, 1);
  assert.match(badSince.stderr, /400 .*since/);

  const plain = run(["forwarders", "create", "fwd", "webhook", "ftp://127.0.0.1:9/"]);
  assert.equal(plain.status, 1);
  assert.match(plain.stderr, /400 .*url/);

  assert.deepEqual(lrsJson(["forwarders", "delete", "fwd", created.id]), { deleted: created.id });
  assert.deepEqual(lrsJson(["forwarders", "list", "fwd"]), []);
  const gone = run(["forwarders", "show", "fwd", created.id]);
  assert.match(gone.stderr, /404/);
});

test("forwarders create xapi: the destination secret from stdin or LRS_DESTINATION_SECRET, never from the command line or echoed", () => {
  lrsJson(["stores", "create", "Secrets", "--id", "fwd-secrets"]);
  const refused = run(["forwarders", "create", "fwd-secrets", "xapi", "https://127.0.0.1:9/xapi", "--destination-key", "k", "--destination-secret", "s3cret"]);
  assert.equal(refused.status, 1);
  assert.match(refused.stderr, /--destination-secret is refused: command lines are visible to every user of this machine \(ps\); set LRS_DESTINATION_SECRET/);
  const missing = run(["forwarders", "create", "fwd-secrets", "xapi", "https://127.0.0.1:9/xapi", "--destination-key", "k"]);
  assert.match(missing.stderr, /needs the destination's secret: LRS_DESTINATION_SECRET or --destination-secret-file/);

  const fromStdin = `stdin-secret-${crypto.randomUUID()}`;
  const viaStdin = run(
    ["forwarders", "create", "fwd-secrets", "xapi", "https://127.0.0.1:9/xapi", "--destination-key", "k1", "--destination-version", "1.0.3", "--destination-secret-file", "-"],
    { input: `${fromStdin}\n` },
  );
  assert.equal(viaStdin.status, 0, viaStdin.stderr);
  const fromEnv = `env-secret-${crypto.randomUUID()}`;
  const viaEnv = run(["forwarders", "create", "fwd-secrets", "xapi", "https://127.0.0.1:9/xapi2", "--destination-key", "k2"], {
    env: { LRS_DESTINATION_SECRET: fromEnv },
  });
  assert.equal(viaEnv.status, 0, viaEnv.stderr);
  for (const output of [viaStdin.stdout, viaEnv.stdout]) {
    assert.equal(output.includes(fromStdin) || output.includes(fromEnv), false);
    assert.equal(Object.hasOwn(JSON.parse(output), "secret"), false);
  }
  const first = JSON.parse(viaStdin.stdout);
  for (const id of [first.id, JSON.parse(viaEnv.stdout).id]) lrsJson(["forwarders", "pause", "fwd-secrets", id]);
  const listed = run(["forwarders", "list", "fwd-secrets"]).stdout;
  assert.equal(listed.includes(fromStdin) || listed.includes(fromEnv), false);
  assert.deepEqual(first.destination, { endpoint: "https://127.0.0.1:9/xapi", key: "k1", version: "1.0.3" });
});

test("a webhook forwarder made with the CLI delivers every statement, signed with the secret the CLI printed", async () => {
  const received = [];
  const badSignatures = [];
  let secret = "";
  const receiver = createServer((request, response) => {
    const chunks = [];
    request.on("data", (chunk) => chunks.push(chunk));
    request.on("end", () => {
      const body = Buffer.concat(chunks);
      const expected = `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`;
      if (request.headers["x-lrs-signature"] !== expected) badSignatures.push(request.headers["x-lrs-signature"]);
      else received.push(...JSON.parse(body.toString("utf8")).statements.map((s) => s.id));
      response.end("ok");
    });
  });
  await once(receiver.listen(0, "127.0.0.1"), "listening");
  try {
    lrsJson(["stores", "create", "Delivery", "--id", "fwd-delivery"]);
    const credential = lrsJson(["credentials", "create", "fwd-delivery", "--scopes", "statements/write"]);
    const created = lrsJson(["forwarders", "create", "fwd-delivery", "webhook", `http://127.0.0.1:${receiver.address().port}/hook`, "--batch-size", "7"]);
    secret = created.secret;
    const statements = Array.from({ length: 20 }, (_, i) => statement(i));
    const file = join(dir, "delivery.ndjson");
    writeFileSync(file, statements.map((s) => JSON.stringify(s)).join("\n"));
    lrsJson(["import", file, "--batch", "10"], { env: { LRS_KEY: credential.key, LRS_SECRET: credential.secret } });
    let shown;
    for (let i = 0; i < 120; i++) {
      shown = lrsJson(["forwarders", "show", "fwd-delivery", created.id]);
      if (shown.lag.statements === 0 && new Set(received).size === 20) break;
      await new Promise((done) => setTimeout(done, 500));
    }
    assert.deepEqual(badSignatures, []);
    assert.deepEqual([...new Set(received)], statements.map((s) => s.id));
    assert.deepEqual([shown.state, shown.lag.statements, shown.delivered, shown.lastError], ["active", 0, 20, null]);
    assert.equal(typeof shown.lastSuccessAt, "string");
  } finally {
    receiver.close();
  }
});
