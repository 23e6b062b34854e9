// What forwarding guarantees when destinations misbehave: a destination refusing every other request, one down
// and then back, one down past the configured time (failing, stopped, visibly; resumed without a gap), an xAPI
// LRS destination (409 counts as delivered), and the cron catching a forwarder whose wake was lost.
import { createExecutionContext, createScheduledController, waitOnExecutionContext } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { parseForwarderInput } from "../../src/forwarding/forwarder-input";
import { retryDelayMs } from "../../src/forwarding/forwarder-object";
import { createForwarder, resumeForwarder } from "../../src/forwarding/forwarders";
import {
  acknowledgedIds,
  bindings,
  configure,
  fx,
  post,
  received,
  receiver,
  runAlarmNow,
  statement,
  status,
  waitFor,
  webhook,
} from "./forwarding-helpers";
import strictWorker from "../strict/strict-worker";

const strict = strictWorker as unknown as ExportedHandler<typeof bindings>;

/** Waits for `count` acknowledged ids, running armed retries now instead of waiting out their backoff. */
function acknowledged(name: string, id: string, count: number) {
  return waitFor(
    async () => {
      await runAlarmNow(id);
      return acknowledgedIds(name);
    },
    (got) => new Set(got).size >= count,
  );
}

describe("retries", () => {
  it("backs off exponentially with jitter, up to five minutes", () => {
    expect(retryDelayMs(1, 0)).toBe(500);
    expect(retryDelayMs(1, 1)).toBe(1000);
    expect(retryDelayMs(4, 1)).toBe(8000);
    expect(retryDelayMs(30, 1)).toBe(300_000);
    expect(retryDelayMs(30, 0)).toBe(150_000);
  });

  it("loses nothing to a destination refusing every other request: repeats only, by id and delivery key", async () => {
    const name = await receiver("flaky");
    const { id } = await webhook(name, { batchSize: 2 });
    const ids = [
      ...(await post([statement(1), statement(2), statement(3)])),
      ...(await post([statement(4), statement(5)])),
      ...(await post([statement(6), statement(7), statement(8), statement(9), statement(10)])),
    ];
    const got = await acknowledged(name, id, 10);
    // Every statement, each acknowledged once, in stored order.
    expect(got).toEqual(ids);
    const all = await received(name);
    expect(all.filter((r) => r.status === 503).length).toBeGreaterThanOrEqual(4);
    // A refused batch is resent whole: same delivery key, same statements.
    const refused = all.find((r) => r.status === 503)!;
    const resent = all.find((r) => r.status === 200 && r.headers["x-lrs-delivery"] === refused.headers["x-lrs-delivery"]);
    expect(resent?.body).toBe(refused.body);
    for (const r of all) {
      for (const s of (JSON.parse(r.body) as { statements: { id: string }[] }).statements) expect(ids).toContain(s.id);
    }
    expect((await status(id)).delivered).toBe(10);
  });

  it("keeps retrying a destination that is down, shows why, and delivers everything once it is back", async () => {
    const name = await receiver("down");
    const { id } = await webhook(name);
    const ids = await post([statement(1), statement(2), statement(3)]);
    const failing = await waitFor(
      async () => {
        await runAlarmNow(id);
        return status(id);
      },
      (s) => s.attempts >= 2,
    );
    expect(failing.state).toBe("active");
    expect(failing.lastError).toEqual({ status: 503, body: "down for maintenance", at: failing.lastError!.at });
    expect(failing.failingSince).not.toBeNull();
    expect(failing.delivered).toBe(0);
    expect(failing.lag.statements).toBe(3);

    await configure(name, "ok");
    expect(await acknowledged(name, id, 3)).toEqual(ids);
    const after = await status(id);
    expect(after.attempts).toBe(0);
    expect(after.failingSince).toBeNull();
    expect(after.lag).toEqual({ statements: 0, capped: false, seconds: 0 });
  });

  it("turns failing after the configured time without success, stops, and resumes without a gap", async () => {
    const name = await receiver("down");
    const { id } = await webhook(name, { failingAfterSeconds: 60 });
    const ids = await post([statement(1), statement(2)]);
    await waitFor(() => status(id), (s) => s.attempts >= 1);
    // A minute passes without success (the run of failures started 61 s ago).
    await bindings.DB.prepare("UPDATE forwarders SET failing_since_ms = failing_since_ms - 61000 WHERE id = ?").bind(id).run();
    const failed = await waitFor(
      async () => {
        await runAlarmNow(id);
        return status(id);
      },
      (s) => s.state === "failing",
    );
    expect(failed.lastError!.status).toBe(503);
    expect(failed.position).toBe((await status(id)).position);
    // Stopped: no retry is armed, new statements do not restart it.
    expect(await runAlarmNow(id)).toBe(false);
    await post([statement(3)]);
    expect((await status(id)).state).toBe("failing");

    await configure(name, "ok");
    await resumeForwarder(fx, "default", id);
    const got = await acknowledged(name, id, 3);
    expect(got.slice(0, 2)).toEqual(ids);
    expect((await status(id)).state).toBe("active");
  });
});

describe("an unreadable secret", () => {
  it("is a failed attempt shown in last_error, never a delivery without a signature", async () => {
    const name = await receiver();
    const { id } = await webhook(name);
    const other = await webhook(await receiver());
    // Another forwarder's sealed secret (sealed for its id) does not open for this one, as after a key change.
    await bindings.DB.prepare("UPDATE forwarders SET sealed_secret = (SELECT sealed_secret FROM forwarders WHERE id = ?) WHERE id = ?")
      .bind(other.id, id)
      .run();
    await post([statement(1)]);
    const failed = await waitFor(() => status(id), (s) => s.attempts >= 1);
    expect(failed.lastError).toEqual({
      status: null,
      body: "the forwarder's secret cannot be opened: the server secret it was sealed under (LRS_FORWARD_SECRET) changed",
      at: failed.lastError!.at,
    });
    expect(await received(name)).toEqual([]);
  });
});

describe("an xAPI LRS destination", () => {
  async function lrsForwarder(name: string) {
    const parsed = parseForwarderInput(
      { kind: "xapi", endpoint: `https://${name}.receiver.test/xapi/`, key: "dest-key", secret: "dest-secret", version: "1.0.3" },
      { allowHttp: false },
    );
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
    return (await createForwarder(fx, "default", parsed.value)).forwarder.id;
  }

  it("POSTs the statements to <endpoint>/statements with its Basic credential and version", async () => {
    const name = await receiver("xapi", { key: "dest-key", secret: "dest-secret" });
    const id = await lrsForwarder(name);
    const ids = await post([statement(1), statement(2)]);
    expect(await acknowledged(name, id, 2)).toEqual(ids);
    const [delivery] = await received(name);
    expect(delivery!.path).toBe("/xapi/statements");
    expect(delivery!.headers["authorization"]).toBe(`Basic ${btoa("dest-key:dest-secret")}`);
    expect(delivery!.headers["x-experience-api-version"]).toBe("1.0.3");
    expect(delivery!.headers["x-lrs-forwarder"]).toBe(id);
    expect((JSON.parse(delivery!.body) as { id: string }[]).map((s) => s.id)).toEqual(ids);
  });

  it("counts 409 (a statement id the destination already holds) as delivered", async () => {
    const name = await receiver("conflict");
    const id = await lrsForwarder(name);
    await post([statement(1)]);
    const after = await waitFor(() => status(id), (s) => s.delivered === 1);
    expect(after.attempts).toBe(0);
    expect(after.lastError).toBeNull();
  });
});

describe("the cron backstop", () => {
  it("wakes an active forwarder that is behind when its wake was lost", async () => {
    const name = await receiver();
    const { id } = await webhook(name);
    const [stored] = await post([statement(1)]);
    await waitFor(() => acknowledgedIds(name), (got) => got.length === 1);
    // Its re-check (forwarder-object.ts RECHECK_MS) run now, so only the cron can find what follows.
    await waitFor(() => runAlarmNow(id), (ran) => ran);
    // A wake lost: the cursor is put back with no object woken (as if the wake never arrived).
    await bindings.DB.prepare("UPDATE forwarders SET position_seq = position_seq - 1 WHERE id = ?").bind(id).run();
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(await acknowledgedIds(name)).toEqual([stored]);
    // The scheduled handler through the strict entry (SELF.scheduled cannot carry the RECEIVER binding).
    const ctx = createExecutionContext();
    await strict.scheduled!(createScheduledController({ cron: "*/10 * * * *" }), bindings, ctx);
    await waitOnExecutionContext(ctx);
    expect(await waitFor(() => acknowledgedIds(name), (got) => got.length === 2)).toEqual([stored, stored]);
  });
});
