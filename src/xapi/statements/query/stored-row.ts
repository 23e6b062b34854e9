// A stored statement row as the JSON object a client reads. Interim: the statements work owns this
// conversion in src/xapi/statements/stored-statement.ts; this file delegates to it once it exists.
import type { XapiVersion } from "../../../env";

export function toStatementObject(
  row: { statement: string; storedMs: number },
  version: XapiVersion,
): Record<string, unknown> {
  void version;
  const statement = JSON.parse(row.statement) as Record<string, unknown>;
  // `stored` lives in its column (the truth); a statement sent without timestamp reads stored as its timestamp
  // (1.0.3 Data 2.4.7, 9274.1.1 4.2.4.2).
  const stored = new Date(row.storedMs).toISOString();
  statement.stored = stored;
  if (statement.timestamp === undefined) statement.timestamp = stored;
  return statement;
}
