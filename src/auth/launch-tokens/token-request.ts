// The body of POST /tokens, checked without I/O or clock: its shape by a zod schema (which the OpenAPI
// description can reuse), its values by the statements' own parsers (an Agent's IFI, a registration UUID, an
// activity IRI), and the scopes against the issuer's. Each refusal names the property (issue 16).
import { z } from "zod";
import type { Principal } from "../../env";
import { agentIdentifier } from "../../xapi/agents/identifier";
import { isIri, isUuid, parseAgentOnly } from "../../xapi/statements/validation";
import { ALL_SCOPES, hasScope, type Scope, XAPI_SCOPES, type XapiScope } from "../scopes";

export const MAX_TTL_SECONDS = 24 * 60 * 60;
export const DEFAULT_TTL_SECONDS = 60 * 60;
/** What a launched course needs (cmi5 9.1: statements, its State and the learner's Agent Profile), cut to the issuer's. */
export const DEFAULT_TOKEN_SCOPES: readonly XapiScope[] = ["statements/write", "statements/read/mine", "state", "profile"];
// The token travels in every request's Authorization header: its claims stay well under header limits.
const MAX_ACTOR_JSON_BYTES = 1024;

export const tokenRequestSchema = z.strictObject({
  actor: z.custom<unknown>((value) => value !== undefined, "is required"),
  registration: z.string().optional(),
  activityId: z.string().optional(),
  scopes: z.array(z.string()).min(1, "at least one scope is required").optional(),
  ttlSeconds: z
    .number()
    .int("must be a whole number of seconds")
    .min(1, "must be at least 1")
    .max(MAX_TTL_SECONDS, `must be at most ${MAX_TTL_SECONDS} (24 hours)`)
    .optional(),
});

export type TokenRequest = {
  actor: Record<string, unknown>;
  registration?: string;
  activityId?: string;
  scopes?: readonly string[];
  ttlSeconds: number;
};

export type Refusal = { status: 400 | 403; message: string; property: string };
export type Checked<T> = { ok: true; value: T } | { ok: false; refusal: Refusal };

const refuse = (status: 400 | 403, property: string, message: string): { ok: false; refusal: Refusal } => ({
  ok: false,
  refusal: { status, property, message },
});

/** The values of a body the schema accepted. */
export function checkTokenRequest(body: z.infer<typeof tokenRequestSchema>): Checked<TokenRequest> {
  if (body.actor === undefined) return refuse(400, "actor", "is required");
  const actor = parseAgentOnly(body.actor, "actor");
  if (!actor.ok) return refuse(400, actor.issues[0]!.path || "actor", actor.issues[0]!.message);
  const identifier = agentIdentifier(actor.value);
  if (new TextEncoder().encode(JSON.stringify(identifier)).byteLength > MAX_ACTOR_JSON_BYTES) {
    return refuse(400, "actor", `its identifier must be at most ${MAX_ACTOR_JSON_BYTES} bytes of JSON`);
  }
  if (body.registration !== undefined && !isUuid(body.registration)) return refuse(400, "registration", "must be a UUID");
  if (body.activityId !== undefined && !isIri(body.activityId)) return refuse(400, "activityId", "must be an IRI with a scheme");
  return {
    ok: true,
    value: {
      actor: identifier,
      ...(body.registration !== undefined ? { registration: body.registration.toLowerCase() } : {}),
      ...(body.activityId !== undefined ? { activityId: body.activityId } : {}),
      ...(body.scopes !== undefined ? { scopes: body.scopes } : {}),
      ttlSeconds: body.ttlSeconds ?? DEFAULT_TTL_SECONDS,
    },
  };
}

/**
 * The token's scopes: those asked for, each held by the issuer (403 otherwise), never `tokens/issue` (a token
 * cannot mint tokens); by default DEFAULT_TOKEN_SCOPES cut to what the issuer holds.
 */
export function grantTokenScopes(requested: readonly string[] | undefined, issuer: Principal): Checked<XapiScope[]> {
  if (requested === undefined) {
    const granted = DEFAULT_TOKEN_SCOPES.filter((scope) => hasScope(issuer, scope));
    if (granted.length === 0) return refuse(403, "scopes", "the issuing credential holds none of the default token scopes");
    return { ok: true, value: granted };
  }
  for (const [index, scope] of requested.entries()) {
    if (!(ALL_SCOPES as readonly string[]).includes(scope)) return refuse(400, `scopes[${index}]`, "is not a scope");
    if (!(XAPI_SCOPES as readonly string[]).includes(scope)) return refuse(400, `scopes[${index}]`, "a launch token cannot hold this scope");
    if (!hasScope(issuer, scope as Scope)) return refuse(403, `scopes[${index}]`, "the issuing credential does not hold this scope");
  }
  return { ok: true, value: [...new Set(requested as XapiScope[])] };
}
