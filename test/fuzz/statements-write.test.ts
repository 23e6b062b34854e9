// Hostile input against PUT/POST /statements: mutated valid statements, random JSON, invalid UTF-8, nesting,
// huge bodies and wrong content types. Never a 5xx, every refusal a 4xx with a JSON message, and a refused
// request leaves the store exactly as it was.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { makeStatement } from "../../scripts/bench/statements.mjs";
import { basic, BASE } from "../helpers";
import { SELF } from "cloudflare:test";
import { FUZZ_TIMEOUT, fuzzOptions, refusalChangesNothing, VERSION_VALUES } from "./fuzz-helpers";

type Json = Record<string, unknown>;
const TIMESTAMP = "2026-03-04T05:06:07.000Z";

function send(path: string, method: string, body: BodyInit | null, headers: Record<string, string>): Promise<Response> {
  return SELF.fetch(`${BASE}${path}`, { method, body, headers: { Authorization: basic(), ...headers } });
}

/** Every path to a value inside `value` (objects and arrays), root excluded. */
function paths(value: unknown, prefix: (string | number)[] = [], out: (string | number)[][] = []): (string | number)[][] {
  if (Array.isArray(value)) value.forEach((v, i) => (out.push([...prefix, i]), paths(v, [...prefix, i], out)));
  else if (value && typeof value === "object") {
    for (const [k, v] of Object.entries(value)) {
      out.push([...prefix, k]);
      paths(v, [...prefix, k], out);
    }
  }
  return out;
}

type Mutation = "delete" | "replace" | "unknown-key" | "upper-key" | "empty-string" | "wrong-type";

/** Applies one mutation at one path of a deep copy of `statement`. */
function mutate(statement: Json, pick: number, kind: Mutation, junk: unknown): Json {
  const copy = structuredClone(statement);
  const all = paths(copy);
  const path = all[pick % all.length]!;
  let parent: unknown = copy;
  for (const step of path.slice(0, -1)) parent = (parent as Record<string | number, unknown>)[step];
  const key = path.at(-1)!;
  const holder = parent as Record<string | number, unknown>;
  const old = holder[key];
  if (kind === "delete") {
    if (Array.isArray(holder)) holder.splice(key as number, 1);
    else delete holder[key];
  } else if (kind === "replace") holder[key] = junk;
  else if (kind === "unknown-key" && old && typeof old === "object" && !Array.isArray(old)) (old as Json)["surprise"] = junk;
  else if (kind === "upper-key" && typeof key === "string") {
    delete holder[key];
    holder[key.toUpperCase()] = old;
  } else if (kind === "empty-string") holder[key] = "";
  else holder[key] = typeof old === "string" ? 42 : typeof old === "number" ? String(old) : typeof old === "boolean" ? "true" : [old];
  return copy;
}

const statementArb = fc.tuple(fc.nat(100_000), fc.uuid({ version: 4 })).map(([i, id]) => makeStatement(i, { id, timestamp: TIMESTAMP }));
const mutationArb = fc.constantFrom<Mutation>("delete", "replace", "unknown-key", "upper-key", "empty-string", "wrong-type");
const versionArb = fc.constantFrom(...VERSION_VALUES);
const junkArb = fc.jsonValue({ maxDepth: 3 });

describe("fuzz: POST and PUT /statements", () => {
  it("mutated valid statements are stored or refused cleanly (POST, single and in a batch)", async () => {
    await fc.assert(
      fc.asyncProperty(statementArb, fc.nat(), mutationArb, junkArb, versionArb, fc.boolean(), async (s, pick, kind, junk, version, inBatch) => {
        const mutated = mutate(s, pick, kind, junk);
        const body = JSON.stringify(inBatch ? [makeStatement(1, { id: crypto.randomUUID(), timestamp: TIMESTAMP }), mutated] : mutated);
        const what = `POST ${kind} ${version} ${body.slice(0, 400)}`;
        const outcome = await refusalChangesNothing(
          () => send("/statements", "POST", body, { "Content-Type": "application/json", "X-Experience-API-Version": version }),
          "POST",
          what,
        );
        expect([200, 400, 409, 413], what).toContain(outcome.status);
      }),
      fuzzOptions(7001, 80),
    );
  }, FUZZ_TIMEOUT);

  it("mutated statements through PUT ?statementId=", async () => {
    await fc.assert(
      fc.asyncProperty(statementArb, fc.nat(), mutationArb, junkArb, versionArb, async (s, pick, kind, junk, version) => {
        const mutated = mutate(s, pick, kind, junk);
        const id = typeof mutated.id === "string" ? mutated.id : crypto.randomUUID();
        const body = JSON.stringify(mutated);
        const what = `PUT ${kind} ${version} ${body.slice(0, 400)}`;
        const outcome = await refusalChangesNothing(
          () => send(`/statements?statementId=${encodeURIComponent(id)}`, "PUT", body, { "Content-Type": "application/json", "X-Experience-API-Version": version }),
          "PUT",
          what,
        );
        expect([204, 400, 409], what).toContain(outcome.status);
      }),
      fuzzOptions(7002, 50),
    );
  }, FUZZ_TIMEOUT);

  it("random JSON values and random text are refused with 400", async () => {
    const bodyArb = fc.oneof(
      fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v)),
      fc.string({ maxLength: 200 }),
      fc.string({ unit: "grapheme", maxLength: 100 }),
      fc.array(fc.jsonValue({ maxDepth: 2 }), { maxLength: 5 }).map((v) => JSON.stringify(v)),
    );
    await fc.assert(
      fc.asyncProperty(bodyArb, versionArb, async (body, version) => {
        const what = `POST ${body.slice(0, 200)}`;
        const outcome = await refusalChangesNothing(
          () => send("/statements", "POST", body, { "Content-Type": "application/json", "X-Experience-API-Version": version }),
          "POST",
          what,
        );
        // An empty array is a valid (empty) batch; anything else random cannot be a statement.
        if (body.trim() !== "[]") expect(outcome.status, what).toBe(400);
      }),
      fuzzOptions(7003, 80),
    );
  }, FUZZ_TIMEOUT);

  it("invalid UTF-8 anywhere in a valid statement is refused with 400", async () => {
    const badBytes = fc.constantFrom([0xff], [0xc3, 0x28], [0xed, 0xa0, 0x80], [0xc0, 0xaf], [0xe2, 0x82], [0xf8, 0x88, 0x80, 0x80, 0x80], [0x80]);
    await fc.assert(
      fc.asyncProperty(statementArb, badBytes, fc.nat(), versionArb, async (s, bad, at, version) => {
        const good = new TextEncoder().encode(JSON.stringify(s));
        // Insert inside a string value so that only the encoding is wrong.
        const text = JSON.stringify(s);
        const quotes = [...text.matchAll(/"/g)].map((m) => m.index!);
        const cut = new TextEncoder().encode(text.slice(0, quotes[(at % (quotes.length - 1)) | 1]! )).length;
        const body = new Uint8Array(good.length + bad.length);
        body.set(good.subarray(0, cut), 0);
        body.set(bad, cut);
        body.set(good.subarray(cut), cut + bad.length);
        const what = `POST with bytes ${bad} at ${cut}`;
        const outcome = await refusalChangesNothing(
          () => send("/statements", "POST", body, { "Content-Type": "application/json", "X-Experience-API-Version": version }),
          "POST",
          what,
        );
        expect(outcome.status, what).toBe(400);
      }),
      fuzzOptions(7004, 40),
    );
  }, FUZZ_TIMEOUT);

  it("deeply nested bodies are refused with 400 (a deep extension may be accepted), never a crash", async () => {
    const shapes = fc.constantFrom("array", "object", "extension");
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 100, max: 200_000 }), shapes, versionArb, async (depth, shape, version) => {
        let body: string;
        if (shape === "array") body = "[".repeat(depth) + "]".repeat(depth);
        else if (shape === "object") body = '{"a":'.repeat(depth) + "1" + "}".repeat(depth);
        else {
          const s = makeStatement(3, { id: crypto.randomUUID(), timestamp: TIMESTAMP });
          const text = JSON.stringify(s);
          body = text.replace('"extensions":{', `"extensions":{"https://x.example/deep":${'{"a":'.repeat(depth)}1${"}".repeat(depth)},`);
        }
        const what = `POST nested ${shape} depth ${depth}`;
        const outcome = await refusalChangesNothing(
          () => send("/statements", "POST", body, { "Content-Type": "application/json", "X-Experience-API-Version": version }),
          "POST",
          what,
        );
        // Nesting inside an extension is valid xAPI up to the parser's depth limit; the other shapes never are.
        expect(shape === "extension" ? [200, 400, 413] : [400, 413], what).toContain(outcome.status);
      }),
      fuzzOptions(7005, 16),
    );
  }, FUZZ_TIMEOUT);

  it("wrong content types and broken multipart bodies are refused with 4xx", async () => {
    const boundary = fc.stringMatching(/^[A-Za-z0-9'()+_,./:=?-]{0,30}$/);
    const contentType = fc.oneof(
      fc.constantFrom("", "text/plain", "application/xml", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/jsonx", "multipart/mixed", "multipart/mixed; boundary=", "multipart/mixed; boundary=\"\""),
      boundary.map((b) => `multipart/mixed; boundary=${b}`),
      fc.string({ maxLength: 40 }),
    );
    const part = (b: string, type: string, body: string, extra = "") => `--${b}\r\nContent-Type: ${type}\r\n${extra}\r\n${body}\r\n`;
    const bodyArb = fc.tuple(statementArb, boundary, fc.nat(6)).map(([s, b, variant]) => {
      const json = JSON.stringify(s);
      switch (variant) {
        case 0: return json;
        case 1: return `${part(b, "application/json", json)}--${b}--\r\n`;
        case 2: return `${part(b, "application/json", json)}`; // no closing boundary
        case 3: return `${part(b, "text/plain", json)}--${b}--\r\n`; // statements part not JSON
        case 4: return `${part(b, "application/json", json)}${part(b, "application/octet-stream", "abc", "X-Experience-API-Hash: 00\r\nContent-Transfer-Encoding: binary\r\n")}--${b}--\r\n`; // undeclared attachment
        case 5: return `--${b}--\r\n`;
        default: return `${part(b, "application/json", json.slice(0, json.length / 2))}--${b}--\r\n`; // truncated JSON
      }
    });
    await fc.assert(
      fc.asyncProperty(contentType, bodyArb, versionArb, async (type, body, version) => {
        const headers: Record<string, string> = { "X-Experience-API-Version": version };
        if (type) headers["Content-Type"] = type;
        const what = `POST Content-Type "${type}" body ${body.slice(0, 160)}`;
        await refusalChangesNothing(() => send("/statements", "POST", body, headers), "POST", what);
      }),
      fuzzOptions(7006, 80),
    );
  }, FUZZ_TIMEOUT);

  it("a body over the size limit is refused with 413 and changes nothing", async () => {
    const statement = JSON.stringify(makeStatement(5, { id: crypto.randomUUID(), timestamp: TIMESTAMP }));
    const count = Math.ceil((21 * 1024 * 1024) / statement.length);
    const body = `[${Array.from({ length: count }, () => statement.replace(/"id":"[^"]+"/, `"id":"${crypto.randomUUID()}"`)).join(",")}]`;
    const outcome = await refusalChangesNothing(
      () => send("/statements", "POST", body, { "Content-Type": "application/json", "X-Experience-API-Version": "2.0.0" }),
      "POST",
      "POST of 21 MiB",
    );
    expect(outcome.status).toBe(413);
  }, FUZZ_TIMEOUT);
});
