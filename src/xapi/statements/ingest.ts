// The one way statements get in (PUT and POST /statements; 1.0.3 Communication 2.1.1-2.1.2; 9274.1.1
// 4.1.6.1). A request goes through these steps, in this order:
//   1. read           request.ts: application/json, or multipart/mixed with the statements as the first part
//   2. validate       validation/: each statement parsed to a typed Statement, or a 400 naming the first issue
//   3. rules          statement-rules.ts: rules over the request's statements (statementId, unique ids, profiles)
//   4. prepare        record-statements.ts: LRS properties, stored JSON, index facts; 413 past the row bounds
//   5. store parts    attachments/: attachment parts stream into R2, then signatures are verified
//   6. record         record-statements.ts: one D1 batch with the statements, their attachment rows and the
//                     derived writes (derived-writes.ts)
//   7. wake           forwarding (src/forwarding/forwarder-wake.ts) and the rollup aggregator
//                     (src/statement-store/rollups/aggregator-wake.ts) after the commit, off the response path
// Steps 2-4 are pure and run on the statement part before any attachment part is read: a request they refuse
// has read nothing from D1 and written nothing to R2.
import type { Context } from "hono";
import type { AppEnv } from "../../env";
import { conflict } from "../../errors";
import { CONSISTENT_THROUGH_HEADER } from "../../statement-store/consistent-through";
import { prepareValidStatements, recordStatements, validateStatements } from "./record-statements";
import { receiveStatements } from "./request";
import { wakeStoreForwarders } from "../../forwarding/forwarder-wake";
import { wakeRollupAggregator } from "../../statement-store/rollups/aggregator-wake";

/** PUT names its one statement's id; POST does not. */
export type StatementWrite = { statementId: string } | { statementId?: undefined };

/** Runs the steps above for the request in `c`; the ids recorded, in the order sent. */
export async function ingestStatements(c: Context<AppEnv>, write: StatementWrite): Promise<string[]> {
  const principal = c.get("principal");
  const version = c.get("xapiVersion");
  const { statementId } = write;
  return receiveStatements(
    c,
    (body) => {
      const valid = validateStatements(body, version, statementId, principal.launch);
      return { ...valid, prepared: prepareValidStatements(valid, principal, version, statementId) };
    },
    async ({ accepted, attachments }) => {
      const outcome = await recordStatements(c.get("db"), principal, version, accepted.prepared, attachments, c.env.BLOBS);
      if (!outcome.ok) throw conflictAt(outcome.conflict, accepted.path);
      if (outcome.consistentThrough) c.header(CONSISTENT_THROUGH_HEADER, outcome.consistentThrough);
      c.executionCtx.waitUntil(wakeStoreForwarders(c.env, c.get("db"), principal.storeId));
      c.executionCtx.waitUntil(wakeRollupAggregator(c.env, principal.storeId));
      return outcome.ids;
    },
  );
}

/** 409 naming the statement whose id is stored with other content (1.0.3 Communication 2.1.1, 2.1.2). */
function conflictAt({ id, index }: { id: string; index: number }, path: (index: number) => string) {
  return conflict(`a different statement with id ${id} is already stored`, `${path(index)}.id`);
}

