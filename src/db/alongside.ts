// A query a storage verb runs in the same D1 batch as its change (one transaction: both are kept or neither),
// built from `applies`, the verb's SQL condition that holds at the query's place in the batch exactly when the
// change takes effect (the row to change exists; the row to create does not yet). The audit log uses it
// (src/admin/audit.ts), so an audited change and its audit row cannot part, and a change that finds nothing to
// change writes no audit row.
import type { SQL } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";

export type Alongside = (applies: SQL) => BatchItem<"sqlite">;
