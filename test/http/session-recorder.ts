// A narrow seam on D1 sessions: the real binding, wrapped so a test sees the constraint or bookmark each
// session was opened with, and can make sessions that are not at the primary act like a lagging replica.
// Local D1 has no replicas (it serves every session from the primary), so the decision is what is tested.
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import type { Hono } from "hono";
import type { AppEnv } from "../../src/env";

export type Recorder = { db: D1Database; starts: string[] };

/**
 * `lagging` SQL patterns return no rows on sessions not opened with "first-primary", as on a replica that has
 * not yet received the row.
 */
export function recordingDb(lagging: RegExp[] = []): Recorder {
  const starts: string[] = [];
  const replicaLike = (session: D1DatabaseSession): D1DatabaseSession =>
    new Proxy(session, {
      get(target, prop) {
        if (prop === "prepare") {
          return (sql: string) => {
            const hidden = lagging.some((pattern) => pattern.test(sql));
            return target.prepare(hidden ? sql.replace(/\bwhere\b/i, "WHERE 0 AND") : sql);
          };
        }
        const value = Reflect.get(target, prop);
        return typeof value === "function" ? value.bind(target) : value;
      },
    });
  const db = new Proxy(env.DB, {
    get(target, prop) {
      if (prop === "withSession") {
        return (start: string) => {
          starts.push(start);
          const session = target.withSession(start);
          return start === "first-primary" ? session : replicaLike(session);
        };
      }
      const value = Reflect.get(target, prop);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
  return { db, starts };
}

/** One request through `app` with the recorder's binding as DB; the starts of this request only. */
export async function fetchWith(
  app: Hono<AppEnv>,
  recorder: Recorder,
  path: string,
  init: RequestInit = {},
): Promise<{ response: Response; text: string; starts: string[] }> {
  const from = recorder.starts.length;
  const ctx = createExecutionContext();
  const response = await app.fetch(new Request(`http://lrs.test/xapi${path}`, init), { ...env, DB: recorder.db }, ctx);
  const text = await response.text();
  await waitOnExecutionContext(ctx);
  return { response, text, starts: recorder.starts.slice(from) };
}
