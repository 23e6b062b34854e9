// Authentication with read replication on: a credential a lagging replica does not yet hold (created, enabled
// or given a new secret a moment ago) is looked up again at the primary before the answer is a 401.
import { describe, expect, it } from "vitest";
import { createApp } from "../../src/app";
import { basic } from "../helpers";
import { fetchWith, recordingDb } from "../http/session-recorder";
import { credentialFor } from "../xapi/documents/document-helpers";

// The lookup of authentication (src/auth/credentials.ts selectCredentialByKey).
const CREDENTIAL_LOOKUP = /FROM credentials WHERE key = \?/;

describe("credential lookup falls back to the primary", () => {
  it("a credential the replica does not hold yet authenticates: the lookup is repeated at the primary", async () => {
    const app = createApp();
    const recorder = recordingDb([CREDENTIAL_LOOKUP]);
    const fresh = await credentialFor("default", ["all"]);
    const headers = { "X-Experience-API-Version": "2.0.0", Authorization: fresh };
    const read = await fetchWith(app, recorder, "/statements?limit=1", { headers });
    expect(read.response.status).toBe(200);
    expect(read.starts).toEqual(["first-unconstrained", "first-primary"]);
  });

  it("an unknown key and a wrong secret are both asked of the primary, then refused alike", async () => {
    const app = createApp();
    const recorder = recordingDb([CREDENTIAL_LOOKUP]);
    const version = { "X-Experience-API-Version": "2.0.0" };
    const unknown = await fetchWith(app, recorder, "/statements", { headers: { ...version, Authorization: basic("nobody", "x") } });
    const wrong = await fetchWith(app, recorder, "/statements", { headers: { ...version, Authorization: basic("test-key", "x") } });
    expect(unknown.response.status).toBe(401);
    expect(wrong.response.status).toBe(401);
    expect(unknown.text).toBe(wrong.text);
    expect(unknown.starts).toEqual(["first-unconstrained", "first-primary"]);
    expect(wrong.starts).toEqual(["first-unconstrained", "first-primary"]);
  });
});
