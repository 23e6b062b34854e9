// Alternate Request Syntax (1.0.3 Communication 1.3): honoured for 1.0.3, refused with 400 for 2.0.
import { SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { BASE, basic, xapi } from "../helpers";

const FORM = "application/x-www-form-urlencoded";
const uid = () => crypto.randomUUID();

function statement(extra: Record<string, unknown> = {}) {
  return {
    actor: { objectType: "Agent", mbox: `mailto:${uid()}@example.com` },
    verb: { id: `http://example.com/verbs/${uid()}`, display: { "en-US": "did" } },
    object: { objectType: "Activity", id: "http://example.com/activities/alt" },
    ...extra,
  };
}

/** A POST ?method=… with the given form fields; headers only those passed (the form may carry the rest). */
function alternate(path: string, method: string, fields: Record<string, string>, headers: Record<string, string> = {}) {
  return SELF.fetch(`${BASE}${path}?method=${method}`, {
    method: "POST",
    headers: { "Content-Type": FORM, ...headers },
    body: new URLSearchParams(fields).toString(),
  });
}

const realHeaders = (version = "1.0.3") => ({ Authorization: basic(), "X-Experience-API-Version": version });

describe("Alternate Request Syntax under 1.0.3", () => {
  it("a POST with method=GET is a statement query (form fields are query parameters)", async () => {
    const s = statement();
    await xapi("/statements", { method: "POST", json: [s, statement({ verb: s.verb })], version: "1.0.3" });
    const res = await alternate("/statements", "GET", { verb: s.verb.id, limit: "1" }, realHeaders());
    expect(res.status).toBe(200);
    const body = await res.json<{ statements: unknown[]; more: string }>();
    expect(body.statements).toHaveLength(1);
    expect(body.more).toMatch(/^\/xapi\/statements\?.*verb=/);
    expect(res.headers.get("X-Experience-API-Consistent-Through")).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    // The `more` IRL is an ordinary GET.
    const next = await xapi(body.more.replace(/^\/xapi/, ""), { version: "1.0.3" });
    expect((await next.json<{ statements: unknown[] }>()).statements).toHaveLength(1);
  });

  it("a PUT carries its body in `content`; headers may come from the form", async () => {
    const id = uid();
    const res = await alternate("/statements", "PUT", {
      statementId: id,
      content: JSON.stringify(statement()),
      "X-Experience-API-Version": "1.0.3",
      Authorization: basic(),
      "Content-Type": "application/json",
    });
    expect(res.status, await res.clone().text()).toBe(204);
    expect((await xapi(`/statements?statementId=${id}`, { version: "1.0.3" })).status).toBe(200);
  });

  it("a POST with method=POST stores the statements in `content` (Content-Type defaults to JSON)", async () => {
    const id = uid();
    const res = await alternate("/statements", "POST", { content: JSON.stringify([statement({ id })]) }, realHeaders());
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual([id]);
  });

  it("form header fields override the real headers: a form version 0.8 is refused, a bad form Authorization is 401", async () => {
    const content = JSON.stringify(statement());
    const version = await alternate("/statements", "PUT", { statementId: uid(), "X-Experience-API-Version": "0.8", content }, realHeaders());
    expect(version.status).toBe(400);
    const auth = await alternate("/statements", "PUT", { statementId: uid(), Authorization: basic("nobody", "nothing"), content }, realHeaders());
    expect(auth.status).toBe(401);
  });

  it.each([
    ["another query-string parameter", () => SELF.fetch(`${BASE}/statements?method=PUT&statementId=${uid()}`, {
      method: "POST", headers: { "Content-Type": FORM, ...realHeaders() }, body: `content=${encodeURIComponent(JSON.stringify(statement()))}` })],
    ["a method other than POST", () => SELF.fetch(`${BASE}/statements?method=POST`, {
      method: "PUT", headers: { "Content-Type": FORM, ...realHeaders() }, body: `content=${encodeURIComponent(JSON.stringify(statement()))}` })],
    ["a PUT without content", () => alternate("/statements", "PUT", { statementId: uid() }, realHeaders())],
    ["a body that is not form-encoded", () => SELF.fetch(`${BASE}/statements?method=PUT`, {
      method: "POST", headers: { "Content-Type": "application/json", ...realHeaders() }, body: JSON.stringify({ statementId: uid(), content: statement() }) })],
    ["a JSON body labelled as a form", () => SELF.fetch(`${BASE}/statements?method=PUT`, {
      method: "POST", headers: { "Content-Type": FORM, ...realHeaders() }, body: JSON.stringify({ statementId: uid(), content: JSON.stringify(statement()) }) })],
    ["an unknown method", () => alternate("/statements", "PATCH", {}, realHeaders())],
    ["a GET with content", () => alternate("/statements", "GET", { content: "{}" }, realHeaders())],
    ["an invalid query parameter in the form", () => alternate("/statements", "GET", { Limit: "1" }, realHeaders())],
  ])("rejects %s with 400", async (_what, send) => {
    const res = await send();
    expect(res.status, await res.clone().text()).toBe(400);
  });
});

describe("Alternate Request Syntax under 2.0", () => {
  it("a POST with method=GET is refused", async () => {
    const res = await alternate("/statements", "GET", { limit: "1" }, realHeaders("2.0.0"));
    expect(res.status).toBe(400);
    expect(res.headers.get("X-Experience-API-Version")).toBe("2.0.0");
  });

  it("a form that names version 2.0.0 is refused", async () => {
    const res = await alternate("/statements", "PUT", {
      statementId: uid(),
      content: JSON.stringify(statement()),
      "X-Experience-API-Version": "2.0.0",
      Authorization: basic(),
    });
    expect(res.status).toBe(400);
  });

  it("any method parameter is refused, whatever the body", async () => {
    for (const [method, target] of [["POST", "PUT"], ["PUT", "POST"]] as const) {
      const res = await SELF.fetch(`${BASE}/statements?method=${target}`, {
        method,
        headers: { "Content-Type": "application/json", ...realHeaders("2.0.0") },
        body: JSON.stringify(statement()),
      });
      expect(res.status).toBe(400);
    }
  });

  it("ordinary 2.0 requests are untouched", async () => {
    expect((await xapi("/statements?limit=1", { version: "2.0.0" })).status).toBe(200);
  });
});
