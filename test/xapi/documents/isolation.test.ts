// Documents belong to the credential's store: another store never sees, lists, changes or deletes them; and
// the resources need their scope (1.0.3 Communication 4.2 scopes: "state", "profile", "all/read").
import { describe, expect, it } from "vitest";
import { VERSIONS, xapi } from "../../helpers";
import { credentialFor, documentParams, idName, KINDS, url, without } from "./document-helpers";

describe.each(VERSIONS)("document stores and scopes (%s)", (version) => {
  describe.each(KINDS)("%s", (kind) => {
    it("keeps each store's documents apart", async () => {
      const other = await credentialFor(`store-${crypto.randomUUID()}`, ["all"]);
      const params = documentParams(kind);
      const context = without(params, idName(kind));
      await xapi(url(kind, params), { method: "POST", version, json: { mine: true } });

      expect((await xapi(url(kind, params), { version, auth: other })).status).toBe(404);
      expect(await (await xapi(url(kind, context), { version, auth: other })).json()).toEqual([]);
      // The same identity in the other store is a different document: no 409, no merge.
      const put = await xapi(url(kind, params), { method: "PUT", version, auth: other, json: { theirs: true }, headers: { "If-None-Match": "*" } });
      expect(put.status).toBe(204);
      expect((await xapi(url(kind, params), { method: "DELETE", version, auth: other })).status).toBe(204);
      if (kind === "state") await xapi(url(kind, context), { method: "DELETE", version, auth: other });

      expect(await (await xapi(url(kind, params), { version })).json()).toEqual({ mine: true });
    });
  });

  it.each([
    ["state", ["profile"], 403, 403],
    ["state", ["state"], 200, 204],
    ["state", ["all/read"], 200, 403],
    ["activity_profile", ["state"], 403, 403],
    ["activity_profile", ["profile"], 200, 204],
    ["agent_profile", ["statements/read"], 403, 403],
    ["agent_profile", ["profile", "statements/write"], 200, 204],
  ] as const)("%s with scopes %j: read %i, write %i", async (kind, scopes, readStatus, writeStatus) => {
    const auth = await credentialFor("default", [...scopes]);
    const params = documentParams(kind);
    await xapi(url(kind, params), { method: "POST", version, json: { a: 1 } });
    expect((await xapi(url(kind, params), { version, auth })).status).toBe(readStatus);
    expect((await xapi(url(kind, params), { method: "POST", version, auth, json: { b: 2 } })).status).toBe(writeStatus);
    expect((await xapi(url(kind, params), { method: "DELETE", version, auth })).status).toBe(writeStatus);
  });
});
