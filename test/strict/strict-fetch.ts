// For tests that call the app with their own env (an admin token, a console origin set for one call): the same
// strict entry SELF uses, so those requests are metered and checked too.
import strict from "./strict-worker";

export function strictFetch(request: Request, env: object, ctx: ExecutionContext): Promise<Response> {
  return Promise.resolve(strict.fetch!(request, env, ctx) as Response | Promise<Response>);
}
