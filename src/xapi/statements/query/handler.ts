// PLACEHOLDER (the queries work replaces this file): GET /statements without statementId/voidedStatementId.
import type { Context } from "hono";
import type { AppEnv } from "../../../env";
import { XapiError } from "../../../errors";

export async function handleStatementQuery(c: Context<AppEnv>): Promise<Response> {
  void c;
  throw new XapiError(400, "statement queries are not implemented yet");
}
