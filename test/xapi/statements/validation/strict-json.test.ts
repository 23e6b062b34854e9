// parseStrictJson: malformed JSON, repeated keys at any depth, escapes, surrogates and deep nesting.
import { describe, expect, it } from "vitest";
import { XapiError } from "../../../../src/errors";
import { parseStrictJson } from "../../../../src/http/strict-json";

function rejection(text: string, path?: string, maxDepth?: number): XapiError {
  try {
    parseStrictJson(text, path, maxDepth);
  } catch (error) {
    expect(error).toBeInstanceOf(XapiError);
    expect((error as XapiError).status).toBe(400);
    return error as XapiError;
  }
  throw new Error(`expected ${text.slice(0, 40)} to be rejected`);
}

describe("parseStrictJson", () => {
  it("parses what JSON.parse parses, escapes included", () => {
    const text = String.raw`{"a":[1,-2.5e3,true,false,null,{}],"b\"q":"x\\y\/z","c":"\u00e9\ud83d\ude00\n\t","\u0064":{"e":[[]]}}`;
    expect(parseStrictJson(text)).toEqual(JSON.parse(text));
    expect(parseStrictJson('  "just a string" ')).toBe("just a string");
    expect(parseStrictJson("[]")).toEqual([]);
  });

  it("rejects malformed JSON", () => {
    for (const text of ["", "{", '{"a":1,}', "[1,]", "{'a':1}", '{"a":01}', "NaN", '{"a":1}{"b":2}', '{"a":undefined}', '"\u0001"', '"tab\there"']) {
      const error = rejection(text, "statement");
      expect(error.message).toMatch(/malformed JSON/);
    }
  });

  it("rejects a repeated key at any depth, naming where", () => {
    expect(rejection('{"actor":{},"actor":{}}', "statement").path).toBe("statement.actor");
    expect(rejection('[{"a":1},{"b":{"c":[{"mbox":"x","mbox":"y"}]}}]', "statement").path).toBe("statement[1].b.c[0].mbox");
    expect(rejection('{"x":{"a":1},"y":{"k":1,"k":2}}').path).toBe("y.k");
    expect(rejection('{"extensions":{"http://e.com/a":1,"http://e.com/a":2}}').path).toBe('extensions["http://e.com/a"]');
  });

  it("compares keys after decoding escapes, and only within one object", () => {
    expect(rejection(String.raw`{"d":1,"\u0064":2}`).path).toBe("d");
    expect(rejection(String.raw`{"a\"b":1,"a\u0022b":2}`).path).toBe('["a\\"b"]');
    expect(parseStrictJson('{"a":{"a":{"a":1}},"b":[{"a":1},{"a":2}]}')).toEqual({ a: { a: { a: 1 } }, b: [{ a: 1 }, { a: 2 }] });
    // A key-like string value is not a key.
    expect(parseStrictJson('{"a":"b","c":"a","list":["a","a"]}')).toEqual({ a: "b", c: "a", list: ["a", "a"] });
    expect(parseStrictJson(String.raw`{"q":"\\","r":"\\\"","q2":"x"}`)).toEqual({ q: "\\", r: '\\"', q2: "x" });
  });

  it("handles objects with many keys", () => {
    const many = Object.fromEntries(Array.from({ length: 200 }, (_, i) => [`k${i}`, i]));
    expect(parseStrictJson(JSON.stringify(many))).toEqual(many);
    const text = JSON.stringify(many).replace(/}$/, ',"k150":1}');
    expect(rejection(text).path).toBe("k150");
  });

  it("rejects unpaired surrogates, escaped or raw, and keeps paired ones", () => {
    expect(rejection(String.raw`{"name":"\ud800"}`, "statement").path).toBe("statement.name");
    expect(rejection(String.raw`{"a":["ok","\udc00x"]}`).path).toBe("a[1]");
    expect(rejection('{"name":"\ud800"}').message).toMatch(/unpaired surrogate/);
    expect(parseStrictJson(String.raw`{"e":"\ud83d\ude00"}`)).toEqual({ e: "😀" });
  });

  it("counts only the keys outside strings, whatever numbers and punctuation the strings hold", () => {
    // Bodies the quick check (colons vs parsed properties) clears, and the ones it must hand to the full scan.
    const tricky = String.raw`{"id":"5e123a00-0000-4000-8000-000000000000","s":"a:b,{\"c\":[1]}","n":[-0.5,12,1e2,1E-3],"o":{"x:y":":"}}`;
    expect(parseStrictJson(tricky)).toEqual(JSON.parse(tricky));
    expect(rejection('{"s":"a:b:c","o":{"k":"1:2","k":3}}').path).toBe("o.k");
    expect(rejection('{"id":"e123","n":[1.5,2e3],"o":{"k":1,"k":1}}').path).toBe("o.k");
    expect(rejection('{"__proto__":{},"__proto__":{}}').path).toBe("__proto__");
    expect(parseStrictJson('{"__proto__":{"a":1},"b":{"__proto__":2}}')).toEqual(JSON.parse('{"__proto__":{"a":1},"b":{"__proto__":2}}'));
    expect(rejection('{"id":"e123","n":[0.5,1e400]}', "statement").path).toBe("statement.n[1]");
  });

  it("rejects nesting deeper than the limit with a 400 instead of recursing", () => {
    const deep = (n: number) => "[".repeat(n) + "]".repeat(n);
    expect(JSON.stringify(parseStrictJson(deep(128)))).toBe(deep(128));
    expect(rejection(deep(129)).message).toMatch(/deeper than 128/);
    expect(rejection(deep(100_000)).message).toMatch(/deeper than 128/);
    expect(rejection('{"a":{"b":{"c":{}}}}', "statement", 3).path).toBe("statement.a.b.c");
    expect(parseStrictJson('{"a":{"b":{}}}', "", 3)).toEqual({ a: { b: {} } });
  });
});
