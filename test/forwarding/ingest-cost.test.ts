// Forwarding must not make ingest heavier (issue 15): with active forwarders a statements POST writes exactly the
// rows it wrote without them, reads the store's active forwarders at most once per isolate per 30 s, and adds
// one Durable Object call (the store's hub, which wakes each forwarder), off the response path.
import { describe, expect, it } from "vitest";
import { takeReports, type InvocationReport } from "../strict/ledger";
import { post, receiver, statement, webhook } from "./forwarding-helpers";

async function postReport(): Promise<InvocationReport> {
  takeReports();
  await post([statement(1), statement(2)]);
  const report = takeReports().find((r) => r.label === "POST /xapi/statements");
  if (!report) throw new Error("no report of the POST");
  // The wakes run in waitUntil, after the response: give them a moment to be counted.
  await new Promise((resolve) => setTimeout(resolve, 300));
  return report;
}

describe("ingest cost with forwarders", () => {
  it("writes no extra row and reads no forwarder row per request", async () => {
    await postReport(); // the first POST of these agents and activities writes their rows too
    const again = await postReport();

    await webhook(await receiver());
    await webhook(await receiver());
    const first = await postReport();
    const cached = await postReport();
    // The first request after a change in this isolate reads the active list once; the next ones do not.
    expect(first.d1).toBe(again.d1 + 1);
    expect(first.durableObject).toBe(again.durableObject + 1);
    expect(cached.d1).toBe(again.d1);
    expect(cached.durableObject).toBe(again.durableObject + 1);
    expect(cached.rowsWritten).toBe(again.rowsWritten);
    expect(first.rowsWritten).toBe(again.rowsWritten);
  });
});
