// Cloudflare's production limits that the local emulator does not enforce (/work/shared/PLATFORM.md), as the
// strict test entry checks them. Free plan figures, with a margin where the rule is a count of calls.

/** D1 queries and subrequests per invocation: Free allows 50 of each; we keep 5 in hand (retries, auth). */
export const MAX_CALLS_PER_INVOCATION = 45;
/** D1's largest string, BLOB or row (enforced in production, about 8 MB accepted locally). */
export const MAX_BOUND_VALUE_BYTES = 2_000_000;
/** RPC arguments (a D1 batch, a Durable Object call): 32 MiB reported by Cloudflare. */
export const MAX_RPC_BYTES = 32 * 1024 * 1024;
/** R2 delete(keys) takes at most 1,000 keys per call. */
export const MAX_R2_DELETE_KEYS = 1_000;

export type LimitRule = "calls" | "bound-value" | "batch-bytes" | "rpc-bytes" | "r2-delete-keys";

/** Thrown inside the Worker where production would fail; also recorded so the test fails whatever the Worker answers. */
export class PlatformLimitError extends Error {
  constructor(
    readonly rule: LimitRule,
    message: string,
  ) {
    super(`platform limit: ${message}`);
    this.name = "PlatformLimitError";
  }
}
