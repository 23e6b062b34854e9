// A deployment from before the storage change: migrations 0010/0011 only rename its tables (legacy_*), and the
// upgrade backfill job moves the rows. Statements are written through the API, then their index is put back the
// way the previous release wrote it (statement_index rows with usage text, a StatementRef's referrer carrying
// copies of its target's rows, statement_refs keyed by target); queries must answer exactly as the fresh store did
// before the backfill, after every step of it (a crash repeating a step included), and after; at the end the
// index and StatementRef rows are the fresh store's, and the legacy tables are gone.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { upgradeBackfillJob, upgradeDatabases, type BackfillCursor } from "../../src/jobs/kinds/upgrade-backfill";
import { StepBudget } from "../../src/jobs/step-budget";
import { xapi } from "../helpers";
import { post, statement, voiding } from "../xapi/statements/fixtures";
import { oldLayout, type Entry, type Ref } from "./old-layout";

const STORE = "default";
const V = (name: string) => ({ id: `http://example.com/verbs/${name}`, display: { en: name } });
const act = (name: string) => ({ objectType: "Activity", id: `http://example.com/act/${name}` });
const who = (name: string) => ({ objectType: "Agent", mbox: `mailto:${name}@example.com` });
const REG1 = "8f7a0b0e-51e2-4c1a-9c84-2d2f61d0c001";
const REG2 = "8F7A0B0E-51E2-4C1A-9C84-2D2F61D0C002";


async function rows<T>(sql: string, ...binds: unknown[]): Promise<T[]> {
  return (await env.DB.prepare(sql).bind(...binds).all<T>()).results;
}

const entriesSql = `SELECT v.kind AS kind, v.value AS value, e.seq AS seq, e.roles AS roles
  FROM index_entries e JOIN index_values v ON v.id = e.value_id ORDER BY e.seq, v.kind, v.value`;

/** Every page of a query (2 statements a page, so pages cross from one index to the other), ids in order. */
async function answer(params: Record<string, string>): Promise<string[]> {
  const ids: string[] = [];
  let path: string | null = `/statements?${new URLSearchParams({ limit: "2", ...params })}`;
  while (path) {
    const res = await xapi(path.replace(/^\/xapi/, ""), { version: "2.0.0" });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { statements: { id: string }[]; more: string };
    ids.push(...body.statements.map((s) => s.id));
    path = body.more || null;
  }
  return ids;
}

async function legacyTables(): Promise<string[]> {
  return (await rows<{ name: string }>("SELECT name FROM sqlite_schema WHERE name LIKE 'legacy_%' AND type = 'table' ORDER BY name")).map(
    (r) => r.name,
  );
}

describe("upgrade backfill: legacy rows into the new index, queries answered the same throughout", () => {
  it("moves every row in small resumable steps; queries answer as the fresh store did before, during and after", { timeout: 240_000 }, async () => {
    const [a, b, c, i] = ["ann", "bob", "cy", "ivy"].map(who) as [ReturnType<typeof who>, ReturnType<typeof who>, ReturnType<typeof who>, ReturnType<typeof who>];
    const s = Array.from({ length: 12 }, () => crypto.randomUUID());
    const written = [
      statement({ id: s[0], actor: a, verb: V("did"), object: act("one"), context: { registration: REG1, instructor: i, contextActivities: { parent: [act("p")] } } }),
      statement({ id: s[1], actor: b, verb: V("saw"), object: act("two"), context: { registration: REG1, contextActivities: { grouping: [act("p")] } } }),
      statement({ id: s[2], actor: { objectType: "Group", member: [a, c] }, verb: V("did"), object: act("one") }),
      statement({ id: s[3], actor: b, verb: V("did"), object: a }),
      statement({ id: s[4], actor: c, verb: V("saw"), object: { objectType: "SubStatement", actor: a, verb: V("did"), object: act("two") } }),
      statement({ id: s[5], actor: b, verb: V("cited"), object: { objectType: "StatementRef", id: s[0] } }),
      statement({ id: s[6], actor: c, verb: V("cited"), object: { objectType: "StatementRef", id: s[5] } }),
      voiding(s[1]!, { id: s[7], actor: a }),
      statement({ id: s[8], actor: a, verb: V("saw"), object: act("three"), context: { registration: REG2 } }),
      statement({ id: s[9], actor: b, verb: V("did"), object: act("three"), context: { registration: REG2, team: { objectType: "Group", member: [c] } } }),
      statement({ id: s[10], actor: c, verb: V("did"), object: act("one"), context: { instructor: a } }),
      statement({ id: s[11], actor: a, verb: V("cited"), object: { objectType: "StatementRef", id: s[10] } }),
    ];
    for (const one of written) expect((await post([one], "2.0.0")).status).toBe(200);

    const queries: Record<string, string>[] = [
      { agent: JSON.stringify(a) },
      { agent: JSON.stringify(a), related_agents: "true" },
      { agent: JSON.stringify(a), ascending: "true" },
      { agent: JSON.stringify(i) },
      { agent: JSON.stringify(i), related_agents: "true" },
      { agent: JSON.stringify(c), related_agents: "true", activity: act("two").id, related_activities: "true" },
      { agent: JSON.stringify(b), verb: V("did").id },
      { activity: act("one").id },
      { activity: act("p").id },
      { activity: act("p").id, related_activities: "true" },
      { activity: act("two").id, related_activities: "true" },
      { verb: V("did").id },
      { verb: V("cited").id },
      { verb: "http://adlnet.gov/expapi/verbs/voided" },
      { registration: REG1 },
      { registration: REG2.toLowerCase(), agent: JSON.stringify(b) },
      { registration: REG1, verb: V("cited").id, ascending: "true" },
    ];
    const fresh = await Promise.all(queries.map(answer));
    // The answers are not trivial: every query but the plain agent one for the instructor finds something.
    expect(fresh.map((ids) => ids.length)).toEqual([8, 10, 8, 0, 3, 1, 4, 6, 0, 4, 2, 8, 3, 1, 4, 1, 2]);
    expect(fresh[7]).toEqual([s[11], s[10], s[6], s[5], s[2], s[0]]);
    const freshEntries = await rows<Entry>(entriesSql);
    const freshRefs = await rows<Ref>("SELECT seq, target_id FROM statement_refs ORDER BY seq");
    expect(freshRefs).toHaveLength(4);

    // Back to the previous release's layout (this file's storage holds only these statements).
    const seqOf = new Map((await rows<{ id: string; seq: number }>("SELECT id, seq FROM statements")).map((r) => [r.id, r.seq]));
    const legacy = oldLayout(freshEntries, freshRefs, seqOf);
    expect(legacy.filter(([, , , usage]) => usage === "statementref").length).toBeGreaterThan(10);
    await env.DB.batch([
      env.DB.prepare("DELETE FROM index_entries"),
      env.DB.prepare("DELETE FROM index_values"),
      env.DB.prepare("DELETE FROM statement_refs"),
      env.DB.prepare(
        `INSERT INTO legacy_statement_index (store_id, kind, value, seq, usage)
         SELECT ?1, value ->> 0, value ->> 1, value ->> 2, value ->> 3 FROM json_each(?2)`,
      ).bind(STORE, JSON.stringify(legacy)),
      env.DB.prepare(
        `INSERT INTO legacy_statement_refs (store_id, target_id, seq) SELECT ?1, value ->> 1, value ->> 0 FROM json_each(?2)`,
      ).bind(STORE, JSON.stringify(freshRefs.map((r) => [r.seq, r.target_id]))),
      env.DB.prepare(
        `INSERT INTO legacy_rollup_daily (store_id, dimension, day, value, count)
         SELECT ?1, 'verb', '2026-11-0' || value, 'http://example.com/verbs/did', value FROM json_each('[1,2,3,4,5,6,7,8,9]')`,
      ).bind(STORE),
    ]);
    expect(await legacyTables()).toEqual(["legacy_rollup_daily", "legacy_statement_index", "legacy_statement_refs"]);
    // Before any step: every statement is in the legacy index only, and found there.
    expect(await Promise.all(queries.map(answer))).toEqual(fresh);

    // The job in steps of 3 calls, 7 rows per chunk; one step repeated as a crash before its save would.
    let job = { id: "backfill", storeId: "*", params: { chunkRows: 7 }, cursor: null as BackfillCursor | null, counts: {}, done: 0, total: null as number | null };
    const moved = { statementRefs: 0, indexRows: 0, rollupRows: 0, tablesDropped: 0 };
    let steps = 0;
    for (let finished = false; !finished; steps++) {
      expect(steps).toBeLessThan(100);
      if (steps === 4) await upgradeBackfillJob.step(env, job, new StepBudget(3)); // its save lost
      const outcome = await upgradeBackfillJob.step(env, job, new StepBudget(3));
      finished = outcome.finished;
      for (const [key, n] of Object.entries(outcome.counts ?? {})) moved[key as keyof typeof moved] += n;
      job = { ...job, cursor: outcome.cursor as BackfillCursor, done: job.done + (outcome.done ?? 0), total: outcome.total ?? job.total };
      if (!finished) expect(await Promise.all(queries.map(answer))).toEqual(fresh);
    }
    expect(steps).toBeGreaterThan(10);
    // Every legacy row was removed once (the repeated step found its chunk gone); the total was an upper bound.
    expect(moved.indexRows + moved.statementRefs).toBeLessThanOrEqual(legacy.length + 4);
    expect(moved.rollupRows).toBe(9);
    // Three in each database (DB_2 got the migrations too, its legacy tables empty).
    expect(moved.tablesDropped).toBe(3 * upgradeDatabases(env).length);
    expect(upgradeDatabases(env)).toHaveLength(2);
    expect(job.total).toBeGreaterThanOrEqual(legacy.length + 4 + 9);

    expect(await legacyTables()).toEqual([]);
    expect(await rows<Entry>(entriesSql)).toEqual(freshEntries);
    expect(await rows<Ref>("SELECT seq, target_id FROM statement_refs ORDER BY seq")).toEqual(freshRefs);
    expect(await Promise.all(queries.map(answer))).toEqual(fresh);
    // Nothing left to do: a second job finds no legacy table and ends in one step.
    const again = await upgradeBackfillJob.step(env, { ...job, cursor: null, total: null }, new StepBudget());
    expect(again).toMatchObject({ finished: true, counts: { statementRefs: 0, indexRows: 0, rollupRows: 0, tablesDropped: 0 } });
  });
});
