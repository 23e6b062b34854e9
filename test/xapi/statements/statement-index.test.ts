import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { VERSIONS } from "../../helpers";
import { post, statement, type Json } from "./fixtures";

type Row = { kind: string; value: string; usage: string };

async function indexRows(id: string): Promise<Row[]> {
  const { results } = await env.DB.prepare(
    `SELECT i.kind, i.value, i.usage FROM statement_index i JOIN statements s ON s.seq = i.seq
     WHERE s.id = ? ORDER BY i.kind, i.value`,
  )
    .bind(id)
    .all<Row>();
  return results;
}

function keys(rows: Row[], kind: string): Record<string, string> {
  return Object.fromEntries(rows.filter((r) => r.kind === kind).map((r) => [r.value, r.usage]));
}

const AUTHORITY_KEY = "account:http://lrs.test test-key";
const activity = (name: string): Json => ({ objectType: "Activity", id: `http://example.com/activities/${name}` });
const agent = (name: string): Json => ({ objectType: "Agent", mbox: `mailto:${name}@example.com` });

describe.each(VERSIONS)("statement_index rows (%s)", (version) => {
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
      "mbox:mailto:group@example.com": "actor",
      "mbox:mailto:m1@example.com": "actor.member",
    });
    expect(keys(rows, "related_agent")).toEqual({
      "mbox:mailto:group@example.com": "actor",
      "mbox:mailto:m1@example.com": "actor.member",
      "mbox:mailto:instructor@example.com": "context.instructor",
      "mbox:mailto:t1@example.com": "context.team.member",
      "mbox:mailto:t2@example.com": "context.team.member",
      [AUTHORITY_KEY]: "authority",
    });
    expect(keys(rows, "activity")).toEqual({ "http://example.com/activities/object": "object" });
    expect(keys(rows, "related_activity")).toEqual({
      "http://example.com/activities/object": "object",
      "http://example.com/activities/parent": "context.contextActivities.parent",
      "http://example.com/activities/grouping": "context.contextActivities.grouping",
      "http://example.com/activities/category": "context.contextActivities.category",
      "http://example.com/activities/other": "context.contextActivities.other",
    });
    expect(keys(rows, "verb")).toEqual({ "http://adlnet.gov/expapi/verbs/experienced": "verb" });
    expect(keys(rows, "registration")).toEqual({ [registration]: "context.registration" });
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
    expect(keys(direct, "agent")["mbox:mailto:object-agent@example.com"]).toBe("object");
    const sub = await indexRows(ids[1]!);
    expect(keys(sub, "agent")).toEqual({ "mbox:mailto:ann@example.com": "actor" });
    expect(keys(sub, "activity")).toEqual({});
    expect(keys(sub, "related_agent")).toMatchObject({
      "mbox:mailto:sub-actor@example.com": "substatement.actor",
      "mbox:mailto:sub-instructor@example.com": "substatement.context.instructor",
    });
    expect(keys(sub, "related_activity")).toEqual({
      "http://example.com/activities/sub-object": "substatement.object",
      "http://example.com/activities/sub-parent": "substatement.context.contextActivities.parent",
    });
    expect(keys(sub, "verb")).toEqual({ "http://adlnet.gov/expapi/verbs/experienced": "verb" });
  });

  it("copies a StatementRef target's rows onto its referrers, whichever arrives first, through chains", async () => {
    const target = crypto.randomUUID();
    const early = crypto.randomUUID();
    const chained = crypto.randomUUID();
    const ref = (id: string, to: string) => statement({ id, object: { objectType: "StatementRef", id: to } });
    // `early` refers to the target before it exists; `chained` refers to `early`.
    expect((await post([ref(early, target)], version)).status).toBe(200);
    expect((await post([ref(chained, early)], version)).status).toBe(200);
    expect((await post([statement({ id: target, actor: agent("target-actor"), object: activity("t") })], version)).status).toBe(200);
    const late = crypto.randomUUID();
    expect((await post([ref(late, target)], version)).status).toBe(200);
    for (const id of [early, chained, late]) {
      const rows = await indexRows(id);
      expect(keys(rows, "agent")["mbox:mailto:target-actor@example.com"], id).toBe("statementref");
      expect(keys(rows, "activity")["http://example.com/activities/t"], id).toBe("statementref");
      expect(keys(rows, "verb")["http://adlnet.gov/expapi/verbs/experienced"], id).toBe("verb,statementref");
    }
    const { results } = await env.DB.prepare(
      `SELECT s.id FROM statement_refs r JOIN statements s ON s.seq = r.seq WHERE r.target_id = ? ORDER BY s.id`,
    )
      .bind(target)
      .all<{ id: string }>();
    expect(results.map((r) => r.id)).toEqual([early, late].sort());
  });

  it("terminates on a cycle of StatementRefs, each statement getting the other's rows", async () => {
    const a = crypto.randomUUID();
    const b = crypto.randomUUID();
    const { status } = await post(
      [
        statement({ id: a, actor: agent("cycle-a"), object: { objectType: "StatementRef", id: b } }),
        statement({ id: b, actor: agent("cycle-b"), object: { objectType: "StatementRef", id: a } }),
      ],
      version,
    );
    expect(status).toBe(200);
    expect(keys(await indexRows(a), "agent")["mbox:mailto:cycle-b@example.com"]).toBe("statementref");
    expect(keys(await indexRows(b), "agent")["mbox:mailto:cycle-a@example.com"]).toBe("statementref");
  });

  it("propagates within one batch in either order", async () => {
    const target = crypto.randomUUID();
    const referrer = crypto.randomUUID();
    const { status } = await post(
      [
        statement({ id: referrer, object: { objectType: "StatementRef", id: target } }),
        statement({ id: target, actor: agent("batch-target") }),
      ],
      version,
    );
    expect(status).toBe(200);
    expect(keys(await indexRows(referrer), "agent")["mbox:mailto:batch-target@example.com"]).toBe("statementref");
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
    const related = keys(await indexRows(ids[0]!), "related_agent");
    expect(related).toMatchObject({
      "mbox:mailto:coach@example.com": "context.contextAgents",
      "mbox:mailto:cg@example.com": "context.contextGroups",
      "mbox:mailto:cgm@example.com": "context.contextGroups.member",
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
