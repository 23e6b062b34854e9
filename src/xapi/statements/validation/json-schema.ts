// The Statement and its parts as JSON Schema (draft 2020-12, as OpenAPI 3.1 uses), for the OpenAPI document
// (src/openapi). Written by hand beside the validator because the validator is a hand-written parser, not a
// schema: it checks what JSON Schema cannot say (IRIs, RFC 5646 tags, ISO 8601 with a zone, version rules,
// the voiding and context rules). This describes the shape those modules accept (1.0.3 Data 2.4; 9274.1.1
// 4.2); the parser stays the authority. Keep the property lists in step with STATEMENT_KEYS, AGENT_KEYS, ...
type JsonSchema = Record<string, unknown>;

const ref = (name: string): JsonSchema => ({ $ref: `#/components/schemas/${name}` });
const iri = { type: "string", format: "iri" };
const uuid = { type: "string", format: "uuid" };
const timestamp = { type: "string", format: "date-time" };
const languageMap = ref("LanguageMap");
const ifiProperties = {
  mbox: { type: "string", pattern: "^mailto:" },
  mbox_sha1sum: { type: "string", pattern: "^[0-9a-fA-F]{40}$" },
  openid: iri,
  account: ref("Account"),
};
const oneIfi = { oneOf: Object.keys(ifiProperties).map((name) => ({ required: [name] })) };
const extensions = { type: "object", propertyNames: { format: "iri" }, additionalProperties: true };

/** contextAgents / contextGroups (xAPI 2.0 only): typed entries naming an Agent or Group and their roles. */
const contextActors = (objectType: string, property: string, actor: JsonSchema): JsonSchema => ({
  type: "array",
  items: { type: "object", properties: { objectType: { const: objectType }, [property]: actor, relevantTypes: { type: "array", items: iri } } },
});

/** The shared parts of Statement and SubStatement (statement.ts validateCore). */
const coreProperties = {
  actor: { oneOf: [ref("Agent"), ref("Group")] },
  verb: ref("Verb"),
  result: ref("Result"),
  context: ref("Context"),
  timestamp,
  attachments: { type: "array", items: ref("Attachment") },
};

export const XAPI_SCHEMAS: Record<string, JsonSchema> = {
  LanguageMap: {
    type: "object",
    description: "RFC 5646 language tag to string (1.0.3 Data 4.5)",
    additionalProperties: { type: "string" },
  },
  Account: {
    type: "object",
    properties: { homePage: iri, name: { type: "string" } },
    required: ["homePage", "name"],
    additionalProperties: false,
  },
  Agent: {
    type: "object",
    description: "exactly one inverse functional identifier (1.0.3 Data 2.4.2.1)",
    properties: { objectType: { const: "Agent" }, name: { type: "string" }, ...ifiProperties },
    additionalProperties: false,
    ...oneIfi,
  },
  Group: {
    type: "object",
    description: "identified (one IFI, member optional) or anonymous (no IFI, member required) (1.0.3 Data 2.4.2.2)",
    properties: {
      objectType: { const: "Group" },
      name: { type: "string" },
      member: { type: "array", items: ref("Agent") },
      ...ifiProperties,
    },
    required: ["objectType"],
    additionalProperties: false,
  },
  Verb: {
    type: "object",
    properties: { id: iri, display: languageMap },
    required: ["id"],
    additionalProperties: false,
  },
  Activity: {
    type: "object",
    properties: {
      objectType: { const: "Activity" },
      id: iri,
      definition: {
        type: "object",
        description: "with interaction properties (1.0.3 Data 2.4.4.1.1) when interactionType is present",
        properties: {
          name: languageMap,
          description: languageMap,
          type: iri,
          moreInfo: iri,
          extensions,
          interactionType: {
            enum: ["true-false", "choice", "fill-in", "long-fill-in", "matching", "performance", "sequencing", "likert", "numeric", "other"],
          },
          correctResponsesPattern: { type: "array", items: { type: "string" } },
          choices: { type: "array", items: ref("InteractionComponent") },
          scale: { type: "array", items: ref("InteractionComponent") },
          source: { type: "array", items: ref("InteractionComponent") },
          target: { type: "array", items: ref("InteractionComponent") },
          steps: { type: "array", items: ref("InteractionComponent") },
        },
      },
    },
    required: ["id"],
    additionalProperties: false,
  },
  InteractionComponent: {
    type: "object",
    properties: { id: { type: "string" }, description: languageMap },
    required: ["id"],
    additionalProperties: false,
  },
  StatementRef: {
    type: "object",
    properties: { objectType: { const: "StatementRef" }, id: uuid },
    required: ["objectType", "id"],
    additionalProperties: false,
  },
  SubStatement: {
    type: "object",
    description: "a Statement without id, stored, version and authority; its object is not a SubStatement",
    properties: {
      objectType: { const: "SubStatement" },
      ...coreProperties,
      object: { oneOf: [ref("Activity"), ref("Agent"), ref("Group"), ref("StatementRef")] },
    },
    required: ["objectType", "actor", "verb", "object"],
    additionalProperties: false,
  },
  Score: {
    type: "object",
    properties: {
      scaled: { type: "number", minimum: -1, maximum: 1 },
      raw: { type: "number" },
      min: { type: "number" },
      max: { type: "number" },
    },
    additionalProperties: false,
  },
  Result: {
    type: "object",
    properties: {
      score: ref("Score"),
      success: { type: "boolean" },
      completion: { type: "boolean" },
      response: { type: "string" },
      duration: { type: "string", description: "ISO 8601 duration" },
      extensions,
    },
    additionalProperties: false,
  },
  Context: {
    type: "object",
    description: "contextAgents and contextGroups are xAPI 2.0 only (9274.1.1 4.2.2.6)",
    properties: {
      registration: uuid,
      instructor: { oneOf: [ref("Agent"), ref("Group")] },
      team: ref("Group"),
      contextActivities: {
        type: "object",
        properties: Object.fromEntries(
          ["parent", "grouping", "category", "other"].map((name) => [
            name,
            { oneOf: [ref("Activity"), { type: "array", items: ref("Activity") }] },
          ]),
        ),
        additionalProperties: false,
      },
      contextAgents: contextActors("contextAgent", "agent", ref("Agent")),
      contextGroups: contextActors("contextGroup", "group", ref("Group")),
      revision: { type: "string" },
      platform: { type: "string" },
      language: { type: "string" },
      statement: ref("StatementRef"),
      extensions,
    },
    additionalProperties: false,
  },
  Attachment: {
    type: "object",
    properties: {
      usageType: iri,
      display: languageMap,
      description: languageMap,
      contentType: { type: "string" },
      length: { type: "integer", minimum: 0 },
      sha2: { type: "string" },
      fileUrl: iri,
    },
    required: ["usageType", "display", "contentType", "length", "sha2"],
    additionalProperties: false,
  },
  Statement: {
    type: "object",
    description: "1.0.3 Data 2.4; 9274.1.1 4.2. A voiding statement's object is a StatementRef.",
    properties: {
      id: uuid,
      ...coreProperties,
      object: { oneOf: [ref("Activity"), ref("Agent"), ref("Group"), ref("StatementRef"), ref("SubStatement")] },
      stored: timestamp,
      authority: { oneOf: [ref("Agent"), ref("Group")] },
      version: { type: "string", pattern: "^(1\\.0|2\\.0)(\\.\\d+)?$" },
    },
    required: ["actor", "verb", "object"],
    additionalProperties: false,
  },
  StatementResult: {
    type: "object",
    properties: {
      statements: { type: "array", items: ref("Statement") },
      more: { type: "string", description: "relative IRL of the next page, or empty" },
    },
    required: ["statements", "more"],
  },
  Person: {
    type: "object",
    properties: {
      objectType: { const: "Person" },
      name: { type: "array", items: { type: "string" } },
      mbox: { type: "array", items: { type: "string" } },
      mbox_sha1sum: { type: "array", items: { type: "string" } },
      openid: { type: "array", items: { type: "string" } },
      account: { type: "array", items: ref("Account") },
    },
    required: ["objectType"],
  },
  About: {
    type: "object",
    properties: { version: { type: "array", items: { type: "string" } }, extensions },
    required: ["version"],
  },
};
