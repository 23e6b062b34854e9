// Writes derived from a batch of new statements that must commit with it or not at all: they run in the
// statements' own D1 batch (one transaction), so a refused or failed batch changes none of them. Readers that
// only need the log keep none here: the statements table ordered by seq is read from a cursor, off the request
// path, by forwarding (src/forwarding) and by the rollup aggregator (src/statement-store/rollups/aggregate.ts), which counts new
// statements, so no outbox row or counter is written with the statements. What stays: uncounting a statement
// the aggregator already counted when this batch voids it, which must move with the voided flag.
import { rollupVoided } from "./rollups/maintain";
import type { PreparedStatement } from "./statement-rows";

export type DerivedWrite = {
  name: string;
  /** Runs before the batch sets voided flags: the statements it voids are still unvoided (voiding.ts). */
  beforeVoiding?: (db: D1Database, storeId: string, batch: readonly PreparedStatement[]) => D1PreparedStatement[];
  /** Runs once the batch's rows are inserted and voided flags set. */
  afterVoiding?: (db: D1Database, storeId: string, batch: readonly PreparedStatement[]) => D1PreparedStatement[];
};

export const DERIVED_WRITES: readonly DerivedWrite[] = [
  // A counted target is uncounted in the transaction that voids it (maintain.ts; 0 rows when none was counted).
  { name: "rollups-voided", beforeVoiding: rollupVoided },
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
