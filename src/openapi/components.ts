// Pieces every part of the OpenAPI document uses: security schemes, the error answers and the helpers that
// keep the path modules short. The error body is what renderRejection writes (src/http/error-format.ts).
export type JsonSchema = Record<string, unknown>;
export type Operation = Record<string, unknown>;
/** A path item: operations by method, and `parameters` shared by them. */
export type PathItem = Record<string, unknown>;

export const schemaRef = (name: string): JsonSchema => ({ $ref: `#/components/schemas/${name}` });

/** A JSON request or response body. */
export const jsonContent = (schema: JsonSchema) => ({ content: { "application/json": { schema } } });

export const jsonResponse = (description: string, schema: JsonSchema) => ({ description, ...jsonContent(schema) });

const REJECTIONS = {
  400: "the request is malformed; `path` names the offending property or parameter",
  401: "no or wrong credentials",
  403: "the credential's scopes do not allow this (or the launch token's bound actor, agent or registration)",
  404: "not found",
  409: "conflict with the current state",
  412: "a precondition (If-Match / If-None-Match) does not hold",
  413: "the body is larger than the limit (About's extensions list the limits)",
  429: "too many failed authentications from this address; see Retry-After",
} as const;

type RejectionStatus = keyof typeof REJECTIONS;

/** References to the shared 4xx answers (components.responses). */
export function rejections(...statuses: RejectionStatus[]): Record<string, JsonSchema> {
  return Object.fromEntries(statuses.map((status) => [String(status), { $ref: `#/components/responses/E${status}` }]));
}

export const ERROR_SCHEMA: JsonSchema = {
  type: "object",
  properties: {
    error: {
      type: "object",
      properties: {
        status: { type: "integer" },
        message: { type: "string" },
        path: { type: "string", description: "the offending property or parameter, e.g. statement[3].actor.mbox" },
      },
      required: ["status", "message"],
    },
  },
  required: ["error"],
};

export function rejectionResponses(): Record<string, JsonSchema> {
  return Object.fromEntries(
    Object.entries(REJECTIONS).map(([status, description]) => [`E${status}`, jsonResponse(description, schemaRef("Error"))]),
  );
}

export const SECURITY_SCHEMES = {
  xapiBasic: {
    type: "http",
    scheme: "basic",
    description:
      "A store credential (key:secret), or a launch token from POST /tokens sent as `Authorization: Basic <token>`",
  },
  adminBearer: {
    type: "http",
    scheme: "bearer",
    description: "The LRS_ADMIN_TOKEN secret; without it set, the admin API answers 404 everywhere",
  },
};
