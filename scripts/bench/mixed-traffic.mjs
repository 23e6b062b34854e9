// Mixed traffic for the load test: statement batches (POST) and single PUTs, queries, reads of own writes, and
// State document writes, from `concurrency` workers until `seconds` pass or `stop()` is called. Everything
// acknowledged or in doubt is written to the ledger (ledger.mjs).
import { randomUUID } from "node:crypto";
import { batchBody } from "./bodies.mjs";
import { call } from "./http.mjs";
import { countStatus, violation } from "./ledger.mjs";
import { counter } from "./ingest.mjs";
import { makeStatement, queryTargets } from "./statements.mjs";

const BATCH_SIZES = [1, 5, 20, 100, 100, 250];
const ACTIVITY = "https://courses.example.edu/course/3/unit/3";
const agentParam = (w) => encodeURIComponent(JSON.stringify({ objectType: "Agent", mbox: `mailto:load-${w}@example.edu` }));
export const docUrl = (run, w) =>
  `/xapi/activities/state?activityId=${encodeURIComponent(ACTIVITY)}&agent=${agentParam(w)}&stateId=${run}-${w}`;

export function mixedTraffic(base, ledger, { concurrency, seconds, run, since }) {
  let stopped = false;
  let crashed = false;
  const stopAt = performance.now() + seconds * 1000;
  ledger.merge.url ??= docUrl(run, "merge");
  const targets = queryTargets(1000);
  const queries = [
    "limit=50",
    `limit=20&agent=${encodeURIComponent(JSON.stringify(targets.agent))}`,
    `limit=20&verb=${encodeURIComponent(targets.verb)}`,
    `limit=20&activity=${encodeURIComponent(targets.course)}&related_activities=true`,
    `limit=20&since=${encodeURIComponent(since)}&ascending=true`,
    "limit=20&format=ids",
  ];

  async function postBatch() {
    const size = BATCH_SIZES[Math.floor(Math.random() * BATCH_SIZES.length)];
    const { ids, body } = batchBody(counter.take(size), size);
    const batch = { ids, state: "doubt", status: undefined };
    ledger.batches.push(batch);
    const r = await call(base, "/xapi/statements", { method: "POST", json: body });
    batch.status = r.status;
    batch.state = r.status === 200 ? "acked" : "refused";
    countStatus(ledger, "POST statements", r.status);
    if (r.status !== 200) violation(ledger, `POST of ${size} valid statements answered ${r.status} ${r.text.slice(0, 160)}`);
    else if (JSON.stringify(JSON.parse(r.text)) !== JSON.stringify(ids)) violation(ledger, "POST returned other ids than sent");
  }

  async function putStatement() {
    const id = randomUUID();
    const batch = { ids: [id], state: "doubt", status: undefined };
    ledger.batches.push(batch);
    const r = await call(base, `/xapi/statements?statementId=${id}`, {
      method: "PUT",
      json: makeStatement(counter.take(1), { id }),
    });
    batch.status = r.status;
    batch.state = r.status === 204 ? "acked" : "refused";
    countStatus(ledger, "PUT statement", r.status);
    if (r.status !== 204) violation(ledger, `PUT of a valid statement answered ${r.status} ${r.text.slice(0, 160)}`);
  }

  async function readBack() {
    const acked = ledger.batches.findLast?.((b) => b.state === "acked");
    if (!acked) return;
    const r = await call(base, `/xapi/statements?statementId=${acked.ids[0]}`);
    countStatus(ledger, "GET statement", r.status);
    if (r.status !== 200 && !crashed) violation(ledger, `acknowledged statement ${acked.ids[0]} read back as ${r.status}`);
  }

  async function query() {
    const r = await call(base, `/xapi/statements?${queries[Math.floor(Math.random() * queries.length)]}`);
    countStatus(ledger, "GET statements", r.status);
    if (r.status !== 200) violation(ledger, `query answered ${r.status} ${r.text.slice(0, 160)}`);
  }

  async function writeOwnDocument(w, n) {
    const url = docUrl(run, w);
    const doc = ledger.docs.get(url) ?? { acked: undefined, doubt: [], etag: undefined };
    ledger.docs.set(url, doc);
    if (doc.acked !== undefined && !doc.etag) {
      const read = await call(base, url);
      countStatus(ledger, "GET state", read.status);
      if (read.status !== 200 || read.text !== doc.acked) {
        violation(ledger, `document ${url} read ${read.status} ${read.text.slice(0, 80)} instead of its last write`);
      }
      doc.etag = read.headers.get("etag") ?? undefined;
    }
    const value = JSON.stringify({ worker: w, write: n, at: Date.now(), pad: "p".repeat(n % 300) });
    doc.doubt.push(value);
    const headers = doc.acked === undefined ? { "If-None-Match": "*" } : { "If-Match": doc.etag ?? "*" };
    const r = await call(base, url, { method: "PUT", json: value, headers });
    countStatus(ledger, "PUT state", r.status);
    doc.etag = undefined;
    if (r.status === 204) {
      doc.acked = value;
      doc.doubt = [];
    } else {
      doc.doubt = doc.doubt.filter((v) => v !== value);
      violation(ledger, `PUT ${url} answered ${r.status} ${r.text.slice(0, 160)}`);
    }
  }

  async function merge(w, n) {
    const key = `w${w}n${n}`;
    ledger.merge.doubt.add(key);
    const r = await call(base, ledger.merge.url, { method: "POST", json: { [key]: n } });
    countStatus(ledger, "POST state merge", r.status);
    ledger.merge.doubt.delete(key);
    if (r.status === 204) ledger.merge.acked.add(key);
    else violation(ledger, `POST merge answered ${r.status} ${r.text.slice(0, 160)}`);
  }

  async function worker(w) {
    for (let n = 0; !stopped && performance.now() < stopAt; n++) {
      const roll = Math.random();
      try {
        if (roll < 0.4) await postBatch();
        else if (roll < 0.5) await putStatement();
        else if (roll < 0.6) await readBack();
        else if (roll < 0.78) await query();
        else if (roll < 0.93) await writeOwnDocument(w, n);
        else await merge(w, n);
      } catch (error) {
        // No answer: expected only once the LRS has been killed; the write stays "in doubt".
        countStatus(ledger, "no answer", String(error?.cause?.code ?? error?.name ?? error));
        if (!crashed) violation(ledger, `request failed without an answer: ${error?.cause ?? error}`);
        if (crashed) return;
      }
    }
  }

  const done = Promise.all(Array.from({ length: concurrency }, (_, w) => worker(w)));
  return {
    done,
    stop() {
      stopped = true;
    },
    markCrashed() {
      crashed = true;
      stopped = true;
    },
  };
}
