// The upgrade backfill (src/statement-store/legacy-rows.ts) moves a deployment's old query index (legacy_statement_index,
// renamed by migration 0010: text kind, usage text, StatementRef copies) into index_values + index_entries. This
// runs it on old-layout rows written as the previous code wrote them, then checks the rows and the queries that read
// them: nothing is lost, copies made for StatementRefs are dropped (matched at query time now), roles come from the
// usages.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { moveIndexChunk } from "../../src/statement-store/legacy-rows";
import { ROLE } from "../../src/statement-store/statement-index";
import { xapi } from "../helpers";
import { post, statement } from "../xapi/statements/fixtures";


async function seqOf(id: string): Promise<number> {
  return (await env.DB.prepare("SELECT seq FROM statements WHERE id = ?").bind(id).first<{ seq: number }>())!.seq;
}

async function ids(params: Record<string, string>): Promise<string[]> {
  const res = await xapi(`/statements?${new URLSearchParams(params)}`, { version: "2.0.0" });
  return ((await res.json()) as { statements: { id: string }[] }).statements.map((s) => s.id).sort();
}

describe("upgrade backfill: the old query index into the dictionary and role rows", () => {
  it("converts old rows: roles from usages, StatementRef copies dropped, every query answered as before", async () => {
    const actor = { mbox: `mailto:old-${crypto.randomUUID()}@example.com` };
    const instructor = { mbox: `mailto:teacher-${crypto.randomUUID()}@example.com` };
    const activity = `http://example.com/old/${crypto.randomUUID()}`;
    const target = crypto.randomUUID();
    const referrer = crypto.randomUUID();
    expect(
      (
        await post(
          [
            statement({ id: target, actor, object: { id: activity }, context: { instructor } }),
            statement({ id: referrer, object: { objectType: "StatementRef", id: target } }),
          ],
          "2.0.0",
        )
      ).status,
    ).toBe(200);
    const [t, r] = [await seqOf(target), await seqOf(referrer)];
    // The store as the previous code left it: its rows in legacy_statement_index, none in the new tables.
    const agentKey = `mbox:${actor.mbox}`;
    const teacherKey = `mbox:${instructor.mbox}`;
    const authority = "account:http://lrs.test test-key";
    const verb = "http://adlnet.gov/expapi/verbs/experienced";
    const old: [string, string, number, string][] = [
      ["agent", agentKey, t, "actor"],
      ["related_agent", agentKey, t, "actor"],
      ["related_agent", teacherKey, t, "context.instructor"],
      ["related_agent", authority, t, "authority"],
      ["activity", activity, t, "object"],
      ["related_activity", activity, t, "object"],
      ["verb", verb, t, "verb"],
      // The referrer's own rows, and the target's copied onto it ('statementref', alone or merged with its own).
      ["agent", "mbox:mailto:ann@example.com", r, "actor"],
      ["related_agent", "mbox:mailto:ann@example.com", r, "actor"],
      ["related_agent", authority, r, "authority,statementref"],
      ["verb", verb, r, "verb,statementref"],
      ["agent", agentKey, r, "statementref"],
      ["related_agent", agentKey, r, "statementref"],
      ["related_agent", teacherKey, r, "statementref"],
      ["activity", activity, r, "statementref"],
      ["related_activity", activity, r, "statementref"],
    ];
    await env.DB.batch([
      // This file's storage is its own: these are the only statements, and the new tables start empty as they do
      // when the migration runs.
      env.DB.prepare("DELETE FROM index_entries"),
      env.DB.prepare("DELETE FROM index_values"),
      ...old.map(([kind, value, seq, usage]) =>
        env.DB.prepare("INSERT INTO legacy_statement_index VALUES ('default', ?, ?, ?, ?)").bind(kind, value, seq, usage),
      ),
    ]);
    // Found through the legacy rows while they are there (src/statement-store/query/legacy-index.ts).
    expect(await ids({ agent: JSON.stringify(actor) })).toEqual([target, referrer].sort());

    expect(await moveIndexChunk(env.DB, "default")).toBe(old.length);
    expect(await moveIndexChunk(env.DB, "default")).toBe(0);

    const { results } = await env.DB.prepare(
      `SELECT v.kind, v.value, e.seq, e.roles FROM index_entries e JOIN index_values v ON v.id = e.value_id
       WHERE e.seq IN (?, ?) ORDER BY e.seq, v.kind, v.value`,
    )
      .bind(t, r)
      .all<{ kind: number; value: string; seq: number; roles: number }>();
    const { direct: D, mentioned: M, authority: A } = ROLE;
    expect(results).toEqual(
      [
        { kind: 1, value: authority, seq: t, roles: A },
        { kind: 1, value: agentKey, seq: t, roles: D | M },
        { kind: 1, value: teacherKey, seq: t, roles: M },
        { kind: 2, value: activity, seq: t, roles: D | M },
        { kind: 3, value: verb, seq: t, roles: D | M },
        { kind: 1, value: authority, seq: r, roles: A },
        { kind: 1, value: "mbox:mailto:ann@example.com", seq: r, roles: D | M },
        { kind: 3, value: verb, seq: r, roles: D | M },
      ].sort((a, b) => a.seq - b.seq || a.kind - b.kind || (a.value < b.value ? -1 : 1)),
    );
    // The converted rows answer the queries, the referrer through its StatementRef.
    expect(await ids({ agent: JSON.stringify(actor) })).toEqual([target, referrer].sort());
    expect(await ids({ agent: JSON.stringify(instructor), related_agents: "true" })).toEqual([target, referrer].sort());
    expect(await ids({ agent: JSON.stringify(instructor) })).toEqual([]);
    expect(await ids({ activity })).toEqual([target, referrer].sort());
  });
});
