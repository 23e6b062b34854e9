// A number an IEEE 754 double cannot hold (1e400 overflows to Infinity and is written back as null; 1e-400
// underflows to 0) is never stored changed: a statement carrying one is a 400 naming it, and a document merge
// that would re-serialize one is a 400 that leaves the document as it was. Documents stored whole (PUT, or a
// POST with nothing to merge into) keep their bytes, so such a number comes back exactly as sent.
import { describe, expect, it } from "vitest";
import { findOutOfRangeNumber, parseStrictJson } from "../../../src/http/strict-json";
import { VERSIONS, xapi } from "../../helpers";
import { documentParams, url } from "../documents/document-helpers";
import { statement } from "../statements/fixtures";

const EXT = "http://example.com/ext/big";

async function count(version: string, verbId: string): Promise<number> {
  const res = await xapi(`/statements?verb=${encodeURIComponent(verbId)}`, { version });
  return ((await res.json()) as { statements: unknown[] }).statements.length;
}

describe.each(VERSIONS)("out-of-range numbers (%s)", (version) => {
  it.each(["1e400", "-1e400", "1e-400", "-2.5E+999", `1${"0".repeat(400)}`, `0.${"0".repeat(400)}1`])(
    "a statement with %s in an extension is a 400 naming it, and nothing is stored",
    async (literal) => {
      const verbId = `http://example.com/verbs/${crypto.randomUUID()}`;
      const good = JSON.stringify(statement({ verb: { id: verbId } }));
      const bad = JSON.stringify(statement({ verb: { id: verbId }, result: { extensions: { [EXT]: 0 } } })).replace(
        `"${EXT}":0`,
        `"${EXT}":${literal}`,
      );
      const res = await xapi("/statements", {
        method: "POST",
        version,
        headers: { "Content-Type": "application/json" },
        body: `[${good},${bad}]`,
      });
      expect(res.status).toBe(400);
      const { error } = (await res.json()) as { error: { path: string; message: string } };
      expect(error.path).toBe(`statement[1].result.extensions["${EXT}"]`);
      expect(error.message).toContain("IEEE 754 double");
      expect(await count(version, verbId)).toBe(0);
    },
  );

  it("keeps numbers a double holds, tiny and huge ones included", async () => {
    const verbId = `http://example.com/verbs/${crypto.randomUUID()}`;
    const body = JSON.stringify(statement({ verb: { id: verbId }, result: { extensions: { [EXT]: 0 } } })).replace(
      `"${EXT}":0`,
      `"${EXT}":[1e308,-1.7976931348623157e308,5e-324,0e400,0.000e-999,-0,123456789]`,
    );
    const res = await xapi("/statements", { method: "POST", version, headers: { "Content-Type": "application/json" }, body });
    expect(res.status, await res.clone().text()).toBe(200);
    const [id] = (await res.json()) as string[];
    const got = (await (await xapi(`/statements?statementId=${id}`, { version })).json()) as {
      result: { extensions: Record<string, unknown> };
    };
    expect(got.result.extensions[EXT]).toEqual([1e308, -1.7976931348623157e308, 5e-324, 0, 0, 0, 123456789]);
  });

  it("a document merge that would change such a number is a 400 and changes nothing", async () => {
    const params = documentParams("state");
    const storedText = '{"big":1e400,"keep":1}';
    const put = await xapi(url("state", params), {
      method: "PUT",
      version,
      headers: { "Content-Type": "application/json" },
      body: storedText,
    });
    expect(put.status).toBe(204);
    // Stored whole, it comes back as sent.
    expect(await (await xapi(url("state", params), { version })).text()).toBe(storedText);

    const merge = await xapi(url("state", params), { method: "POST", version, json: { other: 2 } });
    expect(merge.status).toBe(400);
    expect(((await merge.json()) as { error: { message: string } }).error.message).toContain("stored document's big");
    expect(await (await xapi(url("state", params), { version })).text()).toBe(storedText);

    const fresh = documentParams("state");
    expect((await xapi(url("state", fresh), { method: "PUT", version, json: { a: 1 } })).status).toBe(204);
    const posted = await xapi(url("state", fresh), {
      method: "POST",
      version,
      headers: { "Content-Type": "application/json" },
      body: '{"b":-1e400}',
    });
    expect(posted.status).toBe(400);
    expect(((await posted.json()) as { error: { message: string } }).error.message).toContain("posted document's b");
    expect(await (await xapi(url("state", fresh), { version })).json()).toEqual({ a: 1 });
  });
});

describe("finding out-of-range numbers in JSON text", () => {
  it.each([
    ['{"a":"1e400","b":[1,2,1e999]}', "b[2]"],
    ['{"a":{"b":-1E+400}}', "a.b"],
    ['[0,0.0,0e9999,1e-400]', "[3]"],
    ['{"1e400":true,"x":"\\"1e400"}', undefined],
    ['{"a":1e308,"b":2.2250738585072014e-308}', undefined],
  ])("%s → %s", (text, expected) => {
    expect(findOutOfRangeNumber(text)).toBe(expected);
    if (expected === undefined) expect(() => parseStrictJson(text)).not.toThrow();
    else expect(() => parseStrictJson(text)).toThrow(expected);
  });
});
