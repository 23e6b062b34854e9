// GET/HEAD /statements without statementId/voidedStatementId (1.0.3 Communication 2.1.3; 9274.1.1 4.1.6.1):
// parse and check the parameters, read one page through the index, render it in the asked format, and
// answer a StatementResult whose `more` continues the same query from the last statement served.
// X-Experience-API-Consistent-Through comes with the page (./statement-page.ts); routes.ts sets it on the others.
import type { Context } from "hono";
import type { AppEnv } from "../../../env";
import { CONSISTENT_THROUGH_HEADER } from "../../../statement-store/consistent-through";
import { renderStatements } from "../format";
import { pageWithinAttachmentReads, respondWithAttachments } from "./multipart-result";
import { parseStatementQuery } from "./parameters";
import { readStatementPage } from "./statement-page";

export async function handleStatementQuery(c: Context<AppEnv>): Promise<Response> {
  const url = new URL(c.req.url);
  const entries = [...url.searchParams];
  const query = parseStatementQuery(entries, c.get("xapiVersion"));
  const principal = c.get("principal");
  const db = c.get("db");
  const read = await readStatementPage(db, c.env, principal, entries, query);
  // attachments=true: a page whose contents need more R2 GETs than one request may make ends early.
  const { page, hasMore } = query.attachments
    ? await pageWithinAttachmentReads(db, principal.storeId, read.rows, read.hasMore)
    : { page: read.rows, hasMore: read.hasMore };
  let more = "";
  if (hasMore) {
    const cursor = await read.cursorAfter(page[page.length - 1]!.seq);
    more = `${url.pathname}?${read.parameters ? `${read.parameters}&` : ""}cursor=${encodeURIComponent(cursor)}`;
  }

  const statements = await renderStatements(db, principal.storeId, page, {
    format: query.format,
    version: c.get("xapiVersion"),
    acceptLanguage: c.req.header("Accept-Language"),
  });
  // RFC 9110 6.6.1: an origin server with a clock sends Date. The conformance suites' wait loop
  // (helper.genDelay) compares it with Consistent-Through and throws when it is missing.
  const headers = new Headers({ Date: new Date().toUTCString(), [CONSISTENT_THROUGH_HEADER]: read.consistentThrough });
  // 9274.1.1 4.1.6.1: Last-Modified of a StatementResult is the greatest `stored` among its statements.
  const newest = page.reduce((max, row) => Math.max(max, row.storedMs), -Infinity);
  if (Number.isFinite(newest)) headers.set("Last-Modified", new Date(newest).toUTCString());
  const body = JSON.stringify({ statements, more });
  if (query.attachments) return respondWithAttachments(c, body, page, headers);
  headers.set("Content-Type", "application/json; charset=utf-8");
  return new Response(c.req.method === "HEAD" ? null : body, { status: 200, headers });
}
