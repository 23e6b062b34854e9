// Forwarders in the OpenAPI document (src/admin/forwarder-routes.ts, issue 15): create, list, show, pause,
// resume, replay and delete. Both bodies come from the zod schemas that check them (forwarderInputSchema, whose
// URL and filter rules run past the schema; forwarderReplaySchema); the answers are described by hand.
import { forwarderReplaySchema } from "../admin/forwarder-input";
import { forwarderInputSchema } from "../forwarding/forwarder-input";
import { requestSchema } from "./admin-paths";
import { jsonContent, jsonResponse, type JsonSchema, type Operation, type PathItem, rejections, schemaRef } from "./components";

export function forwarderSchemas(): Record<string, JsonSchema> {
  const nullableTime = { type: ["string", "null"], format: "date-time" };
  return {
    NewForwarder: requestSchema(forwarderInputSchema),
    ForwarderReplay: requestSchema(forwarderReplaySchema),
    Forwarder: {
      type: "object",
      description: "never the destination's secret; a webhook's signing secret only in the answer of create",
      properties: {
        id: { type: "string" },
        storeId: { type: "string" },
        kind: { enum: ["webhook", "xapi"] },
        destination: { type: "object" },
        filter: { type: "object" },
        batchSize: { type: "integer" },
        state: { enum: ["active", "paused", "failing"] },
        position: { type: "integer", description: "the seq of the last statement delivered or passed over" },
        delivered: { type: "integer" },
        attempts: { type: "integer" },
        lastSuccessAt: nullableTime,
        lastError: {
          oneOf: [
            { type: "null" },
            { type: "object", properties: { status: { type: ["integer", "null"] }, body: { type: "string" }, at: { type: "string" } } },
          ],
        },
        failingSince: nullableTime,
        failingAfterSeconds: { type: "integer" },
        lag: { type: "object", properties: { statements: { type: "integer" }, capped: { type: "boolean" }, seconds: { type: "number" } } },
        secret: { type: "string", description: "a webhook's signing secret, in the answer of create only" },
        createdAt: { type: "string", format: "date-time" },
        updatedAt: { type: "string", format: "date-time" },
      },
      required: ["id", "storeId", "kind", "destination", "state", "position"],
    },
  };
}

const TAG = "Admin: forwarders";
const storeId = { name: "storeId", in: "path", required: true, schema: { type: "string" } };
const forwarderId = { name: "forwarderId", in: "path", required: true, schema: { type: "string" } };
const forwarder = (description: string) => jsonResponse(description, schemaRef("Forwarder"));

function admin(summary: string, responses: Record<string, unknown>, extra: Operation = {}): Operation {
  return { tags: [TAG], summary, security: [{ adminBearer: [] }], ...extra, responses: { ...responses, ...rejections(401, 404, 429) } };
}

export function forwarderPaths(): Record<string, PathItem> {
  const action = (summary: string) => ({
    parameters: [storeId, forwarderId],
    post: admin(summary, { "200": forwarder("the forwarder") }),
  });
  return {
    "/admin/stores/{storeId}/forwarders": {
      parameters: [storeId],
      get: admin("the store's forwarders with position, lag, last success and last error", {
        "200": jsonResponse("forwarders", { type: "object", properties: { forwarders: { type: "array", items: schemaRef("Forwarder") } } }),
      }),
      post: admin(
        "forward the store's statements to a webhook or another LRS; https only unless LRS_FORWARD_ALLOW_HTTP=1",
        { "201": forwarder("created (a webhook's signing secret in this answer only)"), ...rejections(400) },
        { requestBody: { required: true, ...jsonContent(schemaRef("NewForwarder")) } },
      ),
    },
    "/admin/stores/{storeId}/forwarders/{forwarderId}": {
      parameters: [storeId, forwarderId],
      get: admin("one forwarder", { "200": forwarder("the forwarder") }),
      delete: admin("delete the forwarder", { "204": { description: "deleted" } }),
    },
    "/admin/stores/{storeId}/forwarders/{forwarderId}/pause": action("stop delivering until resumed"),
    "/admin/stores/{storeId}/forwarders/{forwarderId}/resume": action("deliver again"),
    "/admin/stores/{storeId}/forwarders/{forwarderId}/replay": {
      parameters: [storeId, forwarderId],
      post: admin("deliver again from a stored time or from the beginning", { "200": forwarder("the forwarder, its cursor moved"), ...rejections(400) }, {
        requestBody: { required: true, ...jsonContent(schemaRef("ForwarderReplay")) },
      }),
    },
  };
}
