// The load test's forwarding pass (issue 15): a webhook forwarder delivers to a loopback receiver (which checks
// every signature) while statements are POSTed at full speed; the LRS process tree is SIGKILLed mid-delivery and
// restarted on the same state folder. Every acknowledged statement must arrive; repeats are allowed (at least
// once) but only of statements that were sent; first arrivals come in stored order. Own LRS and fresh state.
import { createHmac, randomUUID } from "node:crypto";
import { createServer } from "node:http";
import { call } from "../bench/http.mjs";
import { freshStateDir, removeStateDir, sleep, startLrs } from "../bench/lrs-process.mjs";

function startReceiver() {
  const state = { secret: "", deliveries: 0, badSignatures: 0, firstArrival: new Map(), arrivals: 0, order: [] };
  const server = createServer((request, response) => {
    const chunks = [];
    request.on("data", (c) => chunks.push(c));
    request.on("end", () => {
      const raw = Buffer.concat(chunks).toString("utf8");
      const expected = `sha256=${createHmac("sha256", state.secret).update(raw).digest("hex")}`;
      if (request.headers["x-lrs-signature"] !== expected) state.badSignatures++;
      state.deliveries++;
      for (const s of JSON.parse(raw).statements) {
        state.arrivals++;
        if (!state.firstArrival.has(s.id)) {
          state.firstArrival.set(s.id, Date.parse(s.stored));
          state.order.push(Date.parse(s.stored));
        }
      }
      // A little slower than instant, so the kill finds deliveries in flight.
      setTimeout(() => response.writeHead(200).end("ok"), 20);
    });
  });
  return new Promise((done) => server.listen(0, "127.0.0.1", () => done({ state, port: server.address().port, close: () => new Promise((c) => server.close(c)) })));
}

const statement = (run, n) => ({
  id: randomUUID(),
  actor: { mbox: `mailto:fwd-${run}-${n % 50}@example.edu` },
  verb: { id: "http://adlnet.gov/expapi/verbs/experienced" },
  object: { id: `https://example.edu/forwarding/${n % 200}` },
});

async function admin(base, token, path, json) {
  const response = await fetch(`${base}/admin${path}`, {
    method: json === undefined ? "GET" : "POST",
    headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
    body: json === undefined ? undefined : JSON.stringify(json),
  });
  const body = await response.json();
  if (!response.ok) throw new Error(`admin ${path}: ${response.status} ${JSON.stringify(body)}`);
  return body;
}

/** Runs the pass; returns figures and pushes any violation onto `violations`. */
export async function forwardingAcrossCrash({ port, log, violations, seconds = 12, concurrency = 8, batch = 20 }) {
  const receiver = await startReceiver();
  const stateDir = freshStateDir("edge-lrs-load-forwarding");
  const token = `load-forward-${randomUUID()}`;
  const env = { LRS_ADMIN_TOKEN: token, LRS_FORWARD_ALLOW_HTTP: "1" };
  const run = Date.now().toString(36);
  const acknowledged = new Set();
  const sent = new Set();
  let lrs;
  let n = 0;
  let crashed = false;
  try {
    lrs = await startLrs({ port, stateDir, env });
    const created = await admin(lrs.base, token, "/stores/default/forwarders", {
      kind: "webhook",
      url: `http://127.0.0.1:${receiver.port}/hook`,
      batchSize: 50,
    });
    receiver.state.secret = created.secret;
    const stopAt = Date.now() + seconds * 1000;
    const worker = async () => {
      while (Date.now() < stopAt && !crashed) {
        const statements = Array.from({ length: batch }, () => statement(run, n++));
        for (const s of statements) sent.add(s.id);
        try {
          const r = await call(lrs.base, "/xapi/statements", { method: "POST", json: statements, timeoutMs: 30_000 });
          if (r.status === 200) for (const s of statements) acknowledged.add(s.id);
        } catch {
          // In flight at the kill: neither acknowledged nor required.
        }
      }
    };
    const workers = Array.from({ length: concurrency }, worker);
    // The kill: once deliveries are flowing, halfway through.
    await sleep((seconds / 2) * 1000);
    const deliveriesAtKill = receiver.state.deliveries;
    crashed = true;
    await lrs.stop("SIGKILL");
    await Promise.all(workers);
    log(`forwarding pass: SIGKILL with ${acknowledged.size} statements acknowledged, ${receiver.state.firstArrival.size} arrived (${deliveriesAtKill} deliveries); restarting`);
    lrs = await startLrs({ port, stateDir, env });
    // Statements after the restart (their wake also restarts a forwarder whose alarm the kill lost).
    for (let i = 0; i < 3; i++) {
      const statements = Array.from({ length: batch }, () => statement(run, n++));
      for (const s of statements) sent.add(s.id);
      const r = await call(lrs.base, "/xapi/statements", { method: "POST", json: statements });
      if (r.status === 200) for (const s of statements) acknowledged.add(s.id);
      else violations.push(`forwarding pass: POST after restart answered ${r.status}`);
    }
    const deadline = Date.now() + 180_000;
    const missing = () => [...acknowledged].filter((id) => !receiver.state.firstArrival.has(id));
    while (missing().length > 0 && Date.now() < deadline) await sleep(250);
    const shown = await admin(lrs.base, token, `/stores/default/forwarders/${created.id}`);
    const lost = missing();
    const strangers = [...receiver.state.firstArrival.keys()].filter((id) => !sent.has(id));
    const outOfOrder = receiver.state.order.filter((stored, i) => i > 0 && stored < receiver.state.order[i - 1]).length;
    if (lost.length) violations.push(`forwarding pass: ${lost.length} acknowledged statements never arrived, e.g. ${lost[0]} (forwarder ${JSON.stringify(shown)})`);
    if (strangers.length) violations.push(`forwarding pass: ${strangers.length} statements arrived that were never sent`);
    if (receiver.state.badSignatures) violations.push(`forwarding pass: ${receiver.state.badSignatures} deliveries with a bad signature`);
    if (outOfOrder) violations.push(`forwarding pass: ${outOfOrder} first arrivals out of stored order`);
    return {
      forwarding: {
        acknowledged: acknowledged.size,
        arrived: receiver.state.firstArrival.size,
        repeats: receiver.state.arrivals - receiver.state.firstArrival.size,
        deliveries: receiver.state.deliveries,
        lost: lost.length,
        outOfOrder,
        state: shown.state,
        lag: shown.lag,
      },
    };
  } finally {
    if (lrs) await lrs.stop();
    await receiver.close();
    removeStateDir(stateDir);
  }
}

// Standalone: `node scripts/load/forwarding-across-crash.mjs [port]`.
if (import.meta.url === `file://${process.argv[1]}`) {
  const violations = [];
  const figures = await forwardingAcrossCrash({ port: Number(process.argv[2] ?? 8852), log: console.log, violations });
  console.log(JSON.stringify(figures), violations);
  process.exit(violations.length ? 1 : 0);
}
