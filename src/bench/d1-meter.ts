// Bench-only: D1's own cost figures for one request. Cloudflare bills D1 by rows read and rows written
// (every index entry written counts), and reports both in each result's `meta`; the bench entry
// (src/bench/worker.ts) wraps the DB binding per request with meterD1 and answers the sums in a header, so
// `npm run bench` can report rows written per statement and rows read per query shape from D1 itself. It also
// counts round trips (`calls`): each run/all/first/raw and each batch is one request to D1, however many
// statements a batch holds (scripts/bench/round-trips.mjs reports them per request kind).
export type D1Rows = { read: number; written: number; queries: number; calls: number };

export const D1_ROWS_HEADER = "X-Bench-D1-Rows";
export const D1_CALLS_HEADER = "X-Bench-D1-Calls";

type Meta = { rows_read?: number; rows_written?: number } | undefined;

/** `db` with every query's meta added to `rows` (first() and raw() are answered through all() to see it). */
export function meterD1<T extends D1Database | D1DatabaseSession>(db: T, rows: D1Rows): T {
  const add = (meta: Meta) => {
    rows.read += meta?.rows_read ?? 0;
    rows.written += meta?.rows_written ?? 0;
    rows.queries++;
  };
  const real = new WeakMap<object, D1PreparedStatement>();
  const statement = (inner: D1PreparedStatement): D1PreparedStatement => {
    const wrapped = {
      bind: (...values: unknown[]) => statement(inner.bind(...values)),
      async all<R>() {
        rows.calls++;
        const result = await inner.all<R>();
        add(result.meta);
        return result;
      },
      async run<R>() {
        rows.calls++;
        const result = await inner.run<R>();
        add(result.meta);
        return result;
      },
      async first<R>(column?: string) {
        const { results } = await wrapped.all<Record<string, unknown>>();
        const row = results[0];
        if (row === undefined) return null;
        return (column === undefined ? row : row[column]) as R;
      },
      async raw<R extends unknown[]>() {
        const { results } = await wrapped.all<Record<string, unknown>>();
        return results.map((row) => Object.values(row)) as R[];
      },
    };
    real.set(wrapped, inner);
    return wrapped as unknown as D1PreparedStatement;
  };
  return new Proxy(db, {
    get(target, property, receiver) {
      if (property === "prepare") return (sql: string) => statement(target.prepare(sql));
      if (property === "batch") {
        return async (statements: D1PreparedStatement[]) => {
          rows.calls++;
          const results = await target.batch(statements.map((s) => real.get(s) ?? s));
          for (const result of results) add(result.meta);
          return results;
        };
      }
      if (property === "withSession") {
        return (constraint?: string) => meterD1((target as D1Database).withSession(constraint), rows);
      }
      const value = Reflect.get(target, property, receiver);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}
