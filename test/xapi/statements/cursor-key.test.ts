// The key sealing `more` cursors is never a public constant: a configured secret, or a random key of the isolate.
import { describe, expect, it } from "vitest";
import { cursorKeyMaterial } from "../../../src/xapi/statements/query/cursor";

describe("the cursor key", () => {
  it("with no secret configured, is random (not the bare prefix anyone can compute) and stable in the isolate", () => {
    const material = cursorKeyMaterial({});
    expect(material).not.toBe("edge-lrs statement cursor v1\n");
    expect(material).toMatch(/^edge-lrs statement cursor v1\n[0-9a-f]{64}$/);
    expect(cursorKeyMaterial({ LRS_CURSOR_SECRET: "" })).toBe(material);
  });

  it("uses the first configured secret: cursor, bootstrap, session, admin token", () => {
    const prefix = "edge-lrs statement cursor v1\n";
    expect(cursorKeyMaterial({ LRS_CURSOR_SECRET: "c", LRS_BOOTSTRAP_SECRET: "b" })).toBe(`${prefix}c`);
    expect(cursorKeyMaterial({ LRS_BOOTSTRAP_SECRET: "b", LRS_ADMIN_TOKEN: "a" })).toBe(`${prefix}b`);
    expect(cursorKeyMaterial({ LRS_SESSION_SECRET: "s", LRS_ADMIN_TOKEN: "a" })).toBe(`${prefix}s`);
    expect(cursorKeyMaterial({ LRS_ADMIN_TOKEN: "a" })).toBe(`${prefix}a`);
  });
});
