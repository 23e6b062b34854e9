// ETags on the Agents and Activities resources: the quoted SHA-1 of the body (1.0.3 Communication 3.1.s4.b1-b4),
// and 304 without a body for a matching If-None-Match.
import { describe, expect, it } from "vitest";
import { VERSIONS, xapi } from "../helpers";

async function sha1(text: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-1", new TextEncoder().encode(text));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

describe.each(VERSIONS)("ETags of the Agents and Activities resources (%s)", (version) => {
  it.each([
    ["/agents", () => `agent=${encodeURIComponent(JSON.stringify({ mbox: "mailto:etag@example.com" }))}`],
    ["/activities", () => `activityId=${encodeURIComponent("http://example.com/activities/etag")}`],
  ])("GET %s carries the SHA-1 of its body and answers a matching If-None-Match with 304", async (path, query) => {
    await xapi("/statements", {
      method: "POST",
      version,
      json: {
        actor: { mbox: "mailto:etag@example.com", name: "Etag" },
        verb: { id: "http://adlnet.gov/expapi/verbs/experienced" },
        object: { id: "http://example.com/activities/etag", definition: { name: { "en-US": "Etag" } } },
      },
    });
    const res = await xapi(`${path}?${query()}`, { version });
    expect(res.status).toBe(200);
    const body = await res.text();
    expect(res.headers.get("ETag")).toBe(`"${await sha1(body)}"`);
    const again = await xapi(`${path}?${query()}`, { version, headers: { "If-None-Match": res.headers.get("ETag")! } });
    expect(again.status).toBe(304);
    expect(await again.text()).toBe("");
  });
});
