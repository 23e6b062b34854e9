// The `agent` parameter of State and Agent Profile is an Agent, never a Group (1.0.3 Communication 2.6 note:
// "The "agent" parameter is an Agent Object and not a Group"; 2.3 table; 9274.1.1 4.1.6.2, 4.1.6.6). A Group's
// documents are stored under an Agent object carrying the Group's IFI.
import { describe, expect, it } from "vitest";
import { VERSIONS, xapi } from "../../helpers";
import { documentParams, idName, type Kind, url, without } from "../documents/document-helpers";

const groups = [
  ["an identified Group", (mbox: string) => ({ objectType: "Group", mbox })],
  ["an identified Group with members", (mbox: string) => ({ objectType: "Group", mbox, member: [{ mbox: "mailto:m@example.com" }] })],
] as const;

describe.each(VERSIONS)("a Group as the agent parameter (%s)", (version) => {
  describe.each(["state", "agent_profile"] as Kind[])("%s", (kind) => {
    it.each(groups)("%s is a 400 naming agent for every method, and nothing is stored", async (_name, group) => {
      const mbox = `mailto:team-${crypto.randomUUID()}@example.com`;
      const params = documentParams(kind, { agent: group(mbox) });
      for (const method of ["PUT", "POST"]) {
        const res = await xapi(url(kind, params), { method, version, json: { team: true } });
        expect(res.status, method).toBe(400);
        expect(((await res.json()) as { error: { path: string } }).error.path).toBe("agent.objectType");
      }
      for (const method of ["GET", "DELETE"]) {
        const res = await xapi(url(kind, params), { method, version });
        expect(res.status, method).toBe(400);
        await res.arrayBuffer();
      }
      const list = await xapi(url(kind, without(params, idName(kind))), { version });
      expect(list.status).toBe(400);
      await list.arrayBuffer();

      // Nothing was written under the Group's IFI.
      const asAgent = { ...params, agent: { objectType: "Agent", mbox } };
      expect((await xapi(url(kind, asAgent), { version })).status).toBe(404);
      const ids = await xapi(url(kind, without(asAgent, idName(kind))), { version });
      expect(await ids.json()).toEqual([]);
    });

    it("stores a Group's document under an Agent carrying the Group's IFI", async () => {
      const params = documentParams(kind, { agent: { mbox: `mailto:team-${crypto.randomUUID()}@example.com` } });
      const headers = { "If-None-Match": "*" }; // profile PUTs need a precondition under 2.0
      const put = await xapi(url(kind, params), { method: "PUT", version, headers, json: { team: true } });
      expect(put.status, await put.text()).toBe(204);
      expect(await (await xapi(url(kind, params), { version })).json()).toEqual({ team: true });
    });
  });
});
