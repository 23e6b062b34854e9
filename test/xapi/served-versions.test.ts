import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { createApp } from "../../src/app";
import { basic, BASE } from "../helpers";

// LRS_XAPI_VERSIONS restricts the versions a deployment serves (1.0.3 Communication 3.3.s3; 9274.1.1 4.1.7).
async function call(vars: Record<string, string>, path: string, version?: string): Promise<Response> {
  const headers = new Headers({ Authorization: basic() });
  if (version) headers.set("X-Experience-API-Version", version);
  const ctx = createExecutionContext();
  const res = await createApp().fetch(new Request(`${BASE}${path}`, { headers }), { ...env, ...vars }, ctx);
  await waitOnExecutionContext(ctx);
  return res;
}

const anyStatement = "/statements?statementId=00000000-0000-4000-8000-000000000000";

describe("served versions", () => {
  it("serves both by default, and labels a request without the header with the newest", async () => {
    expect((await (await call({}, "/about")).json<{ version: string[] }>()).version).toEqual(["1.0.3", "2.0.0"]);
    const headerless = await call({}, anyStatement);
    expect(headerless.status).toBe(400);
    expect(headerless.headers.get("X-Experience-API-Version")).toBe("2.0.0");
  });

  it("a 1.0.3-only deployment lists, serves and labels 1.0.3 only", async () => {
    const only103 = { LRS_XAPI_VERSIONS: "1.0.3" };
    expect((await (await call(only103, "/about")).json<{ version: string[] }>()).version).toEqual(["1.0.3"]);
    expect((await call(only103, anyStatement, "1.0.3")).status).toBe(404);
    const refused = await call(only103, anyStatement, "2.0.0");
    expect(refused.status).toBe(400);
    expect(refused.headers.get("X-Experience-API-Version")).toBe("1.0.3");
    const headerless = await call(only103, anyStatement);
    expect(headerless.status).toBe(400);
    expect(headerless.headers.get("X-Experience-API-Version")).toBe("1.0.3");
  });

  it("a 2.0-only deployment refuses 1.0.x", async () => {
    const only20 = { LRS_XAPI_VERSIONS: "2.0.0" };
    expect((await call(only20, anyStatement, "1.0.3")).status).toBe(400);
    expect((await call(only20, anyStatement, "2.0.0")).status).toBe(404);
  });

  it("ignores a setting that names no version it knows", async () => {
    const res = await call({ LRS_XAPI_VERSIONS: "0.95" }, "/about");
    expect((await res.json<{ version: string[] }>()).version).toEqual(["1.0.3", "2.0.0"]);
  });
});
