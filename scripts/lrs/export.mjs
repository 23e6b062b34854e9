// `lrs export`: a store's statements as NDJSON or CSV, streamed page by page by following `more` (1.0.3
// Communication 2.1.3 StatementResult), so memory stays flat however large the store. Filters are the query
// parameters of GET /xapi/statements. Ascending by default, so `import` of the output stores statements in the
// order they were first stored. CSV: the console export's columns and escaping (src/shared/statement-csv.mjs).
import { createWriteStream } from "node:fs";
import { once } from "node:events";
import { statementCsvHeader, statementCsvRow } from "../../src/shared/statement-csv.mjs";
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

export async function exportStatements(client, { out, csv = false, filters = {} }) {
  const output = out ? createWriteStream(out) : process.stdout;
  const write = async (text) => {
    if (!output.write(text)) await once(output, "drain");
  };
  const progress = createProgress("export");
  const parameters = { ascending: "true", ...filters };
  if (csv) await write(statementCsvHeader());

  let count = 0;
  let page = await client.getStatements(parameters);
  for (;;) {
    for (const statement of page.statements ?? []) {
      await write(csv ? statementCsvRow(statement) : `${JSON.stringify(statement)}\n`);
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
