// Types of statement-csv.mjs.
export const STATEMENT_CSV_COLUMNS: readonly string[];
export function statementCsvHeader(): string;
export function statementCsvRow(statement: Record<string, unknown>): string;
