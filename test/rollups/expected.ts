// Rollup counts computed directly from the statements table, in JS (a second, independent definition of the
// keys: agentKey() from src/xapi/agents/identifier.ts, the score bucket by Math.floor), to compare with
// rollup_counts, whose integer keys decodedRows() turns back into text here (independently of src/statement-store/rollups/read.ts).
import { env } from "cloudflare:workers";
import { agentKey } from "../../src/xapi/agents/identifier";

type Json = Record<string, any>;
export type Counts = Record<string, number>;

const key = (dimension: string, day: string, value: string) => `${dimension}|${day}|${value.replace(/\n/g, "⏎")}`;

function scaledOf(statement: Json): number | undefined {
  const score = statement.result?.score;
  if (!score) return undefined;
  if (typeof score.scaled === "number") return score.scaled;
  const { raw, min, max } = score;
  if ([raw, min, max].every((n) => typeof n === "number") && max > min) return ((raw - min) * 1.0) / (max - min);
  return undefined;
}

export function keysOf(statement: Json, voiding: boolean): [string, string][] {
  const keys: [string, string][] = [["total", ""], ["verb", statement.verb.id]];
  if (voiding) return keys;
  const object = statement.object;
  const activity = (object.objectType ?? "Activity") === "Activity" ? (object.id as string) : undefined;
  const learner = agentKey(statement.actor);
  const scaled = scaledOf(statement);
  const bucket = scaled === undefined ? undefined : String(Math.min(9, Math.floor(Math.max(0, scaled) * 10)));
  const outcomes: string[] = [];
  const { completion, success } = statement.result ?? {};
  if (typeof completion === "boolean") outcomes.push(completion ? "completed" : "incomplete");
  if (typeof success === "boolean") outcomes.push(success ? "passed" : "failed");
  if (activity) keys.push(["activity", activity]);
  if (learner) keys.push(["learner", learner]);
  if (activity && learner) {
    keys.push(["activity_learner", `${activity}\n${learner}`], ["learner_activity", `${learner}\n${activity}`]);
  }
  if (bucket !== undefined) {
    keys.push(["score", bucket]);
    if (activity) keys.push(["activity_score", `${activity}\n${bucket}`]);
  }
  for (const outcome of outcomes) {
    keys.push(["completion", outcome]);
    if (activity) keys.push(["activity_completion", `${activity}\n${outcome}`]);
  }
  return keys;
}

/** Expected counts of one store: every statement that is not voided, on the UTC day (total: and hour) of its stored_ms. */
export async function expectedCounts(storeId: string): Promise<Counts> {
  const { results } = await env.DB.prepare(
    "SELECT stored_ms, voided, voids_id, statement FROM statements WHERE store_id = ?",
  )
    .bind(storeId)
    .all<{ stored_ms: number; voided: number; voids_id: string | null; statement: string }>();
  const counts: Counts = {};
  for (const row of results) {
    if (row.voided) continue;
    const day = new Date(row.stored_ms).toISOString().slice(0, 10);
    const hour = new Date(row.stored_ms).toISOString().slice(11, 13);
    for (const [dimension, value] of keysOf(JSON.parse(row.statement), row.voids_id !== null)) {
      const k = key(dimension, day, dimension === "total" ? hour : value);
      counts[k] = (counts[k] ?? 0) + 1;
    }
  }
  return counts;
}

/** Dimension names by stored code, and which parts are dictionary ids (the others are codes). */
const DIMENSIONS: [string, "id" | "hour" | "code" | "outcome", "id" | "code" | "outcome" | "none"][] = [
  ["total", "hour", "none"],
  ["verb", "id", "none"],
  ["activity", "id", "none"],
  ["learner", "id", "none"],
  ["activity_learner", "id", "id"],
  ["learner_activity", "id", "id"],
  ["activity_score", "id", "code"],
  ["score", "code", "none"],
  ["activity_completion", "id", "outcome"],
  ["completion", "outcome", "none"],
];
const OUTCOMES = ["completed", "incomplete", "passed", "failed"];

export type DecodedRow = { dimension: string; day: string; value: string; count: number };

/**
 * rollup_counts of one store as text keys: dictionary ids resolved through index_values ("#missing:<id>" when the
 * id names nothing any more: a dangling row), codes spelled out, composite values joined by "\n".
 */
export async function decodedRows(storeId: string): Promise<DecodedRow[]> {
  const { results } = await env.DB.prepare(
    `SELECT r.dimension, r.day, r.a, r.b, r.count, va.value AS a_text, vb.value AS b_text FROM rollup_counts r
     LEFT JOIN index_values va ON va.id = r.a AND va.store_id = r.store_id
     LEFT JOIN index_values vb ON vb.id = r.b AND vb.store_id = r.store_id
     WHERE r.store_id = ?`,
  )
    .bind(storeId)
    .all<{ dimension: number; day: number; a: number; b: number; count: number; a_text: string | null; b_text: string | null }>();
  const text = (kind: string, id: number, resolved: string | null) =>
    kind === "id" ? (resolved ?? `#missing:${id}`) : kind === "hour" ? String(id).padStart(2, "0") : kind === "outcome" ? OUTCOMES[id - 1]! : String(id);
  return results.map((r) => {
    const [dimension, aKind, bKind] = DIMENSIONS[r.dimension]!;
    const a = text(aKind, r.a, r.a_text);
    const value = bKind === "none" ? a : `${a}\n${text(bKind, r.b, r.b_text)}`;
    return { dimension, day: new Date(r.day * 86_400_000).toISOString().slice(0, 10), value, count: r.count };
  });
}

/** rollup_counts of one store, rows at 0 left out. */
export async function actualCounts(storeId: string): Promise<Counts> {
  const rows = await decodedRows(storeId);
  return Object.fromEntries(rows.filter((r) => r.count !== 0).map((r) => [key(r.dimension, r.day, r.value), r.count]));
}

/** Rollup rows of the store whose decoded value holds `text` (case-insensitively when `lower`). */
export async function rollupRowsNaming(storeId: string, text: string, lower = false): Promise<number> {
  const rows = await decodedRows(storeId);
  return rows.filter((r) => (lower ? r.value.toLowerCase() : r.value).includes(text)).length;
}

export async function testStoreId(): Promise<string> {
  const row = await env.DB.prepare("SELECT store_id FROM credentials WHERE key = 'test-key'").first<{
    store_id: string;
  }>();
  return row!.store_id;
}
