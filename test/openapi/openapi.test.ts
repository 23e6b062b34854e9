// GET /xapi/openapi.json: served without authentication, cached by ETag, generated (npm run openapi) from the
// schemas and parameter lists the LRS validates with. The document's validity as OpenAPI 3.1 is checked under Node
// (openapi-document.test.mjs: the validator compiles with new Function, which workerd refuses).
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { createApp } from "../../src/app";
import { MAX_TTL_SECONDS } from "../../src/auth/launch-tokens/token-request";
import { ALL_SCOPES, XAPI_SCOPES } from "../../src/auth/scopes";
import { openapiDocument } from "../../src/openapi/document";
import generated from "../../src/openapi/document.generated.json";
import { OPENAPI_CACHE_CONTROL } from "../../src/openapi/routes";
import { QUERY_PARAMETERS } from "../../src/xapi/statements/query/parameters";
import { xapi } from "../helpers";
import examples from "./statement-examples.json";

type Doc = {
  openapi: string;
  paths: Record<string, Record<string, { parameters?: { name?: string; $ref?: string }[]; security?: unknown }>>;
  components: { schemas: Record<string, any>; parameters: Record<string, any> };
};

async function sha256Hex(text: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return [...new Uint8Array(digest)].map((byte) => byte.toString(16).padStart(2, "0")).join("");
}

async function withVersions(versions: string): Promise<Response> {
  const ctx = createExecutionContext();
  const res = await createApp().fetch(new Request("http://lrs.test/xapi/openapi.json"), { ...env, LRS_XAPI_VERSIONS: versions }, ctx);
  await waitOnExecutionContext(ctx);
  return res;
}

describe("GET /xapi/openapi.json", () => {
  it("serves a generated document that is up to date with its builder (else: npm run openapi)", () => {
    expect(generated).toEqual(openapiDocument(["1.0.3", "2.0.0"]));
  });

  it("is served without credentials or version header, with a day of caching and its SHA-256 as ETag", async () => {
    const res = await xapi("/openapi.json", { auth: null, version: null });
    expect(res.status).toBe(200);
    expect(res.headers.get("Content-Type")).toBe("application/json");
    expect(res.headers.get("Cache-Control")).toBe(OPENAPI_CACHE_CONTROL);
    expect(OPENAPI_CACHE_CONTROL).toBe("public, max-age=86400");
    const text = await res.text();
    expect(res.headers.get("ETag")).toBe(`"${await sha256Hex(text)}"`);
    const doc = JSON.parse(text) as Doc;
    expect(doc.openapi).toBe("3.1.0");
    expect(doc).toEqual(openapiDocument(["1.0.3", "2.0.0"]));
  });

  it("answers a matching If-None-Match with 304 and no body; another tag gets the document", async () => {
    const first = await xapi("/openapi.json", { auth: null, version: null });
    const etag = first.headers.get("ETag")!;
    await first.body?.cancel();
    const again = await xapi("/openapi.json", { auth: null, version: null, headers: { "If-None-Match": `"other", ${etag}` } });
    expect(again.status).toBe(304);
    expect(again.headers.get("ETag")).toBe(etag);
    expect(await again.text()).toBe("");
    const other = await xapi("/openapi.json", { auth: null, version: null, headers: { "If-None-Match": '"other"' } });
    expect(other.status).toBe(200);
    expect(((await other.json()) as Doc).openapi).toBe("3.1.0");
  });

  it("describes every xAPI resource, the admin API and nothing at a path the LRS does not serve", async () => {
    const doc = (await (await xapi("/openapi.json", { auth: null })).json()) as Doc;
    const operations = Object.entries(doc.paths).flatMap(([path, item]) =>
      Object.keys(item).filter((key) => key !== "parameters").map((method) => `${method.toUpperCase()} ${path}`),
    );
    expect(operations.filter((op) => op.includes(" /xapi/"))).toEqual([
      "GET /xapi/about",
      "GET /xapi/openapi.json",
      "GET /xapi/statements",
      "PUT /xapi/statements",
      "POST /xapi/statements",
      "GET /xapi/activities",
      "GET /xapi/activities/state",
      "PUT /xapi/activities/state",
      "POST /xapi/activities/state",
      "DELETE /xapi/activities/state",
      "GET /xapi/activities/profile",
      "PUT /xapi/activities/profile",
      "POST /xapi/activities/profile",
      "DELETE /xapi/activities/profile",
      "GET /xapi/agents",
      "GET /xapi/agents/profile",
      "PUT /xapi/agents/profile",
      "POST /xapi/agents/profile",
      "DELETE /xapi/agents/profile",
    ]);
    expect(operations.filter((op) => op.includes(" /tokens"))).toEqual(["POST /tokens", "POST /tokens/fetch/{handle}"]);
    expect(operations.filter((op) => op.includes(" /admin/") && !op.includes("/forwarders")).length).toBe(24);
    expect(operations.filter((op) => op.includes("/forwarders"))).toEqual([
      "GET /admin/stores/{storeId}/forwarders",
      "POST /admin/stores/{storeId}/forwarders",
      "GET /admin/stores/{storeId}/forwarders/{forwarderId}",
      "DELETE /admin/stores/{storeId}/forwarders/{forwarderId}",
      "POST /admin/stores/{storeId}/forwarders/{forwarderId}/pause",
      "POST /admin/stores/{storeId}/forwarders/{forwarderId}/resume",
      "POST /admin/stores/{storeId}/forwarders/{forwarderId}/replay",
    ]);
    // About, this document and the fetch URL are open; other xAPI operations and POST /tokens name Basic
    // (store credential or launch token), every admin one the bearer token.
    const open = ["/xapi/about", "/xapi/openapi.json", "/tokens/fetch/{handle}"];
    for (const [path, item] of Object.entries(doc.paths)) {
      for (const [method, operation] of Object.entries(item)) {
        if (method === "parameters") continue;
        const expected = path.startsWith("/admin/") ? [{ adminBearer: [] }] : open.includes(path) ? [] : [{ xapiBasic: [] }];
        expect([path, method, operation.security]).toEqual([path, method, expected]);
      }
    }
  });

  it("lists the statement query parameters the query parser accepts", async () => {
    const doc = (await (await xapi("/openapi.json", { auth: null })).json()) as Doc;
    const names = doc.paths["/xapi/statements"]!.get!.parameters!.map((p) => p.name ?? p.$ref);
    expect(names).toEqual(["#/components/parameters/XapiVersion", "statementId", "voidedStatementId", ...QUERY_PARAMETERS]);
  });

  it("takes admin request bodies from the zod schemas that validate them", async () => {
    const { schemas } = ((await (await xapi("/openapi.json", { auth: null })).json()) as Doc).components;
    expect(schemas.NewCredential.properties.scopes.items.enum).toEqual([...ALL_SCOPES]);
    expect(schemas.NewCredential.required).toEqual(["scopes"]);
    expect(schemas.NewCredential.additionalProperties).toBe(false);
    expect(schemas.NewCredential.properties.authority).toEqual({ $ref: "#/components/schemas/Agent" });
    expect(schemas.NewStore.properties.id.pattern).toBe("^[a-z0-9][a-z0-9_-]{0,62}$");
    expect(schemas.NewStore.properties.name).toEqual({ type: "string", minLength: 1, maxLength: 200 });
    expect(schemas.JobStart.properties.kind.enum).toEqual(["orphan-sweep", "rollup-rebuild", "statement-export", "statement-tiering"]);
    expect(schemas.NewForwarder.oneOf.map((kind: any) => [kind.properties.kind.const, kind.required])).toEqual([
      ["webhook", ["kind", "url"]],
      ["xapi", ["kind", "endpoint", "key", "secret"]],
    ]);
    expect(schemas.ForwarderReplay.properties.from).toEqual({ type: "string", const: "beginning" });
    expect(schemas.Erasure.properties.agent).toEqual({ oneOf: [{ $ref: "#/components/schemas/Agent" }, { $ref: "#/components/schemas/Group" }] });
  });

  it("describes POST /tokens by the schema it validates with, a token's scopes being the xAPI ones", async () => {
    const { schemas } = ((await (await xapi("/openapi.json", { auth: null })).json()) as Doc).components;
    expect(schemas.TokenRequest.required).toEqual(["actor"]);
    expect(schemas.TokenRequest.additionalProperties).toBe(false);
    expect(schemas.TokenRequest.properties.actor).toEqual({ $ref: "#/components/schemas/Agent" });
    expect(schemas.TokenRequest.properties.ttlSeconds).toEqual({ type: "integer", minimum: 1, maximum: MAX_TTL_SECONDS });
    expect(schemas.TokenRequest.properties.scopes.items.enum).toEqual([...XAPI_SCOPES]);
    expect(schemas.TokenRequest.properties.scopes.items.enum).not.toContain("tokens/issue");
    expect(schemas.IssuedToken.required).toEqual(["token", "expiresAt", "fetchUrl"]);
  });

  it("names only the versions LRS_XAPI_VERSIONS serves, under its own ETag", async () => {
    const both = await withVersions("1.0.3,2.0.0");
    const only103 = await withVersions("1.0.3");
    const doc = (await only103.json()) as Doc;
    expect(doc.components.parameters.XapiVersion.schema).toEqual({ type: "string", pattern: "^(1\\.0)(\\.\\d+)?$", examples: ["1.0.3"] });
    expect(doc).toEqual(openapiDocument(["1.0.3"]));
    expect(only103.headers.get("ETag")).not.toBe(both.headers.get("ETag"));
    expect(((await both.json()) as Doc).components.parameters.XapiVersion.schema.examples).toEqual(["1.0.3", "2.0.0"]);
  });
});

// The Statement schema is written by hand beside the parser (src/xapi/statements/validation/json-schema.ts);
// the Node test checks these same examples against the schema, this one against the LRS.
describe("the statement examples the Statement schema is checked with", () => {
  it("are accepted by the LRS", async () => {
    for (const statement of examples.accepted) {
      const res = await xapi("/statements", { method: "POST", json: statement });
      expect([res.status, await res.text()]).toEqual([200, expect.stringMatching(/^\["[0-9a-f-]{36}"\]$/)]);
    }
  });

  it("are refused by the LRS", async () => {
    for (const { why, statement } of examples.rejected) {
      const res = await xapi("/statements", { method: "POST", json: statement });
      expect([why, res.status]).toEqual([why, 400]);
    }
  });
});
