// Paging with `more` (1.0.3 Data 2.5, Communication 2.1.3; 9274.1.1 4.1.6.1, 4.2.4.3): a keyset cursor that
// continues the same query, stays stable while statements arrive, and refuses tampering with a 400.
import { env } from "cloudflare:workers";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { openCursor, sealCursor } from "../../../src/xapi/statements/query/cursor";
import { hashSecret } from "../../../src/auth/secrets";
import { queryStatements } from "../../../src/statement-store/query/index-read";
import { basic, VERSIONS, xapi } from "../../helpers";

type Json = Record<string, unknown>;
type Result = { statements: Json[]; more: string };

const uid = () => crypto.randomUUID();
const verb = () => ({ id: `http://example.com/verbs/${uid()}`, display: { "en-US": "did" } });
const statement = (v: { id: string }, extra: Json = {}): Json => ({
  id: uid(),
  actor: { objectType: "Agent", mbox: `mailto:${uid()}@example.com` },
  verb: v,
  object: { objectType: "Activity", id: `http://example.com/activities/${uid()}` },
  ...extra,
});

async function store(version: string, statements: Json[], auth?: string): Promise<void> {
  const res = await xapi("/statements", { method: "POST", json: statements, version, ...(auth ? { auth } : {}) });
  expect(res.status, await res.clone().text()).toBe(200);
  await res.arrayBuffer();
}

async function get(version: string, path: string, auth?: string): Promise<Result> {
  const res = await xapi(path.replace(/^\/xapi/, ""), { version, ...(auth ? { auth } : {}) });
  const text = await res.text();
  expect(res.status, text).toBe(200);
  return JSON.parse(text) as Result;
}

/** Follows `more` to the end, running `between` after each page; returns the ids in order. */
async function pageThrough(version: string, first: string, between?: (page: number) => Promise<void>): Promise<string[]> {
  const seen: string[] = [];
  let path = first;
  for (let page = 0; path; page++) {
    const result = await get(version, path);
    seen.push(...result.statements.map((s) => s.id as string));
    path = result.more;
    if (path) expect(path).toMatch(/^\/xapi\/statements\?.*cursor=/);
    await between?.(page);
    expect(page).toBeLessThan(50);
  }
  return seen;
}

describe.each(VERSIONS)("paging with more (%s)", (version) => {
  it("pages through a result to the end, same order as one page, empty more at the end", async () => {
    const v = verb();
    const all = Array.from({ length: 7 }, () => statement(v));
    await store(version, all);
    const whole = (await get(version, `/xapi/statements?verb=${encodeURIComponent(v.id)}`)).statements.map((s) => s.id);
    expect(whole).toEqual(all.map((s) => s.id).reverse());
    const paged = await pageThrough(version, `/xapi/statements?verb=${encodeURIComponent(v.id)}&limit=3`);
    expect(paged).toEqual(whole);
    const ascending = await pageThrough(version, `/xapi/statements?verb=${encodeURIComponent(v.id)}&limit=2&ascending=true`);
    expect(ascending).toEqual([...whole].reverse());
  });

  it("a referring statement past the cursor is found though a filter has no rows of its own past it", async () => {
    // R (verb V) refers to T, stored after it; X and T meet both filters themselves. Paged one at a time
    // (descending: T, X, R), the last page's range holds no statement with the activity, only R, which meets
    // it through T (1.0.3 Communication 2.1.3 StatementRefs): the driver probe must not read "none ahead" as "none".
    const v = verb();
    const activity = { objectType: "Activity", id: `http://example.com/activities/${uid()}` };
    const target = statement(v, { object: activity });
    const referring = statement(v, { object: { objectType: "StatementRef", id: target.id } });
    const direct = statement(v, { object: activity });
    await store(version, [referring]);
    await store(version, [direct]);
    await store(version, [target]);
    const query = `verb=${encodeURIComponent(v.id)}&activity=${encodeURIComponent(activity.id)}`;
    expect(await pageThrough(version, `/xapi/statements?${query}&limit=1`)).toEqual([target.id, direct.id, referring.id]);
  });

  it("keeps filters and format across pages", async () => {
    const v = verb();
    await store(version, [statement(v), statement(v), statement(verb()), statement(v)]);
    const first = await get(version, `/xapi/statements?verb=${encodeURIComponent(v.id)}&limit=2&format=ids`);
    expect(first.statements).toHaveLength(2);
    const second = await get(version, first.more);
    expect(second.statements).toHaveLength(1);
    expect(second.statements[0]!.verb).toEqual({ id: v.id });
    expect(second.more).toBe("");
  });

  it("descending pages do not repeat or skip statements while new ones arrive", async () => {
    const v = verb();
    const before = Array.from({ length: 9 }, () => statement(v));
    await store(version, before);
    const seen = await pageThrough(version, `/xapi/statements?verb=${encodeURIComponent(v.id)}&limit=2`, async () => {
      await store(version, [statement(v), statement(v)]);
    });
    expect(seen).toEqual(before.map((s) => s.id).reverse());
  });

  it("ascending pages include statements that arrive meanwhile, each once", async () => {
    const v = verb();
    const before = Array.from({ length: 7 }, () => statement(v));
    await store(version, before);
    const added: string[] = [];
    const seen = await pageThrough(version, `/xapi/statements?verb=${encodeURIComponent(v.id)}&limit=3&ascending=true`, async (page) => {
      if (page < 2) {
        const s = statement(v);
        added.push(s.id as string);
        await store(version, [s]);
      }
    });
    expect(seen).toEqual([...before.map((s) => s.id), ...added]);
    expect(new Set(seen).size).toBe(seen.length);
  });

  it("refuses a tampered or transplanted cursor with 400", async () => {
    const v = verb();
    await store(version, [statement(v), statement(v), statement(v)]);
    const { more } = await get(version, `/xapi/statements?verb=${encodeURIComponent(v.id)}&limit=1`);
    const url = new URL(more, "http://lrs.test");
    const cursor = url.searchParams.get("cursor")!;
    const [seq, mac] = cursor.split(".");

    const moved = new URL(url);
    moved.searchParams.set("cursor", `${Number(seq) + 1}.${mac}`);
    const otherFilter = new URL(url);
    otherFilter.searchParams.set("verb", verb().id);
    const widened = new URL(url);
    widened.searchParams.delete("verb");
    const flipped = new URL(url);
    flipped.searchParams.set("cursor", `${seq}.${mac!.slice(0, -1)}${mac!.endsWith("A") ? "B" : "A"}`);
    for (const bad of [moved, otherFilter, widened, flipped]) {
      const res = await xapi(`${bad.pathname.replace(/^\/xapi/, "")}${bad.search}`, { version });
      expect(res.status, bad.search).toBe(400);
      expect((await res.json<{ error: { path?: string } }>()).error.path).toBe("cursor");
    }
    // The untouched IRL still works and needs credentials like any request.
    expect((await xapi(more.replace(/^\/xapi/, ""), { version })).status).toBe(200);
    expect((await xapi(more.replace(/^\/xapi/, ""), { version, auth: null })).status).toBe(401);
  });

  it("drops statements voided between pages (the query is re-run, 1.0.3 Data 2.5.s3.b4)", async () => {
    const v = verb();
    const [a, b, c] = [statement(v), statement(v), statement(v)];
    await store(version, [a, b, c]);
    const first = await get(version, `/xapi/statements?verb=${encodeURIComponent(v.id)}&limit=1`);
    expect(first.statements[0]!.id).toBe(c.id);
    await store(version, [
      {
        actor: { objectType: "Agent", mbox: "mailto:admin@example.com" },
        verb: { id: "http://adlnet.gov/expapi/verbs/voided", display: { "en-US": "voided" } },
        object: { objectType: "StatementRef", id: b.id },
      },
    ]);
    const rest = await pageThrough(version, first.more);
    expect(rest).toEqual([a.id]);
  });
});

describe("cursor seal", () => {
  it("opens only for the same key, store and parameters, and any changed character is refused", async () => {
    const key = "material";
    const cursor = await sealCursor(key, "default", "verb=x", { seq: 41 });
    expect(await openCursor(key, "default", "verb=x", cursor)).toEqual({ seq: 41 });
    await expect(openCursor("other", "default", "verb=x", cursor)).rejects.toThrow();
    await expect(openCursor(key, "other-store", "verb=x", cursor)).rejects.toThrow();
    await expect(openCursor(key, "default", "verb=y", cursor)).rejects.toThrow();
    await fc.assert(
      fc.asyncProperty(fc.nat({ max: cursor.length - 1 }), fc.constantFrom(..."0123456789AZaz_-."), async (at, char) => {
        fc.pre(cursor[at] !== char);
        const tampered = cursor.slice(0, at) + char + cursor.slice(at + 1);
        await expect(openCursor(key, "default", "verb=x", tampered)).rejects.toThrow();
      }),
      { numRuns: 200 },
    );
  });

  it("with until, the filter sparsest inside the range drives, not the one sparsest from the newest", async () => {
    // Inside the range the learner did 12 things and the verb only 2 of them; after it, 12 more with the verb and
    // without the learner. Counted from the newest, both filters have 14 rows (a tie the agent wins by kind); counted
    // within until, the verb has 2 and drives (queryStatements' `driver`: its index in rankByKind's order).
    const v = verb();
    const learner = { objectType: "Agent", mbox: `mailto:${uid()}@example.com` };
    await store("2.0.0", [
      ...Array.from({ length: 10 }, () => statement(verb(), { actor: learner })),
      ...Array.from({ length: 2 }, () => statement(v, { actor: learner })),
    ]);
    const until = Date.parse(String((await get("2.0.0", `/xapi/statements?verb=${encodeURIComponent(v.id)}&limit=1`)).statements[0]!.stored));
    await store("2.0.0", Array.from({ length: 12 }, () => statement(v)));
    const filters = [
      { kind: "verb" as const, value: v.id },
      { kind: "agent" as const, value: `mbox:${learner.mbox}` },
    ];
    const plan = { storeId: "default", filters, ascending: false, limit: 1 };
    expect((await queryStatements(env.DB, plan)).driver).toBe(0); // the agent: rankByKind puts it first
    const ranged = await queryStatements(env.DB, { ...plan, untilMs: until });
    expect(ranged.driver).toBe(1);
    expect(ranged.hasMore).toBe(true);
    // The same choice through HTTP: the `more` cursor names the driver.
    const page = await get("2.0.0", `/xapi/statements?verb=${encodeURIComponent(v.id)}&agent=${encodeURIComponent(JSON.stringify(learner))}&until=${new Date(until).toISOString()}&limit=1`);
    expect(page.statements).toHaveLength(1);
    expect(decodeURIComponent(page.more)).toMatch(/cursor=\d+d1\./);
  });

  it("carries the filter that drove the first page, sealed like the position", async () => {
    const key = "material";
    const cursor = await sealCursor(key, "default", "agent=a&verb=x", { seq: 41, driver: 1 });
    expect(cursor).toMatch(/^41d1\.[A-Za-z0-9_-]{22}$/);
    expect(await openCursor(key, "default", "agent=a&verb=x", cursor)).toEqual({ seq: 41, driver: 1 });
    // Another driver, or none, with the same MAC: refused.
    await expect(openCursor(key, "default", "agent=a&verb=x", cursor.replace("41d1", "41d0"))).rejects.toThrow(/cursor does not belong/);
    await expect(openCursor(key, "default", "agent=a&verb=x", cursor.replace("41d1", "41"))).rejects.toThrow(/cursor does not belong/);
  });
});

describe("page size in bytes", () => {
  it("a page ends after the statement that reaches the text budget, and says there is more", async () => {
    const v = verb();
    const big = (n: number) => statement(v, { result: { extensions: { "http://example.com/pad": "x".repeat(n) } } });
    const stored = [big(3000), big(3000), big(3000), big(10)];
    await store("2.0.0", stored);
    const plan = { storeId: "default", filters: [{ kind: "verb" as const, value: v.id }], ascending: true, limit: 10 };
    const cut = await queryStatements(env.DB, { ...plan, maxBytes: 5000 });
    expect(cut.rows.map((r) => JSON.parse(r.statement).id)).toEqual([stored[0]!.id, stored[1]!.id]);
    expect(cut.hasMore).toBe(true);
    const whole = await queryStatements(env.DB, plan);
    expect(whole.rows).toHaveLength(4);
    expect(whole.hasMore).toBe(false);
    const exact = await queryStatements(env.DB, { ...plan, limit: 4 });
    expect(exact.hasMore).toBe(false);
    expect((await queryStatements(env.DB, { ...plan, limit: 3 })).hasMore).toBe(true);
  });
});

describe("statements/read/mine", () => {
  it("a credential limited to its own statements queries only those, through every page", async () => {
    const key = `mine-${uid()}`;
    const secret = uid();
    await env.DB.prepare(
      `INSERT INTO credentials (id, store_id, name, key, secret_hash, scopes, authority, disabled, created_at)
       VALUES (?, 'default', 'mine', ?, ?, ?, ?, 0, 0)`,
    )
      .bind(key, key, await hashSecret(secret), JSON.stringify(["statements/write", "statements/read/mine"]),
        JSON.stringify({ objectType: "Agent", account: { homePage: "urn:test", name: key } }))
      .run();
    const auth = basic(key, secret);
    const v = verb();
    const mine = [statement(v), statement(v), statement(v)];
    await store("2.0.0", [statement(v), statement(v)]);
    await store("2.0.0", mine, auth);
    const first = await get("2.0.0", `/xapi/statements?verb=${encodeURIComponent(v.id)}&limit=2`, auth);
    const second = await get("2.0.0", first.more, auth);
    expect([...first.statements, ...second.statements].map((s) => s.id)).toEqual(mine.map((s) => s.id).reverse());
    expect((await get("2.0.0", "/xapi/statements?limit=0", auth)).statements).toHaveLength(3);
  });
});
