// Console sign-in checks with the admin API's and Basic authentication's own verbs (src/console/sign-in.ts):
// the same throttle budgets, and no detour through a Basic header that some secrets cannot pass.
import { describe, expect, it } from "vitest";
import { MAX_FAILURES_PER_KEY_AND_ADDRESS } from "../../src/auth/throttle";
import { admin, createCredential, createStore } from "../admin/admin-helpers";
import { Browser } from "./console-helpers";

const REFUSED = "Those details were not accepted.";
const THROTTLED = "Too many failed attempts; try again in a few minutes.";

describe("console sign-in", () => {
  it("counts a secret with characters outside Latin-1 as a failed guess, so such guesses are throttled too", async () => {
    const credential = await createCredential(await createStore("Unicode guesses"));
    const browser = new Browser();
    for (let i = 0; i < MAX_FAILURES_PER_KEY_AND_ADDRESS; i++) {
      const refused = await browser.signInCredential(credential.key, `€-${i}`);
      expect(refused.status).toBe(401);
      expect(refused.html).toContain(REFUSED);
    }
    const throttled = await browser.signInCredential(credential.key, credential.secret);
    expect(throttled.status).toBe(401);
    expect(throttled.html).toContain(THROTTLED);
  });

  it("shares the admin token's throttle with the admin API: wrong tokens in the console lock the API out too", async () => {
    const browser = new Browser();
    for (let i = 0; i < MAX_FAILURES_PER_KEY_AND_ADDRESS; i++) {
      expect((await browser.signInAdmin(`wrong-${i}`)).html).toContain(REFUSED);
    }
    expect((await browser.signInAdmin()).html).toContain(THROTTLED);
    const api = await admin("/stores");
    expect(api.status).toBe(429);
    expect(api.headers.get("Retry-After")).toMatch(/^[1-9][0-9]*$/);
  });
});
