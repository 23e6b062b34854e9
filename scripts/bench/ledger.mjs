// What the load test sent and what the LRS acknowledged, and the checks run against the store afterwards.
// A statement batch is acknowledged by a 200/204; one whose request failed without an answer (the crash) is
// "in doubt": after the restart it must be entirely present or entirely absent, never half-written.
import { call } from "./http.mjs";

export function newLedger() {
  return {
    batches: [], // {ids, state: "acked" | "doubt" | "refused", status}
    docs: new Map(), // url → {acked: value | undefined, doubt: [values]}
    merge: { url: undefined, acked: new Set(), doubt: new Set() },
    status: new Map(), // "op status" → count
    violations: [],
    requests: 0,
  };
}

export function countStatus(ledger, op, status) {
  const key = `${op} ${status}`;
  ledger.status.set(key, (ledger.status.get(key) ?? 0) + 1);
  ledger.requests++;
  if (typeof status === "number" && status >= 500) {
    if (ledger.violations.length < 200) ledger.violations.push(`${op} answered ${status}`);
    else ledger.violations.length++;
  }
}

export function violation(ledger, message) {
  if (ledger.violations.length < 200) ledger.violations.push(message);
  else ledger.violations.length++;
}

/** Every statement id in the store, by paging GET /statements?format=ids to the end. */
export async function allStoredIds(base) {
  const ids = new Set();
  let path = "/xapi/statements?format=ids&ascending=true&limit=500";
  let pages = 0;
  while (path) {
    const r = await call(base, path);
    if (r.status !== 200) throw new Error(`paging the store failed at page ${pages}: ${r.status} ${r.text.slice(0, 200)}`);
    const page = JSON.parse(r.text);
    for (const s of page.statements) ids.add(s.id);
    path = page.more || "";
    pages++;
    if (pages > 100_000) throw new Error("paging did not end");
  }
  return ids;
}

/** Checks statements: every acknowledged id present, every batch all-or-nothing. Returns figures. */
export async function verifyStatements(base, ledger) {
  const stored = await allStoredIds(base);
  let acked = 0;
  let lost = 0;
  let halfWritten = 0;
  let doubtPresent = 0;
  let doubtAbsent = 0;
  const missing = [];
  for (const batch of ledger.batches) {
    const present = batch.ids.filter((id) => stored.has(id)).length;
    if (batch.state === "acked") {
      acked += batch.ids.length;
      if (present < batch.ids.length) missing.push(...batch.ids.filter((id) => !stored.has(id)));
    } else if (present !== 0 && present !== batch.ids.length) {
      halfWritten++;
      violation(ledger, `batch of ${batch.ids.length} (${batch.state}, status ${batch.status}) half-written: ${present} present`);
    } else if (batch.state === "doubt") {
      if (present) doubtPresent++;
      else doubtAbsent++;
    }
    if (batch.state === "refused" && present) violation(ledger, `a refused batch (status ${batch.status}) was stored`);
  }
  // Paging could miss what a direct read finds (a query bug, not a loss): ask for each missing id directly.
  for (const id of missing) {
    const r = await call(base, `/xapi/statements?statementId=${id}`);
    if (r.status === 200) violation(ledger, `statement ${id} is stored but paging the store did not return it`);
    else {
      lost++;
      violation(ledger, `acknowledged statement ${id} lost (GET answered ${r.status})`);
    }
  }
  return { storedStatements: stored.size, acknowledgedStatements: acked, lost, halfWritten, doubtPresent, doubtAbsent };
}

/** Checks documents: each holds its last acknowledged value (or a later write in doubt); merges keep every key. */
export async function verifyDocuments(base, ledger) {
  let checked = 0;
  let lost = 0;
  for (const [url, doc] of ledger.docs) {
    if (doc.acked === undefined && doc.doubt.length === 0) continue;
    checked++;
    const r = await call(base, url);
    const value = r.status === 200 ? r.text : undefined;
    const allowed = [doc.acked, ...doc.doubt].filter((v) => v !== undefined);
    if (value === undefined ? doc.acked !== undefined : !allowed.includes(value)) {
      lost++;
      violation(ledger, `document ${url} holds ${value === undefined ? `nothing (${r.status})` : value.slice(0, 80)}, expected ${String(doc.acked).slice(0, 80)}`);
    }
  }
  let mergeLost = 0;
  if (ledger.merge.url) {
    const r = await call(base, ledger.merge.url);
    const keys = r.status === 200 ? new Set(Object.keys(JSON.parse(r.text))) : new Set();
    for (const key of ledger.merge.acked) {
      if (!keys.has(key)) mergeLost++;
    }
    if (mergeLost) violation(ledger, `${mergeLost} acknowledged POST-merge keys missing from ${ledger.merge.url}`);
  }
  return { documentsChecked: checked, documentsLost: lost, mergeKeysAcked: ledger.merge.acked.size, mergeKeysLost: mergeLost };
}
