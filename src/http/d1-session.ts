// D1 Sessions API: reads may be served by a read replica near the client, yet a client that sends back the
// bookmark it was given (X-LRS-Bookmark) reads at least its own writes (sequential consistency per session).
// Writes start at the primary; reads without a bookmark take any replica ("first-unconstrained").
import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../env";

export const BOOKMARK_HEADER = "X-LRS-Bookmark";

// D1 bookmarks are opaque tokens; reject anything that could not be one rather than pass it to D1.
const BOOKMARK_SHAPE = /^[A-Za-z0-9._:\-]{1,200}$/;

export const useD1Session = createMiddleware<AppEnv>(async function useD1Session(c, next) {
  const sent = c.req.header(BOOKMARK_HEADER);
  const isRead = c.req.method === "GET" || c.req.method === "HEAD";
  const constraint = sent && BOOKMARK_SHAPE.test(sent) ? sent : isRead ? "first-unconstrained" : "first-primary";
  const session = c.env.DB.withSession(constraint);
  // A session offers prepare() and batch(), the only D1 calls storage code makes.
  c.set("db", session as unknown as D1Database);
  await next();
  // A handler that wrote elsewhere (the DocumentWriter's own D1 session) has set the bookmark that covers it.
  if (c.res.headers.has(BOOKMARK_HEADER)) return;
  const bookmark = session.getBookmark();
  if (bookmark) c.res.headers.set(BOOKMARK_HEADER, bookmark);
});
