// D1 round trips per request (issue 16): each is 100-300 ms for a learner far from the D1 primary. Counted by the
// bench entry's binding wrapper (src/bench/d1-meter.ts, X-Bench-D1-Calls: a batch is one), on requests whose
// credential the isolate has just cached (src/auth/credential-cache.ts): the steady state of a client. The cache
// re-reads a credential once every 5 s per isolate, one more round trip on that request: hence the median.
import { call } from "./http.mjs";

export const ROUND_TRIP_GOALS = { postStatements: 1, getStatementById: 1, queryPage: 2, getDocument: 1 };

const REPEATS = 5;
const AGENT = { objectType: "Agent", mbox: "mailto:bench-round-trips@example.edu" };
const VERB = "http://adlnet.gov/expapi/verbs/experienced";

function statement(n) {
  return {
    id: crypto.randomUUID(),
    actor: AGENT,
    verb: { id: VERB },
    object: { id: `https://courses.example.edu/round-trips/${n}` },
  };
}

/** Round trips of one request; throws on an unexpected status, so a broken path is never reported as cheap. */
async function callsOf(base, path, init, expected) {
  const r = await call(base, path, init);
  if (r.status !== expected) throw new Error(`round trips: ${init?.method ?? "GET"} ${path}: ${r.status} ${r.text.slice(0, 200)}`);
  const calls = r.headers.get("x-bench-d1-calls");
  if (calls === null) throw new Error("round trips: no X-Bench-D1-Calls header (is this the bench entry?)");
  return { calls: Number(calls), text: r.text };
}

/** The median round trips of REPEATS requests of each kind; a query page: its costliest shape. */
export async function roundTrips(base) {
  const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
  const worst = (values) => Math.max(...values);
  // The credential's first request reads it from D1 (and, in a fresh isolate, writes the bootstrap credential).
  await callsOf(base, "/xapi/statements?limit=1", {}, 200);
  const agent = encodeURIComponent(JSON.stringify(AGENT));
  const ids = [];
  const post = [];
  for (let n = 0; n < REPEATS; n++) {
    const batch = [statement(2 * n), statement(2 * n + 1)];
    post.push((await callsOf(base, "/xapi/statements", { method: "POST", json: batch }, 200)).calls);
    ids.push(batch[0].id);
  }
  const byId = [];
  for (const id of ids) byId.push((await callsOf(base, `/xapi/statements?statementId=${id}`, {}, 200)).calls);
  const shapes = {
    "no filter": "/xapi/statements?limit=100",
    "one filter (agent)": `/xapi/statements?agent=${agent}&limit=100`,
    "two filters (agent, verb)": `/xapi/statements?agent=${agent}&verb=${encodeURIComponent(VERB)}&limit=100`,
    "next page (more)": undefined,
  };
  const first = await callsOf(base, "/xapi/statements?limit=2", {}, 200);
  shapes["next page (more)"] = JSON.parse(first.text).more;
  const queryShapes = {};
  for (const [shape, path] of Object.entries(shapes)) {
    const calls = [];
    for (let n = 0; n < REPEATS; n++) calls.push((await callsOf(base, path, {}, 200)).calls);
    queryShapes[shape] = median(calls);
  }
  const doc = `/xapi/activities/state?activityId=${encodeURIComponent("https://courses.example.edu/round-trips")}&agent=${agent}&stateId=bookmark-${crypto.randomUUID()}`;
  await callsOf(base, doc, { method: "PUT", json: { page: 3 } }, 204);
  const getDoc = [];
  for (let n = 0; n < REPEATS; n++) getDoc.push((await callsOf(base, doc, {}, 200)).calls);
  return {
    postStatements: median(post),
    getStatementById: median(byId),
    queryPage: worst(Object.values(queryShapes)),
    getDocument: median(getDoc),
    queryShapes,
    repeats: REPEATS,
  };
}

/** The goal's verdict: every kind within its count. */
export function roundTripsMet(measured) {
  return Object.entries(ROUND_TRIP_GOALS).every(([kind, most]) => measured[kind] <= most);
}
