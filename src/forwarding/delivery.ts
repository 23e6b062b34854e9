// One delivery attempt of a batch to a forwarder's destination. A webhook gets {"statements":[...]} signed with
// the forwarder's secret; an LRS gets the statements array at <endpoint>/statements with its Basic credential.
// The answer is reduced to delivered or not, with the status and a short excerpt of the body for last_error.
import type { Batch } from "./forwarder-batch";
import { ERROR_EXCERPT_CHARS, type WebhookDestination, type XapiDestination } from "./forwarder-rows";
import { signBody } from "./signature";

/** A destination that does not answer within this is a failed attempt (retried later). */
const DELIVERY_TIMEOUT_MS = 30_000;

export type Outcome = { delivered: true } | { delivered: false; status: number | null; body: string };

export type Target =
  | { kind: "webhook"; destination: WebhookDestination; secret: string }
  | { kind: "xapi"; destination: XapiDestination; secret: string };

/** X-LRS-Delivery: the same batch always carries the same key, so a receiver can drop a repeat it already has. */
export function deliveryKey(forwarderId: string, batch: Batch): string {
  return `${forwarderId}:${batch.firstSeq}:${batch.lastSeq}`;
}

export async function deliver(forwarderId: string, target: Target, batch: Batch): Promise<Outcome> {
  const key = deliveryKey(forwarderId, batch);
  let request: Request;
  if (target.kind === "webhook") {
    const body = JSON.stringify({ statements: batch.statements });
    request = new Request(target.destination.url, {
      method: "POST",
      headers: {
        "Content-Type": "application/json",
        "X-LRS-Signature": await signBody(target.secret, body),
        "X-LRS-Forwarder": forwarderId,
        "X-LRS-Delivery": key,
      },
      body,
    });
  } else {
    const { endpoint, key: basicKey, version } = target.destination;
    request = new Request(`${endpoint}/statements`, {
      method: "POST",
      headers: {
        "Content-Type": "application/json",
        Authorization: `Basic ${btoa(`${basicKey}:${target.secret}`)}`,
        "X-Experience-API-Version": version,
        "X-LRS-Forwarder": forwarderId,
        "X-LRS-Delivery": key,
      },
      body: JSON.stringify(batch.statements),
    });
  }
  let response: Response;
  try {
    // redirect "manual": a followed redirect could lead an https:// destination on to a plain-http or other host the
    // forwarder was never allowed to reach (forwarder-input.ts checks only the configured URL). A 3xx is a failed
    // attempt, shown with its status, like any other refusal.
    response = await fetch(request, { signal: AbortSignal.timeout(DELIVERY_TIMEOUT_MS), redirect: "manual" });
  } catch (error) {
    return { delivered: false, status: null, body: excerpt(error instanceof Error ? error.message : String(error)) };
  }
  if (isDelivered(target.kind, response.status)) {
    await response.body?.cancel();
    return { delivered: true };
  }
  return { delivered: false, status: response.status, body: excerpt(await boundedText(response)) };
}

/**
 * 2xx is delivered. From an LRS, 409 too: a statement id it already holds. xAPI statements are immutable
 * (1.0.3 Data 2.2.s3; Communication 2.1.1 409 "Conflict"), so sending it again can never change what the
 * destination holds, and retrying would stop the forwarder forever on a statement that is, for the destination,
 * already delivered (a batch resent after a lost answer is the usual cause; a conforming LRS answers an
 * identical resend with 200).
 */
function isDelivered(kind: Target["kind"], status: number): boolean {
  if (status >= 200 && status < 300) return true;
  return kind === "xapi" && status === 409;
}

function excerpt(text: string): string {
  return text.length > ERROR_EXCERPT_CHARS ? text.slice(0, ERROR_EXCERPT_CHARS) : text;
}

/** The start of a response body, read no further than needed (an error page may be large). */
async function boundedText(response: Response): Promise<string> {
  if (!response.body) return "";
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let text = "";
  while (text.length < ERROR_EXCERPT_CHARS) {
    const { done, value } = await reader.read();
    if (done) break;
    text += decoder.decode(value, { stream: true });
  }
  await reader.cancel();
  return text;
}
