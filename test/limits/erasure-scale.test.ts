// Erasure of an agent holding State documents in 60 activity contexts: each context is cleared through its own
// DocumentWriter (one Durable Object call each), so the job's steps, each metered as an invocation by the strict
// entry, must spread the 60 calls over steps that each stay within 45 calls.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { xapi } from "../helpers";
import { runJob } from "../admin/admin-helpers";
import { takeReports } from "../strict/ledger";

const AGENT = { mbox: "mailto:sixty-contexts@example.com" };

describe("erasure across 60 document contexts", () => {
  it("erases every State document of the agent, each step within the call budget", async () => {
    const agent = encodeURIComponent(JSON.stringify(AGENT));
    for (let i = 0; i < 60; i++) {
      const activity = encodeURIComponent(`http://example.com/contexts/${i}`);
      const response = await xapi(`/activities/state?activityId=${activity}&agent=${agent}&stateId=s`, { method: "PUT", json: { i } });
      expect(response.status).toBe(204);
    }
    const posted = await xapi("/statements", {
      method: "POST",
      json: { actor: AGENT, verb: { id: "http://example.com/verbs/did" }, object: { id: "http://example.com/contexts/0" } },
    });
    expect(posted.status).toBe(200);

    takeReports();
    const job = await runJob("/stores/default/erase-agent", { method: "POST", json: { agent: AGENT } });
    expect([job.state, job.error]).toEqual(["succeeded", null]);
    expect((job.result as { erased: { documents: number } }).erased.documents).toBe(60);
    const left = await env.DB.prepare("SELECT count(*) AS n FROM documents WHERE store_id = 'default' AND kind = 'state'").first<number>("n");
    expect(left).toBe(0);
    const steps = takeReports().filter((report) => report.label.startsWith("workflow step"));
    const documentCalls = steps.reduce((sum, step) => sum + step.durableObject, 0);
    expect(documentCalls).toBe(60);
    expect(Math.max(...steps.map((step) => step.calls))).toBeLessThanOrEqual(45);
  }, 120_000);
});
