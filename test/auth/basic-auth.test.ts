import { describe, expect, it } from "vitest";
import { basic, xapi } from "../helpers";

describe("authentication and version negotiation", () => {
  it("rejects a missing Authorization header with 401", async () => {
    const res = await xapi("/statements?statementId=00000000-0000-4000-8000-000000000000", { auth: null });
    expect(res.status).toBe(401);
    expect(res.headers.get("WWW-Authenticate")).toMatch(/^Basic/);
  });

  it("rejects a wrong secret and an unknown key alike", async () => {
    const wrongSecret = await xapi("/statements", { auth: basic("test-key", "nope") });
    const unknownKey = await xapi("/statements", { auth: basic("nobody", "nope") });
    expect(wrongSecret.status).toBe(401);
    expect(unknownKey.status).toBe(401);
    expect(await wrongSecret.text()).toBe(await unknownKey.text());
  });

  it("rejects a malformed Authorization header with 401", async () => {
    for (const header of ["Basic !!!", "Bearer abc", "Basic " + btoa("nocolon")]) {
      const res = await xapi("/statements", { auth: header });
      expect(res.status, header).toBe(401);
    }
  });

  it("requires a supported version header (400) and echoes the served version", async () => {
    expect((await xapi("/statements", { version: null })).status).toBe(400);
    expect((await xapi("/statements", { version: "0.95" })).status).toBe(400);
    expect((await xapi("/statements", { version: "1.1.0" })).status).toBe(400);
    const res = await xapi("/about", { version: "1.0.1" });
    expect(res.headers.get("X-Experience-API-Version")).toBe("1.0.3");
  });

  it("accepts 1.0 and any 1.0.x as 1.0.3, 2.0 and any 2.0.x as 2.0.0 (Communication 3.3.s3.b3/b5; 9274.1.1 4.1.7)", async () => {
    for (const [sent, served] of [["1.0", "1.0.3"], ["1.0.0", "1.0.3"], ["1.0.9", "1.0.3"], ["2.0", "2.0.0"], ["2.0.1", "2.0.0"]]) {
      const res = await xapi("/statements?statementId=00000000-0000-4000-8000-000000000000", { version: sent });
      expect(res.status, sent).toBe(404);
      expect(res.headers.get("X-Experience-API-Version"), sent).toBe(served);
    }
    for (const refused of ["0.95", "1.1.0", "2.1.0", "3.0.0", "1.0.x", "1.0.3.1"]) {
      expect((await xapi("/statements", { version: refused })).status, refused).toBe(400);
    }
  });

  it("answers CORS preflight with the xAPI headers allowed", async () => {
    const res = await xapi("/statements", {
      method: "OPTIONS",
      auth: null,
      version: null,
      headers: {
        Origin: "https://course.example",
        "Access-Control-Request-Method": "PUT",
        "Access-Control-Request-Headers": "authorization,content-type,x-experience-api-version",
      },
    });
    expect(res.status).toBeLessThan(300);
    expect(res.headers.get("Access-Control-Allow-Origin")).toBe("*"); // LRS_CORS_ORIGINS empty: any origin, no credentials
    expect(res.headers.get("Access-Control-Allow-Headers")?.toLowerCase()).toContain("x-experience-api-version");
  });
});
