// If-Match / If-None-Match (1.0.3 Communication 3.1; 9274.1.1 4.1.4, RFC 7232 §3.1–3.2) and the rule for a
// PUT that carries neither. Pure: the Durable Object evaluates these against the document it holds.
import type { XapiVersion } from "../../env";
import { badRequest } from "../../errors";
import type { DocumentKind } from "./document-address";

/** An entity tag as sent: its opaque value and whether it was weak (W/"..."). */
export type EntityTag = { value: string; weak: boolean };
export type TagCondition = "*" | EntityTag[];
export type Conditions = { ifMatch?: TagCondition; ifNoneMatch?: TagCondition };

/** What a PUT with neither header does to an existing document, and to a missing one. */
export type UnconditionalPutRule = { existing: "conflict" | "allow"; absent: "reject" | "allow" };

/** Parses `*` or a comma-separated list of entity tags; unquoted tags are tolerated (clients send them). */
export function parseTagCondition(header: string | undefined, name: string): TagCondition | undefined {
  if (header === undefined) return undefined;
  const trimmed = header.trim();
  if (trimmed === "*") return "*";
  const tags: EntityTag[] = [];
  const pattern = /\s*(W\/)?("([^"]*)"|[^",\s]+)\s*(,|$)/gy;
  let match: RegExpExecArray | null;
  while (pattern.lastIndex < trimmed.length && (match = pattern.exec(trimmed))) {
    tags.push({ weak: Boolean(match[1]), value: match[3] ?? match[2]! });
  }
  if (tags.length === 0 || pattern.lastIndex < trimmed.length) throw badRequest(`malformed ${name} header`);
  return tags;
}

export function parseConditions(headers: { ifMatch?: string; ifNoneMatch?: string }): Conditions {
  return {
    ifMatch: parseTagCondition(headers.ifMatch, "If-Match"),
    ifNoneMatch: parseTagCondition(headers.ifNoneMatch, "If-None-Match"),
  };
}

export function hasConditions(conditions: Conditions): boolean {
  return conditions.ifMatch !== undefined || conditions.ifNoneMatch !== undefined;
}

/**
 * Whether the preconditions hold for the current document (undefined: none exists). If-Match compares
 * strongly, so a weak tag never matches; If-None-Match compares weakly (RFC 7232 §2.3.2).
 */
export function preconditionsHold(conditions: Conditions, currentEtag: string | undefined): boolean {
  const { ifMatch, ifNoneMatch } = conditions;
  if (ifMatch !== undefined) {
    if (currentEtag === undefined) return false;
    if (ifMatch !== "*" && !ifMatch.some((tag) => !tag.weak && tag.value === currentEtag)) return false;
  }
  if (ifNoneMatch !== undefined && currentEtag !== undefined) {
    if (ifNoneMatch === "*" || ifNoneMatch.some((tag) => tag.value === currentEtag)) return false;
  }
  return true;
}

/**
 * 409 for a header-less PUT over an existing document: profiles in 1.0.3 (Communication 3.1.s4.b13), every
 * document resource in 2.0 (9274.1.1 4.1.4); 1.0.3 State takes PUTs without headers (3.1.s3). A 1.0.3 client
 * MUST send one of the headers on a profile PUT (3.1.s3.b1), so the 1.0.3 suite expects 400 for a new one.
 */
export function unconditionalPutRule(kind: DocumentKind, version: XapiVersion): UnconditionalPutRule {
  if (version === "2.0.0") return { existing: "conflict", absent: "allow" };
  return kind === "state" ? { existing: "allow", absent: "allow" } : { existing: "conflict", absent: "reject" };
}
