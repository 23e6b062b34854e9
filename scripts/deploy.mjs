#!/usr/bin/env node
// `npm run deploy`: one command from a fresh Cloudflare account to a running LRS, safe to re-run.
//   1. checks wrangler is logged in (`wrangler login`, or CLOUDFLARE_API_TOKEN + CLOUDFLARE_ACCOUNT_ID);
//   2. D1: when wrangler.toml still holds the placeholder database_id, finds the database by name or creates
//      it, and writes its id back into wrangler.toml (commit that change);
//   3. R2: creates the bucket unless it exists;
//   4. applies the D1 migrations remotely (wrangler applies only those not yet applied);
//   5. deploys the Worker; the Durable Object class migration is declared in wrangler.toml ([[migrations]]);
//   6. LRS_ADMIN_TOKEN: sets it from the environment variable when given, otherwise generates one on the first
//      deploy only and prints it once; an existing secret is never replaced unless the variable is given.
//   7. LRS_CURSOR_SECRET, LRS_SESSION_SECRET (the HMAC keys of `more` cursors and console sessions): generated
//      (256 bits) when not set yet, never printed; an existing one is left alone.
// Secret values go to `wrangler secret put` on stdin, never on its command line (visible to every user in ps).
// `npm run deploy -- --dry-run` only bundles (wrangler deploy --dry-run), needing no Cloudflare account (CI).
import { spawnSync } from "node:child_process";
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

function wrangler(args, { capture = false, input } = {}) {
  const result = spawnSync(wranglerBin, args, {
    cwd: root,
    env,
    input,
    encoding: "utf8",
    stdio: [input === undefined ? "ignore" : "pipe", capture ? "pipe" : "inherit", capture ? "pipe" : "inherit"],
  });
  if (result.error) throw result.error;
  if (result.status !== 0) {
    throw new Error(`wrangler ${args.join(" ")} failed${capture ? `:\n${result.stderr || result.stdout}` : ""}`);
  }
  return result.stdout ?? "";
}

/** The value of `key = "..."` inside the first [[table]] block that has it. */
function tomlValue(text, table, key) {
  const block = text.split(/^\[/m).find((section) => section.startsWith(`[${table}]]`) && new RegExp(`^${key}\\s*=`, "m").test(section));
  return block?.match(new RegExp(`^${key}\\s*=\\s*"([^"]*)"`, "m"))?.[1];
}

function step(text) {
  process.stderr.write(`\n== ${text}\n`);
}

async function main() {
  if (process.argv.includes("--dry-run")) {
    const outdir = mkdtempSync(join(tmpdir(), "edge-lrs-dry-"));
    wrangler(["deploy", "--dry-run", "--outdir", outdir]);
    process.stderr.write(`dry run: bundle in ${outdir}\n`);
    return;
  }

  let config = readFileSync(configPath, "utf8");
  const databaseName = tomlValue(config, "d1_databases", "database_name");
  const databaseId = tomlValue(config, "d1_databases", "database_id");
  const bucketName = tomlValue(config, "r2_buckets", "bucket_name");
  if (!databaseName || !bucketName) throw new Error("wrangler.toml needs [[d1_databases]] database_name and [[r2_buckets]] bucket_name");

  step("Cloudflare account");
  wrangler(["whoami"]);

  step(`D1 database ${databaseName}`);
  if (!databaseId || databaseId === PLACEHOLDER_ID) {
    const find = () =>
      JSON.parse(wrangler(["d1", "list", "--json"], { capture: true })).find((db) => db.name === databaseName);
    let database = find();
    if (database) process.stderr.write(`exists: ${database.uuid}\n`);
    else {
      wrangler(["d1", "create", databaseName]);
      database = find();
      if (!database) throw new Error(`created ${databaseName} but cannot find it in wrangler d1 list`);
    }
    config = config.replace(`database_id = "${databaseId ?? PLACEHOLDER_ID}"`, `database_id = "${database.uuid}"`);
    writeFileSync(configPath, config);
    process.stderr.write(`wrote database_id ${database.uuid} into wrangler.toml (commit it)\n`);
  } else {
    process.stderr.write(`configured: ${databaseId}\n`);
  }

  step(`R2 bucket ${bucketName}`);
  const buckets = wrangler(["r2", "bucket", "list"], { capture: true });
  if (new RegExp(`^name:\\s*${bucketName.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}\\s*$`, "m").test(buckets)) {
    process.stderr.write("exists\n");
  } else {
    wrangler(["r2", "bucket", "create", bucketName]);
  }

  step("D1 migrations (remote)");
  wrangler(["d1", "migrations", "apply", "DB", "--remote"]);

  step("deploy the Worker (Durable Object migrations are in wrangler.toml)");
  wrangler(["deploy"]);

  step("LRS_ADMIN_TOKEN");
  const secrets = JSON.parse(wrangler(["secret", "list", "--format", "json"], { capture: true }) || "[]");
  const isSet = (name) => secrets.some((secret) => secret.name === name);
  const hasToken = isSet("LRS_ADMIN_TOKEN");
  if (process.env.LRS_ADMIN_TOKEN) {
    wrangler(["secret", "put", "LRS_ADMIN_TOKEN"], { input: process.env.LRS_ADMIN_TOKEN });
    process.stderr.write("set from the LRS_ADMIN_TOKEN environment variable\n");
  } else if (hasToken) {
    process.stderr.write("already set (left unchanged; to replace it: LRS_ADMIN_TOKEN=... npm run deploy)\n");
  } else {
    const token = randomBytes(32).toString("hex");
    wrangler(["secret", "put", "LRS_ADMIN_TOKEN"], { input: token });
    process.stderr.write(`generated; shown this once, keep it safe:\n\n  LRS_ADMIN_TOKEN=${token}\n\n`);
  }

  // Keys only the Worker needs: without them it derives them from LRS_ADMIN_TOKEN / LRS_BOOTSTRAP_SECRET.
  for (const name of ["LRS_CURSOR_SECRET", "LRS_SESSION_SECRET"]) {
    step(name);
    if (isSet(name)) {
      process.stderr.write("already set (left unchanged)\n");
      continue;
    }
    wrangler(["secret", "put", name], { input: randomBytes(32).toString("hex") });
    process.stderr.write("generated (256 bits) and stored as a Worker secret; not shown\n");
  }
  process.stderr.write(
    "\nDone. Create a store and a credential (LRS_ADMIN_TOKEN set in the environment, never on a command line):\n" +
      "  npm run lrs -- --url https://<your-worker>.workers.dev stores create 'My courses' --id courses\n" +
      "  npm run lrs -- --url https://<your-worker>.workers.dev credentials create courses --scopes all\n",
  );
}

main().catch((error) => {
  process.stderr.write(`\ndeploy: ${error.message}\n`);
  process.exit(1);
});
