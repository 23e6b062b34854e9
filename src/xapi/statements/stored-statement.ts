// A stored statement row as a client sees it (shared with format.ts): `stored` merged back from its column,
// `timestamp` defaulted to `stored` (1.0.3 Data 2.4.7 SHOULD*, 9274.1.1 4.2.4.2 SHALL). Served as stored
// whatever the request's version: 1.0.3 Communication 3.3.s5.b1 forbids converting a newer statement into a
// prior version's format, and 3.3.s4.b4-b5 has clients ignore properties they do not know (contextAgents...).

import { isTiered } from "../../statement-store/tiering/tiered-row";

export type StoredStatementRow = { statement: string; storedMs: number };

export function storedStatement(row: StoredStatementRow): Record<string, unknown> {
  // A tiered row holds a pointer, not the statement: its body comes through tiering/load-bodies.ts first.
  if (isTiered(row.statement)) throw new Error("a tiered statement was read without its body (tiering/load-bodies.ts)");
  const statement = JSON.parse(row.statement) as Record<string, unknown>;
  const stored = new Date(row.storedMs).toISOString();
  return { ...statement, timestamp: statement.timestamp ?? stored, stored };
}
