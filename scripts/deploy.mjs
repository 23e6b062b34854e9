#!/usr/bin/env node
// `npm run deploy`: one command from a fresh Cloudflare account to a running LRS, safe to re-run.
//   1. checks wrangler is logged in (`wrangler login`, or CLOUDFLARE_API_TOKEN + CLOUDFLARE_ACCOUNT_ID) from what
//      `wrangler whoami --json` reports, not from its exit code (plain `wrangler whoami` exits 0 when logged out),
//      and that one account is chosen when the login reaches several; stops before creating anything otherwise;
//   2. R2: creates the bucket unless it exists (an account without R2 enabled stops here, code 10042, with the
//      dashboard step), before anything else is created;
//   3. D1: when wrangler.toml still holds the placeholder database_id, finds the database by name or creates
//      it, and writes its id back into wrangler.toml (commit that change);
//   3b. `--databases N` (src/db/store-databases.ts: stores across several D1 databases): DB_2 ... DB_N, named
//      <database_name>-2 ..., each found by name or created and its [[d1_databases]] block appended to
//      wrangler.toml (commit it). Databases are never removed: a smaller N leaves the bound ones (stores live there);
//   4. applies the D1 migrations remotely to every database wrangler.toml binds, DB and DB_2 ... (wrangler applies
//      only those not yet applied);
//   5. deploys the Worker; the Durable Object class migration is declared in wrangler.toml ([[migrations]]); an
//      account without a workers.dev subdomain stops here with the dashboard step (D1, R2, migrations are kept);
//   6. LRS_FORWARD_SECRET, LRS_TOKEN_SECRET (the keys sealing forwarders' destination secrets and signing launch
//      tokens): generated (256 bits, never printed) on the first deploy only, before the other secrets. On an
//      earlier deployment without them the Worker derives them from a secret already set (see KEY_FALLBACKS);
//      a new key there would make every sealed forwarder secret unreadable (and void issued tokens), so it is
//      left to the operator;
//   7. LRS_ADMIN_TOKEN: sets it from the environment variable when given, otherwise generates one on the first
//      deploy only and prints it once; an existing secret is never replaced unless the variable is given.
//   8. LRS_CURSOR_SECRET, LRS_SESSION_SECRET (the HMAC keys of `more` cursors and console sessions): generated
//      (256 bits) when not set yet, never printed; an existing one is left alone.
// Secret values go to `wrangler secret put` on stdin, never on its command line (visible to every user in ps).
// Every failure stops with a message saying what to do and exit code 1, no stack trace; every step is re-runnable.
// Known first-deploy failures get the exact step to take: logged out or a refused token, several accounts and none
// chosen (checkLogin), R2 not enabled, no workers.dev subdomain (diagnose).
// `npm run deploy -- --dry-run` only bundles (wrangler deploy --dry-run), needing no Cloudflare account (CI).
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

const root = resolve(import.meta.dirname, "..");
const configPath = join(root, "wrangler.toml");
const PLACEHOLDER_ID = "00000000-0000-0000-0000-000000000000";
const env = {
  ...process.env,
  // wrangler 4 needs Node 22, which the `node` devDependency installs into node_modules/.bin.
  PATH: `${join(root, "node_modules", ".bin")}:${process.env.PATH}`,
  WRANGLER_SEND_METRICS: "false",
  CI: process.env.CI ?? "true", // non-interactive: d1 commands auto-confirm
};

// LRS_DEPLOY_WRANGLER: another wrangler executable (used to rehearse this script against a fake one).
const wranglerBin = process.env.LRS_DEPLOY_WRANGLER ?? "wrangler";

// The keys generated on the first deploy only, each with the secrets the Worker derives it from when it is unset
// (src/forwarding/sealed-secret.ts, src/auth/launch-tokens/token-keys.ts), in the Worker's order.
const KEY_FALLBACKS = {
  LRS_FORWARD_SECRET: ["LRS_BOOTSTRAP_SECRET", "LRS_SESSION_SECRET", "LRS_ADMIN_TOKEN"],
  LRS_TOKEN_SECRET: ["LRS_CURSOR_SECRET", "LRS_BOOTSTRAP_SECRET", "LRS_SESSION_SECRET", "LRS_ADMIN_TOKEN"],
};

/** A failure with a message written for the person deploying: printed as is, no stack trace, exit code 1. */
class DeployStop extends Error {}

const RERUN = "Then run `npm run deploy` again: what already exists is kept, nothing is created twice.";
const TOKEN_HELP =
  "  - without a browser (CI): create an API token at https://dash.cloudflare.com/profile/api-tokens\n" +
  '    (template "Edit Cloudflare Workers", plus the account permissions D1: Edit and Workers R2 Storage: Edit)\n' +
  "    and put it in the environment as CLOUDFLARE_API_TOKEN, with CLOUDFLARE_ACCOUNT_ID set to your account id\n" +
  "    (dashboard → Workers & Pages → Account ID in the right column). Keep the token off command lines.";

const stripAnsi = (text) => text.replace(/\x1b\[[0-9;]*[A-Za-z]/g, "");

/** Runs wrangler; its output is echoed as it comes (unless echo is false) and returned. */
function run(args, { input, echo = true } = {}) {
  return new Promise((done, fail) => {
    const child = spawn(wranglerBin, args, {
      cwd: root,
      env,
      stdio: [input === undefined ? "ignore" : "pipe", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8");
    child.stderr.setEncoding("utf8");
    child.stdout.on("data", (chunk) => {
      stdout += chunk;
      if (echo) process.stdout.write(chunk);
    });
    child.stderr.on("data", (chunk) => {
      stderr += chunk;
      if (echo) process.stderr.write(chunk);
    });
    child.on("error", (error) =>
      fail(new DeployStop(`cannot run ${wranglerBin} (${error.message}). Run \`npm install\` in ${root} first.`)),
    );
    child.on("close", (status) => done({ status: status ?? 1, stdout, stderr, text: stripAnsi(stdout + stderr) }));
    if (input !== undefined) {
      child.stdin.on("error", () => {}); // wrangler may exit before reading stdin; its exit status says why
      child.stdin.end(input);
    }
  });
}

/** Runs wrangler and returns its stdout; a failure stops the deploy with what to do about it. */
async function wrangler(args, { capture = false, input } = {}) {
  const result = await run(args, { input, echo: !capture });
  if (result.status !== 0) {
    const known = diagnose(result.text);
    if (known) throw new DeployStop(known);
    throw new DeployStop(
      `\`wrangler ${args.join(" ")}\` failed (exit code ${result.status})` +
        (capture ? `:\n${result.text.trim()}` : "; its message is above.") +
        `\nFix that, then run \`npm run deploy\` again: the steps already done are kept.`,
    );
  }
  return result.stdout;
}

// Set once the login is checked: the account the deploy goes to, for dashboard links.
let accountId;
// Whether this run may have created something yet (false while only checking the login and listing buckets).
let creating = false;
const stopped = () => (creating ? "What this run already did is kept." : "This run stopped before creating anything.");
const dashboard = (path) =>
  accountId ? `https://dash.cloudflare.com/${accountId}/${path}` : `https://dash.cloudflare.com/?to=/:account/${path}`;

/** What to do about a failure wrangler reported, when it is a known first-deploy failure; otherwise undefined. */
function diagnose(text) {
  if (/\[code: 10042\]|enable R2 through the Cloudflare Dashboard/i.test(text)) {
    return (
      "R2 is not enabled on this Cloudflare account (wrangler: \"Please enable R2 through the Cloudflare Dashboard\", code 10042).\n" +
      `${stopped()} Enable R2 once, in the Cloudflare dashboard:\n` +
      `  1. Open ${dashboard("r2/overview")} (dashboard → R2 Object Storage).\n` +
      '  2. Click "Purchase R2" (or "Enable R2") and confirm the R2 plan: the free tier (10 GB-month, 1 M writes and\n' +
      "     10 M reads a month) costs nothing; the dashboard may ask for a payment method.\n" +
      `  3. ${RERUN} If the same error comes right after enabling, wait a minute and run it again.`
    );
  }
  if (/register a workers\.dev subdomain|workers\.dev subdomain before/i.test(text)) {
    const onboarding = text.match(/https:\/\/dash\.cloudflare\.com\/[^\s/]+\/workers\/onboarding/)?.[0];
    return (
      "This Cloudflare account has no workers.dev subdomain yet, and wrangler cannot register one when it runs\n" +
      "non-interactively (wrangler: \"You need to register a workers.dev subdomain before publishing to workers.dev\").\n" +
      "The D1 database, R2 bucket and migrations done so far are kept. Register the subdomain once:\n" +
      `  1. Open ${onboarding ?? dashboard("workers/onboarding")}\n` +
      '     (dashboard → Workers & Pages → "Your subdomain" (workers.dev) → Set up).\n' +
      "  2. Choose a name and confirm: the LRS will answer at https://<worker name>.<that name>.workers.dev\n" +
      "     (a new subdomain's DNS can take a few minutes).\n" +
      `  3. ${RERUN}\n` +
      "Or run `npx wrangler deploy` once in a terminal and answer yes when it offers to register the subdomain,\n" +
      "then `npm run deploy`."
    );
  }
  if (/Not logged in|not authenticated|Authentication error \[code: 10000\]|Invalid API Token|\[code: 9109\]/i.test(text)) {
    return loginHelp(text);
  }
  return undefined;
}

function loginHelp(text) {
  if (process.env.CLOUDFLARE_API_TOKEN) {
    return (
      "Cloudflare refused the API token in CLOUDFLARE_API_TOKEN" +
      (text ? ` (wrangler: ${firstErrorLine(text)})` : "") +
      `.\n${stopped()} Check that the variable holds the whole token, that it is still active, and that it\n` +
      "has the permissions below; or unset it and log in with `npx wrangler login`.\n" +
      TOKEN_HELP.replace("  - without a browser (CI): create", "  A token that works: create") +
      `\n${RERUN}`
    );
  }
  return (
    `wrangler is not logged in to Cloudflare (\`wrangler whoami\`: "You are not authenticated"). ${stopped()}\n` +
    "Log in, one of:\n" +
    "  - `npx wrangler login` (opens a browser), or\n" +
    `${TOKEN_HELP}\n${RERUN}`
  );
}

function firstErrorLine(text) {
  const lines = text.split("\n").map((line) => line.replace(/^[✘▲\s]*(\[ERROR\])?\s*/, "").trim());
  return lines.find((line) => /\[code: \d+\]|not logged in|not authenticated|invalid/i.test(line)) ?? lines.find(Boolean) ?? "";
}

/**
 * Checks the login from what `wrangler whoami --json` says (the plain command exits 0 even when logged out) and
 * that one account is chosen. Returns a line describing it.
 */
async function checkLogin(configAccountId) {
  const result = await run(["whoami", "--json"], { echo: false });
  const json = result.stdout.slice(result.stdout.indexOf("{"), result.stdout.lastIndexOf("}") + 1);
  let user;
  try {
    user = json ? JSON.parse(json) : undefined;
  } catch {
    user = undefined;
  }
  if (user?.loggedIn === false) throw new DeployStop(loginHelp(""));
  if (result.status !== 0 || !user?.loggedIn) {
    // Not JSON: an error, or a wrangler printing "You are not authenticated" in text (and exiting 0).
    const known = diagnose(result.text);
    if (known) throw new DeployStop(known);
    throw new DeployStop(
      "Could not check the Cloudflare login (`wrangler whoami --json`" +
        (result.status !== 0 ? ` failed, exit code ${result.status}` : " reported no login") +
        `):\n${result.text.trim() || "(no output)"}\nThis run stopped before creating anything. Fix that (network? credentials?), then run \`npm run deploy\` again.`,
    );
  }
  const accounts = Array.isArray(user.accounts) ? user.accounts : [];
  const list = accounts.map((account) => `  ${account.id}  ${account.name}`).join("\n");
  const chosen = process.env.CLOUDFLARE_ACCOUNT_ID || configAccountId;
  if (chosen) {
    if (accounts.length > 0 && !accounts.some((account) => account.id === chosen)) {
      throw new DeployStop(
        `The account ${chosen} (${process.env.CLOUDFLARE_ACCOUNT_ID ? "CLOUDFLARE_ACCOUNT_ID" : "account_id in wrangler.toml"}) ` +
          `is not one this login reaches. This run stopped before creating anything. It reaches:\n${list}\n` +
          "Set CLOUDFLARE_ACCOUNT_ID to one of these (or log in as a user of that account), then run `npm run deploy` again.",
      );
    }
    accountId = chosen;
  } else if (accounts.length > 1) {
    throw new DeployStop(
      `This login reaches ${accounts.length} Cloudflare accounts and none is chosen; wrangler does not pick one ` +
        `non-interactively. This run stopped before creating anything.\n${list}\n` +
        "Set CLOUDFLARE_ACCOUNT_ID to the account to deploy to, e.g.\n" +
        `  CLOUDFLARE_ACCOUNT_ID=${accounts[0].id} npm run deploy`,
    );
  } else if (accounts.length === 0) {
    throw new DeployStop(
      "Logged in, but this login lists no Cloudflare account (an API token without the Account Settings: Read\n" +
        "permission does that). This run stopped before creating anything. Set CLOUDFLARE_ACCOUNT_ID to your\n" +
        "account id (dashboard → Workers & Pages → Account ID), or give the token that permission, then run\n" +
        "`npm run deploy` again.",
    );
  } else {
    accountId = accounts[0].id;
  }
  const account = accounts.find((a) => a.id === accountId);
  return `logged in (${user.authType ?? "unknown login"}${user.email ? `, ${user.email}` : ""}); account ${accountId}${account ? ` (${account.name})` : ""}`;
}

/** `--databases N` (or `--databases=N`): how many D1 databases stores are spread over; undefined when not given. */
function databasesWanted(argv) {
  const at = argv.findIndex((arg) => arg === "--databases" || arg.startsWith("--databases="));
  if (at < 0) return undefined;
  const value = argv[at].includes("=") ? argv[at].slice(argv[at].indexOf("=") + 1) : argv[at + 1];
  const count = Number(value);
  if (!/^[0-9]+$/.test(value ?? "") || count < 1 || count > 50) {
    throw new DeployStop(`--databases takes a whole number from 1 to 50 (got ${value ?? "nothing"}), e.g. npm run deploy -- --databases 2`);
  }
  return count;
}

/** The store databases wrangler.toml binds: DB, then DB_2 ... in number order (what the Worker discovers). */
function boundDatabases(text) {
  const bindings = text
    .split(/^\[/m)
    .filter((section) => section.startsWith("[d1_databases]]"))
    .map((section) => section.match(/^binding\s*=\s*"([^"]*)"/m)?.[1])
    .filter((name) => name && /^DB(_[1-9][0-9]*)?$/.test(name));
  const number = (name) => Number(name.split("_")[1] ?? 1);
  return bindings.sort((a, b) => number(a) - number(b));
}

/** The value of `key = "..."` inside the first [[table]] block that has it. */
function tomlValue(text, table, key) {
  const block = text.split(/^\[/m).find((section) => section.startsWith(`[${table}]]`) && new RegExp(`^${key}\\s*=`, "m").test(section));
  return block?.match(new RegExp(`^${key}\\s*=\\s*"([^"]*)"`, "m"))?.[1];
}

/** A top-level `key = "..."` (before the first table). */
function tomlTopValue(text, key) {
  return text.split(/^\[/m)[0].match(new RegExp(`^${key}\\s*=\\s*"([^"]*)"`, "m"))?.[1];
}

function step(text) {
  process.stderr.write(`\n== ${text}\n`);
}

async function main() {
  const databases = databasesWanted(process.argv);
  if (process.argv.includes("--dry-run")) {
    const outdir = mkdtempSync(join(tmpdir(), "edge-lrs-dry-"));
    await wrangler(["deploy", "--dry-run", "--outdir", outdir]);
    process.stderr.write(`dry run: bundle in ${outdir}\n`);
    return;
  }

  let config = readFileSync(configPath, "utf8");
  const databaseName = tomlValue(config, "d1_databases", "database_name");
  const databaseId = tomlValue(config, "d1_databases", "database_id");
  const bucketName = tomlValue(config, "r2_buckets", "bucket_name");
  if (!databaseName || !bucketName) {
    throw new DeployStop("wrangler.toml needs [[d1_databases]] database_name and [[r2_buckets]] bucket_name");
  }

  step("Cloudflare account");
  process.stderr.write(`${await checkLogin(tomlTopValue(config, "account_id"))}\n`);

  // R2 before D1: an account without R2 enabled stops here, before anything is created.
  step(`R2 bucket ${bucketName}`);
  const buckets = await wrangler(["r2", "bucket", "list"], { capture: true });
  creating = true;
  if (new RegExp(`^name:\\s*${bucketName.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}\\s*$`, "m").test(buckets)) {
    process.stderr.write("exists\n");
  } else {
    await wrangler(["r2", "bucket", "create", bucketName]);
  }

  step(`D1 database ${databaseName}`);
  if (!databaseId || databaseId === PLACEHOLDER_ID) {
    const find = async () =>
      JSON.parse(await wrangler(["d1", "list", "--json"], { capture: true })).find((db) => db.name === databaseName);
    let database = await find();
    if (database) process.stderr.write(`exists: ${database.uuid}\n`);
    else {
      await wrangler(["d1", "create", databaseName]);
      database = await find();
      if (!database) throw new DeployStop(`created ${databaseName} but cannot find it in wrangler d1 list; run \`npm run deploy\` again`);
    }
    config = config.replace(`database_id = "${databaseId ?? PLACEHOLDER_ID}"`, `database_id = "${database.uuid}"`);
    writeFileSync(configPath, config);
    process.stderr.write(`wrote database_id ${database.uuid} into wrangler.toml (commit it)\n`);
  } else {
    process.stderr.write(`configured: ${databaseId}\n`);
  }

  for (let n = 2; n <= (databases ?? 1); n++) {
    const binding = `DB_${n}`;
    const name = `${databaseName}-${n}`;
    step(`D1 database ${name} (binding ${binding})`);
    if (boundDatabases(config).includes(binding)) {
      process.stderr.write("configured in wrangler.toml\n");
      continue;
    }
    const find = async () => JSON.parse(await wrangler(["d1", "list", "--json"], { capture: true })).find((db) => db.name === name);
    let database = await find();
    if (database) process.stderr.write(`exists: ${database.uuid}\n`);
    else {
      await wrangler(["d1", "create", name]);
      database = await find();
      if (!database) throw new DeployStop(`created ${name} but cannot find it in wrangler d1 list; run \`npm run deploy\` again`);
    }
    const block = `[[d1_databases]]\nbinding = "${binding}"\ndatabase_name = "${name}"\ndatabase_id = "${database.uuid}"\nmigrations_dir = "migrations"\n`;
    // After the last [[d1_databases]] block, so the bindings read in order.
    const sections = config.split(/^(?=\[)/m);
    const last = sections.map((section) => section.startsWith("[[d1_databases]]")).lastIndexOf(true);
    sections.splice(last + 1, 0, `${block}\n`);
    config = sections.join("");
    writeFileSync(configPath, config);
    process.stderr.write(`wrote the ${binding} binding (${database.uuid}) into wrangler.toml (commit it)\n`);
  }
  const bound = boundDatabases(config);
  if (databases !== undefined && bound.length > databases) {
    process.stderr.write(`\nwrangler.toml binds ${bound.length} databases (${bound.join(", ")}); none is removed: stores live in them\n`);
  }

  for (const binding of bound) {
    step(`D1 migrations of ${binding} (remote)`);
    await wrangler(["d1", "migrations", "apply", binding, "--remote"]);
  }

  step("deploy the Worker (Durable Object migrations are in wrangler.toml)");
  await wrangler(["deploy"]);

  const secrets = JSON.parse((await wrangler(["secret", "list", "--format", "json"], { capture: true })) || "[]");
  const isSet = (name) => secrets.some((secret) => secret.name === name);
  for (const [name, fallbacks] of Object.entries(KEY_FALLBACKS)) {
    step(name);
    const derivedFrom = fallbacks.find(isSet);
    if (isSet(name)) process.stderr.write("already set (left unchanged)\n");
    else if (derivedFrom) {
      process.stderr.write(
        `not set, left so: this deployment derives it from ${derivedFrom}, and a new key would make what it already\n` +
          `sealed or signed unreadable (set ${name} yourself only before the first forwarder or launch token)\n`,
      );
    } else {
      await wrangler(["secret", "put", name], { input: randomBytes(32).toString("hex") });
      process.stderr.write("generated (256 bits) and stored as a Worker secret; not shown\n");
    }
  }

  step("LRS_ADMIN_TOKEN");
  const hasToken = isSet("LRS_ADMIN_TOKEN");
  if (process.env.LRS_ADMIN_TOKEN) {
    await wrangler(["secret", "put", "LRS_ADMIN_TOKEN"], { input: process.env.LRS_ADMIN_TOKEN });
    process.stderr.write("set from the LRS_ADMIN_TOKEN environment variable\n");
  } else if (hasToken) {
    process.stderr.write("already set (left unchanged; to replace it: LRS_ADMIN_TOKEN=... npm run deploy)\n");
  } else {
    const token = randomBytes(32).toString("hex");
    await wrangler(["secret", "put", "LRS_ADMIN_TOKEN"], { input: token });
    process.stderr.write(`generated; shown this once, keep it safe:\n\n  LRS_ADMIN_TOKEN=${token}\n\n`);
  }

  // Keys only the Worker needs: without them it derives them from LRS_ADMIN_TOKEN / LRS_BOOTSTRAP_SECRET.
  for (const name of ["LRS_CURSOR_SECRET", "LRS_SESSION_SECRET"]) {
    step(name);
    if (isSet(name)) {
      process.stderr.write("already set (left unchanged)\n");
      continue;
    }
    await wrangler(["secret", "put", name], { input: randomBytes(32).toString("hex") });
    process.stderr.write("generated (256 bits) and stored as a Worker secret; not shown\n");
  }
  process.stderr.write(
    "\nDone. Create a store and a credential (LRS_ADMIN_TOKEN set in the environment, never on a command line):\n" +
      "  npm run lrs -- --url https://<your-worker>.workers.dev stores create 'My courses' --id courses\n" +
      "  npm run lrs -- --url https://<your-worker>.workers.dev credentials create courses --scopes all\n",
  );
}

main().catch((error) => {
  // A DeployStop says what to do; anything else is unexpected, but still no stack trace for the person deploying.
  process.stderr.write(`\ndeploy stopped: ${error instanceof DeployStop ? error.message : `unexpected error: ${error.message}`}\n`);
  process.exitCode = 1;
});
