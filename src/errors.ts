// The one error type of the app: domain code throws `XapiError` for a rejection the client caused, and the
// handler in app.ts turns it into a JSON body. Anything else is a bug and becomes a 500 without internals.
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { Issue, Parsed } from "./parsed";

export class XapiError extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    message: string,
    /** Where the problem is, e.g. `statement[3].actor.mbox`. */
    readonly path?: string,
    readonly headers?: Record<string, string>,
  ) {
    super(path ? `${path}: ${message}` : message);
  }

  toJSON(): { error: { status: number; message: string; path?: string } } {
    return { error: { status: this.status, message: this.message, ...(this.path ? { path: this.path } : {}) } };
  }
}

export const badRequest = (message: string, path?: string) => new XapiError(400, message, path);
export const unauthorized = (message = "authentication required") =>
  new XapiError(401, message, undefined, { "WWW-Authenticate": 'Basic realm="xAPI"' });
export const forbidden = (message: string) => new XapiError(403, message);
export const notFound = (message = "not found") => new XapiError(404, message);
export const conflict = (message: string, path?: string) => new XapiError(409, message, path);
export const preconditionFailed = (message: string) => new XapiError(412, message);
export const payloadTooLarge = (message: string) => new XapiError(413, message);

/** A parser's issues as the 400 the client sees: the first issue's message and path (src/parsed.ts). */
export const rejectIssues = (issues: readonly Issue[]) => {
  const [first] = issues;
  return badRequest(first?.message ?? "is invalid", first?.path || undefined);
};

/** The parsed value, or a 400 for its first issue. */
export function orBadRequest<T>(parsed: Parsed<T>): T {
  if (!parsed.ok) throw rejectIssues(parsed.issues);
  return parsed.value;
}
