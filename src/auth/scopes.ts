// xAPI OAuth scopes applied to Basic credentials (1.0.3 Communication 4.2 "OAuth Authorization Scope").
import { createMiddleware } from "hono/factory";
import type { AppEnv, Principal } from "../env";
import { forbidden } from "../errors";

export type Scope =
  | "statements/write"
  | "statements/read"
  | "statements/read/mine"
  | "all/read"
  | "all"
  | "state"
  | "profile"
  | "define"
  /** Not an xAPI scope: POST /tokens (src/auth/launch-tokens). Never implied by `all`, never held by a token. */
  | "tokens/issue";

export type XapiScope = Exclude<Scope, "tokens/issue">;

/** The xAPI scopes (1.0.3 Communication 4.2): what `all` expands to, and all a launch token may hold. */
export const XAPI_SCOPES: readonly XapiScope[] = [
  "statements/write",
  "statements/read",
  "statements/read/mine",
  "all/read",
  "all",
  "state",
  "profile",
  "define",
];

/** Every scope a credential may be granted (the admin API and console validate against it). */
export const ALL_SCOPES: readonly Scope[] = [...XAPI_SCOPES, "tokens/issue"];

/** What each scope implies, so a route asks for the narrowest scope that permits it. */
const IMPLIED: Record<Scope, readonly Scope[]> = {
  // Only the xAPI scopes: a credential handed to a course as `all` must not start minting tokens.
  all: XAPI_SCOPES,
  "all/read": ["all/read", "statements/read", "statements/read/mine"],
  "statements/read": ["statements/read", "statements/read/mine"],
  "statements/read/mine": ["statements/read/mine"],
  "statements/write": ["statements/write"],
  state: ["state"],
  profile: ["profile"],
  define: ["define"],
  "tokens/issue": ["tokens/issue"],
};

export function hasScope(principal: Principal, needed: Scope): boolean {
  return principal.scopes.some((granted) => IMPLIED[granted as Scope]?.includes(needed));
}

/** Reads limited to the credential's own statements (`statements/read/mine` without a wider read scope). */
export function readsOnlyOwnStatements(principal: Principal): boolean {
  // A launch token reads the statements written with it, whatever its scopes (issue 16).
  if (principal.launch) return true;
  return !principal.scopes.some((s) => s === "all" || s === "all/read" || s === "statements/read");
}

/** Whether the principal may read a statement its writer's credential stored (for it, another's is not found). */
export function mayReadStatementOf(principal: Principal, writerCredentialId: string | null): boolean {
  return !readsOnlyOwnStatements(principal) || writerCredentialId === principal.credentialId;
}

export function requireScope(...anyOf: Scope[]) {
  return createMiddleware<AppEnv>(async function requireScopeMiddleware(c, next) {
    const principal = c.get("principal");
    if (!anyOf.some((scope) => hasScope(principal, scope))) {
      throw forbidden(`this credential lacks the scope ${anyOf.join(" or ")}`);
    }
    await next();
  });
}
