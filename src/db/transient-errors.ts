// D1's transient errors (../shared/PLATFORM.md, row "D1 transient errors": "D1 DB reset because its code was
// updated", "Network connection lost", "D1 DB is overloaded"; retry what is idempotent). They never happen
// locally. Cloudflare's "Retry queries" page (developers.cloudflare.com/d1/best-practices/retry-queries) also
// retries "storage caused object to be reset". Only these messages are recognised: anything else (a constraint,
// a syntax error, a limit) is not made better by trying again.
import { XapiError } from "../errors";

const TRANSIENT_D1_MESSAGES = [
  /Network connection lost/i,
  /reset because its code was updated/i,
  /storage caused object to be reset/i,
  /D1 DB is overloaded/i,
];

/** True for an error D1 raises when a request may succeed if simply sent again. */
export function isTransientD1Error(error: unknown): boolean {
  return error instanceof Error && TRANSIENT_D1_MESSAGES.some((pattern) => pattern.test(error.message));
}

export type D1RetryOptions = {
  /** Tries in all, the first included. */
  attempts?: number;
  /** Wait before the second try; doubles each time, with up to as much again of random jitter. */
  baseMs?: number;
};

/** Seconds a client is told to wait when every try failed. */
export const D1_RETRY_AFTER_SECONDS = 1;

/**
 * Runs `fn`, running it again after a short backoff when it fails with a transient D1 error; `fn` must be
 * idempotent. Defaults: 3 tries, waits of 50-100 ms then 100-200 ms (at most 300 ms in all). Other errors
 * propagate at once; when every try failed transiently, a 503 with Retry-After (the client may retry).
 */
export async function withD1Retry<T>(fn: () => Promise<T>, options: D1RetryOptions = {}): Promise<T> {
  const attempts = Math.max(1, options.attempts ?? 3);
  const baseMs = options.baseMs ?? 50;
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (error) {
      if (!isTransientD1Error(error)) throw error;
      if (attempt >= attempts) {
        console.warn(`D1 transient error after ${attempts} tries`, error);
        throw new XapiError(503, "the database is briefly unavailable; try again shortly", undefined, {
          "Retry-After": String(D1_RETRY_AFTER_SECONDS),
        });
      }
      const wait = baseMs * 2 ** (attempt - 1);
      await new Promise((resolve) => setTimeout(resolve, wait + Math.random() * wait));
    }
  }
}
