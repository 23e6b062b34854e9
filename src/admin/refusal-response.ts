// The admin API's rendering of an action's refusal (./actions/action-result.ts): the status chosen here, the
// JSON body by the app's error handler, naming the property at fault.
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { XapiError } from "../errors";
import type { ActionResult, Refusal } from "./actions/action-result";

const STATUS: Record<Refusal, ContentfulStatusCode> = {
  "not-found": 404,
  "bootstrap-credential": 409,
  "store-id-taken": 409,
  "forwarder-limit": 409,
  "unknown-database": 400,
};

/** The action's value, or its refusal thrown as the matching 4xx. */
export function valueOrRefusal<T>(result: ActionResult<T>): T {
  if (result.ok) return result.value;
  throw new XapiError(STATUS[result.refusal], result.message, result.property);
}
