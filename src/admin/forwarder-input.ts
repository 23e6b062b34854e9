// The admin input of forwarder actions beyond creation (whose body src/forwarding/forwarder-input.ts checks):
// the replay request, one rule for the admin API's JSON and the console's form, exported for the OpenAPI
// description. Pure: no I/O, no clock.
import { z } from "zod";
import { parseTimestamp } from "../xapi/statements/validation";

/** Where a replay starts: after a stored time (exclusive, like GET /statements `since`) or at the beginning. */
export type ReplayFrom = { sinceMs: number } | "beginning";

/** Epoch milliseconds of an RFC 3339 timestamp (the 2.0 Timestamp rule, which 1.0.3's ISO 8601 allows too). */
export function timestampMs(text: string): number | undefined {
  if (!parseTimestamp(text, "2.0.0", "since").ok) return undefined;
  const ms = Date.parse(text);
  return Number.isFinite(ms) ? ms : undefined;
}

export const forwarderReplaySchema = z
  .strictObject({
    since: z
      .string()
      .refine((text) => timestampMs(text) !== undefined, "must be an RFC 3339 timestamp (2026-11-29T04:00:00Z)")
      .optional(),
    from: z.literal("beginning", "must be \"beginning\"").optional(),
  })
  .superRefine((body, context) => {
    if ((body.since === undefined) === (body.from === undefined)) {
      context.addIssue({ code: "custom", path: ["since"], message: 'give exactly one of "since" (a timestamp) and "from": "beginning"' });
    }
  });

export type ForwarderReplayBody = z.infer<typeof forwarderReplaySchema>;

export function replayFrom(body: ForwarderReplayBody): ReplayFrom {
  return body.since !== undefined ? { sinceMs: timestampMs(body.since)! } : "beginning";
}
