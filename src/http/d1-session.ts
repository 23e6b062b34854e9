// D1 Sessions API: with read replication on, reads may be served by a replica near the client. Each request
// opens one session, at
//   - the bookmark the client sent back (X-LRS-Bookmark): it reads at least what it saw before;
//   - else, for a read, the newest bookmark of the same credential's recent writes (./recent-writes.ts), so a
//     client that never sends the header still reads its own writes (a State GET right after its PUT), or the
//     primary when that credential wrote in another isolate within the last two seconds;
//   - else "first-unconstrained" for a read (any replica), "first-primary" for a write.
// Every response carries the session's bookmark. With replication off (the default) D1 serves every session
// from the primary and all of this costs one Cache API lookup per read and, per credential that writes, at most
// one Cache API put a second from each isolate.
// A bookmark is a position in ONE database: the store's (src/db/store-databases.ts). So the session opened first,
// which authentication reads credentials through (the home database DB), starts at the constraint alone, and
// useStoreSession, after authentication, opens the store's database at the bookmark; for a store in DB without a
// bookmark that is the same session.
import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../env";
import { badRequest } from "../errors";
import { BOOKMARK_HEADER, isBookmark } from "./bookmark";
import { RecentWrites, writerOf } from "./recent-writes";
import { HOME_DATABASE, databaseNamed, storeDatabaseName } from "../db/store-databases";

export { BOOKMARK_HEADER };

/** Per isolate, as a module's state is. */
const recentWrites = new RecentWrites();
/** Where each request's store session starts (decided once, before authentication). */
const starts = new WeakMap<Request, D1SessionBookmark | D1SessionConstraint>();

export const useD1Session = createMiddleware<AppEnv>(async function useD1Session(c, next) {
  // Clients that echo an absent header back as "" (Cloudflare's own example does) are treated as sending none.
  const sent = c.req.header(BOOKMARK_HEADER)?.trim() || undefined;
  if (sent !== undefined && !isBookmark(sent)) {
    throw badRequest("must be a bookmark as this LRS returns it, or be left out", BOOKMARK_HEADER);
  }
  const isRead = c.req.method === "GET" || c.req.method === "HEAD";
  const writer = await writerOf(c.req.header("Authorization"));
  const origin = new URL(c.req.url).origin;
  const remembered = !sent && isRead && writer ? await recentWrites.recall(writer, origin) : undefined;
  // A remembered start may be the primary itself (an entry too fresh to hold every write: recent-writes.ts).
  const constraint: D1SessionConstraint = isRead && remembered !== "first-primary" ? "first-unconstrained" : "first-primary";
  starts.set(c.req.raw, sent ?? remembered ?? constraint);
  // A session offers prepare() and batch(), the only D1 calls storage code makes.
  c.set("db", c.env.DB.withSession(constraint) as unknown as D1Database);
  await next();
  // A handler that wrote elsewhere (the DocumentWriter's own D1 session) has set the bookmark that covers it.
  if (!c.res.headers.has(BOOKMARK_HEADER)) {
    const bookmark = (c.get("db") as unknown as D1DatabaseSession).getBookmark();
    if (bookmark) c.res.headers.set(BOOKMARK_HEADER, bookmark);
  }
  // Only an accepted write moved the database; a refused one changed nothing to wait for.
  const written = c.res.headers.get(BOOKMARK_HEADER);
  if (!isRead && writer && c.res.status < 300 && written && isBookmark(written)) {
    // This isolate's memory holds it at once; the Cache API put (for the data centre's other isolates, paced in
    // recent-writes.ts) runs on while the response goes out, not before it: awaited, it cost a write 6-8 ms here.
    // The client's next request takes a network round trip to arrive, longer than the put, and an entry not yet
    // written only means a replica read (replication on) that may lag, never a lost write; so does a failed put.
    c.executionCtx.waitUntil(recentWrites.remember(writer, written, origin).catch(() => undefined));
  }
});

/** After authentication: the request's D1 session becomes one on the store's database, at the request's start. */
export const useStoreSession = createMiddleware<AppEnv>(async function useStoreSession(c, next) {
  const start = starts.get(c.req.raw) ?? "first-primary";
  const name = await storeDatabaseName(c.env, c.get("principal").storeId);
  if (name !== HOME_DATABASE || !start.startsWith("first-")) {
    c.set("db", databaseNamed(c.env, name).withSession(start) as unknown as D1Database);
  }
  await next();
});
