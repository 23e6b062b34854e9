// Wakes are debounced per isolate and store (src/forwarding/forwarder-wake.ts) so forwarding does not slow ingest
// (issue 15); what makes a skipped wake safe is the object's re-check RECHECK_MS after a run that drains following
// a wake (src/forwarding/forwarder-object.ts). These tests pin both halves: the skip, and that the re-check reads
// statements no wake announced.
import { runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { RECHECK_MS } from "../../src/forwarding/forwarder-object";
import { takeReports, type InvocationReport } from "../strict/ledger";
import {
  acknowledgedIds,
  bindings,
  forwarderStub,
  post,
  receiver,
  statement,
  waitFor,
  webhook,
} from "./forwarding-helpers";

const settle = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The POST reports of `batches` sent at once; their wakes (waitUntil) are counted after a moment. */
async function concurrentPosts(batches: unknown[][]): Promise<{ reports: InvocationReport[]; ids: string[] }> {
  takeReports();
  const ids = (await Promise.all(batches.map((b) => post(b)))).flat();
  const reports = takeReports().filter((r) => r.label === "POST /xapi/statements");
  expect(reports.length).toBe(batches.length);
  await settle(300);
  return { reports, ids };
}

function armedAlarm(id: string): Promise<number | null> {
  return runInDurableObject(forwarderStub(id), (_instance, state) => state.storage.getAlarm());
}

describe("wake debounce", () => {
  it("sends one wake for requests inside the window, and every one of their statements still arrives", async () => {
    // DO calls of two POSTs with no forwarder (the baseline), then with one (its first wake reads the list).
    const [baseline] = (await concurrentPosts([[statement(1)]])).reports;
    const name = await receiver();
    await webhook(name);
    const warm = await concurrentPosts([[statement(2)]]);
    expect(warm.reports[0]!.durableObject).toBe(baseline!.durableObject + 1);
    await waitFor(() => acknowledgedIds(name), (got) => got.length === 1);

    const { reports, ids } = await concurrentPosts([[statement(3)], [statement(4)], [statement(5)]]);
    // Three requests, one wake: the others fell inside its window (the baseline's DO call, the rollup
    // aggregator's wake, is debounced the same way: one for the three).
    expect(reports.reduce((sum, r) => sum + r.durableObject, 0)).toBe(baseline!.durableObject + 1);
    // No cron, no extra wake: the wake sent and the object's re-check deliver all three.
    const got = await waitFor(() => acknowledgedIds(name), (list) => list.length >= 4, 5_000);
    expect(new Set(got)).toEqual(new Set([...warm.ids, ...ids]));
  });

  it("re-reads the log RECHECK_MS after draining a wake, delivering what no wake announced, then stops", async () => {
    const name = await receiver();
    const { id } = await webhook(name);
    const [stored] = await post([statement(1)]);
    await waitFor(() => acknowledgedIds(name), (got) => got.length === 1);
    // The run that drained this wake armed its re-check about RECHECK_MS ahead.
    const recheckAt = await waitFor(() => armedAlarm(id), (at) => at !== null);
    expect(recheckAt! - Date.now()).toBeLessThanOrEqual(RECHECK_MS);
    // A statement the drained run did not see and no wake announces (the cursor put back, as in a skipped wake).
    await bindings.DB.prepare("UPDATE forwarders SET position_seq = position_seq - 1 WHERE id = ?").bind(id).run();
    const again = await waitFor(() => acknowledgedIds(name), (got) => got.length === 2, 5_000);
    expect(again).toEqual([stored, stored]);
    // The re-check run saw no wake, so after draining it arms nothing more: no polling of an idle store.
    await settle(RECHECK_MS + 500);
    expect(await armedAlarm(id)).toBeNull();
    expect(await acknowledgedIds(name)).toEqual([stored, stored]);
  });
});
