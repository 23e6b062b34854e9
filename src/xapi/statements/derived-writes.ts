// Writes derived from a batch of new statements that must commit with it or not at all: they run in the
// statements' own D1 batch (one transaction), so a refused or failed batch changes none of them. Rollups (the
// console's counters) are the one today. Forwarding needs none: the statements table ordered by seq is its log,
// read from each forwarder's cursor (src/forwarding), so no outbox row is written with the statements.
import { rollupInserted, rollupVoided } from "../../rollups/maintain";
import type { PreparedStatement } from "./statement-rows";

export type DerivedWrite = {
  name: string;
  /** Runs before the batch sets voided flags: the statements it voids are still unvoided (voiding.ts). */
  beforeVoiding?: (db: D1Database, storeId: string, batch: readonly PreparedStatement[]) => D1PreparedStatement[];
  /** Runs once the batch's rows are inserted and voided flags set. */
  afterVoiding?: (db: D1Database, storeId: string, batch: readonly PreparedStatement[]) => D1PreparedStatement[];
};

export const DERIVED_WRITES: readonly DerivedWrite[] = [
  // Counters move with the voided flags: uncount earlier targets before, count the new rows after.
  { name: "rollups", beforeVoiding: rollupVoided, afterVoiding: rollupInserted },
];

export type DerivedStatements = { beforeVoiding: D1PreparedStatement[]; afterVoiding: D1PreparedStatement[] };

/** The D1 statements every derived write adds to the batch that inserts `batch`. */
export function derivedStatements(db: D1Database, storeId: string, batch: readonly PreparedStatement[]): DerivedStatements {
  const derived: DerivedStatements = { beforeVoiding: [], afterVoiding: [] };
  for (const write of DERIVED_WRITES) {
    if (write.beforeVoiding) derived.beforeVoiding.push(...write.beforeVoiding(db, storeId, batch));
    if (write.afterVoiding) derived.afterVoiding.push(...write.afterVoiding(db, storeId, batch));
  }
  return derived;
}
