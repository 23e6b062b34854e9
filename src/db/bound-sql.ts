// SQL text with `?` placeholders and its values (as the query builders make it), as a drizzle fragment; the values
// stay bound parameters.
import { type SQL, sql } from "drizzle-orm";

export function boundSql({ sql: text, params }: { sql: string; params: readonly unknown[] }): SQL {
  const pieces = text.split("?");
  if (pieces.length !== params.length + 1) throw new Error("boundSql: placeholders and values differ in number");
  return sql.join(pieces.map((piece, i) => (i < params.length ? sql`${sql.raw(piece)}${params[i]}` : sql.raw(piece))));
}
