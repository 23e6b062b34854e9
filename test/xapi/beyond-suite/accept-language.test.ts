// format=canonical chooses each language map's entry by RFC 2616 14.4 (1.0.3 Communication 2.1.3 `format`;
// 9274.1.1 4.1.6.1): a tag takes the quality of the longest range matching it, and q=0 makes a tag
// unacceptable even when "*" is present.
import { describe, expect, it } from "vitest";
import { chooseLanguage, parseAcceptLanguage } from "../../../src/xapi/statements/query/accept-language";
import { VERSIONS, xapi } from "../../helpers";
import { post, statement, type Json } from "../statements/fixtures";

async function canonical(version: string, display: Json, acceptLanguage: string): Promise<Json> {
  const verbId = `http://example.com/verbs/${crypto.randomUUID()}`;
  const { status, ids } = await post(statement({ verb: { id: verbId, display } }), version);
  expect(status).toBe(200);
  const headers = { "Accept-Language": acceptLanguage };
  const query = await xapi(`/statements?verb=${encodeURIComponent(verbId)}&format=canonical`, { version, headers });
  expect(query.status).toBe(200);
  const [found] = ((await query.json()) as { statements: Json[] }).statements;
  const single = await xapi(`/statements?statementId=${ids[0]}&format=canonical`, { version, headers });
  const byId = (await single.json()) as Json;
  expect((byId.verb as Json).display).toEqual((found!.verb as Json).display);
  return (found!.verb as Json).display as Json;
}

describe.each(VERSIONS)("Accept-Language in format=canonical (%s)", (version) => {
  it("gives a tag the quality of the longest range that matches it", async () => {
    const display = { "en-US": "attended", "en-GB": "attended (GB)" };
    expect(await canonical(version, display, "en-US;q=0.1, en;q=0.9")).toEqual({ "en-GB": "attended (GB)" });
  });

  it("excludes a q=0 tag even when * is present", async () => {
    const display = { fr: "a assisté", de: "nahm teil" };
    expect(await canonical(version, display, "fr;q=0, *;q=0.5")).toEqual({ de: "nahm teil" });
  });
});

describe("RFC 2616 14.4 quality per tag", () => {
  it.each([
    ["en-US;q=0.1, en;q=0.9", { "en-US": 1, "en-GB": 2 }, "en-GB"],
    ["en;q=0.9, en-US;q=0.1", { "en-US": 1, "en-GB": 2 }, "en-GB"],
    ["fr;q=0, *;q=0.5", { fr: 1, de: 2 }, "de"],
    ["*;q=0.5, fr;q=0", { fr: 1, de: 2 }, "de"],
    ["en-GB;q=0, en", { "en-GB": 1, "en-US": 2 }, "en-US"],
    ["*, en;q=0.5", { en: 1, de: 2 }, "de"],
    ["en", { "en-US": 1, en: 2 }, "en"],
    ["*", { ja: 1, en: 2 }, "ja"],
  ])("%s over %j picks %s", (header, map, expected) => {
    expect(chooseLanguage(map, parseAcceptLanguage(header))).toBe(expected);
  });

  it("still returns one language when every tag is excluded", () => {
    expect(chooseLanguage({ fr: 1, de: 2 }, parseAcceptLanguage("fr;q=0, de;q=0"))).toBe("fr");
    expect(chooseLanguage({ fr: 1, de: 2, ja: 3 }, parseAcceptLanguage("fr;q=0, de;q=0"))).toBe("ja");
  });
});
