// Parses a statement request body. Temporary wrapper until src/http/strict-json.ts (duplicate keys,
// lone surrogates) lands; then this delegates to parseStrictJson.
import { badRequest } from "../../errors";

export function parseJsonBody(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw badRequest("the request body is not valid JSON");
  }
}
