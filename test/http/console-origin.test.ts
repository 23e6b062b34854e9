// LRS_CONSOLE_ORIGIN: the console on a hostname of its own, which then serves nothing else, while the xAPI origin
// no longer serves the console (pages redirect there, forms are refused).
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { createApp } from "../../src/app";
import { basic } from "../helpers";

const CONSOLE = "https://console.lrs.test";
const API = "https://lrs.test";
const app = createApp();

async function send(url: string, init: RequestInit = {}, consoleOrigin: string | undefined = CONSOLE): Promise<Response> {
  const ctx = createExecutionContext();
  const response = await app.fetch(new Request(url, { redirect: "manual", ...init }), { ...env, LRS_CONSOLE_ORIGIN: consoleOrigin }, ctx);
  await response.arrayBuffer();
  await waitOnExecutionContext(ctx);
  return response;
}

const xapiGet = { headers: { Authorization: basic(), "X-Experience-API-Version": "2.0.0" } };

describe("LRS_CONSOLE_ORIGIN set", () => {
  it("the console origin serves the console and refuses /xapi and /admin", async () => {
    expect((await send(`${CONSOLE}/console/sign-in`)).status).toBe(200);
    for (const path of ["/xapi/statements", "/xapi/about", "/admin/stores"]) {
      expect((await send(`${CONSOLE}${path}`, xapiGet)).status, path).toBe(404);
    }
    const root = await send(`${CONSOLE}/`);
    expect([root.status, root.headers.get("Location")]).toEqual([302, "/console"]);
  });

  it("the xAPI origin redirects console pages there and refuses console forms", async () => {
    const page = await send(`${API}/console/s/default/statements?verb=x`);
    expect(page.status).toBe(308);
    expect(page.headers.get("Location")).toBe(`${CONSOLE}/console/s/default/statements?verb=x`);
    const form = await send(`${API}/console/sign-in`, { method: "POST", body: "key=a&secret=b", headers: { "Content-Type": "application/x-www-form-urlencoded" } });
    expect(form.status).toBe(404);
    expect((await send(`${API}/xapi/statements?limit=1`, xapiGet)).status).toBe(200);
  });

  it("unset (or not a URL), the console is served on every origin", async () => {
    expect((await send(`${API}/console/sign-in`, {}, "")).status).toBe(200);
    expect((await send(`${API}/console/sign-in`, {}, "not a url")).status).toBe(200);
  });
});
