// CSV cells and rows (RFC 4180, CRLF), safe to open in a spreadsheet. Plain dependency-free JavaScript so that
// the Worker (bundled by wrangler) and the Node CLI (scripts/, which cannot import TypeScript) share it.

// A cell a spreadsheet would run as a formula: = + - @ TAB or CR first, also after leading whitespace, and the
// full-width = + - @ some spreadsheets accept too (OWASP "CSV Injection").
const FORMULA_START = /^\s*[=+\-@\t\r\uFF1D\uFF0B\uFF0D\uFF20]/;

/**
 * One cell. Text is always quoted, inner quotes doubled, and text a spreadsheet would read as a formula gets a
 * leading ' (OWASP). Numbers and booleans are ours, not the client's, and stay bare so they remain numbers.
 */
export function csvCell(value) {
  if (value === undefined || value === null) return "";
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  let text = String(value);
  if (FORMULA_START.test(text)) text = `'${text}`;
  return `"${text.replace(/"/g, '""')}"`;
}

/** One record, CRLF-terminated. */
export function csvRow(values) {
  return `${values.map(csvCell).join(",")}\r\n`;
}
