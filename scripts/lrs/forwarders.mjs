// `lrs forwarders ...`: statement forwarders of a store through the admin API (/admin/stores/:store/forwarders).
// The xAPI destination's secret is read like the CLI's own secrets (./secrets.mjs): LRS_DESTINATION_SECRET or
// --destination-secret-file <file> ("-" for standard input), never from the command line.
import { readSecret } from "./secrets.mjs";

export const FORWARDER_USAGE = `  forwarders list <store>
  forwarders create <store> webhook <url> [--filter <json|@file>] [--batch-size <n>]
                                             prints the webhook's signing secret once
  forwarders create <store> xapi <endpoint> --destination-key <key> [--destination-version 1.0.3|2.0.0]
                    [--filter <json|@file>] [--batch-size <n>]
                                             the destination's secret from LRS_DESTINATION_SECRET or
                                             --destination-secret-file <file> (- reads standard input)
  forwarders show <store> <id>               position, lag, last success and error, attempts, state
  forwarders pause|resume|delete <store> <id>
  forwarders replay <store> <id> --since <ts> | --from-beginning
`;

export const FORWARDER_OPTIONS = {
  filter: { type: "string" },
  "batch-size": { type: "string" },
  "destination-key": { type: "string" },
  "destination-version": { type: "string" },
  "from-beginning": { type: "boolean", default: false },
};

/**
 * Runs one forwarders subcommand. `tools` are the CLI's own helpers: the admin request, need (a required
 * argument), parseJsonArgument (JSON or @file) and print.
 */
export async function forwarders([action, store, ...rest], options, tools) {
  const { request, need, parseJsonArgument, print } = tools;
  const base = `/stores/${enc(need(store, "<store>"))}/forwarders`;
  if (action === "list") return print((await request("GET", base)).body.forwarders);
  if (action === "create") {
    const created = (await request("POST", base, createBody(rest, options))).body;
    if (created.secret) process.stderr.write("the webhook's signing secret is shown this once; store it now\n");
    return print(created);
  }
  const path = `${base}/${enc(need(rest[0], "<id>"))}`;
  if (action === "show") return print((await request("GET", path)).body);
  if (action === "pause" || action === "resume") return print((await request("POST", `${path}/${action}`)).body);
  if (action === "replay") return print((await request("POST", `${path}/replay`, replayBody(options))).body);
  if (action === "delete") {
    await request("DELETE", path);
    return print({ deleted: rest[0] });
  }
  throw new Error(`unknown: forwarders ${action ?? ""}`);

  function createBody([kind, target], options) {
    const common = {
      ...(options.filter !== undefined ? { filter: parseJsonArgument(options.filter, "--filter") } : {}),
      ...(options["batch-size"] !== undefined ? { batchSize: positiveInteger(options["batch-size"]) } : {}),
    };
    if (kind === "webhook") return { kind, url: need(target, "<url>"), ...common };
    if (kind === "xapi") {
      const secret = readSecret(options, "destination-secret");
      if (!secret) {
        throw new Error("an xapi forwarder needs the destination's secret: LRS_DESTINATION_SECRET or --destination-secret-file <file|->");
      }
      return {
        kind,
        endpoint: need(target, "<endpoint>"),
        key: need(options["destination-key"], "--destination-key <key>"),
        secret,
        ...(options["destination-version"] ? { version: options["destination-version"] } : {}),
        ...common,
      };
    }
    throw new Error(`forwarders create <store> webhook|xapi ...: unknown kind ${kind ?? "(none)"}`);
  }
}

function replayBody(options) {
  if (options["from-beginning"] === (options.since !== undefined)) {
    throw new Error("forwarders replay needs exactly one of --since <timestamp> and --from-beginning");
  }
  return options["from-beginning"] ? { from: "beginning" } : { since: options.since };
}

function positiveInteger(text) {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new Error("--batch-size must be a positive integer");
  return n;
}

const enc = encodeURIComponent;
