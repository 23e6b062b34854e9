// PLACEHOLDER (the validation work replaces this file): the single source of truth for statement rules.
import type { XapiVersion } from "../../../env";

/** Throws XapiError(400) naming the path of the first problem found in a statement. */
export function validateStatement(value: unknown, version: XapiVersion, path: string): void {
  void value;
  void version;
  void path;
}
