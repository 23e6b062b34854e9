// The OpenAPI document validated under Node with a real OpenAPI 3.1 validator (@seriousme/openapi-schema-validator;
// its ajv compiles with new Function, which workerd refuses, so this cannot run in the vitest pool): the builder's
// output for each set of served versions (bundled as `npm run openapi` does) and the generated file the Worker
// serves. openapi.test.ts checks that the Worker serves exactly this builder's output.
// Run: node --test test/openapi/openapi-document.test.mjs (.ci/run does).
import { describe, it, before } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { Validator } from "@seriousme/openapi-schema-validator";
import { Ajv2020 } from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import { GENERATED, loadDocumentBuilder } from "../../scripts/openapi.mjs";

const examples = JSON.parse(readFileSync(resolve(import.meta.dirname, "statement-examples.json"), "utf8"));
let openapiDocument;

before(async () => {
  ({ openapiDocument } = await loadDocumentBuilder());
});

/** Every $ref in the document, as its JSON pointer. */
function refsIn(value, found = new Set()) {
  if (Array.isArray(value)) value.forEach((item) => refsIn(item, found));
  else if (value && typeof value === "object") {
    for (const [key, inner] of Object.entries(value)) {
      if (key === "$ref" && typeof inner === "string") found.add(inner);
      else refsIn(inner, found);
    }
  }
  return found;
}

function resolvePointer(doc, pointer) {
  return pointer
    .replace(/^#\//, "")
    .split("/")
    .reduce((node, part) => node?.[part.replace(/~1/g, "/").replace(/~0/g, "~")], doc);
}

describe("the OpenAPI document", () => {
  it("is valid OpenAPI 3.1 as generated (src/openapi/document.generated.json)", async () => {
    const validator = new Validator();
    const result = await validator.validate(JSON.parse(readFileSync(GENERATED, "utf8")));
    assert.deepEqual([result.valid, result.errors], [true, undefined]);
  });

  for (const versions of [["1.0.3", "2.0.0"], ["1.0.3"], ["2.0.0"]]) {
    it(`is valid OpenAPI 3.1 (serving ${versions.join(", ")})`, async () => {
      const validator = new Validator();
      const result = await validator.validate(structuredClone(openapiDocument(versions)));
      assert.deepEqual(result.errors, undefined);
      assert.equal(result.valid, true);
      assert.equal(validator.version, "3.1");
    });
  }

  it("resolves every $ref it makes, and defines no component it does not use", () => {
    const doc = openapiDocument(["1.0.3", "2.0.0"]);
    const refs = refsIn(doc);
    assert.deepEqual([...refs].filter((ref) => resolvePointer(doc, ref) === undefined), []);
    const defined = ["schemas", "parameters", "responses"].flatMap((kind) =>
      Object.keys(doc.components[kind]).map((name) => `#/components/${kind}/${name}`),
    );
    assert.deepEqual(defined.filter((pointer) => !refs.has(pointer)), []);
  });

  it("has component schemas that compile as JSON Schema 2020-12 (strict: unknown keywords are errors)", () => {
    const doc = openapiDocument(["1.0.3", "2.0.0"]);
    // strictRequired off: the Agent's oneOf of `required` names properties declared beside it, as intended.
    const ajv = new Ajv2020({ strict: true, strictRequired: false, allErrors: true });
    addFormats.default(ajv);
    ajv.addFormat("iri", true);
    ajv.addKeyword("components"); // the wrapper that makes the document's own $refs resolve
    ajv.addSchema({ $id: "doc", components: doc.components }, "doc");
    for (const name of Object.keys(doc.components.schemas)) {
      assert.equal(typeof ajv.getSchema(`doc#/components/schemas/${name}`), "function", name);
    }
  });

  it("accepts the statements the LRS accepts and refuses those it refuses (the same examples, openapi.test.ts)", () => {
    const doc = openapiDocument(["1.0.3", "2.0.0"]);
    const ajv = new Ajv2020({ strict: false });
    addFormats.default(ajv);
    ajv.addFormat("iri", /^[a-z][a-z0-9+.-]*:/i);
    ajv.addSchema({ $id: "doc", components: doc.components }, "doc");
    const statement = ajv.getSchema("doc#/components/schemas/Statement");
    for (const example of examples.accepted) assert.deepEqual([statement(example), statement.errors], [true, null]);
    for (const { why, statement: example } of examples.rejected) assert.deepEqual([why, statement(example)], [why, false]);
  });
});
