// The fetch URL's Durable Object (src/durable/launch-token-fetch.ts) keeps its "used" mark only until after the
// token's expiry; and with no server secret configured, tokens are neither issued nor accepted.
import { createExecutionContext, runDurableObjectAlarm, runInDurableObject, SELF, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { strictFetch } from "../strict/strict-fetch";
import { errorOf, issue, issuerIn, ORIGIN, xapiWithToken } from "./token-helpers";

const LEARNER = { mbox: "mailto:fetch@example.com" };

describe("the fetch URL's object", () => {
  it("marks the URL used, with an alarm past the expiry that deletes the mark", async () => {
    const issued = await issue(await issuerIn(), { actor: LEARNER, ttlSeconds: 120 });
    expect((await SELF.fetch(issued.fetchUrl, { method: "POST" })).status).toBe(200);
    const tokenId = issued.fetchUrl.split("/").at(-1)!.split(".")[0]!;
    const stub = env.LAUNCH_TOKEN_FETCH.get(env.LAUNCH_TOKEN_FETCH.idFromName(tokenId));
    await runInDurableObject(stub, async (_instance, state) => {
      expect(await state.storage.get("used")).toBe(true);
      expect(await state.storage.getAlarm()).toBe(Date.parse(issued.expiresAt) + 5 * 60_000);
    });
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    await runInDurableObject(stub, async (_instance, state) => {
      expect([...(await state.storage.list()).keys()]).toEqual([]);
    });
  });
});

describe("without a server secret", () => {
  const unconfigured = {
    ...env,
    LRS_TOKEN_SECRET: "",
    LRS_CURSOR_SECRET: "",
    LRS_BOOTSTRAP_SECRET: "",
    LRS_SESSION_SECRET: "",
    LRS_ADMIN_TOKEN: "",
  };
  async function call(path: string, init: RequestInit): Promise<Response> {
    const ctx = createExecutionContext();
    const response = await strictFetch(new Request(`${ORIGIN}${path}`, init), unconfigured, ctx);
    await waitOnExecutionContext(ctx);
    return response;
  }

  it("refuses to issue (503 naming LRS_TOKEN_SECRET) and accepts no token", async () => {
    const issuer = await issuerIn();
    const { token } = await issue(issuer, { actor: LEARNER });
    expect((await xapiWithToken(token, "/statements")).status).toBe(200);
    const refused = await call("/tokens", {
      method: "POST",
      headers: { Authorization: issuer.auth, "Content-Type": "application/json" },
      body: JSON.stringify({ actor: LEARNER }),
    });
    expect(refused.status).toBe(503);
    expect((await errorOf(refused)).message).toBe("launch tokens need a server secret: set LRS_TOKEN_SECRET");
    const read = await call("/xapi/statements", {
      headers: { Authorization: `Basic ${token}`, "X-Experience-API-Version": "2.0.0" },
    });
    expect(read.status).toBe(401);
  });
});
