// The strict entry's guards, each rule at its boundary on the real bindings: the call budget, D1's value and
// batch sizes, R2's delete limit, Durable Object calls, rows-read metering, the ledger and named allowances.
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { xapi } from "../helpers";
import { guardD1 } from "./d1-guard";
import { guardDurableObjects } from "./durable-object-guard";
import { Invocation } from "./invocation";
import { allowPlatformExcess, takeReports, takeViolations } from "./ledger";
import { PlatformLimitError } from "./limits";
import { guardR2 } from "./r2-guard";

const db = () => env.DB;

async function rowCount(): Promise<number> {
  return (await db().prepare("SELECT count(*) AS n FROM strict_probe").first<number>("n")) ?? -1;
}

async function refusal(run: () => Promise<unknown>): Promise<PlatformLimitError> {
  const error = await run().then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(PlatformLimitError);
  return error as PlatformLimitError;
}

beforeAll(async () => {
  await db().exec("CREATE TABLE IF NOT EXISTS strict_probe (v)");
});

describe("call budget", () => {
  it("allows 45 D1 calls in one invocation and refuses the 46th", async () => {
    const invocation = new Invocation("test budget");
    const guarded = guardD1(db(), invocation);
    for (let i = 0; i < 45; i++) await guarded.prepare("SELECT ?1 AS i").bind(i).first();
    const error = await refusal(() => guarded.withSession("first-primary").prepare("SELECT 46").all());
    expect(error.rule).toBe("calls");
    expect(error.message).toMatch(/^platform limit: 46 D1\/R2\/DO calls in one request \(Free allows 50/);
    expect(invocation.report.d1).toBe(46);
    expect(takeViolations()).toEqual([error.message]);
  });

  it("counts a D1 batch as one call, however many statements, and sums their rows read", async () => {
    await db().batch([1, 2, 3].map((v) => db().prepare("INSERT INTO strict_probe (v) VALUES (?)").bind(v)));
    const invocation = new Invocation("test batch");
    const guarded = guardD1(db(), invocation);
    const statements = Array.from({ length: 60 }, () => guarded.prepare("SELECT v FROM strict_probe"));
    await guarded.batch(statements);
    expect(invocation.report.calls).toBe(1);
    expect(invocation.report.rowsRead).toBe(180);
    await db().exec("DELETE FROM strict_probe");
  });

  it("counts R2 operations and multipart steps, Durable Object calls but not getting a stub", async () => {
    const invocation = new Invocation("test r2 do");
    const bucket = guardR2(env.BLOBS, invocation);
    await bucket.put("strict/a", "x");
    await bucket.head("strict/a");
    await (await bucket.get("strict/a"))?.text();
    await bucket.list({ prefix: "strict/" });
    const upload = await bucket.createMultipartUpload("strict/m");
    await upload.abort();
    await bucket.delete("strict/a");
    expect(invocation.report.r2).toBe(7);
    const namespace = guardDurableObjects(env.DOCUMENT_WRITER as unknown as DurableObjectNamespace, invocation);
    const stub = namespace.get(namespace.idFromName("strict-probe")) as unknown as {
      write(command: unknown): Promise<{ ok: boolean }>;
    };
    expect(invocation.report.durableObject).toBe(0);
    const address = { storeId: "s", kind: "state", activityId: "a", agentKey: "k", registration: "", documentId: "d" };
    expect((await stub.write({ method: "DELETE", address, conditions: {} })).ok).toBe(true);
    expect(invocation.report.durableObject).toBe(1);
    expect(invocation.report.calls).toBe(8);
  });
});

describe("D1 values and batches", () => {
  it("refuses a bound text value over 2,000,000 UTF-8 bytes before it is sent", async () => {
    const guarded = guardD1(db(), new Invocation("test value"));
    await guarded.prepare("INSERT INTO strict_probe (v) VALUES (?)").bind("a".repeat(2_000_000)).run();
    const error = await refusal(() =>
      guarded.prepare("INSERT INTO strict_probe (v) VALUES (?)").bind("é".repeat(1_000_001)).run(),
    );
    expect(error.rule).toBe("bound-value");
    expect(error.message).toMatch(/a bound value of 2000002 bytes \(D1 allows 2000000\) at parameter 1/);
    expect(await rowCount()).toBe(1);
    takeViolations();
    await db().exec("DELETE FROM strict_probe");
  });

  it("refuses a bound BLOB over 2,000,000 bytes", async () => {
    const guarded = guardD1(db(), new Invocation("test blob"));
    const error = await refusal(() =>
      guarded.prepare("INSERT INTO strict_probe (v) VALUES (?)").bind(new Uint8Array(2_000_001)).run(),
    );
    expect(error.message).toMatch(/a bound value of 2000001 bytes/);
    expect(await rowCount()).toBe(0);
    takeViolations();
  });

  it("refuses a batch over 32 MiB, whose statements each fit, and writes none of it", async () => {
    const guarded = guardD1(db(), new Invocation("test batch bytes"));
    const value = "b".repeat(1_990_000);
    const statements = Array.from({ length: 17 }, () => guarded.prepare("INSERT INTO strict_probe (v) VALUES (?)").bind(value));
    const error = await refusal(() => guarded.batch(statements));
    expect(error.rule).toBe("batch-bytes");
    expect(error.message).toMatch(/a D1 batch of 17 statements and 33830\d{3} bytes \(RPC arguments: 32 MiB\)/);
    expect(await rowCount()).toBe(0);
    takeViolations();
  });
});

describe("R2 delete", () => {
  it("deletes 1,000 keys in one call and refuses 1,001", async () => {
    const bucket = guardR2(env.BLOBS, new Invocation("test delete"));
    const keys = Array.from({ length: 1_001 }, (_, i) => `strict/${i}`);
    await bucket.delete(keys.slice(0, 1_000));
    const error = await refusal(() => bucket.delete(keys));
    expect(error.rule).toBe("r2-delete-keys");
    expect(error.message).toMatch(/^platform limit: R2 delete of 1001 keys in one call \(at most 1000\)/);
    takeViolations();
  });
});

describe("the ledger, through the Worker", () => {
  it("reports each request's calls and rows read to the test", async () => {
    takeReports();
    const response = await xapi("/about");
    expect(response.status).toBe(200);
    const reports = takeReports();
    expect(reports.map((r) => [r.label, r.calls, r.violations.length])).toEqual([["GET /xapi/about", 0, 0]]);
  });

  it("a named allowance keeps the measure but neither throws nor fails the test", async () => {
    allowPlatformExcess("calls", "guard self-test");
    const invocation = new Invocation("test allowance");
    const guarded = guardD1(db(), invocation);
    for (let i = 0; i < 47; i++) await guarded.prepare("SELECT 1").first();
    expect(invocation.report.calls).toBe(47);
    expect(invocation.report.violations.length).toBe(2);
    expect(takeViolations()).toEqual([]);
  });
});
