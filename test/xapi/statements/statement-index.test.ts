// The query index (schema.ts index_values + index_entries): one row per (statement, value) with its roles, and
// StatementRef filters answered at query time (query/sql.ts): a referrer writes no row for what its target holds.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { FEW_DRIVER_ROWS } from "../../../src/statement-store/query/sql";
import { ROLE } from "../../../src/statement-store/statement-index";
import { VERSIONS, xapi } from "../../helpers";
import { post, statement, type Json } from "./fixtures";

type Row = { kind: number; value: string; roles: number };

async function indexRows(id: string): Promise<Row[]> {
  const { results } = await env.DB.prepare(
    `SELECT v.kind, v.value, e.roles FROM statements s
       JOIN index_entries e ON e.seq = s.seq JOIN index_values v ON v.id = e.value_id
     WHERE s.id = ? ORDER BY v.kind, v.value`,
  )
    .bind(id)
    .all<Row>();
  return results;
}

const KIND = { agent: 1, activity: 2, verb: 3, registration: 4 } as const;
const { direct: D, mentioned: M, authority: A } = ROLE;

function keys(rows: Row[], kind: keyof typeof KIND): Record<string, number> {
  return Object.fromEntries(rows.filter((r) => r.kind === KIND[kind]).map((r) => [r.value, r.roles]));
}

/** Ids of the statements a query returns (one page of up to 500). */
async function query(params: Record<string, string>, version: string): Promise<string[]> {
  const res = await xapi(`/statements?${new URLSearchParams({ limit: "500", ...params })}`, { version });
  expect(res.status).toBe(200);
  return ((await res.json()) as { statements: { id: string }[] }).statements.map((s) => s.id).sort();
}

const AUTHORITY_KEY = "account:http://lrs.test test-key";
const activity = (name: string): Json => ({ objectType: "Activity", id: `http://example.com/activities/${name}` });
const agent = (name: string): Json => ({ objectType: "Agent", mbox: `mailto:${name}@example.com` });

/** Ids of every statement a query returns, following `more` (at most 10 pages), in order. */
async function allPages(params: Record<string, string>, version: string): Promise<string[]> {
  const seen: string[] = [];
  let next: string | undefined = `/statements?${new URLSearchParams({ limit: "500", ...params })}`;
  for (let page = 0; next && page < 10; page++) {
    const res = await xapi(next.replace(/^\/xapi/, ""), { version });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { statements: { id: string }[]; more: string };
    seen.push(...body.statements.map((s) => s.id));
    next = body.more || undefined;
  }
  return seen;
}

describe.each(VERSIONS)("query index rows (%s)", (version) => {
  it("indexes every usage of agents, activities, the verb and the registration", async () => {
    const registration = crypto.randomUUID();
    const { status, ids } = await post(
      statement({
        actor: { objectType: "Group", mbox: "mailto:group@example.com", member: [agent("m1")] },
        object: activity("object"),
        context: {
          registration: registration.toUpperCase(),
          instructor: agent("instructor"),
          team: { objectType: "Group", member: [agent("t1"), agent("t2")] },
          contextActivities: {
            parent: [activity("parent")],
            grouping: [activity("grouping")],
            category: [activity("category")],
            other: [activity("other")],
          },
        },
      }),
      version,
    );
    expect(status).toBe(200);
    const rows = await indexRows(ids[0]!);
    expect(keys(rows, "agent")).toEqual({
      "mbox:mailto:group@example.com": D | M,
      "mbox:mailto:m1@example.com": D | M,
      "mbox:mailto:instructor@example.com": M,
      "mbox:mailto:t1@example.com": M,
      "mbox:mailto:t2@example.com": M,
      [AUTHORITY_KEY]: A,
    });
    expect(keys(rows, "activity")).toEqual({
      "http://example.com/activities/object": D | M,
      "http://example.com/activities/parent": M,
      "http://example.com/activities/grouping": M,
      "http://example.com/activities/category": M,
      "http://example.com/activities/other": M,
    });
    expect(keys(rows, "verb")).toEqual({ "http://adlnet.gov/expapi/verbs/experienced": D | M });
    expect(keys(rows, "registration")).toEqual({ [registration]: D | M });
    // One row per value: 6 agents, 5 activities, the verb, the registration.
    expect(rows).toHaveLength(13);
  });

  it("indexes an Agent object under agent, and a SubStatement's parts only as related", async () => {
    const { ids } = await post(
      [
        statement({ object: agent("object-agent") }),
        statement({
          object: {
            objectType: "SubStatement",
            actor: agent("sub-actor"),
            verb: { id: "http://example.com/verbs/sub" },
            object: activity("sub-object"),
            context: { instructor: agent("sub-instructor"), contextActivities: { parent: [activity("sub-parent")] } },
          },
        }),
      ],
      version,
    );
    const direct = await indexRows(ids[0]!);
    expect(keys(direct, "agent")["mbox:mailto:object-agent@example.com"]).toBe(D | M);
    const sub = await indexRows(ids[1]!);
    expect(keys(sub, "agent")).toEqual({
      "mbox:mailto:ann@example.com": D | M,
      "mbox:mailto:sub-actor@example.com": M,
      "mbox:mailto:sub-instructor@example.com": M,
      [AUTHORITY_KEY]: A,
    });
    expect(keys(sub, "activity")).toEqual({
      "http://example.com/activities/sub-object": M,
      "http://example.com/activities/sub-parent": M,
    });
    expect(keys(sub, "verb")).toEqual({ "http://adlnet.gov/expapi/verbs/experienced": D | M });
  });

  it("matches a StatementRef's referrers at query time, whichever arrives first, through chains, writing no copies", async () => {
    const target = crypto.randomUUID();
    const early = crypto.randomUUID();
    const chained = crypto.randomUUID();
    const ref = (id: string, to: string) => statement({ id, object: { objectType: "StatementRef", id: to } });
    // `early` refers to the target before it exists; `chained` refers to `early`.
    expect((await post([ref(early, target)], version)).status).toBe(200);
    expect((await post([ref(chained, early)], version)).status).toBe(200);
    const actor = agent(`target-${target}`);
    const object = activity(`t-${target}`);
    expect((await post([statement({ id: target, actor, object })], version)).status).toBe(200);
    const late = crypto.randomUUID();
    expect((await post([ref(late, target)], version)).status).toBe(200);
    const all = [target, early, chained, late].sort();
    expect(await query({ agent: JSON.stringify(actor) }, version)).toEqual(all);
    expect(await query({ activity: (object as { id: string }).id }, version)).toEqual(all);
    // The referrers' own index rows: their actor, verb and authority only (O(1) whatever the target holds).
    for (const id of [early, chained, late]) {
      const rows = await indexRows(id);
      expect(rows.map((r) => r.value).sort(), id).toEqual(
        ["http://adlnet.gov/expapi/verbs/experienced", "mbox:mailto:ann@example.com", AUTHORITY_KEY].sort(),
      );
    }
    const { results } = await env.DB.prepare(
      `SELECT s.id FROM statement_refs r JOIN statements s ON s.seq = r.seq WHERE r.target_id = ? ORDER BY s.id`,
    )
      .bind(target)
      .all<{ id: string }>();
    expect(results.map((r) => r.id)).toEqual([early, late].sort());
  });

  it("applies each filter to the referrer's chain: one filter on the referrer, another on its target", async () => {
    // 1.0.3 Communication 2.1.3 "Filter Conditions for StatementRefs": a targeting statement meets *a filter
    // condition* when its target meets it, so "Andrew confirmed <Ben passed>" is found by agent=Ben&verb=confirmed.
    const ben = agent(`ben-${crypto.randomUUID()}`);
    const andrew = agent(`andrew-${crypto.randomUUID()}`);
    const confirmed = { id: `http://example.com/verbs/confirmed-${crypto.randomUUID()}` };
    const passed = crypto.randomUUID();
    const confirmation = crypto.randomUUID();
    const other = crypto.randomUUID();
    expect(
      (
        await post(
          [
            statement({ id: passed, actor: ben }),
            statement({ id: confirmation, actor: andrew, verb: confirmed, object: { objectType: "StatementRef", id: passed } }),
            statement({ id: other, actor: andrew, verb: confirmed }),
          ],
          version,
        )
      ).status,
    ).toBe(200);
    expect(await query({ agent: JSON.stringify(ben), verb: confirmed.id }, version)).toEqual([confirmation]);
    expect(await query({ agent: JSON.stringify(andrew), verb: confirmed.id }, version)).toEqual([confirmation, other].sort());
    expect(await query({ agent: JSON.stringify(ben) }, version)).toEqual([confirmation, passed].sort());
  });

  it("terminates on a cycle of StatementRefs, each statement matching through the other", async () => {
    const a = crypto.randomUUID();
    const b = crypto.randomUUID();
    const cycleA = agent(`cycle-a-${a}`);
    const { status } = await post(
      [
        statement({ id: a, actor: cycleA, object: { objectType: "StatementRef", id: b } }),
        statement({ id: b, actor: agent(`cycle-b-${b}`), object: { objectType: "StatementRef", id: a } }),
      ],
      version,
    );
    expect(status).toBe(200);
    expect(await query({ agent: JSON.stringify(cycleA) }, version)).toEqual([a, b].sort());
  });

  it("matches within one batch in either order, and pages across referrers and direct matches", async () => {
    const target = crypto.randomUUID();
    const referrers = Array.from({ length: 5 }, () => crypto.randomUUID());
    const actor = agent(`batch-target-${target}`);
    const { status } = await post(
      [
        ...referrers.slice(0, 2).map((id) => statement({ id, object: { objectType: "StatementRef", id: target } })),
        statement({ id: target, actor }),
        ...referrers.slice(2).map((id) => statement({ id, object: { objectType: "StatementRef", id: target } })),
      ],
      version,
    );
    expect(status).toBe(200);
    const seen: string[] = [];
    let next: string | undefined = `/statements?${new URLSearchParams({ agent: JSON.stringify(actor), limit: "2" })}`;
    for (let page = 0; next && page < 10; page++) {
      const res = await xapi(next.replace(/^\/xapi/, ""), { version });
      const body = (await res.json()) as { statements: { id: string }[]; more: string };
      expect(body.statements.length).toBeLessThanOrEqual(2);
      seen.push(...body.statements.map((s) => s.id));
      next = body.more || undefined;
    }
    expect(seen.sort()).toEqual([target, ...referrers].sort());
  });
});

describe("2.0 context agents and groups", () => {
  it("are indexed as related agents", async () => {
    const { ids } = await post(
      statement({
        context: {
          contextAgents: [{ objectType: "contextAgent", agent: agent("coach") }],
          contextGroups: [
            { objectType: "contextGroup", group: { objectType: "Group", mbox: "mailto:cg@example.com", member: [agent("cgm")] } },
          ],
        },
      }),
      "2.0.0",
    );
    const related = keys(await indexRows(ids[0]!), "agent");
    expect(related).toMatchObject({
      "mbox:mailto:coach@example.com": M,
      "mbox:mailto:cg@example.com": M,
      "mbox:mailto:cgm@example.com": M,
    });
  });
});

describe("activities and agents tables", () => {
  it("merge activity definitions: language maps key by key, other members newest", async () => {
    const id = `http://example.com/activities/merge-${crypto.randomUUID()}`;
    await post(
      statement({
        object: { id, definition: { name: { "en-US": "One" }, type: "http://example.com/types/a" } },
      }),
      "2.0.0",
    );
    await post(
      statement({
        object: { id, definition: { name: { fr: "Un" }, description: { "en-US": "d" }, type: "http://example.com/types/b" } },
      }),
      "2.0.0",
    );
    const row = await env.DB.prepare("SELECT definition FROM activities WHERE activity_id = ?").bind(id).first<{ definition: string }>();
    expect(JSON.parse(row!.definition)).toEqual({
      name: { "en-US": "One", fr: "Un" },
      description: { "en-US": "d" },
      type: "http://example.com/types/b",
    });
  });

  it("records each agent identifier with every name seen, but not the authority", async () => {
    const mbox = `mailto:${crypto.randomUUID()}@example.com`;
    await post([statement({ actor: { mbox, name: "Ann" } }), statement({ actor: { mbox, name: "Annie" } })], "2.0.0");
    await post(statement({ actor: { mbox, name: "Ann" } }), "2.0.0");
    const row = await env.DB.prepare("SELECT identifier, names FROM agents WHERE agent_key = ?")
      .bind(`mbox:${mbox}`)
      .first<{ identifier: string; names: string }>();
    expect(JSON.parse(row!.identifier)).toEqual({ mbox });
    expect(JSON.parse(row!.names).sort()).toEqual(["Ann", "Annie"]);
    const authority = await env.DB.prepare("SELECT 1 FROM agents WHERE agent_key = ?").bind(AUTHORITY_KEY).first();
    expect(authority).toBeNull();
  });
});

describe("StatementRef matching for a broad driver", () => {
  it(`walks statement_refs forwards when the driver has over ${FEW_DRIVER_ROWS} rows, and still finds referrers`, async () => {
    const verb = { id: `http://example.com/verbs/common-${crypto.randomUUID()}` };
    const common = Array.from({ length: FEW_DRIVER_ROWS + 1 }, () => statement({ id: crypto.randomUUID(), verb }));
    expect((await post(common, "2.0.0")).status).toBe(200);
    const oldTarget = (common[0] as { id: string }).id;
    const referrer = crypto.randomUUID();
    expect((await post(statement({ id: referrer, object: { objectType: "StatementRef", id: oldTarget } }), "2.0.0")).status).toBe(200);
    // Newest first: the referrer is on the first page, found by the forward walk (its target is far outside it).
    const res = await xapi(`/statements?${new URLSearchParams({ verb: verb.id, limit: "3" })}`, { version: "2.0.0" });
    const body = (await res.json()) as { statements: { id: string }[] };
    expect(body.statements.map((s) => s.id)).toEqual([referrer, (common.at(-1) as { id: string }).id, (common.at(-2) as { id: string }).id]);
    // Oldest first, every page: the target on the first, the referrer on the last.
    const asc = await allPages({ verb: verb.id, ascending: "true" }, "2.0.0");
    expect(asc).toHaveLength(FEW_DRIVER_ROWS + 2);
    expect([asc[0], asc.at(-1)]).toEqual([oldTarget, referrer]);
  });
});
