// The Statements resource (1.0.3 Communication 2.1; 9274.1.1 4.1.6.1): PUT and POST store statements, GET
// with statementId / voidedStatementId returns one statement, GET without them is a query (query/handler.ts).
// HEAD is GET without a body (Hono answers HEAD from the GET route).
import { Hono, type Context } from "hono";
import { requireScope } from "../../auth/scopes";
import type { AppEnv } from "../../env";
import { badRequest } from "../../errors";
import { withD1Retry } from "../../db/transient-errors";
import { CONSISTENT_THROUGH_HEADER, consistentThrough } from "../../statement-store/consistent-through";
import { ingestStatements } from "./ingest";
import { handleStatementQuery } from "./query/handler";
import { getSingleStatement, SINGLE_STATEMENT_PARAMS } from "./single-statement";
import { isUuid } from "./validation";

export const statementRoutes = new Hono<AppEnv>();

// Every Statements response carries Consistent-Through, error responses included (1.0.3 Communication
// 2.1.3; the conformance suites check it on PUT/POST too); a write has already read it in its own batch.
statementRoutes.use("*", async function setConsistentThrough(c, next) {
  await next();
  const headers = c.res.headers;
  const principal = c.get("principal") as AppEnv["Variables"]["principal"] | undefined;
  if (principal && !headers.has(CONSISTENT_THROUGH_HEADER)) {
    // Retried like the request's own reads; when D1 stays down this is a 503 (app.ts then sets the time of the
    // answer, true for a request that was served nothing).
    headers.set(CONSISTENT_THROUGH_HEADER, await withD1Retry(() => consistentThrough(c.get("db"), principal.storeId)));
  }
});

statementRoutes.put("/", requireScope("statements/write"), async function putStatement(c) {
  const statementId = onlyParameter(c, "statementId");
  if (statementId === undefined) throw badRequest("PUT /statements requires the statementId parameter", "statementId");
  if (!isUuid(statementId)) throw badRequest("statementId must be a UUID", "statementId");
  await ingestStatements(c, { statementId });
  return c.body(null, 204);
});

statementRoutes.post("/", requireScope("statements/write"), async function postStatements(c) {
  const unexpected = Object.keys(c.req.queries());
  if (unexpected.length > 0) throw badRequest(`POST /statements takes no parameter ${unexpected[0]}`, unexpected[0]);
  return c.json(await ingestStatements(c, {}), 200);
});

statementRoutes.get("/", requireScope("statements/read", "statements/read/mine"), async function getStatements(c) {
  const params = c.req.queries();
  if (!("statementId" in params) && !("voidedStatementId" in params)) return handleStatementQuery(c);
  for (const name of Object.keys(params)) {
    if (!SINGLE_STATEMENT_PARAMS.has(name)) {
      throw badRequest(`${name} cannot be combined with statementId or voidedStatementId`, name);
    }
  }
  return getSingleStatement(c);
});

/** The single value of the only parameter a request may carry; 400 for any other or a repeated one. */
function onlyParameter(c: Context<AppEnv>, name: string): string | undefined {
  const params = c.req.queries();
  for (const [key, values] of Object.entries(params)) {
    if (key !== name) throw badRequest(`unexpected parameter ${key}`, key);
    if (values.length > 1) throw badRequest(`${key} given more than once`, key);
  }
  return params[name]?.[0];
}
