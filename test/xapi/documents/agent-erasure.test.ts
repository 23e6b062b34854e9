// deleteAgentDocuments (for erasure): every State and Agent Profile document of one agent in one store goes,
// through the writers, with its R2 bodies; other agents and other stores keep theirs.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { agentKey } from "../../../src/xapi/agents/identifier";
import { deleteAgentDocuments } from "../../../src/xapi/documents/document-storage";
import { xapi } from "../../helpers";
import { agentFor, credentialFor, documentParams, url } from "./document-helpers";

describe("deleteAgentDocuments", () => {
  it("deletes an agent's State and Agent Profile documents and bodies, nothing else", async () => {
    const agent = agentFor(`erased-${crypto.randomUUID()}`);
    const other = agentFor(`kept-${crypto.randomUUID()}`);
    const otherStore = await credentialFor(`store-${crypto.randomUUID()}`, ["all"]);
    const erased = [
      ["state", documentParams("state", { agent })],
      ["state", documentParams("state", { agent, registration: "0b4c5a2e-3f6a-4c1e-9a8b-1d2e3f4a5b6c" })],
      ["agent_profile", documentParams("agent_profile", { agent })],
    ] as const;
    const kept = [
      ["state", documentParams("state", { agent: other }), undefined],
      ["activity_profile", documentParams("activity_profile"), undefined],
      ["state", documentParams("state", { agent }), otherStore],
    ] as const;
    for (const [kind, params] of erased) await xapi(url(kind, params), { method: "POST", json: { a: 1 } });
    for (const [kind, params, auth] of kept) await xapi(url(kind, params), { method: "POST", json: { a: 1 }, auth });
    const key = agentKey(agent)!;
    const bodies = await env.DB.prepare("SELECT r2_key FROM documents WHERE store_id = 'default' AND agent_key = ?")
      .bind(key)
      .all<{ r2_key: string }>();
    expect(bodies.results).toHaveLength(3);

    expect(await deleteAgentDocuments(env, "default", key)).toBe(3);
    for (const [kind, params] of erased) expect((await xapi(url(kind, params))).status).toBe(404);
    for (const { r2_key } of bodies.results) expect(await env.BLOBS.head(r2_key)).toBeNull();
    for (const [kind, params, auth] of kept) expect((await xapi(url(kind, params), { auth })).status).toBe(200);
  });
});
