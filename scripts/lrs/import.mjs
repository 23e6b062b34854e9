// `lrs import <file>`: statements from NDJSON (one statement per line) or a JSON array, POSTed in batches.
// Resumable: `<file>.import-state` records the last line handled, and statement ids make a re-POST of the same
// statement a no-op (1.0.3 Communication 2.1.2), so a re-run after a crash imports nothing twice. A statement
// without an id gets one derived from its line number and text (UUID v5), for the same reason. A batch the LRS
// refuses (400/409/413) is split in halves until the bad statements are alone; they go to
// `<file>.rejected.ndjson` with the LRS's reason, and the good ones are stored.
import { createHash } from "node:crypto";
import { appendFileSync, closeSync, existsSync, openSync, readFileSync, readSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createReadStream } from "node:fs";
import { resolve } from "node:path";
import { createInterface } from "node:readline";
import { describeError, HttpError } from "./client.mjs";
import { createProgress } from "./progress.mjs";

const SPLIT_STATUSES = new Set([400, 409, 413]);
const ID_NAMESPACE = "6f1b4f0e-3c1e-4d6a-9a57-2f0c1d3e5b7a";

export async function importStatements(client, file, { batchSize = 500, restart = false } = {}) {
  const path = resolve(file);
  const statePath = `${path}.import-state`;
  const rejectedPath = `${path}.rejected.ndjson`;
  const size = statSync(path).size;
  if (restart) {
    rmSync(statePath, { force: true });
    rmSync(rejectedPath, { force: true });
  }
  const state = existsSync(statePath)
    ? JSON.parse(readFileSync(statePath, "utf8"))
    : { file: path, position: 0, accepted: 0, rejected: 0, generatedIds: 0 };
  if (state.size > size) throw new Error(`${file} is shorter than when it was imported before; use --restart`);
  if (state.position > 0) process.stderr.write(`resuming ${file} after item ${state.position}\n`);

  const progress = createProgress("import");
  const show = (fraction) =>
    progress.update(fraction, `${state.accepted} accepted, ${state.rejected} rejected`);
  let batch = [];

  async function flush(lastPosition) {
    const rejected = [];
    await send(client, batch, rejected);
    state.accepted += batch.length - rejected.length;
    state.rejected += rejected.length;
    if (rejected.length) appendFileSync(rejectedPath, rejected.map((r) => JSON.stringify(r)).join("\n") + "\n");
    state.position = lastPosition;
    state.size = size;
    state.updated = new Date().toISOString();
    writeFileSync(statePath, JSON.stringify(state, null, 2));
    batch = [];
  }

  let fraction = 0;
  for await (const item of readItems(path)) {
    fraction = item.fraction;
    if (item.position <= state.position) continue;
    if (item.problem) {
      // Rejected before sending; recorded with the batch it falls in, so the saved position stays truthful.
      batch.push({ position: item.position, problem: item.problem, raw: item.text });
    } else {
      const statement = withId(item, state);
      batch.push({ position: item.position, body: statement.text, value: statement.value });
    }
    if (batch.length >= batchSize) await flush(item.position);
    show(fraction);
  }
  if (batch.length) await flush(batch[batch.length - 1].position);
  progress.done(1, `${state.accepted} accepted, ${state.rejected} rejected`);
  if (state.generatedIds) process.stderr.write(`${state.generatedIds} statements had no id; ids were derived from line and text\n`);
  if (state.rejected) process.stderr.write(`rejected statements and reasons: ${rejectedPath}\n`);
  return state;
}

/** Sends the batch, splitting refused batches until each bad statement is alone; fills `rejected`. */
async function send(client, items, rejected) {
  const sendable = [];
  for (const item of items) {
    if (item.problem) rejected.push({ line: item.position, reason: item.problem, text: item.raw });
    else sendable.push(item);
  }
  if (sendable.length === 0) return;
  const response = await client.postStatements(`[${sendable.map((item) => item.body).join(",")}]`);
  const text = await response.text();
  if (response.ok) return;
  if (!SPLIT_STATUSES.has(response.status)) {
    throw new HttpError(response.status, text, "POST /xapi/statements");
  }
  if (sendable.length === 1) {
    const item = sendable[0];
    rejected.push({ line: item.position, status: response.status, reason: describeError(text), statement: item.value });
    return;
  }
  const half = Math.ceil(sendable.length / 2);
  await send(client, sendable.slice(0, half), rejected);
  await send(client, sendable.slice(half), rejected);
}

/** The statement's JSON text, with a derived id when it has none (counted in the state). */
function withId(item, state) {
  if (typeof item.value.id === "string") return { text: item.text, value: item.value };
  state.generatedIds++;
  const value = { id: uuidV5(`${item.position}\n${item.text}`), ...item.value };
  return { text: JSON.stringify(value), value };
}

function uuidV5(name) {
  const namespace = Buffer.from(ID_NAMESPACE.replace(/-/g, ""), "hex");
  const hash = createHash("sha1").update(namespace).update(name).digest();
  hash[6] = (hash[6] & 0x0f) | 0x50;
  hash[8] = (hash[8] & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** Items with their position ("line": NDJSON line number; JSON array: index + 1) and progress fraction. */
async function* readItems(path) {
  const size = statSync(path).size;
  if (firstCharacter(path) === "[") {
    let values;
    try {
      values = JSON.parse(readFileSync(path, "utf8").replace(/^\uFEFF/, ""));
    } catch (error) {
      throw new Error(`${path} starts with [ but is not a JSON array: ${error.message}`);
    }
    for (let i = 0; i < values.length; i++) {
      const value = values[i];
      const problem = isObject(value) ? undefined : "not a statement object";
      yield { position: i + 1, text: JSON.stringify(value), value, problem, fraction: (i + 1) / values.length };
    }
    return;
  }
  const lines = createInterface({ input: createReadStream(path, "utf8"), crlfDelay: Infinity });
  let line = 0;
  let bytes = 0;
  for await (const raw of lines) {
    line++;
    bytes += Buffer.byteLength(raw) + 1;
    const text = (line === 1 ? raw.replace(/^\uFEFF/, "") : raw).trim();
    if (text === "") continue;
    let value;
    let problem;
    try {
      value = JSON.parse(text);
      if (!isObject(value)) problem = "not a statement object (one statement per line)";
    } catch (error) {
      problem = `not valid JSON: ${error.message}`;
    }
    yield { position: line, text, value, problem, fraction: size ? Math.min(1, bytes / size) : 1 };
  }
}

function firstCharacter(path) {
  const fd = openSync(path, "r");
  try {
    const buffer = Buffer.alloc(4096);
    const read = readSync(fd, buffer, 0, buffer.length, 0);
    return buffer.subarray(0, read).toString("utf8").replace(/^\uFEFF/, "").trimStart()[0];
  } finally {
    closeSync(fd);
  }
}

function isObject(value) {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
