// The single source of truth for statement rules (xAPI 1.0.3 Data; IEEE 9274.1.1 4.2). Pure: no I/O, no
// clock; the xAPI version is passed in and every problem is thrown as a 400 naming its path.
//
// Plain functions rather than zod schemas: the rules are mostly cross-field (one IFI, objectType dispatch,
// score bounds, interaction lists, revision/platform) and each throws at the exact path, and it is several
// times faster on the hot path of every statement batch.
export { validateStatement, validateStatementVersion } from "./statement";
export {
  validateActor,
  validateAgent,
  validateAgentOnly,
  validateAuthority,
  validateGroup,
  validateIfis,
} from "./agent";
export { validateActivity, validateActivityDefinition } from "./activity";
export {
  isIri,
  isLanguageTag,
  isUuid,
  validateDuration,
  validateExtensions,
  validateIri,
  validateLanguageMap,
  validateLanguageTag,
  validateMailto,
  validateStatementRef,
  validateTimestamp,
  validateUuid,
} from "./primitives";
