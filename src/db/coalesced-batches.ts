// A D1 handle for pages that read the same figures for many rows at once (the console's stores page): the
// batch() calls made in one turn of the event loop go to D1 as a single batch, so a page of 30 stores costs
// one D1 query, not 30, toward the 50 (Free) an invocation may make (PLATFORM.md). For reads only: the merged
// batch is one transaction, so a failing statement fails every caller's batch.
export function coalescedBatches(db: D1Database): D1Database {
  type Waiting = { statements: D1PreparedStatement[]; resolve(results: D1Result[]): void; reject(error: unknown): void };
  let waiting: Waiting[] = [];

  async function flush(): Promise<void> {
    const callers = waiting;
    waiting = [];
    try {
      const results = await db.batch(callers.flatMap((caller) => caller.statements));
      let start = 0;
      for (const caller of callers) {
        caller.resolve(results.slice(start, start + caller.statements.length));
        start += caller.statements.length;
      }
    } catch (error) {
      for (const caller of callers) caller.reject(error);
    }
  }

  function batch<T = unknown>(statements: D1PreparedStatement[]): Promise<D1Result<T>[]> {
    return new Promise<D1Result[]>((resolve, reject) => {
      if (waiting.length === 0) queueMicrotask(() => void flush());
      waiting.push({ statements, resolve, reject });
    }) as Promise<D1Result<T>[]>;
  }

  return new Proxy(db, {
    get(target, property) {
      if (property === "batch") return batch;
      const value = Reflect.get(target, property, target) as unknown;
      return typeof value === "function" ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}
