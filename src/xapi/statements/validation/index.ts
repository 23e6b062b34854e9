// The single source of truth for statement rules (xAPI 1.0.3 Data; IEEE 9274.1.1 4.2). Pure: no I/O, no
// clock, no HTTP; the xAPI version is passed in. Each parser returns the typed value (statement.ts) or the
// issue found, with its path; the caller picks the status (errors.ts orBadRequest for a 400).
//
// Plain functions rather than zod schemas: the rules are mostly cross-field (one IFI, objectType dispatch,
// score bounds, interaction lists, revision/platform) and each reports the exact path, and it is several
// times faster on the hot path of every statement batch.
import type { XapiVersion } from "../../../env";
import type { Json } from "../../../json";
import type { Parsed } from "../../../parsed";
import type { Actor, Agent, LanguageMap, Statement } from "../statement";
import { validateAgent, validateAgentOnly, validateIfis } from "./agent";
import { parse } from "./issues";
import {
  validateDuration,
  validateIri,
  validateLanguageMap,
  validateLanguageTag,
  validateMailto,
  validateTimestamp,
  validateUuid,
} from "./primitives";
import { checkStatement, validateStatementVersion } from "./statement";

export const parseStatement = (value: unknown, version: XapiVersion, path: string): Parsed<Statement> =>
  parse(() => checkStatement(value, version, path));

/** The `agent` parameter of queries and documents: an Agent, or an identified Group. */
export const parseAgent = (value: unknown, version: XapiVersion, path: string): Parsed<Actor> =>
  parse(() => validateAgent(value, version, path));

/** The inverse functional identifier(s) of an Agent or Group, by the statements' rules (the admin API's agents). */
export const parseIfis = (value: Json, path: string): Parsed<Json> =>
  parse(() => {
    validateIfis(value, path);
    return value;
  });

export const parseAgentOnly = (value: unknown, path: string): Parsed<Agent> =>
  parse(() => validateAgentOnly(value, path));

export const parseTimestamp = (value: unknown, version: XapiVersion, path: string): Parsed<string> =>
  parse(() => validateTimestamp(value, version, path));

export const parseStatementVersion = (value: unknown, version: XapiVersion, path: string): Parsed<string> =>
  parse(() => validateStatementVersion(value, version, path));

export const parseIri = (value: unknown, path: string): Parsed<string> => parse(() => validateIri(value, path));
export const parseUuid = (value: unknown, path: string): Parsed<string> => parse(() => validateUuid(value, path));
export const parseMailto = (value: unknown, path: string): Parsed<string> => parse(() => validateMailto(value, path));
export const parseDuration = (value: unknown, path: string): Parsed<string> => parse(() => validateDuration(value, path));
export const parseLanguageTag = (value: unknown, path: string): Parsed<string> =>
  parse(() => validateLanguageTag(value, path));
export const parseLanguageMap = (value: unknown, path: string): Parsed<LanguageMap> =>
  parse(() => {
    validateLanguageMap(value, path);
    return value as LanguageMap;
  });

export { isIri, isLanguageTag, isUuid } from "./primitives";
