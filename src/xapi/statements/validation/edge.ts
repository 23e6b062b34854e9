// Throwing adapters for the callers that have not moved to the parsers yet (the admin API's agent input and the
// since/until parameter): the first issue as a 400, with today's message and path. New code calls a parser
// from index.ts and picks the status itself (errors.ts orBadRequest).
import type { XapiVersion } from "../../../env";
import { orBadRequest } from "../../../errors";
import type { Json } from "../../../json";
import { validateIfis as checkIfis } from "./agent";
import { parse } from "./issues";
import { validateTimestamp as checkTimestamp } from "./primitives";

export function validateIfis(agent: Json, path: string): void {
  orBadRequest(parse(() => checkIfis(agent, path)));
}

export function validateTimestamp(value: unknown, version: XapiVersion, path: string): string {
  return orBadRequest(parse(() => checkTimestamp(value, version, path)));
}
