// Delivery end to end: statements POSTed to the LRS reach a receiver through the forwarder's Durable Object,
// in stored order, signed, with the forwarder and delivery headers; filters, voiding, pause/resume and replay.
import { describe, expect, it } from "vitest";
import { toHex } from "../../src/auth/secrets";
import { pauseForwarder, replayForwarder, resumeForwarder } from "../../src/forwarding/forwarders";
import { xapi } from "../helpers";
import { acknowledgedIds, fx, post, received, receiver, statement, status, waitFor, webhook } from "./forwarding-helpers";

async function hmacHex(secret: string, body: string): Promise<string> {
  const encoder = new TextEncoder();
  const key = await crypto.subtle.importKey("raw", encoder.encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  return toHex(new Uint8Array(await crypto.subtle.sign("HMAC", key, encoder.encode(body))));
}

describe("webhook delivery", () => {
  it("delivers every statement in stored order, signed, with the forwarder and delivery headers", async () => {
    const name = await receiver();
    const { id, secret } = await webhook(name, { batchSize: 3 });
    const ids = [...(await post([statement(1), statement(2)])), ...(await post([statement(3), statement(4), statement(5)]))];
    await waitFor(() => acknowledgedIds(name), (got) => got.length >= 5);
    expect(await acknowledgedIds(name)).toEqual(ids);

    const deliveries = await received(name);
    for (const delivery of deliveries) {
      expect(delivery.path).toBe("/hook");
      expect(delivery.headers["content-type"]).toBe("application/json");
      expect(delivery.headers["x-lrs-signature"]).toBe(`sha256=${await hmacHex(secret, delivery.body)}`);
      expect(delivery.headers["x-lrs-forwarder"]).toBe(id);
      expect(delivery.headers["x-lrs-delivery"]).toMatch(new RegExp(`^${id}:\\d+:\\d+$`));
    }
    // Each statement exactly as GET returns it.
    const first = (JSON.parse(deliveries[0]!.body) as { statements: unknown[] }).statements[0];
    const got = await xapi(`/statements?statementId=${ids[0]}`);
    expect(first).toEqual(await got.json());

    const after = await waitFor(() => status(id), (s) => s.delivered === 5 && s.lag.statements === 0);
    expect(after.state).toBe("active");
    expect(after.attempts).toBe(0);
    expect(after.lastError).toBeNull();
    expect(after.lastSuccessAt).not.toBeNull();
  });

  it("forwards only what the filter matches, voiding statements of matches included, and leaves no lag", async () => {
    const name = await receiver();
    const wanted = "http://example.org/verbs/wanted";
    const { id } = await webhook(name, { filter: { verb: wanted } });
    const [matched, other] = await post([statement(1, wanted), statement(2)]);
    await waitFor(() => acknowledgedIds(name), (got) => got.length >= 1);
    // A voiding statement carries its target's index rows (the StatementRef filter rule), so it matches too.
    const [voiding] = await post([
      { actor: { mbox: "mailto:admin@example.org" }, verb: { id: "http://adlnet.gov/expapi/verbs/voided" }, object: { objectType: "StatementRef", id: matched } },
    ]);
    await waitFor(() => acknowledgedIds(name), (got) => got.length >= 2);
    await post([statement(3)]);
    const after = await waitFor(() => status(id), (s) => s.lag.statements === 0);
    expect(await acknowledgedIds(name)).toEqual([matched, voiding]);
    expect(await acknowledgedIds(name)).not.toContain(other);
    expect(after.delivered).toBe(2);
  });

  it("holds statements while paused and delivers them on resume; replay sends them again", async () => {
    const name = await receiver();
    const { id } = await webhook(name);
    await pauseForwarder(fx, "default", id);
    const ids = await post([statement(1), statement(2)]);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await received(name)).toEqual([]);
    expect((await status(id)).lag.statements).toBe(2);

    await resumeForwarder(fx, "default", id);
    await waitFor(() => acknowledgedIds(name), (got) => got.length >= 2);
    expect(await acknowledgedIds(name)).toEqual(ids);

    await replayForwarder(fx, "default", id);
    const again = await waitFor(() => acknowledgedIds(name), (got) => got.length >= 4 && got.slice(2).includes(ids[1]!));
    // From the beginning: every statement of the store again, in order, ours among them.
    const replayed = again.slice(2);
    expect(replayed.indexOf(ids[0]!)).toBe(replayed.indexOf(ids[1]!) - 1);
  });

  it("does not follow a destination's redirect: a 307 is a failed attempt, and the other host receives nothing", async () => {
    const name = await receiver("redirect");
    const { id } = await webhook(name);
    await post([statement(1)]);
    const failed = await waitFor(() => status(id), (s) => s.lastError !== null);
    expect(failed.lastError).toEqual({ status: 307, body: "moved", at: failed.lastError!.at });
    expect(failed.delivered).toBe(0);
    expect(failed.lag.statements).toBe(1);
    expect((await received(name)).length).toBeGreaterThanOrEqual(1);
    expect(await received(`${name}-moved`)).toEqual([]);
  });
});
