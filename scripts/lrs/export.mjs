// `lrs export`: a store's statements as NDJSON or CSV, streamed page by page by following `more` (1.0.3
// Communication 2.1.3 StatementResult), so memory stays flat however large the store. Filters are the query
// parameters of GET /xapi/statements. Ascending by default, so `import` of the output stores statements in the
// order they were first stored.
import { createWriteStream } from "node:fs";
import { once } from "node:events";
import { createProgress } from "./progress.mjs";

export const QUERY_PARAMETERS = [
  "agent",
  "verb",
  "activity",
  "registration",
  "related_activities",
  "related_agents",
  "since",
  "until",
  "limit",
  "format",
  "ascending",
];

const CSV_COLUMNS = [
  ["id", (s) => s.id],
  ["timestamp", (s) => s.timestamp],
  ["stored", (s) => s.stored],
  ["actor", (s) => identify(s.actor)],
  ["actor_name", (s) => s.actor?.name],
  ["verb", (s) => s.verb?.id],
  ["object_type", (s) => s.object?.objectType ?? "Activity"],
  ["object", (s) => (s.object?.objectType ?? "Activity") === "Activity" || s.object?.objectType === "StatementRef" ? s.object?.id : identify(s.object)],
  ["result_success", (s) => s.result?.success],
  ["result_completion", (s) => s.result?.completion],
  ["result_score_scaled", (s) => s.result?.score?.scaled],
  ["result_duration", (s) => s.result?.duration],
  ["registration", (s) => s.context?.registration],
  ["version", (s) => s.version],
  ["statement", (s) => JSON.stringify(s)],
];

export async function exportStatements(client, { out, csv = false, filters = {} }) {
  const output = out ? createWriteStream(out) : process.stdout;
  const write = async (text) => {
    if (!output.write(text)) await once(output, "drain");
  };
  const progress = createProgress("export");
  const parameters = { ascending: "true", ...filters };
  if (csv) await write(`${CSV_COLUMNS.map(([name]) => name).join(",")}\n`);

  let count = 0;
  let page = await client.getStatements(parameters);
  for (;;) {
    for (const statement of page.statements ?? []) {
      await write(csv ? `${CSV_COLUMNS.map(([, pick]) => csvField(pick(statement))).join(",")}\n` : `${JSON.stringify(statement)}\n`);
      count++;
    }
    progress.update(undefined, `${count} statements`);
    if (!page.more) break;
    page = await client.getStatements(page.more);
  }
  if (out) {
    output.end();
    await once(output, "finish");
  }
  progress.done(undefined, `${count} statements${out ? ` written to ${out}` : ""}`);
  return count;
}

/** An Agent's or Group's IFI as one readable string (mbox, sha1, openid or homePage|name). */
function identify(agent) {
  if (!agent) return undefined;
  if (agent.mbox) return agent.mbox;
  if (agent.mbox_sha1sum) return `sha1:${agent.mbox_sha1sum}`;
  if (agent.openid) return agent.openid;
  if (agent.account) return `${agent.account.homePage}|${agent.account.name}`;
  return agent.objectType === "Group" ? `group(${(agent.member ?? []).length} members)` : undefined;
}

/** RFC 4180: quoted when it holds a comma, quote or line break; quotes doubled. */
function csvField(value) {
  if (value === undefined || value === null) return "";
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
