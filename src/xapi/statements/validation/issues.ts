// How the statement checks report a problem. Each check stops at the first one (a batch of tens of thousands
// of statements is validated per request, and a rejected request needs one reason), so the problem travels as
// an exception inside this folder and leaves it as a Parsed value (index.ts): no check allocates on success.
import type { Issue, Parsed } from "../../../parsed";

/** Thrown by the checks in this folder only; parse() turns it into an issue. Never reaches the HTTP layer. */
export class Invalid extends Error {
  constructor(readonly issue: Issue) {
    super(issue.path ? `${issue.path}: ${issue.message}` : issue.message);
  }
}

export function invalid(message: string, path: string): Invalid {
  return new Invalid({ path, message });
}

/** Runs a check; its value when it passes, its issue when it fails. Other errors are bugs and propagate. */
export function parse<T>(check: () => T): Parsed<T> {
  try {
    return { ok: true, value: check() };
  } catch (error) {
    if (error instanceof Invalid) return { ok: false, issues: [error.issue] };
    throw error;
  }
}
