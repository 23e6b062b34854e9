// Issue 11: erasing {"mbox":"mailto:ann@example.com"} must also erase Ann as mailto:Ann@Example.com and as the
// mbox_sha1sum of her address (as given and lower-cased, and of each spelling found), wherever a statement
// mentions her (instructor, SubStatement, team, contextAgents), with the agents rows, documents and rollups of
// every one of those identifiers; neighbours (anne@, ann@example.org) stay. Statements are posted under each
// xAPI version. The lookups are index seeks (query plans below).
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { CASE_VARIANTS_SQL } from "../../src/admin/erasure-subject";
import { DOCUMENT_SETS_SQL } from "../../src/admin/erasure";
import { STATEMENTS_NAMING_SQL } from "../../src/statement-store/erase-statements";
import { DOCUMENTS_SQL, STATEMENTS_AND_ATTACHMENTS_SQL } from "../../src/admin/erasure-preview";
import { AGENTS_KNOWN_SQL } from "../../src/statement-store/agent-names";
import { VERSIONS } from "../helpers";
import { runJob, storeWithCredential, xapiAs, type TestCredential } from "./admin-helpers";
import { rollupRowsNaming } from "../rollups/expected";

const VERB = { id: "http://adlnet.gov/expapi/verbs/experienced" };
const ACTIVITY = { objectType: "Activity", id: "http://example.com/activities/matching" };
const OTHER = { objectType: "Agent", mbox: "mailto:otto@example.com" };

async function sha1(text: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-1", new TextEncoder().encode(text));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

type Seeded = { credential: TestCredential; erased: Record<string, string>; kept: Record<string, string>; sums: string[] };

async function seed(version: string): Promise<Seeded> {
  const credential = await storeWithCredential(`matching ${version}`);
  const sums = [await sha1("mailto:ann@example.com"), await sha1("mailto:Ann@Example.com")];
  const erasedStatements: Record<string, Record<string, unknown>> = {
    mixedCaseActor: { actor: { mbox: "mailto:Ann@Example.com", name: "Ann Mixed" }, verb: VERB, object: ACTIVITY },
    lowerSumActor: { actor: { mbox_sha1sum: sums[0] }, verb: VERB, object: ACTIVITY },
    // The SHA-1 of the spelling found in the store, upper-case hex as a client may send it.
    variantSumObject: { actor: OTHER, verb: VERB, object: { objectType: "Agent", mbox_sha1sum: sums[1]!.toUpperCase() } },
    instructor: { actor: OTHER, verb: VERB, object: ACTIVITY, context: { instructor: { mbox: "mailto:ann@example.com" } } },
    substatement: {
      actor: OTHER,
      verb: VERB,
      object: { objectType: "SubStatement", actor: { mbox: "mailto:ANN@example.com" }, verb: VERB, object: ACTIVITY },
    },
    teamMember: {
      actor: OTHER,
      verb: VERB,
      object: ACTIVITY,
      context: { team: { objectType: "Group", member: [{ mbox_sha1sum: sums[0] }] } },
    },
    ...(version === "2.0.0"
      ? { contextAgent: { actor: OTHER, verb: VERB, object: ACTIVITY, context: { contextAgents: [{ objectType: "contextAgent", agent: { mbox: "mailto:ann@EXAMPLE.com" } }] } } }
      : {}),
  };
  const keptStatements: Record<string, Record<string, unknown>> = {
    unrelated: { actor: OTHER, verb: VERB, object: ACTIVITY },
    prefixNeighbour: { actor: { mbox: "mailto:anne@example.com" }, verb: VERB, object: ACTIVITY },
    otherDomain: { actor: { mbox: "mailto:ann@example.org" }, verb: VERB, object: ACTIVITY },
  };
  const post = async (statements: Record<string, Record<string, unknown>>) => {
    const names = Object.keys(statements);
    const res = await xapiAs(credential, "/statements", { method: "POST", version, json: Object.values(statements) });
    expect(res.status, await res.clone().text()).toBe(200);
    const ids = (await res.json()) as string[];
    return Object.fromEntries(names.map((name, i) => [name, ids[i]!]));
  };
  const erased = await post(erasedStatements);
  const kept = await post(keptStatements);

  const put = async (path: string, agent: unknown, extra: Record<string, string>) => {
    const query = new URLSearchParams({ agent: JSON.stringify(agent), ...extra });
    const res = await xapiAs(credential, `${path}?${query}`, {
      method: "PUT",
      version,
      json: { a: 1 },
      headers: { "If-None-Match": "*" }, // 1.0.3 wants a precondition on profile PUTs
    });
    expect(res.status, await res.clone().text()).toBe(204);
  };
  // Documents about spellings no statement uses: found through the documents' own case-insensitive index.
  await put("/activities/state", { mbox: "mailto:ANN@Example.Com" }, { activityId: ACTIVITY.id, stateId: "s" });
  await put("/agents/profile", { mbox_sha1sum: sums[0] }, { profileId: "p" });
  await put("/agents/profile", { mbox: "mailto:anne@example.com" }, { profileId: "p" });
  return { credential, erased, kept, sums };
}

/** Rows of the store's learner-data tables holding Ann's address in any case, or one of her SHA-1 sums. */
async function traces(storeId: string, sums: string[]): Promise<string[]> {
  const columns: Record<string, string> = {
    statements: "statement",
    index_values: "value",
    agents: "agent_key || identifier",
    documents: "agent_key",
  };
  const found: string[] = [];
  for (const [table, column] of Object.entries(columns)) {
    for (const trace of ["ann@example.com", ...sums]) {
      const row = await env.DB.prepare(
        `SELECT COUNT(*) AS n FROM ${table} WHERE store_id = ? AND instr(lower(${column}), ?) > 0`,
      )
        .bind(storeId, trace)
        .first<{ n: number }>();
      if (row!.n > 0) found.push(`${table}: ${trace} x${row!.n}`);
    }
  }
  // The console's counters name a learner by dictionary id: decoded, no row may name her.
  for (const trace of ["ann@example.com", ...sums]) {
    const n = await rollupRowsNaming(storeId, trace, true);
    if (n > 0) found.push(`rollup_counts: ${trace} x${n}`);
  }
  const dangling = await rollupRowsNaming(storeId, "#missing:");
  if (dangling > 0) found.push(`rollup_counts: ${dangling} rows keyed by a forgotten id`);
  return found;
}

describe.each(VERSIONS)("erasure of an mbox, statements posted under %s", (version) => {
  it.each([["mailto:ann@example.com"], ["mailto:Ann@EXAMPLE.com"]])(
    "erasing %s erases every spelling and SHA-1 sum of the address, anywhere in a statement",
    async (mbox) => {
      const { credential, erased, kept, sums } = await seed(version);
      expect((await traces(credential.storeId, sums)).length).toBeGreaterThan(0);
      const result = await runJob(`/stores/${credential.storeId}/erase-agent`, {
        method: "POST",
        json: { agent: { mbox } },
      });
      expect(result).toMatchObject({
        state: "succeeded",
        // agents: the mixed-case, lower-case (instructor), upper-case local part, SHA-1 (and 2.0's contextAgent) rows
        counts: { statements: Object.keys(erased).length, documents: 2, agents: version === "2.0.0" ? 6 : 5 },
      });
      for (const [name, id] of Object.entries(erased)) {
        expect((await xapiAs(credential, `/statements?statementId=${id}`, { version })).status, name).toBe(404);
      }
      for (const [name, id] of Object.entries(kept)) {
        expect((await xapiAs(credential, `/statements?statementId=${id}`, { version })).status, name).toBe(200);
      }
      expect(await traces(credential.storeId, sums)).toEqual([]);
      const neighbour = new URLSearchParams({ agent: JSON.stringify({ mbox: "mailto:anne@example.com" }), profileId: "p" });
      expect((await xapiAs(credential, `/agents/profile?${neighbour}`, { version })).status).toBe(200);
    },
  );
});

describe("erasure lookups are index seeks", () => {
  const planOf = async (sql: string, ...params: unknown[]) => {
    const plan = await env.DB.prepare(`EXPLAIN QUERY PLAN ${sql}`).bind(...params).all<{ detail: string }>();
    return plan.results.map((row) => row.detail).join("\n");
  };

  it("finds an mbox's case variants through the case-insensitive agent_key indexes", async () => {
    const details = await planOf(CASE_VARIANTS_SQL, "s", "mbox:mailto:ann@example.com", 64);
    expect(details).toMatch(/SEARCH agents USING (COVERING )?INDEX agents_store_key_nocase \(store_id=\? AND agent_key=\?\)/);
    expect(details).toMatch(/SEARCH documents USING (COVERING )?INDEX documents_store_agent_nocase \(store_id=\? AND agent_key=\?\)/);
    expect(details).not.toMatch(/SCAN (agents|documents)/);
  });

  it("finds the statements naming the keys by the dictionary and the primary key of index_entries", async () => {
    const details = await planOf(STATEMENTS_NAMING_SQL, "s", 2, JSON.stringify(["a", "b"]), 10);
    expect(details).toMatch(/SEARCH v USING COVERING INDEX index_values_store_kind_value \(store_id=\? AND kind=\? AND value=\?\)/);
    expect(details).toMatch(/SEARCH e USING PRIMARY KEY \(value_id=\?\)/);
    expect(details).toMatch(/SEARCH r USING (COVERING )?INDEX statement_refs_target \(store_id=\? AND target_id=\?\)/);
    expect(details).not.toMatch(/SCAN (v|e|r|t|index_values|index_entries|statement_refs|statements)\b/);
  });

  it.each([
    ["preview of statements and attachments", STATEMENTS_AND_ATTACHMENTS_SQL, ["s", 2, '["a"]', 10]],
    ["preview of documents", DOCUMENTS_SQL, ["s", '["a"]']],
    ["preview of agents", AGENTS_KNOWN_SQL, ["s", '["a"]']],
    ["document sets to erase", DOCUMENT_SETS_SQL, ["s", '["a"]', 20]],
  ] as const)("the %s never scans a table", async (_name, sql, params) => {
    const details = await planOf(sql, ...params);
    expect(details).toMatch(/SEARCH/);
    expect(details).not.toMatch(/SCAN (statements|index_values|index_entries|statement_refs|statement_attachments|documents|agents|v|e|r|t|a|o)\b/);
  });
});
