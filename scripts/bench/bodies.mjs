// Request bodies for statement batches, built cheaply: the JSON of statement `i` (all but its id) is made once
// and cached, and each batch splices fresh UUIDs in. The load generator shares 2 cores with the LRS, so the
// client must spend as little CPU per statement as possible.
import { randomUUID } from "node:crypto";
import { makeStatement } from "./statements.mjs";

const CACHE_SIZE = 20_000;
const cache = new Map();

function tailOf(i, exact) {
  if (exact) {
    const json = JSON.stringify(makeStatement(i, { id: "x" }));
    return json.slice(json.indexOf(",") + 1);
  }
  const key = i % CACHE_SIZE;
  let tail = cache.get(key);
  if (tail === undefined) {
    const json = JSON.stringify(makeStatement(i, { id: "x" }));
    tail = json.slice(json.indexOf(",") + 1); // everything after {"id":"x",
    cache.set(key, tail);
  }
  return tail;
}

/**
 * A JSON array body of `count` statements numbered from `from`, with fresh ids (returned too). Unless `exact`,
 * statement i has the content of statement i % 20,000 (cheap, for ingest); `exact` makes it makeStatement(i),
 * which the query phase needs so that its filter targets have the selectivity the generator intends.
 */
export function batchBody(from, count, exact = false) {
  const ids = new Array(count);
  const parts = new Array(count);
  for (let k = 0; k < count; k++) {
    ids[k] = randomUUID();
    parts[k] = `{"id":"${ids[k]}",${tailOf(from + k, exact)}`;
  }
  return { ids, body: `[${parts.join(",")}]` };
}
