// Launch tokens in the OpenAPI document (src/auth/launch-tokens/routes.ts): POST /tokens and the single-use
// fetch URL it returns (cmi5 8.2). The request body comes from the zod schema the route validates with; its
// actor and scopes are checked past the schema (the statements' Agent rules, XAPI_SCOPES), so the document
// names those rules' schemas in their place.
import { tokenRequestSchema } from "../auth/launch-tokens/token-request";
import { XAPI_SCOPES } from "../auth/scopes";
import { requestSchema } from "./admin-paths";
import { jsonContent, jsonResponse, type JsonSchema, type PathItem, rejections, schemaRef } from "./components";

export function tokenSchemas(): Record<string, JsonSchema> {
  const generated = requestSchema(tokenRequestSchema, "any"); // actor is a z.custom: described below
  const properties = generated.properties as Record<string, JsonSchema>;
  return {
    TokenRequest: {
      ...generated,
      properties: {
        ...properties,
        actor: schemaRef("Agent"),
        registration: { ...properties.registration, format: "uuid" },
        activityId: { ...properties.activityId, format: "iri" },
        scopes: { ...properties.scopes, items: { enum: [...XAPI_SCOPES] } },
      },
      required: ["actor"],
    },
    IssuedToken: {
      type: "object",
      properties: {
        token: { type: "string", description: "send as `Authorization: Basic <token>`" },
        expiresAt: { type: "string", format: "date-time" },
        fetchUrl: { type: "string", format: "uri", description: "answers one POST with the token (cmi5 8.2)" },
      },
      required: ["token", "expiresAt", "fetchUrl"],
    },
  };
}

const fetchError = {
  type: "object",
  properties: { "error-code": { enum: ["1", "2"] }, "error-text": { type: "string" } },
  required: ["error-code", "error-text"],
};

export function tokenPaths(): Record<string, PathItem> {
  return {
    "/tokens": {
      post: {
        tags: ["Launch tokens"],
        summary:
          "mint a launch token bound to an actor (and registration, activity); scopes a subset of the issuer's, at most 24 hours",
        description: "Needs a credential holding the `tokens/issue` scope. Disabling or rotating it ends its tokens.",
        security: [{ xapiBasic: [] }],
        requestBody: { required: true, ...jsonContent(schemaRef("TokenRequest")) },
        responses: { "201": jsonResponse("the token and its single-use fetch URL", schemaRef("IssuedToken")), ...rejections(400, 401, 403, 429) },
      },
    },
    "/tokens/fetch/{handle}": {
      parameters: [{ name: "handle", in: "path", required: true, schema: { type: "string" } }],
      post: {
        tags: ["Launch tokens"],
        summary: "the fetch URL: the token once, then error-code 1 (cmi5 8.2)",
        security: [],
        responses: {
          "200": jsonResponse("the token", { type: "object", properties: { "auth-token": { type: "string" } }, required: ["auth-token"] }),
          "404": jsonResponse("not a fetch URL of this LRS (error-code 2)", fetchError),
          "409": jsonResponse("already used (error-code 1)", fetchError),
          "410": jsonResponse("the token has expired (error-code 2)", fetchError),
        },
      },
    },
  };
}
