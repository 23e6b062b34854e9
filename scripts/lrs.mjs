#!/usr/bin/env node
// `npm run lrs -- <command>`: administer an edge-lrs (local or deployed) through its admin API, and move
// statements in and out through its xAPI. No dependencies beyond Node 22.
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { adminClient, xapiClient } from "./lrs/client.mjs";
import { exportStatements, QUERY_PARAMETERS } from "./lrs/export.mjs";
import { FORWARDER_OPTIONS, FORWARDER_USAGE, forwarders } from "./lrs/forwarders.mjs";
import { importStatements } from "./lrs/import.mjs";
import { followJob } from "./lrs/jobs.mjs";
import { readSecret, refuseCommandLineSecrets, SECRET_OPTIONS } from "./lrs/secrets.mjs";

const USAGE = `usage: npm run lrs -- <command> [options]

admin commands (LRS_ADMIN_TOKEN, or --token-file <file>):
  stores list
  stores create <name> [--id <id>] [--database <binding>]
                                             in that D1 database (DB, DB_2 ...); default: the emptiest
  stores rename <store> <name>
  stores tiering <store> <days|off>          statement bodies older than <days> move to R2 segments (daily);
                                             off: no more tiering
  stores delete <store>                      deletes all of the store's data (asks for --yes); a job
  stats <store>
  credentials list <store>
  credentials create <store> [--name <name>] [--scopes all,statements/write,...] [--authority <agent-json>]
  credentials disable|enable|rotate|delete <store> <credential-id>
  erase-agent <agent-json> --store <store> [--direct]    GDPR erasure: prints what matches, erases with --yes
                                             (mentions anywhere; --direct: only as actor or object)
  audit <store>
  rebuild-rollups <store>                    recounts the console's figures from the statements; a job
  sweep-orphans <store>                      removes attachment contents no statement references; a job
  tier-statements <store>                    tiers the store's statement bodies now, by its setting; a job
  upgrade-backfill                           moves the rows kept from before the storage change (the cron
                                             starts it too); a job, or "nothing to move"
  jobs list <store> | jobs show|wait <store> <job-id>
                                             long work runs as durable jobs: commands that start one wait
                                             for it with a progress bar (--no-wait prints it and returns)
${FORWARDER_USAGE}
xAPI commands (LRS_KEY and LRS_SECRET, or --key <key> and --secret-file <file>; the credential's store is used):
  import <file> [--batch 500] [--restart]    NDJSON or JSON array; resumable; rejects in <file>.rejected.ndjson
  export [--out <file>] [--csv] [--agent <json>] [--verb <iri>] [--activity <iri>] [--registration <uuid>]
         [--since <ts>] [--until <ts>] [--related_activities] [--related_agents] [--limit <n>] [--ascending false]

common options:
  --url <base>          the LRS (default http://127.0.0.1:8787, or LRS_URL)
  --xapi-version <v>    X-Experience-API-Version for xAPI commands (default 2.0.0)
  --token-file <file>   the admin token, read from a file (instead of LRS_ADMIN_TOKEN)
  --secret-file <file>  the credential's secret, read from a file (instead of LRS_SECRET)
  Secrets are never taken on the command line (--token, --secret): ps shows command lines to every user.
`;

const { values: options, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    url: { type: "string", default: process.env.LRS_URL ?? "http://127.0.0.1:8787" },
    ...SECRET_OPTIONS,
    key: { type: "string", default: process.env.LRS_KEY },
    "xapi-version": { type: "string", default: "2.0.0" },
    id: { type: "string" },
    database: { type: "string" },
    name: { type: "string" },
    scopes: { type: "string", default: "all" },
    authority: { type: "string" },
    store: { type: "string" },
    related: { type: "boolean", default: false },
    direct: { type: "boolean", default: false },
    yes: { type: "boolean", default: false },
    "no-wait": { type: "boolean", default: false },
    batch: { type: "string", default: "500" },
    restart: { type: "boolean", default: false },
    out: { type: "string" },
    csv: { type: "boolean", default: false },
    help: { type: "boolean", short: "h", default: false },
    ...FORWARDER_OPTIONS,
    ...Object.fromEntries(
      QUERY_PARAMETERS.map((name) => [name, { type: name.startsWith("related_") ? "boolean" : "string" }]),
    ),
  },
});

const print = (value) => process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
const admin = () => adminClient({ url: options.url, token: readSecret(options, "token") });
const xapi = () =>
  xapiClient({ url: options.url, key: options.key, secret: readSecret(options, "secret"), version: options["xapi-version"] });

function need(value, what) {
  if (value === undefined || value === "") throw new Error(`missing ${what}\n\n${USAGE}`);
  return value;
}

function parseJsonArgument(text, what) {
  try {
    return JSON.parse(text.startsWith("@") ? readFileSync(text.slice(1), "utf8") : text);
  } catch (error) {
    throw new Error(`${what} is not JSON (${error.message}); pass JSON or @file`);
  }
}

function confirm(what) {
  if (!options.yes) throw new Error(`${what}: this cannot be undone; repeat with --yes`);
}

/** Starts a durable job (the admin API answers 202 with it) and, unless --no-wait, follows it to its end. */
async function startJob(method, path, json) {
  const request = admin();
  const { body } = await request(method, path, json);
  return options["no-wait"] ? body.job : followJob(request, body);
}

const commands = {
  async stores([action, ...rest]) {
    const request = admin();
    if (action === "list") return print((await request("GET", "/stores")).body.stores);
    if (action === "create") {
      const name = need(rest[0], "<name>");
      const placed = options.database ? { database: options.database } : {};
      return print((await request("POST", "/stores", { name, ...(options.id ? { id: options.id } : {}), ...placed })).body);
    }
    if (action === "rename") {
      const store = need(rest[0], "<store>");
      return print((await request("PATCH", `/stores/${enc(store)}`, { name: need(rest[1], "<name>") })).body);
    }
    if (action === "tiering") {
      const store = need(rest[0], "<store>");
      const days = need(rest[1], "<days|off>");
      if (days !== "off" && !/^\d+$/.test(days)) throw new Error(`<days|off> must be a whole number of days or off, not ${days}`);
      return print((await request("PUT", `/stores/${enc(store)}/tiering`, { tierAfterDays: days === "off" ? null : Number(days) })).body);
    }
    if (action === "delete") {
      const store = need(rest[0], "<store>");
      confirm(`deleting store ${store}`);
      return print(await startJob("DELETE", `/stores/${enc(store)}`));
    }
    throw new Error(`unknown: stores ${action ?? ""}\n\n${USAGE}`);
  },

  async stats([store]) {
    print((await admin()("GET", `/stores/${enc(need(store, "<store>"))}/stats`)).body);
  },

  async audit([store]) {
    print((await admin()("GET", `/stores/${enc(need(store, "<store>"))}/audit`)).body.entries);
  },

  async credentials([action, store, id]) {
    const request = admin();
    const base = `/stores/${enc(need(store, "<store>"))}/credentials`;
    if (action === "list") return print((await request("GET", base)).body.credentials);
    if (action === "create") {
      const body = {
        scopes: options.scopes.split(",").map((s) => s.trim()).filter(Boolean),
        ...(options.name ? { name: options.name } : {}),
        ...(options.authority ? { authority: parseJsonArgument(options.authority, "--authority") } : {}),
      };
      const created = (await request("POST", base, body)).body;
      process.stderr.write("the secret is shown this once; store it now\n");
      return print(created);
    }
    const path = `${base}/${enc(need(id, "<credential-id>"))}`;
    if (action === "disable" || action === "enable" || action === "rotate") {
      return print((await request("POST", `${path}/${action}`)).body);
    }
    if (action === "delete") {
      await request("DELETE", path);
      return print({ deleted: id });
    }
    throw new Error(`unknown: credentials ${action ?? ""}\n\n${USAGE}`);
  },

  async "erase-agent"([agentText]) {
    const agent = parseJsonArgument(need(agentText, "<agent-json>"), "<agent-json>");
    const store = need(options.store, "--store <store>");
    // --related is the default now (kept so older scripts still run); --direct narrows to actor and object.
    const body = { agent, ...(options.direct ? { related: false } : {}) };
    const path = `/stores/${enc(store)}/erase-agent`;
    const { body: found } = await admin()("POST", `${path}/preview`, body);
    const plus = found.more ? "+" : "";
    process.stderr.write(
      `matching in store ${store}: ${found.statements}${plus} statements, ${found.documents} documents, ` +
        `${found.attachments}${plus} attachments\n`,
    );
    confirm(`erasing ${agentText} from store ${store}`);
    print(await startJob("POST", path, body));
  },

  async "rebuild-rollups"([store]) {
    print(await startJob("POST", `/stores/${enc(need(store, "<store>"))}/jobs`, { kind: "rollup-rebuild" }));
  },

  async "sweep-orphans"([store]) {
    print(await startJob("POST", `/stores/${enc(need(store, "<store>"))}/jobs`, { kind: "orphan-sweep" }));
  },

  async "tier-statements"([store]) {
    print(await startJob("POST", `/stores/${enc(need(store, "<store>"))}/jobs`, { kind: "statement-tiering" }));
  },

  async "upgrade-backfill"() {
    const request = admin();
    const { body } = await request("POST", "/upgrade-backfill");
    if (!body.job) return print({ job: null, note: "nothing to move: no legacy table is left" });
    print(options["no-wait"] ? body.job : await followJob(request, body));
  },

  async jobs([action, store, id]) {
    const request = admin();
    const base = `/stores/${enc(need(store, "<store>"))}/jobs`;
    if (action === "list") return print((await request("GET", base)).body.jobs);
    const path = `${base}/${enc(need(id, "<job-id>"))}`;
    if (action === "show") return print((await request("GET", path)).body);
    if (action === "wait") return print(await followJob(request, { job: (await request("GET", path)).body, location: `/admin${path}` }));
    throw new Error(`unknown: jobs ${action ?? ""}\n\n${USAGE}`);
  },

  async forwarders(args) {
    await forwarders(args, options, { request: admin(), need, parseJsonArgument, print });
  },

  async import([file]) {
    const batchSize = Number(options.batch);
    if (!Number.isInteger(batchSize) || batchSize < 1) throw new Error("--batch must be a positive integer");
    const state = await importStatements(xapi(), need(file, "<file>"), { batchSize, restart: options.restart });
    print({ accepted: state.accepted, rejected: state.rejected, position: state.position });
  },

  async export() {
    const filters = {};
    for (const name of QUERY_PARAMETERS) {
      if (options[name] !== undefined) filters[name] = String(options[name]);
    }
    await exportStatements(xapi(), { out: options.out, csv: options.csv, filters });
  },
};

const enc = encodeURIComponent;

const [command, ...rest] = positionals;
if (options.help || !command) {
  process.stdout.write(USAGE);
  process.exit(command || options.help ? 0 : 1);
}
if (!Object.hasOwn(commands, command)) {
  process.stderr.write(`unknown command ${command}\n\n${USAGE}`);
  process.exit(1);
}
try {
  refuseCommandLineSecrets(options);
  await commands[command](rest);
} catch (error) {
  process.stderr.write(`\nerror: ${error.message}\n`);
  process.exit(1);
}
