// The statement export's CSV columns, one definition for the console's export and `npm run lrs -- export --csv`:
// the fields people filter and chart on, and the whole statement as JSON in the last column.
import { csvRow } from "./csv.mjs";

const VOIDED_VERB = "http://adlnet.gov/expapi/verbs/voided";

const objectType = (s) => s.object?.objectType ?? "Activity";

const COLUMNS = [
  ["id", (s) => s.id],
  ["timestamp", (s) => s.timestamp],
  ["stored", (s) => s.stored],
  ["actor", (s) => identify(s.actor)],
  ["actor_name", (s) => s.actor?.name],
  ["verb", (s) => s.verb?.id],
  ["object_type", objectType],
  ["object", (s) => (objectType(s) === "Activity" || objectType(s) === "StatementRef" ? s.object?.id : identify(s.object))],
  ["result_success", (s) => s.result?.success],
  ["result_completion", (s) => s.result?.completion],
  ["result_score_scaled", (s) => s.result?.score?.scaled],
  ["result_duration", (s) => s.result?.duration],
  ["registration", (s) => s.context?.registration],
  ["voids", (s) => (s.verb?.id === VOIDED_VERB && objectType(s) === "StatementRef" ? s.object?.id : undefined)],
  ["version", (s) => s.version],
  ["statement", (s) => JSON.stringify(s)],
];

export const STATEMENT_CSV_COLUMNS = COLUMNS.map(([name]) => name);

/** The header record: our own column names, bare. */
export function statementCsvHeader() {
  return `${STATEMENT_CSV_COLUMNS.join(",")}\r\n`;
}

export function statementCsvRow(statement) {
  return csvRow(COLUMNS.map(([, pick]) => pick(statement)));
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
