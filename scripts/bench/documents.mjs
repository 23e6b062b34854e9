// State document rates: many documents in parallel (PUT create, GET, POST merge) and one hot document
// (If-Match read-modify-write races, and concurrent POST merges where no merged property may be lost).
import { call, closedLoop } from "./http.mjs";

const ACTIVITY = "https://courses.example.edu/course/1/unit/1";
const AGENT = encodeURIComponent(JSON.stringify({ objectType: "Agent", mbox: "mailto:bench-docs@example.edu" }));
const stateUrl = (stateId) =>
  `/xapi/activities/state?activityId=${encodeURIComponent(ACTIVITY)}&agent=${AGENT}&stateId=${encodeURIComponent(stateId)}`;

const summarize = (name, r) => ({ operation: name, ...r });

export async function documentPhase(base, { concurrency, seconds }) {
  const run = `r${Date.now().toString(36)}`;
  const out = [];
  let created = 0;

  out.push(
    summarize(
      "PUT new document (If-None-Match: *)",
      await closedLoop({
        concurrency,
        seconds,
        async task(n) {
          const r = await call(base, stateUrl(`${run}-${n}`), {
            method: "PUT",
            json: { bookmark: `page-${n}`, suspend: "x".repeat(200), n },
            headers: { "If-None-Match": "*" },
          });
          if (r.status === 204) created = Math.max(created, n + 1);
          return { ok: r.status === 204, ms: r.ms, status: r.status, error: `${r.status} ${r.text.slice(0, 160)}` };
        },
      }),
    ),
  );
  const known = Math.max(1, created);
  out.push(
    summarize(
      "GET document",
      await closedLoop({
        concurrency,
        seconds,
        async task(n) {
          const r = await call(base, stateUrl(`${run}-${n % known}`));
          return { ok: r.status === 200, ms: r.ms, status: r.status, error: `${r.status} ${r.text.slice(0, 160)}` };
        },
      }),
    ),
  );
  out.push(
    summarize(
      "POST merge into existing document",
      await closedLoop({
        concurrency,
        seconds,
        async task(n) {
          const r = await call(base, stateUrl(`${run}-${n % known}`), { method: "POST", json: { [`k${n}`]: n } });
          return { ok: r.status === 204, ms: r.ms, status: r.status, error: `${r.status} ${r.text.slice(0, 160)}` };
        },
      }),
    ),
  );

  // One hot document: every writer reads the ETag and writes with If-Match; exactly the writers whose ETag was
  // still current win, the others get 412 (expected, not an error).
  const hot = stateUrl(`${run}-hot`);
  await call(base, hot, { method: "PUT", json: { counter: 0 }, headers: { "If-None-Match": "*" } });
  let won = 0;
  let lost = 0;
  const ifMatch = await closedLoop({
    concurrency,
    seconds,
    async task() {
      const read = await call(base, hot);
      const etag = read.headers.get("etag");
      if (read.status !== 200 || !etag) return { ok: false, ms: read.ms, status: read.status, error: `GET ${read.status}` };
      const value = JSON.parse(read.text);
      const write = await call(base, hot, { method: "PUT", json: { counter: (value.counter ?? 0) + 1 }, headers: { "If-Match": etag } });
      if (write.status === 204) won++;
      else if (write.status === 412) lost++;
      const ok = write.status === 204 || write.status === 412;
      return { ok, ms: read.ms + write.ms, status: write.status, error: `PUT ${write.status} ${write.text.slice(0, 160)}` };
    },
  });
  const final = await call(base, hot);
  const counter = final.status === 200 ? JSON.parse(final.text).counter : undefined;
  out.push(
    summarize("hot document: GET + PUT If-Match", {
      ...ifMatch,
      writesWon: won,
      preconditionFailed: lost,
      writesPerSecond: Math.round(won / ifMatch.seconds),
      // every won write incremented the counter exactly once: a lost update would show as counter < won
      counterMatchesWins: counter === won,
    }),
  );

  const merged = stateUrl(`${run}-hot-merge`);
  const mergeLoop = await closedLoop({
    concurrency,
    seconds,
    async task(n) {
      const r = await call(base, merged, { method: "POST", json: { [`w${n}`]: n } });
      return { ok: r.status === 204, ms: r.ms, status: r.status, error: `${r.status} ${r.text.slice(0, 160)}` };
    },
  });
  const after = await call(base, merged);
  const keys = after.status === 200 ? Object.keys(JSON.parse(after.text)).length : 0;
  out.push(summarize("hot document: concurrent POST merge", { ...mergeLoop, mergedKeys: keys, noMergeLost: keys === mergeLoop.ok }));
  return out;
}
