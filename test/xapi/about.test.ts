import { describe, expect, it } from "vitest";
import { xapi } from "../helpers";

describe("About resource", () => {
  it("lists both served versions without authentication or version header", async () => {
    const res = await xapi("/about", { auth: null, version: null });
    expect(res.status).toBe(200);
    const body = await res.json<{ version: string[] }>();
    expect(body.version).toEqual(expect.arrayContaining(["1.0.3", "2.0.0"]));
    expect(res.headers.get("X-Experience-API-Version")).toBe("2.0.0"); // the newest served, asked for none
  });

  it("answers HEAD", async () => {
    const res = await xapi("/about", { method: "HEAD", auth: null });
    expect(res.status).toBe(200);
  });
});
