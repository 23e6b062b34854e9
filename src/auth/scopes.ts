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
  | "define";

export const ALL_SCOPES: readonly Scope[] = [
  "statements/write",
  "statements/read",
  "statements/read/mine",
  "all/read",
  "all",
  "state",
  "profile",
  "define",
];

/** What each scope implies, so a route asks for the narrowest scope that permits it. */
const IMPLIED: Record<Scope, readonly Scope[]> = {
  all: ALL_SCOPES,
  "all/read": ["all/read", "statements/read", "statements/read/mine"],
  "statements/read": ["statements/read", "statements/read/mine"],
  "statements/read/mine": ["statements/read/mine"],
  "statements/write": ["statements/write"],
  state: ["state"],
  profile: ["profile"],
  define: ["define"],
};

export function hasScope(principal: Principal, needed: Scope): boolean {
  return principal.scopes.some((granted) => IMPLIED[granted as Scope]?.includes(needed));
}

/** Reads limited to the credential's own statements (`statements/read/mine` without a wider read scope). */
export function readsOnlyOwnStatements(principal: Principal): boolean {
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
