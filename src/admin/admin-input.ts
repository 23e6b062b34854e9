// The input rules of the admin actions, one set for both front ends: the admin API checks JSON bodies with
// these schemas (./request-json.ts), the console its form fields (src/console/admin-pages.tsx), so a store id
// or a scope list one accepts the other accepts too.
import { z } from "zod";
import { ALL_SCOPES, type Scope } from "../auth/scopes";

/** Store ids appear in URLs and R2 keys (`<storeId>/...`), so they are kept to a URL- and key-safe alphabet. */
export const storeIdSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9_-]{0,62}$/, "a store id is 1-63 of a-z 0-9 _ - (starting a-z 0-9)");

const nameSchema = z.string().trim().min(1, "a name of 1 to 200 characters is required").max(200, "a name of 1 to 200 characters is required");

/** `database`: the D1 binding to hold the store (checked against the bindings by the action); else the emptiest. */
export const newStoreSchema = z.strictObject({
  id: storeIdSchema.optional(),
  name: nameSchema,
  database: z.string().regex(/^DB(_[1-9][0-9]*)?$/, "must name a D1 binding: DB, DB_2, DB_3 ...").optional(),
});
export const storeRenameSchema = z.strictObject({ name: nameSchema });

/** At least one xAPI scope (1.0.3 Communication 4.2); repeats are dropped. */
export const scopeListSchema = z
  .array(z.enum(ALL_SCOPES as [Scope, ...Scope[]]))
  .min(1, "at least one scope is required")
  .transform((list) => [...new Set(list)]);

export const credentialNameSchema = nameSchema;

/**
 * The first problem of a failed parse, as the message and the property it names (a 400 names one property);
 * `under` is the property of a value parsed on its own (a form field).
 */
export function firstIssue(error: z.ZodError, under?: string): { message: string; property?: string } {
  const issue = error.issues[0]!;
  // An unknown key is reported on its object; the 400 names the key itself.
  const path = issue.code === "unrecognized_keys" ? [...issue.path, issue.keys[0]!] : issue.path;
  const property = [...(under ? [under] : []), ...path].join(".");
  return { message: issue.message, ...(property ? { property } : {}) };
}
