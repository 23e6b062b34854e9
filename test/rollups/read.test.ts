// The read API over rollup_counts: numbers seeded through HTTP (all stored today) and synthetic rows for the
// day-range behaviour (inclusive ends, zero-filled days, rows voided down to 0 ignored).
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { storeWithCredential, xapiAs } from "../admin/admin-helpers";
import { type Dimension, DIMENSION_CODE, dayNumber, utcDay } from "../../src/statement-store/rollups/dimensions";
import { VALUE_KIND } from "../../src/statement-store/statement-index";
import {
  activeLearners,
  activityStats,
  completionAndPassRates,
  daysBetween,
  learnerActivity,
  scoreHistogram,
  statementsPerDay,
  statementsPerHour,
  topActivities,
  topVerbs,
  totals,
} from "../../src/statement-store/rollups/read";
import { aggregate } from "./aggregator";
import { voidingOf } from "./fixtures";

const ANA = { mbox: "mailto:ana@example.com" };
const BO = { account: { homePage: "https://lms.example.com", name: "bo" } };
const CY = { openid: "https://id.example.com/cy" };
const ANA_KEY = "mbox:mailto:ana@example.com";
const BO_KEY = "account:https://lms.example.com bo";
const ACT1 = "http://example.com/activities/1";
const ACT2 = "http://example.com/activities/2";
const verb = (name: string) => ({ id: `http://adlnet.gov/expapi/verbs/${name}` });

const SEED = [
  {
    actor: ANA,
    verb: verb("completed"),
    object: { id: ACT1 },
    result: { score: { scaled: 0.95 }, completion: true, success: true },
  },
  { actor: ANA, verb: verb("attempted"), object: { id: ACT1 }, result: { score: { scaled: 0.45 }, success: false } },
  {
    actor: BO,
    verb: verb("completed"),
    object: { id: ACT1 },
    result: { score: { raw: 30, min: 0, max: 40 }, completion: true },
  },
  { actor: BO, verb: verb("experienced"), object: { id: ACT2 } },
  { actor: CY, verb: verb("experienced"), object: { id: ACT2 }, result: { completion: false } },
];

const VOIDED_LATER = {
  actor: CY,
  verb: verb("passed"),
  object: { id: ACT1 },
  result: { score: { scaled: 0.1 }, success: true },
};

async function seeded() {
  const store = await storeWithCredential("rollups-read");
  const res = await xapiAs(store, "/statements", { method: "POST", json: SEED });
  expect(res.status).toBe(200);
  await aggregate(store.storeId);
  // Cy passes act1 with 0.1, then that statement is voided: it must show nowhere.
  const voided = await xapiAs(store, "/statements", {
    method: "POST",
    json: [VOIDED_LATER],
  });
  const [voidedId] = (await voided.json()) as string[];
  // Counted first, then voided: the voiding batch takes it back.
  await aggregate(store.storeId);
  expect((await xapiAs(store, "/statements", { method: "POST", json: [voidingOf(voidedId!)] })).status).toBe(200);
  await aggregate(store.storeId);
  return store.storeId;
}

describe("rollup read API", () => {
  it("answers every figure of a seeded store", async () => {
    const storeId = await seeded();
    const db = env.DB;
    const today = utcDay(Date.now());
    const twoDaysAgo = utcDay(Date.now() - 2 * 86_400_000);

    expect(await statementsPerDay(db, storeId, twoDaysAgo, today)).toEqual([
      { day: twoDaysAgo, count: 0 },
      { day: daysBetween(twoDaysAgo, today)[1], count: 0 },
      { day: today, count: 6 },
    ]);
    const newest = await db.prepare("SELECT max(stored_ms) AS ms FROM statements WHERE store_id = ?").bind(storeId).first<{ ms: number }>();
    expect(await totals(db, storeId, { today, weekStart: twoDaysAgo }, { freshness: true })).toEqual({
      // Everything counted, up to the newest statement (the voiding statement).
      freshness: { countedThroughMs: newest!.ms, uncountedThroughMs: null },
      today: 6,
      thisWeek: 6,
      total: 6,
      activeLearnersToday: 3,
      activeLearnersThisWeek: 3,
    });
    expect(await activeLearners(db, storeId, twoDaysAgo, today)).toBe(3);
    expect(await topVerbs(db, storeId, today, today, 3)).toEqual([
      { value: verb("completed").id, count: 2 },
      { value: verb("experienced").id, count: 2 },
      { value: verb("attempted").id, count: 1 },
    ]);
    expect((await topVerbs(db, storeId, today, today)).map((v) => v.value)).not.toContain(verb("passed").id);
    expect(await topActivities(db, storeId, today, today)).toEqual([
      { value: ACT1, count: 3 },
      { value: ACT2, count: 2 },
    ]);

    const act1 = await activityStats(db, storeId, ACT1, twoDaysAgo, today);
    expect(act1.statements).toBe(3);
    expect(act1.perDay.at(-1)).toEqual({ day: today, count: 3 });
    expect(act1.scores).toEqual([0, 0, 0, 0, 1, 0, 0, 1, 0, 1]);
    expect(act1.outcomes).toEqual({
      completed: 2,
      incomplete: 0,
      passed: 1,
      failed: 1,
      completionRate: 1,
      passRate: 0.5,
    });
    expect(act1.learnerCount).toBe(2);
    expect(act1.learners).toEqual([
      { value: ANA_KEY, count: 2 },
      { value: BO_KEY, count: 1 },
    ]);
    // An activity id that is a prefix of another does not pick up the other's rows.
    expect((await activityStats(db, storeId, "http://example.com/activities/", today, today)).statements).toBe(0);

    expect(await learnerActivity(db, storeId, BO_KEY, today, today)).toEqual({
      statements: 2,
      perDay: [{ day: today, count: 2 }],
      activities: [
        { value: ACT1, count: 1 },
        { value: ACT2, count: 1 },
      ],
    });
    expect(await scoreHistogram(db, storeId, today, today)).toEqual([0, 0, 0, 0, 1, 0, 0, 1, 0, 1]);
    expect(await completionAndPassRates(db, storeId, today, today)).toEqual({
      completed: 2,
      incomplete: 1,
      passed: 1,
      failed: 1,
      completionRate: 2 / 3,
      passRate: 0.5,
    });
    expect(await completionAndPassRates(db, storeId, today, today, ACT2)).toEqual({
      completed: 0,
      incomplete: 1,
      passed: 0,
      failed: 0,
      completionRate: 0,
      passRate: null,
    });
  });

  it("honours day ranges: inclusive ends, zero-filled days, values summed to 0 left out", async () => {
    const storeId = "rollups-synthetic";
    const rows: [string, string, string, number][] = [
      ["total", "2026-01-01", "", 4],
      ["total", "2026-01-03", "", 2],
      ["total", "2026-01-05", "", 7],
      ["learner", "2026-01-01", "mbox:mailto:a@x", 3],
      ["learner", "2026-01-03", "mbox:mailto:b@x", 2],
      ["verb", "2026-01-01", "v:a", 4],
      ["verb", "2026-01-03", "v:b", 2],
      ["verb", "2026-01-03", "v:gone", 0],
    ];
    await insertRows(storeId, rows);
    const db = env.DB;
    expect(await statementsPerDay(db, storeId, "2026-01-01", "2026-01-04")).toEqual([
      { day: "2026-01-01", count: 4 },
      { day: "2026-01-02", count: 0 },
      { day: "2026-01-03", count: 2 },
      { day: "2026-01-04", count: 0 },
    ]);
    expect(await statementsPerDay(db, storeId, "2026-01-04", "2026-01-01")).toEqual([]);
    expect(await totals(db, storeId, { today: "2026-01-03", weekStart: "2026-01-02" })).toEqual({
      today: 2,
      thisWeek: 2,
      total: 13,
      activeLearnersToday: 1,
      activeLearnersThisWeek: 1,
    });
    // A short range (day-range seek) and most of the store's life (value-index walk) count alike.
    expect(await activeLearners(db, storeId, "2026-01-01", "2026-01-03")).toBe(2);
    expect(await activeLearners(db, storeId, "2026-01-02", "2026-01-03")).toBe(1);
    expect(await activeLearners(db, storeId, "2025-01-01", "2099-12-31")).toBe(2);
    expect(await activeLearners(db, storeId, "2026-01-02", "2099-12-31")).toBe(1);
    expect(await topVerbs(db, storeId, "2026-01-02", "2026-01-05")).toEqual([{ value: "v:b", count: 2 }]);
    expect(daysBetween("2025-12-31", "2026-01-01")).toEqual(["2025-12-31", "2026-01-01"]);
    expect(daysBetween("nonsense", "2026-01-01")).toEqual([]);
  });

  it("counts per hour and sums a day's hours, whatever the hours", async () => {
    const storeId = "rollups-hours";
    const rows: [string, string, number][] = [
      ["2026-02-01", "23", 100_000],
      ["2026-02-02", "00", 3],
      ["2026-02-02", "07", 5],
    ];
    await insertRows(storeId, rows.map(([day, hour, count]) => ["total", day, hour, count]));
    const hours = await statementsPerHour(env.DB, storeId, "2026-02-01", "2026-02-02");
    expect(hours).toHaveLength(48);
    expect(hours[0]).toEqual({ hour: "2026-02-01T00", count: 0 });
    expect(hours.filter((h) => h.count > 0)).toEqual([
      { hour: "2026-02-01T23", count: 100_000 },
      { hour: "2026-02-02T00", count: 3 },
      { hour: "2026-02-02T07", count: 5 },
    ]);
    expect(await statementsPerDay(env.DB, storeId, "2026-02-01", "2026-02-02")).toEqual([
      { day: "2026-02-01", count: 100_000 },
      { day: "2026-02-02", count: 8 },
    ]);
    expect((await totals(env.DB, storeId, { today: "2026-02-02", weekStart: "2026-02-02" })).today).toBe(8);
    // Never more than a week of hours.
    expect(await statementsPerHour(env.DB, storeId, "2026-01-01", "2026-02-02")).toHaveLength(7 * 24);
  });
});

/**
 * Synthetic counter rows as the aggregator keys them: the hour of `total`, a learner or verb by its dictionary id
 * (interned here the way ingest interns it).
 */
async function insertRows(storeId: string, rows: readonly [string, string, string, number][]): Promise<void> {
  const kinds: Record<string, number> = { learner: VALUE_KIND.agent, verb: VALUE_KIND.verb };
  for (const [dimension, day, value, count] of rows) {
    let a = Number(value);
    const kind = kinds[dimension];
    if (kind !== undefined) {
      await env.DB.prepare("INSERT OR IGNORE INTO index_values (store_id, kind, value) VALUES (?, ?, ?)").bind(storeId, kind, value).run();
      const row = await env.DB.prepare("SELECT id FROM index_values WHERE store_id = ? AND kind = ? AND value = ?")
        .bind(storeId, kind, value)
        .first<{ id: number }>();
      a = row!.id;
    }
    await env.DB.prepare("INSERT INTO rollup_counts (store_id, dimension, day, a, b, count) VALUES (?, ?, ?, ?, 0, ?)")
      .bind(storeId, DIMENSION_CODE[dimension as Dimension], dayNumber(day), a, count)
      .run();
  }
}
