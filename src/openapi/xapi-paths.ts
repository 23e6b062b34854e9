// The xAPI resources in the OpenAPI document (1.0.3 Communication 2; 9274.1.1 4.1.6). Parameter lists come
// from the modules that parse them (QUERY_PARAMETERS, STATEMENT_FORMATS), so a parameter added there fails
// the type check here until it is described.
import { STATEMENT_FORMATS } from "../xapi/statements/format";
import { QUERY_PARAMETERS } from "../xapi/statements/query/parameters";
import { jsonContent, jsonResponse, type JsonSchema, type Operation, type PathItem, rejections, schemaRef } from "./components";

type Parameter = { name: string; in: "query" | "header"; required?: boolean; description: string; schema: JsonSchema };

const string = { type: "string" };
const iri = { type: "string", format: "iri" };
const uuid = { type: "string", format: "uuid" };
const agentJson = { type: "string", description: "an Agent as JSON", contentMediaType: "application/json" };
const boolean = { type: "boolean", default: false };

const query = (name: string, description: string, schema: JsonSchema, required = false): Parameter => ({
  name,
  in: "query",
  description,
  schema,
  ...(required ? { required } : {}),
});

const STATEMENT_QUERY: Record<(typeof QUERY_PARAMETERS)[number], Parameter> = {
  agent: query("agent", "statements about this Agent or identified Group (JSON)", agentJson),
  verb: query("verb", "statements with this verb id", iri),
  activity: query("activity", "statements with this activity as object", iri),
  registration: query("registration", "statements of this registration", uuid),
  related_activities: query("related_activities", "activity also matches context and sub-statement activities", boolean),
  related_agents: query("related_agents", "agent also matches context, authority and sub-statement agents", boolean),
  since: query("since", "stored strictly after this time", { type: "string", format: "date-time" }),
  until: query("until", "stored at or before this time", { type: "string", format: "date-time" }),
  limit: query("limit", "page size; 0 means the largest the LRS serves", { type: "integer", minimum: 0 }),
  format: query("format", "how agents, groups and activities are rendered", { enum: [...STATEMENT_FORMATS], default: "exact" }),
  attachments: query("attachments", "answer multipart/mixed with the attachments' content", boolean),
  ascending: query("ascending", "oldest first", boolean),
  cursor: query("cursor", "the LRS's own paging cursor, as found in `more`", string),
};

const statementIds = [
  query("statementId", "one statement by id", uuid),
  query("voidedStatementId", "one voided statement by id", uuid),
];

const multipart = {
  "multipart/mixed": {
    schema: {
      type: "string",
      format: "binary",
      description:
        "The statement(s) as the first part (application/json), then one part per attachment with " +
        "X-Experience-API-Hash and Content-Transfer-Encoding: binary (1.0.3 Data 2.4.11)",
    },
  },
};

const statementBody = (single: boolean) => ({
  required: true,
  content: {
    "application/json": {
      schema: single ? schemaRef("Statement") : { oneOf: [schemaRef("Statement"), { type: "array", items: schemaRef("Statement") }] },
    },
    ...multipart,
  },
});

const XAPI_REJECTIONS = rejections(400, 401, 403, 429);

/** One operation of an authenticated xAPI resource: version header, Basic auth, the common rejections. */
function xapiOperation(operation: Operation, responses: Record<string, unknown>): Operation {
  return {
    ...operation,
    parameters: [{ $ref: "#/components/parameters/XapiVersion" }, ...((operation.parameters as unknown[]) ?? [])],
    security: [{ xapiBasic: [] }],
    responses: { ...responses, ...XAPI_REJECTIONS },
  };
}

/** State, Activity Profile or Agent Profile: one document by id, or the ids of a set (1.0.3 Communication 2.3-2.7). */
function documentResource(tag: string, idName: string, context: Parameter[], setDelete: boolean): Record<string, Operation> {
  const id = (required: boolean) => query(idName, "the document's id", string, required);
  const since = query("since", `with no ${idName}: only ids of documents changed after this time`, { type: "string", format: "date-time" });
  const document = { description: "the document, with its ETag", content: { "*/*": { schema: { type: "string", format: "binary" } } } };
  const ids = jsonResponse(`with no ${idName}: the ids of the set`, { type: "array", items: string });
  const conditions = [
    { name: "If-Match", in: "header", description: "write only if the stored document has this ETag", schema: string },
    { name: "If-None-Match", in: "header", description: "`*`: write only if no document exists", schema: string },
  ];
  const write = (merge: boolean): Operation =>
    xapiOperation(
      {
        tags: [tag],
        summary: merge ? "merge a JSON object into the document (or store it)" : "store the document",
        parameters: [...context, id(true), ...conditions],
        requestBody: { required: true, content: { "*/*": { schema: { type: "string", format: "binary" } } } },
      },
      { "204": { description: "stored" }, ...rejections(409, 412, 413) },
    );
  return {
    get: xapiOperation(
      { tags: [tag], summary: "one document, or the ids of the set", parameters: [...context, id(false), since] },
      { "200": document, "404": { $ref: "#/components/responses/E404" } },
    ),
    put: write(false),
    post: write(true),
    delete: xapiOperation(
      {
        tags: [tag],
        summary: setDelete ? "delete the document, or every document of the set" : "delete the document",
        parameters: [...context, id(!setDelete), ...conditions],
      },
      { "204": { description: "deleted" }, ...rejections(412) },
    ),
  };
}

export function xapiPaths(): Record<string, PathItem> {
  const activityId = query("activityId", "the Activity's id", iri, true);
  const agent = query("agent", "the Agent (JSON)", agentJson, true);
  return {
    "/xapi/about": {
      get: {
        tags: ["xAPI"],
        summary: "the versions served and, in extensions, the request limits",
        security: [],
        responses: { "200": jsonResponse("About", schemaRef("About")) },
      },
    },
    "/xapi/openapi.json": {
      get: {
        tags: ["xAPI"],
        summary: "this document",
        security: [],
        responses: { "200": jsonResponse("the OpenAPI 3.1 document", { type: "object" }), "304": { description: "not modified (If-None-Match)" } },
      },
    },
    "/xapi/statements": {
      get: xapiOperation(
        {
          tags: ["Statements"],
          summary: "one statement by statementId / voidedStatementId, or a query (a page and `more`)",
          parameters: [...statementIds, ...Object.values(STATEMENT_QUERY)],
        },
        {
          "200": {
            description: "a Statement (by id) or a StatementResult; multipart/mixed with attachments=true",
            content: {
              "application/json": { schema: { oneOf: [schemaRef("Statement"), schemaRef("StatementResult")] } },
              ...multipart,
            },
          },
          "404": { $ref: "#/components/responses/E404" },
        },
      ),
      put: xapiOperation(
        {
          tags: ["Statements"],
          summary: "store one statement under the given id",
          parameters: [query("statementId", "the statement's id", uuid, true)],
          requestBody: statementBody(true),
        },
        { "204": { description: "stored (or already stored identically)" }, ...rejections(409, 413) },
      ),
      post: xapiOperation(
        { tags: ["Statements"], summary: "store one statement or a batch", requestBody: statementBody(false) },
        { "200": jsonResponse("the ids, in order", { type: "array", items: uuid }), ...rejections(409, 413) },
      ),
    },
    "/xapi/activities": {
      get: xapiOperation(
        { tags: ["Activities"], summary: "the canonical Activity object", parameters: [activityId] },
        { "200": jsonResponse("the Activity", schemaRef("Activity")) },
      ),
    },
    "/xapi/activities/state": documentResource(
      "State",
      "stateId",
      [activityId, agent, query("registration", "the registration", uuid)],
      true,
    ),
    "/xapi/activities/profile": documentResource("Activity Profile", "profileId", [activityId], false),
    "/xapi/agents": {
      get: xapiOperation(
        { tags: ["Agents"], summary: "the Person object combining what the LRS knows of the agent", parameters: [agent] },
        { "200": jsonResponse("the Person", schemaRef("Person")) },
      ),
    },
    "/xapi/agents/profile": documentResource("Agent Profile", "profileId", [agent], false),
  };
}
