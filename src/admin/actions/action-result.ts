// What an admin action answers: its value, or a refusal named for why. Refusals are expected outcomes, so they
// are values, not exceptions; each front end picks its own rendering (the admin API a status and JSON body in
// ../refusal-response.ts, the console a page with the message).
export type Refusal =
  /** The store, or the credential within the store, does not exist (another store's credential included). */
  | "not-found"
  /** The credential LRS_BOOTSTRAP_KEY / LRS_BOOTSTRAP_SECRET rewrite at every isolate start. */
  | "bootstrap-credential"
  /** A store with the requested id exists already. */
  | "store-id-taken"
  /** The store has as many forwarders as it may hold (src/admin/actions/forwarder-actions.ts). */
  | "forwarder-limit"
  /** A new store names a D1 binding this Worker does not have (src/db/store-databases.ts). */
  | "unknown-database";

export type Refused = { ok: false; refusal: Refusal; message: string; property?: string };
export type ActionResult<T> = { ok: true; value: T } | Refused;

export const done = <T>(value: T): ActionResult<T> => ({ ok: true, value });

export const refused = (refusal: Refusal, message: string, property?: string): Refused => ({
  ok: false,
  refusal,
  message,
  ...(property ? { property } : {}),
});
