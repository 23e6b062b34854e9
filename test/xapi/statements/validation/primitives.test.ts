// The exported format checks reused by query and document parameter parsing (1.0.3 Data 4.x; 9274.1.1 4.2.7).
import { describe, expect, it } from "vitest";
import type { Parsed } from "../../../../src/parsed";
import {
  isIri,
  isLanguageTag,
  isUuid,
  parseIri,
  parseLanguageMap,
  parseTimestamp,
  parseUuid,
} from "../../../../src/xapi/statements/validation";
import { VERSIONS } from "../../../helpers";

/** The path of the one issue a parser reports. */
function rejectionPath(parsed: Parsed<unknown>): string | undefined {
  if (parsed.ok) throw new Error("expected a rejection");
  expect(parsed.issues).toHaveLength(1);
  return parsed.issues[0]!.path;
}

const accepted = (parsed: Parsed<unknown>) => parsed.ok;

describe("timestamps", () => {
  const valid = [
    "2008-09-15T15:53:00.601Z",
    "2008-09-15T15:53:00.601+00:00",
    "2008-09-15T15:53:00+05:30",
    "2023-05-04T12:00:00-05:00",
    "2024-02-29T23:59:60.123456789Z",
  ];
  const invalid = [
    "should fail",
    "01/011/2015",
    "",
    "2008-09-15T15:53:00.601-00",
    "2008-09-15T15:53:00.601-0000",
    "2008-09-15T15:53:00.601-00:00",
    "2023-02-29T00:00:00Z",
    "2008-13-15T15:53:00Z",
    "2008-09-15T24:53:00Z",
    "2008-09-15 15:53:00Z",
  ];

  it.each(VERSIONS)("xAPI %s accepts RFC 3339 timestamps and rejects other notations", (version) => {
    for (const timestamp of valid) expect(accepted(parseTimestamp(timestamp, version, "since"))).toBe(true);
    for (const timestamp of invalid) expect(rejectionPath(parseTimestamp(timestamp, version, "since"))).toBe("since");
    expect(rejectionPath(parseTimestamp(1700000000, version, "since"))).toBe("since");
  });

  it("1.0.3 also accepts other ISO 8601 forms: basic format, no zone, no seconds, comma fractions", () => {
    for (const timestamp of ["20080915T155300Z", "2008-09-15T15:53:00", "2008-09-15T15:53Z", "2008-09-15T15:53:00,5+0100"]) {
      expect(accepted(parseTimestamp(timestamp, "1.0.3", "timestamp"))).toBe(true);
      // 9274.1.1 requires the RFC 3339 profile with a zone.
      expect(rejectionPath(parseTimestamp(timestamp, "2.0.0", "timestamp"))).toBe("timestamp");
    }
  });
});

describe("IRIs, UUIDs and language tags", () => {
  it("IRIs need a scheme and no spaces", () => {
    for (const iri of ["http://example.com/a", "urn:isbn:0451450523", "mailto:a@b.c", "https://例え.jp/パス", "tag:x.org,2024:a"]) {
      expect(isIri(iri)).toBe(true);
    }
    for (const iri of ["", "example.com", "/relative/path", "ab=c://should.fail.com", "1http://x", "http://a b", "http:"]) {
      expect(isIri(iri)).toBe(false);
    }
    expect(rejectionPath(parseIri("nope", "activityId"))).toBe("activityId");
    expect(rejectionPath(parseIri(null, "activityId"))).toBe("activityId");
  });

  it("UUIDs are 8-4-4-4-12 hex in either case", () => {
    expect(isUuid("fd41c918-b88b-4b20-a0a5-a4c32391aaa0")).toBe(true);
    expect(isUuid("FD41C918-B88B-4B20-A0A5-A4C32391AAA0")).toBe(true);
    for (const uuid of ["AA97B177-9383-4934-8543-0F91A7A028368", "fd41c918b88b4b20a0a5a4c32391aaa0", "{fd41c918-b88b-4b20-a0a5-a4c32391aaa0}"]) {
      expect(isUuid(uuid)).toBe(false);
    }
    expect(rejectionPath(parseUuid(12345, "registration"))).toBe("registration");
  });

  it("language tags follow RFC 5646 subtag lengths", () => {
    for (const tag of ["en", "en-US", "zh-Hant-TW", "es-419", "sl-rozaj-biske", "de-CH-1901", "x-private", "en-a-bbb-x-a-ccc", "i-klingon", "zh-yue-HK"]) {
      expect(isLanguageTag(tag)).toBe(true);
    }
    for (const tag of ["", "a12345", "a12345678", "languagexx", "en_US", "en-", "-en", "en-US-", "e"]) {
      expect(isLanguageTag(tag)).toBe(false);
    }
  });

  it("language maps need tag keys and string values", () => {
    expect(accepted(parseLanguageMap({ en: "a", "fr-CA": "b" }, "display"))).toBe(true);
    expect(accepted(parseLanguageMap({}, "display"))).toBe(true);
    expect(rejectionPath(parseLanguageMap({ en: "a", en_GB: "b" }, "display"))).toBe("display.en_GB");
    expect(rejectionPath(parseLanguageMap({ en: 1 }, "display"))).toBe("display.en");
    expect(rejectionPath(parseLanguageMap(["en"], "display"))).toBe("display");
  });
});
