// Each refusal of the DocumentWriter (src/xapi/documents/document-writes.ts) as the client sees it: the status
// chosen by routes.ts refusalError and the exact message, and the document left as it was.
import { describe, expect, it } from "vitest";
import { xapi } from "../../helpers";
import { documentParams, url } from "./document-helpers";

async function errorOf(response: Response): Promise<{ status: number; message: string }> {
  const body = (await response.json()) as { error: { status: number; message: string } };
  return { status: response.status, message: body.error.message };
}

describe("document write refusals", () => {
  it("precondition-failed: 412 naming If-Match, or If-None-Match, and the document unchanged", async () => {
    const params = documentParams("state");
    expect((await xapi(url("state", params), { method: "PUT", json: { a: 1 }, headers: { "If-None-Match": "*" } })).status).toBe(204);
    const ifMatch = await xapi(url("state", params), { method: "PUT", json: { a: 2 }, headers: { "If-Match": '"0000"' } });
    expect(await errorOf(ifMatch)).toEqual({
      status: 412,
      message: "the If-Match precondition does not hold for the current document",
    });
    const ifNoneMatch = await xapi(url("state", params), { method: "POST", json: { a: 3 }, headers: { "If-None-Match": "*" } });
    expect(await errorOf(ifNoneMatch)).toEqual({
      status: 412,
      message: "the If-None-Match precondition does not hold for the current document",
    });
    const deleted = await xapi(url("state", params), { method: "DELETE", headers: { "If-Match": '"0000"' } });
    expect(await errorOf(deleted)).toEqual({
      status: 412,
      message: "the If-Match precondition does not hold for the current document",
    });
    expect(await (await xapi(url("state", params))).json()).toEqual({ a: 1 });
  });

  it("exists-without-precondition: 409 for a header-less PUT over an existing 2.0 document", async () => {
    const params = documentParams("activity_profile");
    await xapi(url("activity_profile", params), { method: "PUT", json: { a: 1 }, headers: { "If-None-Match": "*" } });
    const put = await xapi(url("activity_profile", params), { method: "PUT", json: { a: 2 } });
    expect(await errorOf(put)).toEqual({
      status: 409,
      message:
        "the document already exists: GET it to check its current state, then PUT again with If-Match set to its ETag",
    });
    expect(await (await xapi(url("activity_profile", params))).json()).toEqual({ a: 1 });
  });

  it("precondition-required: 400 for a header-less PUT creating a 1.0.3 profile document", async () => {
    const params = documentParams("agent_profile");
    const put = await xapi(url("agent_profile", params), { method: "PUT", version: "1.0.3", json: { a: 1 } });
    expect(await errorOf(put)).toEqual({ status: 400, message: "a PUT to a profile document requires If-Match or If-None-Match" });
    expect((await xapi(url("agent_profile", params), { version: "1.0.3" })).status).toBe(404);
  });

  it("not-mergeable: 400 with the merge's reason when the stored document is not JSON", async () => {
    const params = documentParams("state");
    const stored = { method: "PUT", body: "plain", headers: { "Content-Type": "text/plain", "If-None-Match": "*" } };
    expect((await xapi(url("state", params), stored)).status).toBe(204);
    const post = await xapi(url("state", params), { method: "POST", json: { a: 1 } });
    expect(await errorOf(post)).toEqual({
      status: 400,
      message: "a POST merges only when the stored and the posted document are application/json",
    });
    expect(await (await xapi(url("state", params))).text()).toBe("plain");
  });
});
