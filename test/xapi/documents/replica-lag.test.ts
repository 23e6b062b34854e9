// A document GET on a session a lagging read replica serves (src/xapi/documents/document-storage.ts openDocument):
// a row the replica does not hold yet is looked for at the primary before the answer is a 404.
import { describe, expect, it } from "vitest";
import { createApp } from "../../../src/app";
import { basic } from "../../helpers";
import { fetchWith, recordingDb } from "../../http/session-recorder";
import { credentialFor, documentParams, url } from "./document-helpers";

// The single-document lookup (document-rows.ts findDocumentRow), as drizzle writes it.
const DOCUMENT_LOOKUP = /^select .* from "documents" where .*"document_id" = \?\) limit/i;

describe("document reads behind a lagging replica", () => {
  it("a document another client just wrote is found at the primary: 200 with its body, not 404", async () => {
    const app = createApp();
    const recorder = recordingDb([DOCUMENT_LOOKUP]);
    const path = url("state", documentParams("state"));
    const version = { "X-Experience-API-Version": "2.0.0" };
    const put = await fetchWith(app, recorder, path, { method: "PUT", headers: { ...version, Authorization: basic() }, body: "v1" });
    expect(put.response.status).toBe(204);
    // Another credential of the store: it has no write of its own to be remembered, so its session is unconstrained.
    const reader = await credentialFor("default", ["all"]);
    const get = await fetchWith(app, recorder, path, { headers: { ...version, Authorization: reader } });
    expect(get.response.status).toBe(200);
    expect(get.text).toBe("v1");
    expect(get.starts).toEqual(["first-unconstrained", "first-primary"]);
  });

  it("a document that exists nowhere is still a 404, after asking the primary", async () => {
    const app = createApp();
    const recorder = recordingDb([DOCUMENT_LOOKUP]);
    const reader = await credentialFor("default", ["all"]);
    const get = await fetchWith(app, recorder, url("state", documentParams("state")), {
      headers: { "X-Experience-API-Version": "2.0.0", Authorization: reader },
    });
    expect(get.response.status).toBe(404);
    expect(get.starts).toEqual(["first-unconstrained", "first-primary"]);
  });
});
