// A launch token is an xAPI credential only: console sign-in (src/console/sign-in.ts) refuses it as a key and
// secret, since its principal names no credential row.
import { describe, expect, it } from "vitest";
import { Browser } from "../console/console-helpers";
import { issue, issuerIn } from "./token-helpers";

const LEARNER = { mbox: "mailto:console@example.com" };

describe("the console", () => {
  it("does not take a launch token as a key and secret", async () => {
    const issuer = await issuerIn();
    const { token } = await issue(issuer, { actor: LEARNER });
    const decoded = atob(token);
    const colon = decoded.indexOf(":");
    const refused = await new Browser().signInCredential(decoded.slice(0, colon), decoded.slice(colon + 1));
    expect(refused.status).toBe(401);
    expect(refused.html).toContain("Those details were not accepted.");
    expect((await new Browser().signInCredential(issuer.key, issuer.secret)).status).toBe(303);
  });
});
