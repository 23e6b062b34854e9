// The previous release's storage of statements already written through the API (new index), for upgrade tests:
// statement_index rows with usage text, a StatementRef's referrer carrying copies of its target's rows, and
// statement_refs keyed by target, in the legacy_* tables migration 0010 leaves.
import { env } from "cloudflare:workers";
import { ROLE, VALUE_KIND } from "../../src/statement-store/statement-index";

const { direct: D, mentioned: M, authority: A } = ROLE;

export type Entry = { kind: number; value: string; seq: number; roles: number };
export type Ref = { seq: number; target_id: string };

/**
 * The rows the previous release wrote for these statements: from each row of the new index its old kinds
 * (direct agent/activity -> `agent`/`activity` and `related_*`; authority -> `related_agent` 'authority'), and
 * onto each StatementRef's referrer, copies of its target's rows (usage 'statementref', merged with its own).
 */
export function oldLayout(entries: Entry[], refs: Ref[], seqOf: Map<string, number>) {
  const own = new Map<number, Map<string, string[]>>();
  const add = (seq: number, kind: string, value: string, usage: string) => {
    const bySeq = own.get(seq) ?? own.set(seq, new Map()).get(seq)!;
    const key = `${kind}\n${value}`;
    const usages = bySeq.get(key) ?? bySeq.set(key, []).get(key)!;
    if (!usages.includes(usage)) usages.push(usage);
  };
  for (const { kind, value, seq, roles } of entries) {
    if (kind === VALUE_KIND.agent) {
      if (roles & D) add(seq, "agent", value, "actor");
      if (roles & M) add(seq, "related_agent", value, roles & D ? "actor" : "context.instructor");
      if (roles & A) add(seq, "related_agent", value, "authority");
    } else if (kind === VALUE_KIND.activity) {
      if (roles & D) add(seq, "activity", value, "object");
      add(seq, "related_activity", value, roles & D ? "object" : "context.contextActivities.parent");
    } else add(seq, kind === VALUE_KIND.verb ? "verb" : "registration", value, kind === VALUE_KIND.verb ? "verb" : "context.registration");
  }
  // Copies follow the chain (a -> b -> c), as the previous release propagated them.
  const targetOf = new Map(refs.map((r) => [r.seq, seqOf.get(r.target_id)]));
  const legacy: [string, string, number, string][] = [];
  for (const seq of new Set(entries.map((e) => e.seq))) {
    const rowsOf = new Map([...own.get(seq)!].map(([key, usages]) => [key, [...usages]]));
    const seen = new Set([seq]);
    for (let t = targetOf.get(seq); t !== undefined && !seen.has(t); t = targetOf.get(t)) {
      seen.add(t);
      for (const key of own.get(t)?.keys() ?? []) {
        const usages = rowsOf.get(key) ?? rowsOf.set(key, []).get(key)!;
        if (!usages.includes("statementref")) usages.push("statementref");
      }
    }
    for (const [key, usages] of rowsOf) {
      const [kind, value] = key.split("\n") as [string, string];
      legacy.push([kind, value, seq, usages.join(",")]);
    }
  }
  return legacy;
}

/** Moves `storeId`'s index and StatementRef rows back to the previous release's layout; the legacy rows written. */
export async function toOldLayout(storeId: string): Promise<number> {
  const db = env.DB;
  const entries = (
    await db
      .prepare(`SELECT v.kind AS kind, v.value AS value, e.seq AS seq, e.roles AS roles
        FROM index_entries e JOIN index_values v ON v.id = e.value_id WHERE v.store_id = ? ORDER BY e.seq, v.kind, v.value`)
      .bind(storeId)
      .all<Entry>()
  ).results;
  const refs = (await db.prepare("SELECT seq, target_id FROM statement_refs WHERE store_id = ?").bind(storeId).all<Ref>()).results;
  const ids = (await db.prepare("SELECT id, seq FROM statements WHERE store_id = ?").bind(storeId).all<{ id: string; seq: number }>()).results;
  const legacy = oldLayout(entries, refs, new Map(ids.map((r) => [r.id, r.seq])));
  await db.batch([
    db.prepare("DELETE FROM index_entries WHERE value_id IN (SELECT id FROM index_values WHERE store_id = ?)").bind(storeId),
    db.prepare("DELETE FROM index_values WHERE store_id = ?").bind(storeId),
    db.prepare("DELETE FROM statement_refs WHERE store_id = ?").bind(storeId),
    db
      .prepare(`INSERT INTO legacy_statement_index (store_id, kind, value, seq, usage)
        SELECT ?1, value ->> 0, value ->> 1, value ->> 2, value ->> 3 FROM json_each(?2)`)
      .bind(storeId, JSON.stringify(legacy)),
    db
      .prepare("INSERT INTO legacy_statement_refs (store_id, target_id, seq) SELECT ?1, value ->> 1, value ->> 0 FROM json_each(?2)")
      .bind(storeId, JSON.stringify(refs.map((r) => [r.seq, r.target_id]))),
  ]);
  return legacy.length;
}
