// The admin API in the OpenAPI document (src/admin/routes.ts). Request bodies are generated from the zod
// schemas that validate them (z.toJSONSchema, already part of zod's schema classes in the bundle), so the
// description cannot drift from what the routes accept. Responses are TypeScript types, described by hand.
import { z } from "zod";
import { storeIdSchema, newStoreSchema, storeRenameSchema } from "../admin/admin-input";
import { storeTieringSchema } from "../admin/store-tiering";
import { credentialBody, credentialChangeBody } from "../admin/credential-routes";
import { erasureBody } from "../admin/store-routes";
import { jobStartBody } from "../jobs/job-routes";
import { jsonContent, jsonResponse, type JsonSchema, type Operation, type PathItem, rejections, schemaRef } from "./components";

/**
 * The request-side JSON Schema of a zod schema, without `$schema` (the document's dialect applies). A part zod
 * cannot express (z.custom) throws, unless `customAs: "any"`: then the caller describes that part itself.
 */
export function requestSchema(schema: z.ZodType, customAs: "throw" | "any" = "throw"): JsonSchema {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { io: "input", unrepresentable: customAs }) as JsonSchema;
  return rest;
}

/**
 * Agents are checked by a refinement that applies the statements' own rules (src/admin/agent-input.ts), which
 * JSON Schema shows only as "an object"; they are described by the statements' Agent (and Group) schema.
 */
function withAgent(schema: JsonSchema, property: string, allowGroup: boolean): JsonSchema {
  const properties = schema.properties as Record<string, JsonSchema>;
  const agent = allowGroup ? { oneOf: [schemaRef("Agent"), schemaRef("Group")] } : schemaRef("Agent");
  return { ...schema, properties: { ...properties, [property]: agent } };
}

export function adminSchemas(): Record<string, JsonSchema> {
  return {
    NewStore: requestSchema(newStoreSchema),
    StoreRename: requestSchema(storeRenameSchema),
    StoreTiering: requestSchema(storeTieringSchema),
    NewCredential: withAgent(requestSchema(credentialBody), "authority", false),
    CredentialChange: requestSchema(credentialChangeBody),
    Erasure: withAgent(requestSchema(erasureBody), "agent", true),
    JobStart: requestSchema(jobStartBody),
    Store: {
      type: "object",
      properties: { id: requestSchema(storeIdSchema), name: { type: "string" }, createdAt: { type: "integer", description: "ms since the epoch" } },
      required: ["id", "name", "createdAt"],
    },
    Credential: {
      type: "object",
      properties: {
        id: { type: "string" },
        storeId: { type: "string" },
        key: { type: "string" },
        name: { type: "string" },
        scopes: { type: "array", items: { type: "string" } },
        authority: schemaRef("Agent"),
        disabled: { type: "boolean" },
        createdAt: { type: "integer", description: "ms since the epoch" },
        secret: { type: "string", description: "only in the answers of create and rotate" },
      },
      required: ["id", "storeId", "key", "name", "scopes", "authority", "disabled"],
    },
    Job: {
      type: "object",
      properties: {
        id: { type: "string" },
        storeId: { type: "string" },
        kind: { type: "string" },
        state: { enum: ["queued", "running", "succeeded", "failed"] },
        counts: { type: "object", additionalProperties: { type: "integer" } },
        done: { type: "integer" },
        total: { type: ["integer", "null"] },
        steps: { type: "integer" },
        result: {},
        error: { type: ["string", "null"] },
        createdAt: { type: "integer" },
        updatedAt: { type: "integer" },
        finishedAt: { type: ["integer", "null"] },
      },
      required: ["id", "storeId", "kind", "state", "done", "total"],
    },
    JobAccepted: {
      type: "object",
      properties: { storeId: { type: "string" }, job: schemaRef("Job"), location: { type: "string" } },
      required: ["storeId", "job", "location"],
    },
  };
}

const ADMIN_REJECTIONS = rejections(401, 429);
const storeId = { name: "storeId", in: "path", required: true, schema: { type: "string" } };
const credentialId = { name: "credentialId", in: "path", required: true, schema: { type: "string" } };
const jobId = { name: "jobId", in: "path", required: true, schema: { type: "string" } };
const limit = { name: "limit", in: "query", schema: { type: "integer", minimum: 1 } };

function admin(tag: string, summary: string, responses: Record<string, unknown>, extra: Operation = {}): Operation {
  return { tags: [tag], summary, security: [{ adminBearer: [] }], ...extra, responses: { ...responses, ...ADMIN_REJECTIONS } };
}

const body = (name: string) => ({ requestBody: { required: true, ...jsonContent(schemaRef(name)) } });
const accepted = { "202": jsonResponse("the job started (or the one under way); follow Location", schemaRef("JobAccepted")) };
const credential = (description: string) => jsonResponse(description, schemaRef("Credential"));
const ok = (description: string, schema: JsonSchema) => ({ "200": jsonResponse(description, schema) });
/** `{ <key>: [items] }`, the shape of every admin list. */
const listOf = (key: string, items: JsonSchema = {}): JsonSchema => ({
  type: "object",
  properties: { [key]: { type: "array", items } },
});

export function adminPaths(): Record<string, PathItem> {
  const stores = "Admin: stores";
  const credentials = "Admin: credentials";
  const jobs = "Admin: jobs";
  const credentialAction = (summary: string, answer: string) => ({
    parameters: [storeId, credentialId],
    post: admin(credentials, summary, { "200": credential(answer), ...rejections(404, 409) }),
  });
  const store = schemaRef("Store");
  return {
    "/admin/stores": {
      get: admin(stores, "list the stores", ok("stores", listOf("stores", store))),
      post: admin(stores, "create a store", { "201": jsonResponse("created", store), ...rejections(400, 409) }, body("NewStore")),
    },
    "/admin/stores/{storeId}": {
      parameters: [storeId],
      get: admin(stores, "the store with its figures", { ...ok("the store", store), ...rejections(404) }),
      patch: admin(stores, "rename the store", { ...ok("renamed", store), ...rejections(400, 404) }, body("StoreRename")),
      delete: admin(stores, "delete the store and all it holds (a durable job)", { ...accepted, ...rejections(404, 409) }),
    },
    "/admin/stores/{storeId}/tiering": {
      parameters: [storeId],
      put: admin(
        stores,
        "statement bodies older than tierAfterDays move to R2 segments (daily, or the statement-tiering job); null: never",
        { ...ok("the store", store), ...rejections(400, 404) },
        body("StoreTiering"),
      ),
    },
    "/admin/stores/{storeId}/stats": {
      parameters: [storeId],
      get: admin(stores, "statements, documents, attachment bytes, ...", { ...ok("figures", { type: "object" }), ...rejections(404) }),
    },
    "/admin/stores/{storeId}/erase-agent": {
      parameters: [storeId],
      post: admin(stores, "erase an agent's personal data (a durable job)", { ...accepted, ...rejections(400, 404) }, body("Erasure")),
    },
    "/admin/stores/{storeId}/erase-agent/preview": {
      parameters: [storeId],
      post: admin(
        stores,
        "what the same erasure would remove; changes nothing",
        { ...ok("counts", { type: "object" }), ...rejections(400, 404) },
        body("Erasure"),
      ),
    },
    "/admin/stores/{storeId}/audit": {
      parameters: [storeId],
      get: admin(stores, "the store's audit log", { ...ok("entries", listOf("entries")), ...rejections(404) }, { parameters: [limit] }),
    },
    "/admin/stores/{storeId}/credentials": {
      parameters: [storeId],
      get: admin(credentials, "list the store's credentials", {
        ...ok("credentials", listOf("credentials", schemaRef("Credential"))),
        ...rejections(404),
      }),
      post: admin(
        credentials,
        "create a credential; the secret is shown in this answer only",
        { "201": credential("created, with its secret"), ...rejections(400, 404) },
        body("NewCredential"),
      ),
    },
    "/admin/stores/{storeId}/credentials/{credentialId}": {
      parameters: [storeId, credentialId],
      get: admin(credentials, "one credential", { "200": credential("the credential"), ...rejections(404) }),
      patch: admin(
        credentials,
        "rename, change scopes, disable or enable",
        { "200": credential("changed"), ...rejections(400, 404, 409) },
        body("CredentialChange"),
      ),
      delete: admin(credentials, "delete the credential", { "204": { description: "deleted" }, ...rejections(404, 409) }),
    },
    "/admin/stores/{storeId}/credentials/{credentialId}/disable": credentialAction("disable (its launch tokens stop too)", "disabled"),
    "/admin/stores/{storeId}/credentials/{credentialId}/enable": credentialAction("enable", "enabled"),
    "/admin/stores/{storeId}/credentials/{credentialId}/rotate": credentialAction(
      "a new secret (its launch tokens stop)",
      "rotated, with the new secret",
    ),
    "/admin/stores/{storeId}/jobs": {
      parameters: [storeId],
      get: admin(jobs, "the store's latest jobs", ok("jobs", listOf("jobs", schemaRef("Job"))), { parameters: [limit] }),
      post: admin(jobs, "start a job", { ...accepted, ...rejections(400, 404) }, body("JobStart")),
    },
    "/admin/stores/{storeId}/jobs/{jobId}": {
      parameters: [storeId, jobId],
      get: admin(jobs, "one job: state, counters, done/total, result, error", { ...ok("the job", schemaRef("Job")), ...rejections(404) }),
    },
    "/admin/stores/{storeId}/jobs/{jobId}/download": {
      parameters: [storeId, jobId],
      get: admin(jobs, "a finished export's file", {
        "200": { description: "the file", content: { "application/x-ndjson": {}, "text/csv": {} } },
        ...rejections(404),
      }),
    },
    "/admin/jobs": {
      get: admin(jobs, "the latest jobs of every store", ok("jobs", listOf("jobs", schemaRef("Job"))), { parameters: [limit] }),
    },
    "/admin/upgrade-backfill": {
      post: admin(jobs, "move the rows a deployment kept from before the storage change (a durable job; the cron starts it too)", {
        ...accepted,
        ...ok("nothing left to move", { type: "object", properties: { job: { type: "null" } } }),
      }),
    },
  };
}
