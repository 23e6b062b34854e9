// Attachment metadata in statements (1.0.3 Data 2.4.11; 9274.1.1 4.2.2.6).
import { describe, it } from "vitest";
import { VERSIONS } from "../../../helpers";
import { expectRejected, expectValid, fullStatement, type Json, minimalStatement, mutated } from "./fixtures";

const ATTACHMENT = {
  usageType: "http://example.com/attachment-usage/test",
  display: { "en-US": "A test attachment" },
  contentType: "text/plain; charset=ascii",
  length: 27,
  sha2: "495395e777cd98da653df9615d09c0fd6bb2f8d4788394cd53c56a3bfdcd848a",
};

describe.each(VERSIONS)("attachments, xAPI %s", (version) => {
  it("accepts attachments with and without fileUrl and description, an empty list, and in a SubStatement", () => {
    expectValid({ ...minimalStatement(), attachments: [ATTACHMENT, { ...ATTACHMENT, fileUrl: "http://over.there.com/file.txt" }] }, version);
    expectValid({ ...minimalStatement(), attachments: [] }, version);
    const { actor, verb, object } = minimalStatement();
    expectValid({ ...minimalStatement(), object: { objectType: "SubStatement", actor, verb, object, attachments: [ATTACHMENT] } }, version);
  });

  const a = "statement.attachments[0]";
  const rejections: [string, (s: Json) => void, string][] = [
    ...(["usageType", "display", "contentType", "length", "sha2"] as const).map(
      (key): [string, (s: Json) => void, string] => [`missing ${key}`, (s) => delete s.attachments[0][key], `${a}.${key}`],
    ),
    ["unknown key", (s) => (s.attachments[0].data = "aGk="), `${a}.data`],
    ["usageType without scheme", (s) => (s.attachments[0].usageType = "should fail"), `${a}.usageType`],
    ["display a string", (s) => (s.attachments[0].display = "x"), `${a}.display`],
    ["description with a bad tag", (s) => (s.attachments[0].description = { "1": "x" }), `${a}.description["1"]`],
    ["contentType a number", (s) => (s.attachments[0].contentType = 12345), `${a}.contentType`],
    ["contentType not a media type", (s) => (s.attachments[0].contentType = "plain text"), `${a}.contentType`],
    ["length a string", (s) => (s.attachments[0].length = "27"), `${a}.length`],
    ["length fractional", (s) => (s.attachments[0].length = 2.5), `${a}.length`],
    ["length negative", (s) => (s.attachments[0].length = -1), `${a}.length`],
    ["sha2 a number", (s) => (s.attachments[0].sha2 = 12345), `${a}.sha2`],
    ["sha2 empty", (s) => (s.attachments[0].sha2 = ""), `${a}.sha2`],
    ["fileUrl without scheme", (s) => (s.attachments[0].fileUrl = "should fail"), `${a}.fileUrl`],
    ["an attachment that is a string", (s) => (s.attachments[1] = "x"), "statement.attachments[1]"],
  ];

  it.each(rejections)("rejects %s", (_name, change, path) => {
    expectRejected(mutated(fullStatement(), change), version, path);
  });
});
