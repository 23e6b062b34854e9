// PLACEHOLDER (the queries work replaces this file): 1.0.3 Alternate Request Syntax (Communication 1.3).
import type { Context } from "hono";
import type { AppEnv } from "../env";

/**
 * When the request uses the alternate syntax (`POST ?method=...` with a form body), returns the equivalent
 * ordinary Request to be dispatched instead; otherwise undefined.
 */
export async function rewriteAlternateRequest(c: Context<AppEnv>): Promise<Request | undefined> {
  void c;
  return undefined;
}
