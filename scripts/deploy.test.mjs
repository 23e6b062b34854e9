// `npm run deploy` rehearsed against a fake wrangler (LRS_DEPLOY_WRANGLER) that records every call, on a copy of
// the script next to a throwaway wrangler.toml. Run: `npx node --test scripts/deploy.test.mjs`.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { after, test } from "node:test";

const dir = mkdtempSync(join(tmpdir(), "lrs-deploy-"));
after(() => rmSync(dir, { recursive: true, force: true }));

mkdirSync(join(dir, "scripts"));
copyFileSync(resolve(import.meta.dirname, "deploy.mjs"), join(dir, "scripts", "deploy.mjs"));
writeFileSync(
  join(dir, "wrangler.toml"),
  'name = "edge-lrs"\n[[d1_databases]]\nbinding = "DB"\ndatabase_name = "edge-lrs"\ndatabase_id = "11111111-2222-3333-4444-555555555555"\n' +
    '[[r2_buckets]]\nbinding = "BLOBS"\nbucket_name = "edge-lrs-blobs"\n',
);
const calls = join(dir, "calls.ndjson");
const secrets = join(dir, "secrets.json");
writeFileSync(secrets, "{}");
// The fake: records argv and stdin; `secret list` / `secret put` work on secrets.json; the rest succeed.
const fake = join(dir, "fake-wrangler.mjs");
writeFileSync(
  fake,
  `#!${process.execPath}
import { appendFileSync, readFileSync, writeFileSync } from "node:fs";
const args = process.argv.slice(2);
const stdin = args[0] === "secret" && args[1] === "put" ? readFileSync(0, "utf8") : undefined;
appendFileSync(${JSON.stringify(calls)}, JSON.stringify({ args, stdin }) + "\\n");
const secrets = JSON.parse(readFileSync(${JSON.stringify(secrets)}, "utf8"));
if (args[0] === "secret" && args[1] === "list") process.stdout.write(JSON.stringify(Object.keys(secrets).map((name) => ({ name, type: "secret_text" }))));
if (args[0] === "secret" && args[1] === "put") writeFileSync(${JSON.stringify(secrets)}, JSON.stringify({ ...secrets, [args[2]]: stdin }));
if (args[0] === "r2") process.stdout.write("name: edge-lrs-blobs\\n");
`,
);
chmodSync(fake, 0o755);

function deploy() {
  writeFileSync(calls, "");
  const env = { ...process.env, LRS_DEPLOY_WRANGLER: fake };
  delete env.LRS_ADMIN_TOKEN;
  const result = spawnSync(process.execPath, [join(dir, "scripts", "deploy.mjs")], { env, encoding: "utf8" });
  assert.equal(result.status, 0, result.stderr);
  const recorded = readFileSync(calls, "utf8").trim().split("\n").map((line) => JSON.parse(line));
  return { output: result.stdout + result.stderr, calls: recorded, puts: recorded.filter((c) => c.args[0] === "secret" && c.args[1] === "put") };
}

test("the first deploy generates 256-bit cursor and session keys, fed on stdin and never shown; a re-run keeps them", () => {
  const first = deploy();
  assert.deepEqual(first.puts.map((c) => c.args), [
    ["secret", "put", "LRS_ADMIN_TOKEN"],
    ["secret", "put", "LRS_CURSOR_SECRET"],
    ["secret", "put", "LRS_SESSION_SECRET"],
  ]);
  const stored = JSON.parse(readFileSync(secrets, "utf8"));
  for (const name of ["LRS_CURSOR_SECRET", "LRS_SESSION_SECRET"]) {
    assert.match(stored[name], /^[0-9a-f]{64}$/, `${name} holds 256 random bits`);
    assert.equal(first.output.includes(stored[name]), false, `${name} is not printed`);
  }
  assert.notEqual(stored.LRS_CURSOR_SECRET, stored.LRS_SESSION_SECRET);
  for (const value of Object.values(stored)) {
    assert.equal(first.calls.some((c) => c.args.some((arg) => arg.includes(value))), false, "no secret on a command line");
  }
  assert.ok(first.output.includes(stored.LRS_ADMIN_TOKEN), "the admin token is shown once");

  const again = deploy();
  assert.deepEqual(again.puts, []);
  assert.deepEqual(JSON.parse(readFileSync(secrets, "utf8")), stored);
  assert.match(again.output, /LRS_CURSOR_SECRET\n.*already set/);
  assert.match(again.output, /LRS_SESSION_SECRET\n.*already set/);
});
