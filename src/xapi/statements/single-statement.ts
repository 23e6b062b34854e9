// GET /statements?statementId= | ?voidedStatementId= (1.0.3 Communication 2.1.3-2.1.4; 9274.1.1 4.1.6.1):
// one Statement object, not a StatementResult. A voided statement is only reachable by voidedStatementId.
import type { Context } from "hono";
import { mayReadStatementOf } from "../../auth/scopes";
import type { AppEnv } from "../../env";
import { badRequest, notFound } from "../../errors";
import { multipartStatementResponse } from "./attachments/multipart-response";
import { CONSISTENT_THROUGH_HEADER } from "../../statement-store/consistent-through";
import { findStatementById } from "../../statement-store/statement-rows";
import { loadAllBodies } from "../../statement-store/tiering/load-bodies";
import { renderStatements, STATEMENT_FORMATS, type StatementFormat } from "./format";
import { isUuid } from "./validation";

/** The only parameters that may accompany statementId / voidedStatementId (Communication 2.1.3). */
export const SINGLE_STATEMENT_PARAMS = new Set(["statementId", "voidedStatementId", "attachments", "format"]);

const FORMATS = new Set<string>(STATEMENT_FORMATS);

export async function getSingleStatement(c: Context<AppEnv>): Promise<Response> {
  const params = c.req.queries();
  for (const [name, values] of Object.entries(params)) {
    if (values.length > 1) throw badRequest(`${name} given more than once`, name);
  }
  const statementId = params.statementId?.[0];
  const voidedStatementId = params.voidedStatementId?.[0];
  if (statementId !== undefined && voidedStatementId !== undefined) {
    throw badRequest("use statementId or voidedStatementId, not both", "voidedStatementId");
  }
  const wanted = (statementId ?? voidedStatementId)!;
  const paramName = statementId !== undefined ? "statementId" : "voidedStatementId";
  if (!isUuid(wanted)) throw badRequest(`${paramName} must be a UUID`, paramName);
  const format = params.format?.[0] ?? "exact";
  if (!FORMATS.has(format)) throw badRequest("format must be exact, ids or canonical", "format");
  const attachments = params.attachments?.[0] ?? "false";
  if (attachments !== "true" && attachments !== "false") {
    throw badRequest("attachments must be true or false", "attachments");
  }

  const principal = c.get("principal");
  const { row, consistentThrough } = await findStatementById(c.get("db"), principal.storeId, wanted);
  c.header(CONSISTENT_THROUGH_HEADER, consistentThrough);
  const visible =
    row &&
    row.voided === (voidedStatementId !== undefined) &&
    mayReadStatementOf(principal, row.credentialId);
  if (!visible) throw notFound(`no ${voidedStatementId !== undefined ? "voided " : ""}statement with id ${wanted}`);

  const [withBody] = await loadAllBodies(c.env.BLOBS, principal.storeId, [row]);
  const [statement] = await renderStatements(c.get("db"), principal.storeId, [withBody!], {
    format: format as StatementFormat,
    version: c.get("xapiVersion"),
    acceptLanguage: c.req.header("Accept-Language"),
  });
  c.header("Last-Modified", new Date(row.storedMs).toUTCString());
  if (attachments === "true") {
    return multipartStatementResponse(c.get("db"), c.env.BLOBS, principal.storeId, JSON.stringify(statement), [row.seq], {
      headers: { "Last-Modified": new Date(row.storedMs).toUTCString() },
      head: c.req.method === "HEAD",
    });
  }
  return c.json(statement, 200);
}
