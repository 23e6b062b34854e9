// `npm run deploy` rehearsed against a fake wrangler (LRS_DEPLOY_WRANGLER) that records every call, on a copy of
// the script next to a throwaway wrangler.toml. Run: `npx node --test scripts/deploy.test.mjs`.
// The fake keeps the account's state (D1 databases, R2 buckets, secrets, workers.dev subdomain) in a JSON file and
// answers with wrangler 4.164's own wording; each test scripts how the account behaves (logged out, several
// accounts, R2 not enabled, no workers.dev subdomain, a refused token).
// DEPLOY_SCRIPT_UNDER_TEST: another copy of deploy.mjs to rehearse (to check that a test fails without a rule).
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { after, test } from "node:test";

const script = process.env.DEPLOY_SCRIPT_UNDER_TEST ?? resolve(import.meta.dirname, "deploy.mjs");
const PLACEHOLDER_ID = "00000000-0000-0000-0000-000000000000";
const CONFIGURED_ID = "11111111-2222-3333-4444-555555555555";
const ACCOUNT = { id: "0123456789abcdef0123456789abcdef", name: "Pilot" };
const OTHER_ACCOUNT = { id: "fedcba9876543210fedcba9876543210", name: "Other org" };

const dirs = [];
after(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

// The fake wrangler. It records argv and stdin, then behaves as the account in state.json says:
//   loggedIn (false: whoami --json prints {"loggedIn":false} and exits 1, as wrangler 4.164 does),
//   whoamiText (plain text whoami output that exits 0: what `wrangler whoami` does when logged out),
//   refusedToken, offline, d1Forbidden, accounts, r2Enabled, subdomain, failMigrations, d1 [{name, uuid}], r2 [names], secrets {name: value}.
const FAKE = `
import { appendFileSync, readFileSync, writeFileSync } from "node:fs";
const [calls, statePath] = [process.env.FAKE_CALLS, process.env.FAKE_STATE];
const args = process.argv.slice(2);
const stdin = args[0] === "secret" && args[1] === "put" ? readFileSync(0, "utf8") : undefined;
appendFileSync(calls, JSON.stringify({ args, stdin }) + "\\n");
const state = JSON.parse(readFileSync(statePath, "utf8"));
const save = () => writeFileSync(statePath, JSON.stringify(state));
const out = (text) => process.stdout.write(text);
const fail = (text) => { process.stderr.write(text); process.exit(1); };
const apiError = (path, message, code) =>
  fail("\\n✘ [ERROR] A request to the Cloudflare API (" + path + ") failed.\\n\\n  " + message + " [code: " + code + "]\\n\\n" +
    "  If you think this is a bug, please open an issue at: https://github.com/cloudflare/workers-sdk/issues/new/choose\\n\\n");
const account = state.accountId ?? state.accounts[0]?.id;
const command = args.slice(0, args[0] === "r2" ? 3 : 2).join(" ");
if (args[0] === "whoami") {
  if (state.whoamiText) { out(state.whoamiText); process.exit(0); }
  if (!args.includes("--json")) fail("the fake only answers whoami --json\\n");
  if (!state.loggedIn) { out('\\n{"loggedIn":false}\\n'); process.exit(1); }
  if (state.refusedToken) apiError("/accounts", "Authentication error", 10000);
  if (state.offline) fail("\\n✘ [ERROR] Unable to resolve Cloudflare's API hostname (api.cloudflare.com or dash.cloudflare.com).\\n");
  out("\\n" + JSON.stringify({ loggedIn: true, authType: "OAuth Token", email: "ops@example.org", accounts: state.accounts, tokenPermissions: [] }, null, 2) + "\\n");
} else if (!state.loggedIn) {
  fail("\\n✘ [ERROR] Not logged in.\\n");
} else if (state.accounts.length > 1 && !process.env.CLOUDFLARE_ACCOUNT_ID && !/^account_id\\s*=/m.test(readFileSync("wrangler.toml", "utf8"))) {
  fail("\\n✘ [ERROR] More than one account available but unable to select one in non-interactive mode.\\n");
} else if (command === "r2 bucket list" || command === "r2 bucket create") {
  if (!state.r2Enabled) apiError("/accounts/" + account + "/r2/buckets", "Please enable R2 through the Cloudflare Dashboard.", 10042);
  if (command === "r2 bucket create") { state.r2.push(args[3]); save(); out("Created bucket '" + args[3] + "'\\n"); }
  else out("Listing buckets...\\n" + state.r2.map((name) => "name:           " + name + "\\ncreation_date:  2026-11-28T00:00:00.000Z\\n\\n").join(""));
} else if (command === "d1 list") {
  out(JSON.stringify(state.d1));
} else if (command === "d1 create") {
  if (state.d1Forbidden) apiError("/accounts/" + account + "/d1/database", "Authentication error", 10000);
  state.d1.push({ name: args[2], uuid: "aaaaaaaa-bbbb-cccc-dddd-" + String(state.d1.length).padStart(12, "0") }); save();
  out("Successfully created DB '" + args[2] + "'\\n");
} else if (command === "d1 migrations") {
  if (state.failMigrations) fail("\\n✘ [ERROR] Migration 0001_init.sql failed with the following errors: no such table: nope\\n");
  out("Migrations applied\\n");
} else if (command === "deploy") {
  if (!state.subdomain) {
    process.stderr.write("\\n▲ [WARNING] You need to register a workers.dev subdomain before publishing to workers.dev\\n\\n");
    out("? Would you like to register a workers.dev subdomain now?\\n🤖 Using fallback value in non-interactive context: no\\n");
    fail("\\n✘ [ERROR] You can either deploy your worker to one or more routes by specifying them in your wrangler.toml file, or register a workers.dev subdomain here:\\n\\n" +
      "  https://dash.cloudflare.com/" + account + "/workers/onboarding\\n\\n");
  }
  out("Deployed edge-lrs triggers\\n  https://edge-lrs." + state.subdomain + ".workers.dev\\n");
} else if (command === "secret list") {
  out(JSON.stringify(Object.keys(state.secrets).map((name) => ({ name, type: "secret_text" }))));
} else if (command === "secret put") {
  state.secrets[args[2]] = stdin; save();
  out("✨ Success! Uploaded secret " + args[2] + "\\n");
} else {
  fail("the fake does not know: wrangler " + args.join(" ") + "\\n");
}
`;

/** A copy of the script next to its own wrangler.toml and fake Cloudflare account. */
function workspace({ databaseId = PLACEHOLDER_ID, accountIdInToml, ...account } = {}) {
  const dir = mkdtempSync(join(tmpdir(), "lrs-deploy-"));
  dirs.push(dir);
  mkdirSync(join(dir, "scripts"));
  copyFileSync(script, join(dir, "scripts", "deploy.mjs"));
  const config =
    'name = "edge-lrs"\n' +
    (accountIdInToml ? `account_id = "${accountIdInToml}"\n` : "") +
    `[[d1_databases]]\nbinding = "DB"\ndatabase_name = "edge-lrs"\ndatabase_id = "${databaseId}"\n` +
    '[[r2_buckets]]\nbinding = "BLOBS"\nbucket_name = "edge-lrs-blobs"\n';
  writeFileSync(join(dir, "wrangler.toml"), config);
  const fake = join(dir, "fake-wrangler.mjs");
  writeFileSync(fake, `#!${process.execPath}\n${FAKE}`);
  chmodSync(fake, 0o755);
  const statePath = join(dir, "state.json");
  const callsPath = join(dir, "calls.ndjson");
  const setAccount = (changes) =>
    writeFileSync(statePath, JSON.stringify({ ...JSON.parse(readFileSync(statePath, "utf8")), ...changes }));
  writeFileSync(
    statePath,
    JSON.stringify({ loggedIn: true, accounts: [ACCOUNT], r2Enabled: true, subdomain: "pilot", d1: [], r2: [], secrets: {}, ...account }),
  );
  return {
    config,
    toml: () => readFileSync(join(dir, "wrangler.toml"), "utf8"),
    state: () => JSON.parse(readFileSync(statePath, "utf8")),
    setAccount,
    /** Runs the copy; returns its exit status, everything it printed and the wrangler calls in order. */
    deploy(extraEnv = {}, args = []) {
      writeFileSync(callsPath, "");
      const env = { ...process.env, LRS_DEPLOY_WRANGLER: fake, FAKE_CALLS: callsPath, FAKE_STATE: statePath, ...extraEnv };
      for (const name of ["LRS_ADMIN_TOKEN", "CLOUDFLARE_API_TOKEN", "CLOUDFLARE_ACCOUNT_ID", "CI"]) {
        if (!(name in extraEnv)) delete env[name];
      }
      const result = spawnSync(process.execPath, [join(dir, "scripts", "deploy.mjs"), ...args], { env, encoding: "utf8" });
      const calls = readFileSync(callsPath, "utf8").trim().split("\n").filter(Boolean).map((line) => JSON.parse(line));
      return {
        status: result.status,
        output: result.stdout + result.stderr,
        calls,
        commands: calls.map((c) => c.args.join(" ")),
        puts: calls.filter((c) => c.args[0] === "secret" && c.args[1] === "put"),
      };
    },
  };
}

const FULL_RUN = [
  "whoami --json",
  "r2 bucket list",
  "r2 bucket create edge-lrs-blobs",
  "d1 list --json",
  "d1 create edge-lrs",
  "d1 list --json",
  "d1 migrations apply DB --remote",
  "deploy",
  "secret list --format json",
  "secret put LRS_FORWARD_SECRET",
  "secret put LRS_TOKEN_SECRET",
  "secret put LRS_ADMIN_TOKEN",
  "secret put LRS_CURSOR_SECRET",
  "secret put LRS_SESSION_SECRET",
];

/** A stop: exit code 1, the message after "deploy stopped:", no stack trace. */
function assertStopped(run, pattern) {
  assert.equal(run.status, 1, run.output);
  const message = run.output.slice(run.output.lastIndexOf("deploy stopped:"));
  assert.match(message, /^deploy stopped: /, run.output);
  assert.match(message, pattern);
  assert.doesNotMatch(run.output, /^\s+at .+:\d+:\d+\)?$/m, "no stack trace");
  assert.doesNotMatch(message, /unexpected error/, "a known failure, explained");
  return message;
}

const GENERATED_KEYS = ["LRS_FORWARD_SECRET", "LRS_TOKEN_SECRET", "LRS_CURSOR_SECRET", "LRS_SESSION_SECRET"];

test("the first deploy generates 256-bit forwarding, token, cursor and session keys, fed on stdin and never shown; a re-run keeps them", () => {
  const account = workspace({ databaseId: CONFIGURED_ID });
  const first = account.deploy();
  assert.equal(first.status, 0, first.output);
  assert.deepEqual(first.puts.map((c) => c.args), [
    ["secret", "put", "LRS_FORWARD_SECRET"],
    ["secret", "put", "LRS_TOKEN_SECRET"],
    ["secret", "put", "LRS_ADMIN_TOKEN"],
    ["secret", "put", "LRS_CURSOR_SECRET"],
    ["secret", "put", "LRS_SESSION_SECRET"],
  ]);
  const stored = account.state().secrets;
  for (const name of GENERATED_KEYS) {
    assert.match(stored[name], /^[0-9a-f]{64}$/, `${name} holds 256 random bits`);
    assert.equal(first.output.includes(stored[name]), false, `${name} is not printed`);
  }
  assert.equal(new Set(GENERATED_KEYS.map((name) => stored[name])).size, 4, "four different keys");
  for (const value of Object.values(stored)) {
    assert.equal(first.calls.some((c) => c.args.some((arg) => arg.includes(value))), false, "no secret on a command line");
  }
  assert.ok(first.output.includes(stored.LRS_ADMIN_TOKEN), "the admin token is shown once");

  const again = account.deploy();
  assert.equal(again.status, 0, again.output);
  assert.deepEqual(again.puts, []);
  assert.deepEqual(account.state().secrets, stored);
  for (const name of GENERATED_KEYS) assert.match(again.output, new RegExp(`${name}\\n.*already set`));
});

test("an earlier deployment without the forwarding and token keys keeps deriving them: no new key voids sealed secrets", () => {
  const secrets = { LRS_ADMIN_TOKEN: "a".repeat(64), LRS_CURSOR_SECRET: "c".repeat(64), LRS_SESSION_SECRET: "s".repeat(64) };
  const account = workspace({ databaseId: CONFIGURED_ID, secrets });
  const run = account.deploy();
  assert.equal(run.status, 0, run.output);
  assert.deepEqual(run.puts, []);
  assert.deepEqual(account.state().secrets, secrets);
  assert.match(run.output, /LRS_FORWARD_SECRET\n.*not set, left so: this deployment derives it from LRS_SESSION_SECRET/);
  assert.match(run.output, /LRS_TOKEN_SECRET\n.*not set, left so: this deployment derives it from LRS_CURSOR_SECRET/);
});

test("a fresh account: every step in order, the D1 id written into wrangler.toml; a re-run creates nothing", () => {
  const account = workspace();
  const first = account.deploy();
  assert.equal(first.status, 0, first.output);
  assert.deepEqual(first.commands, FULL_RUN);
  assert.match(first.output, /logged in \(OAuth Token, ops@example\.org\); account 0123456789abcdef0123456789abcdef \(Pilot\)/);
  const uuid = account.state().d1[0].uuid;
  assert.ok(account.toml().includes(`database_id = "${uuid}"`));
  assert.deepEqual(account.state().r2, ["edge-lrs-blobs"]);

  const again = account.deploy();
  assert.equal(again.status, 0, again.output);
  assert.deepEqual(again.commands, ["whoami --json", "r2 bucket list", "d1 migrations apply DB --remote", "deploy", "secret list --format json"]);
});

test("logged out: whoami --json says so (exit 1); the deploy stops before anything else with how to log in", () => {
  const account = workspace({ loggedIn: false });
  const run = account.deploy();
  const message = assertStopped(run, /not logged in to Cloudflare/);
  assert.match(message, /npx wrangler login/);
  assert.match(message, /CLOUDFLARE_API_TOKEN/);
  assert.match(message, /CLOUDFLARE_ACCOUNT_ID/);
  assert.match(message, /https:\/\/dash\.cloudflare\.com\/profile\/api-tokens/);
  assert.match(message, /stopped before creating anything/);
  assert.deepEqual(run.commands, ["whoami --json"], "no d1 create, no r2, no deploy");
  assert.equal(account.toml(), account.config);

  account.setAccount({ loggedIn: true });
  const after = account.deploy();
  assert.equal(after.status, 0, after.output);
  assert.deepEqual(after.commands, FULL_RUN);
});

test("logged out, told in text with exit code 0 (what plain `wrangler whoami` does): still a stop", () => {
  const account = workspace({
    loggedIn: false,
    whoamiText:
      "\n ⛅️ wrangler 4.164.0\n────────────────────\nGetting User settings...\nYou are not authenticated. Please run `wrangler login`.\n",
  });
  const run = account.deploy();
  assertStopped(run, /not logged in to Cloudflare[\s\S]*npx wrangler login/);
  assert.deepEqual(run.commands, ["whoami --json"]);
});

test("an API token Cloudflare refuses: the stop names CLOUDFLARE_API_TOKEN and the permissions a token needs", () => {
  const account = workspace({ refusedToken: true });
  const run = account.deploy({ CLOUDFLARE_API_TOKEN: "not-a-real-token" });
  const message = assertStopped(run, /Cloudflare refused the API token in CLOUDFLARE_API_TOKEN/);
  assert.match(message, /Authentication error \[code: 10000\]/);
  assert.match(message, /D1: Edit/);
  assert.match(message, /Workers R2 Storage: Edit/);
  assert.equal(run.output.includes("not-a-real-token"), false, "the token is not printed");
  assert.deepEqual(run.commands, ["whoami --json"]);
});

test("several accounts and no CLOUDFLARE_ACCOUNT_ID: stops listing them and says to set it; with it set, deploys", () => {
  const account = workspace({ accounts: [ACCOUNT, OTHER_ACCOUNT] });
  const run = account.deploy();
  const message = assertStopped(run, /reaches 2 Cloudflare accounts and none is chosen/);
  assert.match(message, new RegExp(`${ACCOUNT.id}\\s+Pilot`));
  assert.match(message, new RegExp(`${OTHER_ACCOUNT.id}\\s+Other org`));
  assert.match(message, /CLOUDFLARE_ACCOUNT_ID=0123456789abcdef0123456789abcdef npm run deploy/);
  assert.deepEqual(run.commands, ["whoami --json"]);

  const chosen = account.deploy({ CLOUDFLARE_ACCOUNT_ID: OTHER_ACCOUNT.id });
  assert.equal(chosen.status, 0, chosen.output);
  assert.deepEqual(chosen.commands, FULL_RUN);
  assert.match(chosen.output, /account fedcba9876543210fedcba9876543210 \(Other org\)/);
});

test("several accounts and account_id in wrangler.toml: that one is used", () => {
  const account = workspace({ accounts: [ACCOUNT, OTHER_ACCOUNT], accountIdInToml: OTHER_ACCOUNT.id });
  const run = account.deploy();
  assert.equal(run.status, 0, run.output);
  assert.match(run.output, /account fedcba9876543210fedcba9876543210 \(Other org\)/);
  assert.deepEqual(run.commands, FULL_RUN);
});

test("CLOUDFLARE_ACCOUNT_ID naming an account this login does not reach: stops before creating anything", () => {
  const account = workspace({ accounts: [ACCOUNT] });
  const run = account.deploy({ CLOUDFLARE_ACCOUNT_ID: OTHER_ACCOUNT.id });
  const message = assertStopped(run, /fedcba9876543210fedcba9876543210 \(CLOUDFLARE_ACCOUNT_ID\) is not one this login reaches/);
  assert.match(message, new RegExp(`${ACCOUNT.id}\\s+Pilot`));
  assert.deepEqual(run.commands, ["whoami --json"]);
});

test("a login that lists no account and no CLOUDFLARE_ACCOUNT_ID: stops saying to set it; with it set, deploys", () => {
  const account = workspace({ accounts: [] });
  const run = account.deploy();
  assertStopped(run, /lists no Cloudflare account[\s\S]*Set CLOUDFLARE_ACCOUNT_ID/);
  assert.deepEqual(run.commands, ["whoami --json"]);

  account.setAccount({ accountId: ACCOUNT.id });
  const chosen = account.deploy({ CLOUDFLARE_ACCOUNT_ID: ACCOUNT.id });
  assert.equal(chosen.status, 0, chosen.output);
  assert.deepEqual(chosen.commands, FULL_RUN);
});

test("whoami failing for another reason (no network): stops with wrangler's message before anything else", () => {
  const account = workspace({ offline: true });
  const run = account.deploy({ CLOUDFLARE_API_TOKEN: "some-token" });
  assert.equal(run.status, 1, run.output);
  assert.match(run.output, /deploy stopped: Could not check the Cloudflare login \(`wrangler whoami --json` failed, exit code 1\):\n.*Unable to resolve Cloudflare's API hostname/);
  assert.match(run.output, /stopped before creating anything/);
  assert.deepEqual(run.commands, ["whoami --json"]);
});

test("a token without D1 permission, refused at d1 create: says so, and that what this run did is kept", () => {
  const account = workspace({ d1Forbidden: true });
  const run = account.deploy({ CLOUDFLARE_API_TOKEN: "some-token" });
  const message = assertStopped(run, /Cloudflare refused the API token in CLOUDFLARE_API_TOKEN/);
  assert.match(message, /What this run already did is kept/);
  assert.doesNotMatch(message, /stopped before creating anything/);
  assert.match(message, /D1: Edit/);
  assert.equal(run.commands.at(-1), "d1 create edge-lrs");

  account.setAccount({ d1Forbidden: false });
  const after = account.deploy({ CLOUDFLARE_API_TOKEN: "some-token" });
  assert.equal(after.status, 0, after.output);
  assert.equal(after.commands.includes("r2 bucket create edge-lrs-blobs"), false, "the bucket from the first run is kept");
});

test("R2 not enabled (code 10042): stops at the bucket list with the dashboard step, nothing created; enabled, the re-run deploys", () => {
  const account = workspace({ r2Enabled: false });
  const run = account.deploy();
  const message = assertStopped(run, /R2 is not enabled on this Cloudflare account/);
  assert.match(message, /code 10042/);
  assert.match(message, /https:\/\/dash\.cloudflare\.com\/0123456789abcdef0123456789abcdef\/r2\/overview/);
  assert.match(message, /R2 Object Storage/);
  assert.match(message, /"Purchase R2"/);
  assert.match(message, /free tier/);
  assert.match(message, /npm run deploy` again/);
  assert.match(message, /stopped before creating anything/);
  assert.deepEqual(run.commands, ["whoami --json", "r2 bucket list"], "no d1 create, no deploy, no secret");
  assert.equal(account.toml(), account.config);
  assert.deepEqual(account.state().d1, []);

  account.setAccount({ r2Enabled: true });
  const after = account.deploy();
  assert.equal(after.status, 0, after.output);
  assert.deepEqual(after.commands, FULL_RUN);
});

test("no workers.dev subdomain: stops at deploy with the Workers & Pages step; registered, the re-run continues", () => {
  const account = workspace({ subdomain: null });
  const run = account.deploy();
  const message = assertStopped(run, /no workers\.dev subdomain yet/);
  assert.match(message, /https:\/\/dash\.cloudflare\.com\/0123456789abcdef0123456789abcdef\/workers\/onboarding/);
  assert.match(message, /Workers & Pages/);
  assert.match(message, /Set up/);
  assert.match(message, /npm run deploy` again/);
  assert.deepEqual(run.commands, FULL_RUN.slice(0, FULL_RUN.indexOf("deploy") + 1), "nothing after deploy");
  const uuid = account.state().d1[0].uuid;
  assert.ok(account.toml().includes(`database_id = "${uuid}"`), "the database id is kept for the re-run");

  account.setAccount({ subdomain: "pilot" });
  const after = account.deploy();
  assert.equal(after.status, 0, after.output);
  assert.deepEqual(after.commands, [
    "whoami --json",
    "r2 bucket list",
    "d1 migrations apply DB --remote",
    "deploy",
    "secret list --format json",
    "secret put LRS_FORWARD_SECRET",
    "secret put LRS_TOKEN_SECRET",
    "secret put LRS_ADMIN_TOKEN",
    "secret put LRS_CURSOR_SECRET",
    "secret put LRS_SESSION_SECRET",
  ]);
  assert.equal(account.state().d1.length, 1, "one database, not two");
  assert.deepEqual(account.state().r2, ["edge-lrs-blobs"]);
});

test("any other wrangler failure: exit 1, the failed command named, no stack trace; the re-run continues", () => {
  const account = workspace({ databaseId: CONFIGURED_ID, failMigrations: true });
  const run = account.deploy();
  assert.equal(run.status, 1, run.output);
  assert.match(run.output, /deploy stopped: `wrangler d1 migrations apply DB --remote` failed \(exit code 1\); its message is above/);
  assert.match(run.output, /no such table: nope/, "wrangler's own message is shown");
  assert.doesNotMatch(run.output, /^\s+at .+:\d+:\d+\)?$/m, "no stack trace");
  assert.deepEqual(run.commands, ["whoami --json", "r2 bucket list", "r2 bucket create edge-lrs-blobs", "d1 migrations apply DB --remote"]);

  account.setAccount({ failMigrations: false });
  const after = account.deploy();
  assert.equal(after.status, 0, after.output);
  assert.equal(after.commands.includes("r2 bucket create edge-lrs-blobs"), false);
});

// Stores across several D1 databases (src/db/store-databases.ts): `--databases N` binds DB_2 ... DB_N.
test("--databases 2 on a fresh account: creates edge-lrs-2, binds it as DB_2 in wrangler.toml, migrates both; re-runs create nothing", () => {
  const account = workspace();
  const first = account.deploy({}, ["--databases", "2"]);
  assert.equal(first.status, 0, first.output);
  assert.deepEqual(first.commands.slice(0, 12), [
    "whoami --json",
    "r2 bucket list",
    "r2 bucket create edge-lrs-blobs",
    "d1 list --json",
    "d1 create edge-lrs",
    "d1 list --json",
    "d1 list --json",
    "d1 create edge-lrs-2",
    "d1 list --json",
    "d1 migrations apply DB --remote",
    "d1 migrations apply DB_2 --remote",
    "deploy",
  ]);
  const [home, second] = account.state().d1;
  assert.deepEqual([home.name, second.name], ["edge-lrs", "edge-lrs-2"]);
  assert.ok(account.toml().includes(`database_id = "${home.uuid}"`));
  assert.ok(
    account.toml().includes(`[[d1_databases]]\nbinding = "DB_2"\ndatabase_name = "edge-lrs-2"\ndatabase_id = "${second.uuid}"\nmigrations_dir = "migrations"\n`),
    account.toml(),
  );
  // The DB_2 block follows DB's, before the R2 bucket.
  assert.ok(account.toml().indexOf('binding = "DB_2"') < account.toml().indexOf("[[r2_buckets]]"));

  const again = account.deploy({}, ["--databases=2"]);
  assert.equal(again.status, 0, again.output);
  assert.deepEqual(again.commands.slice(0, 5), [
    "whoami --json",
    "r2 bucket list",
    "d1 migrations apply DB --remote",
    "d1 migrations apply DB_2 --remote",
    "deploy",
  ]);
  assert.equal(account.state().d1.length, 2);
  // Without the flag, every bound database is still migrated.
  const plain = account.deploy();
  assert.equal(plain.status, 0, plain.output);
  assert.deepEqual(plain.commands.slice(2, 4), ["d1 migrations apply DB --remote", "d1 migrations apply DB_2 --remote"]);
});

test("--databases finds a database of that name instead of creating another, and a smaller N removes none", () => {
  const existing = { name: "edge-lrs-2", uuid: "99999999-8888-7777-6666-555555555555" };
  const account = workspace({ databaseId: CONFIGURED_ID, d1: [existing] });
  const run = account.deploy({}, ["--databases", "3"]);
  assert.equal(run.status, 0, run.output);
  assert.equal(run.commands.includes("d1 create edge-lrs-2"), false);
  assert.ok(run.commands.includes("d1 create edge-lrs-3"));
  assert.ok(account.toml().includes(`binding = "DB_2"\ndatabase_name = "edge-lrs-2"\ndatabase_id = "${existing.uuid}"`));
  assert.ok(account.toml().indexOf('binding = "DB_2"') < account.toml().indexOf('binding = "DB_3"'));

  const fewer = account.deploy({}, ["--databases", "1"]);
  assert.equal(fewer.status, 0, fewer.output);
  assert.match(fewer.output, /binds 3 databases \(DB, DB_2, DB_3\); none is removed/);
  assert.deepEqual(fewer.commands.filter((c) => c.startsWith("d1 ")), [
    "d1 migrations apply DB --remote",
    "d1 migrations apply DB_2 --remote",
    "d1 migrations apply DB_3 --remote",
  ]);
});

test("--databases without a whole number from 1 to 50 stops before anything is asked of Cloudflare", () => {
  const account = workspace();
  for (const args of [["--databases"], ["--databases", "0"], ["--databases", "two"], ["--databases=51"], ["--databases", "1.5"]]) {
    const run = account.deploy({}, args);
    assertStopped(run, /--databases takes a whole number from 1 to 50/);
    assert.deepEqual(run.commands, [], args.join(" "));
  }
  assert.equal(account.toml(), account.config);
});
