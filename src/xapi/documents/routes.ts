// One router for the State, Activity Profile and Agent Profile resources (1.0.3 Communication 2.2–2.7, 3.1;
// 9274.1.1 4.1.4, 4.1.6.2/5/6), parametrised by kind. Routes parse, call the document store, render.
import { type Context, Hono } from "hono";
import { enforceDocumentBinding } from "../../auth/launch-tokens/document-binding";
import { requireScope } from "../../auth/scopes";
import type { AppEnv } from "../../env";
import { badRequest, conflict, notFound, preconditionFailed, XapiError } from "../../errors";
import { maxDocumentBytes, readBodyBytes } from "../../http/body";
import { BOOKMARK_HEADER } from "../../http/d1-session";
import { STORED_BODY_HEADERS } from "../../http/stored-body-headers";
import type { DocumentAddress, DocumentKind } from "./document-address";
import type { DocumentRow } from "./document-rows";
import { listDocumentIds, openDocument, writeDocument } from "./document-storage";
import type { WriteRefusal } from "./document-writes";
import { quoteEtag, sha1Hex } from "./etag";
import { isJsonMediaType, parseJsonObject } from "./json-merge";
import { type DocumentRequest, parseDocumentRequest } from "./parameters";
import { type Conditions, parseConditions, preconditionsHold, unconditionalPutRule } from "./preconditions";


const DEFAULT_CONTENT_TYPE = "application/octet-stream";
// A body travels to the Durable Object as one RPC argument, and those are capped at 32 MiB.
const RPC_BODY_LIMIT = 30 * 1024 * 1024;

export function documentRoutes(kind: DocumentKind): Hono<AppEnv> {
  const scope = kind === "state" ? "state" : "profile";
  const routes = new Hono<AppEnv>();

  // GET also answers HEAD (Hono drops the body); the R2 body is then not opened (1.0.3 Communication 1.1).
  routes.get("/", requireScope(scope, "all/read"), async (c) => {
    const request = parse(c, kind, "GET");
    if (request.target === "set") {
      const { ids, lastModifiedMs } = await listDocumentIds(c.get("db"), request.set, request.sinceMs);
      const body = JSON.stringify(ids);
      const etag = quoteEtag(await sha1Hex(body));
      const headers: Record<string, string> = { "Content-Type": "application/json", ETag: etag };
      // 1.0.3 Communication 2.2.s6.b2: the newest change among the listed documents.
      if (lastModifiedMs !== undefined) headers["Last-Modified"] = new Date(lastModifiedMs).toUTCString();
      return c.body(body, 200, headers);
    }
    return serveDocument(c, request.address);
  });

  for (const method of ["PUT", "POST"] as const) {
    routes.on(method, "/", requireScope(scope), async (c) => {
      const request = parse(c, kind, method);
      if (request.target !== "document") throw badRequest("a document id is required");
      const conditions = conditionsOf(c);
      const contentType = c.req.header("Content-Type")?.trim() || DEFAULT_CONTENT_TYPE;
      const body = await readBodyBytes(c, Math.min(maxDocumentBytes(c, contentType), RPC_BODY_LIMIT));
      // A JSON POST is a merge, so it must be a JSON Object even when nothing is stored yet (XAPI-00314).
      if (method === "POST" && isJsonMediaType(contentType) && !parseJsonObject(body)) {
        throw badRequest("a POST with Content-Type application/json must carry a JSON Object");
      }
      const outcome = await writeDocument(c.env, request.address, {
        method,
        address: request.address,
        body,
        contentType,
        conditions,
        unconditionalPut: unconditionalPutRule(kind, c.get("xapiVersion")),
      });
      if (!outcome.ok) throw refusalError(outcome.refusal);
      const etag: Record<string, string> = outcome.etag ? { ETag: quoteEtag(outcome.etag) } : {};
      return c.body(null, 204, { ...writtenHeaders(outcome), ...etag });
    });
  }

  routes.delete("/", requireScope(scope), async (c) => {
    const request = parse(c, kind, "DELETE");
    const conditions = conditionsOf(c);
    const outcome =
      request.target === "document"
        ? await writeDocument(c.env, request.address, { method: "DELETE", address: request.address, conditions })
        : await writeDocument(c.env, request.set, { method: "DELETE_SET", set: request.set });
    if (!outcome.ok) throw refusalError(outcome.refusal);
    return c.body(null, 204, writtenHeaders(outcome));
  });

  return routes;
}

/** One document as a download: 304 when the client's copy is current, the R2 body opened only when sent. */
async function serveDocument(c: Context<AppEnv>, address: DocumentAddress): Promise<Response> {
  const ifNoneMatch = conditionsOf(c).ifNoneMatch;
  const wantsBody = c.req.method !== "HEAD";
  let opened = await openDocument(c.get("db"), c.env, address, wantsBody && ifNoneMatch === undefined);
  if (!opened) throw notFound("no such document");
  // RFC 7232 4.1: a client that already holds this version gets 304 without the body.
  if (ifNoneMatch !== undefined && !preconditionsHold({ ifNoneMatch }, opened.row.etag)) {
    return c.body(null, 304, documentHeaders(opened.row));
  }
  if (wantsBody && !opened.body) opened = await openDocument(c.get("db"), c.env, address, true);
  if (!opened) throw notFound("no such document");
  const headers = { ...documentHeaders(opened.row), "Content-Length": String(opened.row.size) };
  return opened.body ? c.body(opened.body, 200, headers) : c.body(null, 200, headers);
}

function documentHeaders(row: DocumentRow): Record<string, string> {
  return {
    // The body is whatever its writer stored (text/html included): a download, never a page of this origin.
    ...STORED_BODY_HEADERS,
    "Content-Type": row.contentType,
    ETag: quoteEtag(row.etag),
    "Last-Modified": new Date(row.updatedMs).toUTCString(),
  };
}

function conditionsOf(c: Context<AppEnv>): Conditions {
  return parseConditions({ ifMatch: c.req.header("If-Match"), ifNoneMatch: c.req.header("If-None-Match") });
}

/**
 * The one place a refusal becomes a status (1.0.3 Communication 3.1; 9274.1.1 4.1.4, 4.1.6.2). Exhaustive: a new
 * refusal kind without a status here fails the typecheck.
 */
export function refusalError(refusal: WriteRefusal): XapiError {
  switch (refusal.kind) {
    case "precondition-failed":
      return preconditionFailed(`the ${refusal.header} precondition does not hold for the current document`);
    case "exists-without-precondition":
      return conflict(
        "the document already exists: GET it to check its current state, then PUT again with If-Match set to its ETag",
      );
    case "precondition-required":
      return badRequest("a PUT to a profile document requires If-Match or If-None-Match");
    case "not-mergeable":
      return badRequest(refusal.reason);
    case "too-large":
      return new XapiError(
        413,
        refusal.document === "stored"
          ? `the stored document is over ${refusal.limit} bytes of JSON, so it cannot be merged: PUT a replacement`
          : `the merged document would be over ${refusal.limit} bytes of JSON`,
      );
    default: {
      const unknown: never = refusal;
      throw new Error(`unmapped document write refusal ${JSON.stringify(unknown)}`);
    }
  }
}

/** The writer's D1 bookmark: the write happened in its session, not in this request's. */
function writtenHeaders(outcome: { bookmark?: string }): Record<string, string> {
  return outcome.bookmark ? { [BOOKMARK_HEADER]: outcome.bookmark } : {};
}

function parse(c: Context<AppEnv>, kind: DocumentKind, method: "GET" | "PUT" | "POST" | "DELETE"): DocumentRequest {
  const query = new URL(c.req.url).searchParams;
  const principal = c.get("principal");
  const request = parseDocumentRequest(kind, method, query, principal.storeId, c.get("xapiVersion"));
  enforceDocumentBinding(principal.launch, kind, method, request);
  return request;
}
