// The result of a statement and its score (1.0.3 Data 2.4.5; 9274.1.1 4.2.2.4).
import { invalid } from "./issues";
import { validateDuration, validateExtensions } from "./primitives";
import { allowOnlyKeys, at, optional, requireBoolean, requireNumber, requireObject, requireString } from "./shape";

const RESULT_KEYS = new Set(["score", "success", "completion", "response", "duration", "extensions"]);
const SCORE_KEYS = new Set(["scaled", "raw", "min", "max"]);

export function validateResult(value: unknown, path: string): void {
  const result = requireObject(value, path);
  allowOnlyKeys(result, RESULT_KEYS, path, "a result");
  optional(result, "score", path, validateScore);
  optional(result, "success", path, requireBoolean);
  optional(result, "completion", path, requireBoolean);
  optional(result, "response", path, requireString);
  optional(result, "duration", path, validateDuration);
  optional(result, "extensions", path, validateExtensions);
}

/** scaled in [-1, 1]; min < max; raw within whichever of min and max are present. */
function validateScore(value: unknown, path: string): void {
  const score = requireObject(value, path);
  allowOnlyKeys(score, SCORE_KEYS, path, "a score");
  const number = (key: string) => (score[key] === undefined ? undefined : requireNumber(score[key], at(path, key)));
  const scaled = number("scaled");
  const raw = number("raw");
  const min = number("min");
  const max = number("max");
  if (scaled !== undefined && (scaled < -1 || scaled > 1)) {
    throw invalid("must be between -1 and 1 inclusive", at(path, "scaled"));
  }
  if (min !== undefined && max !== undefined && !(min < max)) {
    throw invalid("must be less than max", at(path, "min"));
  }
  if (raw !== undefined && min !== undefined && raw < min) {
    throw invalid("must not be less than min", at(path, "raw"));
  }
  if (raw !== undefined && max !== undefined && raw > max) {
    throw invalid("must not be greater than max", at(path, "raw"));
  }
}
