// The console's Forwarders page of a store (Administration, admin only): it lists each forwarder's state,
// position, lag, last success and error and attempts, and its forms (CSRF-protected like every console form)
// call the admin API's actions under the same rules: the webhook's signing secret shown once, an xAPI
// destination's secret never, 400 naming the field at fault, another store's forwarder not found.
// Destinations point at a closed port on loopback (https://127.0.0.1:9): nothing leaves this machine.
import { describe, expect, it } from "vitest";
import { adminJson, createCredential, createStore, xapiAs } from "../admin/admin-helpers";
import { Browser, statement } from "./console-helpers";

const CLOSED = "https://127.0.0.1:9/hook";
type Forwarder = { id: string; state: string; position: number; destination: Record<string, string> };

const list = async (storeId: string) => (await adminJson<{ forwarders: Forwarder[] }>(`/stores/${storeId}/forwarders`)).forwarders;
const card = (html: string, id: string) => {
  const start = html.indexOf(`data-forwarder="${id}"`);
  if (start < 0) throw new Error(`no card for ${id}`);
  return html.slice(start, html.indexOf("</li>", start));
};
const field = (html: string, name: string) => new RegExp(`${name}[^>]*>([^<]*)<`).exec(html)?.[1];

/** An admin session holding the CSRF token of the store's Forwarders page. */
async function operator(storeId: string): Promise<Browser> {
  const browser = new Browser();
  await browser.signInAdmin();
  await browser.get(`/console/admin/stores/${storeId}/forwarders`);
  return browser;
}

describe("console forwarders page", () => {
  it("creates a webhook forwarder, showing its signing secret once, then lists it with its figures", async () => {
    const storeId = await createStore("Console forwarding", "console-fwd");
    const browser = await operator(storeId);
    expect((await browser.get("/console/admin/stores/console-fwd")).html).toContain('href="/console/admin/stores/console-fwd/forwarders"');
    const empty = await browser.get("/console/admin/stores/console-fwd/forwarders");
    expect(empty.status).toBe(200);
    expect(empty.html).toContain("data-no-forwarders");

    const created = await browser.post("/console/admin/stores/console-fwd/forwarders", {
      kind: "webhook",
      address: CLOSED,
      verb: "http://adlnet.gov/expapi/verbs/completed",
      batchSize: "10",
    });
    expect(created.status).toBe(200);
    const secret = /data-shown-secret="true">([0-9a-f]{64})</.exec(created.html)?.[1];
    expect(secret).toMatch(/^[0-9a-f]{64}$/);
    const [forwarder] = await list(storeId);
    expect(forwarder).toMatchObject({ destination: { url: CLOSED }, state: "active", position: 0 });

    expect((await browser.post(`/console/admin/stores/console-fwd/forwarders/${forwarder!.id}/pause`)).status).toBe(303);
    const credential = await createCredential(storeId);
    expect((await xapiAs(credential, "/statements", { method: "POST", json: [statement(), statement({ actor: "Bo" })] })).status).toBe(200);
    const page = await browser.get("/console/admin/stores/console-fwd/forwarders");
    expect(page.html).not.toContain(secret!);
    const shown = card(page.html, forwarder!.id);
    expect([field(shown, "data-state"), field(shown, "data-position"), field(shown, "data-lag-statements"), field(shown, "data-attempts")]).toEqual([
      "paused",
      "0",
      "2",
      "0",
    ]);
    expect([field(shown, "data-last-success"), field(shown, "data-last-error"), field(shown, "data-destination")]).toEqual(["never", "none", CLOSED]);
    expect(shown).toContain(`action="/console/admin/stores/console-fwd/forwarders/${forwarder!.id}/resume"`);
  });

  it("creates an xAPI forwarder without ever showing its secret, and refuses bad fields with 400 naming them", async () => {
    const storeId = await createStore("Console forwarding xapi", "console-fwd-xapi");
    const browser = await operator(storeId);
    const base = "/console/admin/stores/console-fwd-xapi/forwarders";
    const refusals: [Record<string, string>, string][] = [
      [{ kind: "webhook", address: "http://127.0.0.1:9/hook" }, "address: must be an https:// URL (plain http needs LRS_FORWARD_ALLOW_HTTP=1)"],
      [{ kind: "xapi", address: "https://127.0.0.1:9/xapi", key: "k", secret: "" }, "secret: "],
      [{ kind: "webhook", address: CLOSED, batchSize: "5000" }, "batchSize: "],
      [{ kind: "webhook", address: CLOSED, agent: "not an agent" }, "filter.agent: "],
    ];
    for (const [form, message] of refusals) {
      const refused = await browser.post(base, form);
      expect(refused.status).toBe(400);
      expect(refused.html).toContain(message);
    }
    expect(await list(storeId)).toEqual([]);

    const secret = `console-destination-secret-${crypto.randomUUID()}`;
    const made = await browser.post(base, { kind: "xapi", address: "https://127.0.0.1:9/xapi", key: "dest", secret, version: "1.0.3" });
    expect([made.status, made.location]).toEqual([303, base]);
    expect(made.html).not.toContain(secret);
    const [forwarder] = await list(storeId);
    expect(forwarder!.destination).toEqual({ endpoint: "https://127.0.0.1:9/xapi", key: "dest", version: "1.0.3" });
    await browser.post(`${base}/${forwarder!.id}/pause`);
    const page = await browser.get(base);
    expect(page.html).not.toContain(secret);
    expect(field(card(page.html, forwarder!.id), "data-destination")).toBe("https://127.0.0.1:9/xapi (key dest, xAPI 1.0.3)");
  });

  it("pauses, resumes, replays and deletes through its forms; confirmation and CSRF are required", async () => {
    const storeId = await createStore("Console forwarding actions", "console-fwd-actions");
    const browser = await operator(storeId);
    const base = "/console/admin/stores/console-fwd-actions/forwarders";
    await browser.post(base, { kind: "webhook", address: CLOSED });
    const [forwarder] = await list(storeId);
    const path = `${base}/${forwarder!.id}`;

    expect((await browser.post(`${path}/pause`, {}, { csrf: null })).status).toBe(403);
    expect((await list(storeId))[0]!.state).toBe("active");
    expect((await browser.post(`${path}/pause`)).location).toBe(base);
    expect((await list(storeId))[0]!.state).toBe("paused");
    expect((await browser.post(`${path}/resume`)).location).toBe(base);
    expect((await list(storeId))[0]!.state).toBe("active");

    const badSince = await browser.post(`${path}/replay`, { since: "last tuesday" });
    expect(badSince.status).toBe(400);
    expect(badSince.html).toContain("since: must be an RFC 3339 timestamp");
    expect((await browser.post(`${path}/replay`, { since: "2026-01-01T00:00:00Z" })).location).toBe(base);
    expect((await browser.post(`${path}/replay`, { from: "beginning" })).location).toBe(base);
    await browser.post(`${path}/pause`);

    const unconfirmed = await browser.post(`${path}/delete`);
    expect(unconfirmed.status).toBe(400);
    expect(unconfirmed.html).toContain("Tick the box to confirm the deletion.");
    expect(await list(storeId)).toHaveLength(1);
    expect((await browser.post(`${path}/delete`, { confirm: "yes" })).location).toBe(base);
    expect(await list(storeId)).toEqual([]);
    expect((await browser.post(`${path}/pause`)).status).toBe(404);

    const audit = await adminJson<{ entries: { action: string }[] }>(`/stores/${storeId}/audit`);
    expect(audit.entries.map((e) => e.action).filter((a) => a.startsWith("forwarder."))).toEqual([
      "forwarder.delete",
      "forwarder.pause",
      "forwarder.replay",
      "forwarder.replay",
      "forwarder.resume",
      "forwarder.pause",
      "forwarder.create",
    ]);
  });

  it("is for the admin only, and another store's forwarder is not found", async () => {
    const storeId = await createStore("Console forwarding owner", "console-fwd-owner");
    await createStore("Console forwarding other", "console-fwd-other");
    const browser = await operator(storeId);
    await browser.post("/console/admin/stores/console-fwd-owner/forwarders", { kind: "webhook", address: CLOSED });
    const [forwarder] = await list(storeId);
    await browser.post(`/console/admin/stores/console-fwd-owner/forwarders/${forwarder!.id}/pause`);
    for (const action of ["resume", "replay", "delete"]) {
      const form: Record<string, string> = action === "replay" ? { from: "beginning" } : action === "delete" ? { confirm: "yes" } : {};
      expect((await browser.post(`/console/admin/stores/console-fwd-other/forwarders/${forwarder!.id}/${action}`, form)).status).toBe(404);
    }
    expect((await browser.get("/console/admin/stores/no-such-store/forwarders")).status).toBe(404);
    expect((await list(storeId))[0]).toMatchObject({ id: forwarder!.id, state: "paused" });

    const credential = await createCredential(storeId);
    const user = new Browser();
    await user.signInCredential(credential.key, credential.secret);
    await user.get("/console/s/console-fwd-owner"); // its session's CSRF token, so the POST below is judged on access
    expect((await user.get("/console/admin/stores/console-fwd-owner/forwarders")).status).toBe(404);
    expect((await user.post("/console/admin/stores/console-fwd-owner/forwarders", { kind: "webhook", address: CLOSED })).status).toBe(404);
    expect(await list(storeId)).toHaveLength(1);
  });
});
