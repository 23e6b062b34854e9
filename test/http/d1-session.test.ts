// Which D1 session a request opens (src/http/d1-session.ts): the bookmark sent back, else for a read the
// newest bookmark of the same credential's recent writes, else any replica for reads and the primary for
// writes; and X-LRS-Bookmark values that are not D1 bookmarks refused with a 400 naming the header. A bookmark is a
// position in the store's database, so authentication reads at the constraint alone and the store's session, the
// one opened last, at the bookmark.
import { describe, expect, it } from "vitest";
import { createApp } from "../../src/app";
import { PUT_INTERVAL_MS, RecentWrites, writerOf } from "../../src/http/recent-writes";
import { basic } from "../helpers";
import { credentialFor } from "../xapi/documents/document-helpers";
import { fetchWith, recordingDb } from "./session-recorder";

const HEADERS = { "X-Experience-API-Version": "2.0.0", Authorization: basic() };
const BOOKMARK = /^[0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]+$/;

function statePath(): string {
  const id = crypto.randomUUID();
  const agent = JSON.stringify({ mbox: `mailto:${id}@example.com` });
  return `/activities/state?activityId=${encodeURIComponent(`http://example.com/a/${id}`)}&agent=${encodeURIComponent(agent)}&stateId=s`;
}

describe("X-LRS-Bookmark", () => {
  it("refuses a value that is not a D1 bookmark with 400 naming the header, before opening a session", async () => {
    const app = createApp();
    const recorder = recordingDb();
    for (const sent of ["first-primary", "abc", "00000000-0000000b-00000000", "0000000g-0000000b-00000000-00", "x".repeat(300)]) {
      const { response, text, starts } = await fetchWith(app, recorder, "/statements", { headers: { ...HEADERS, "X-LRS-Bookmark": sent } });
      expect(response.status, sent).toBe(400);
      expect(JSON.parse(text), sent).toEqual({
        error: { status: 400, message: "X-LRS-Bookmark: must be a bookmark as this LRS returns it, or be left out", path: "X-LRS-Bookmark" },
      });
      expect(starts, sent).toEqual([]);
    }
  });

  it("opens the session at a bookmark sent back, and treats an empty header as none", async () => {
    const app = createApp();
    const recorder = recordingDb();
    const sent = "00000085-0000024c-00004c6d-8e61117bf38d7adb71b934ebbf891683";
    const read = await fetchWith(app, recorder, "/statements?limit=1", { headers: { ...HEADERS, "X-LRS-Bookmark": sent } });
    expect(read.response.status).toBe(200);
    expect(read.starts).toEqual(["first-unconstrained", sent]);
    // A credential with no write of its own, so nothing remembered decides its session.
    const reader = await credentialFor("default", ["all"]);
    const empty = await fetchWith(app, recorder, "/statements?limit=1", {
      headers: { ...HEADERS, Authorization: reader, "X-LRS-Bookmark": "" },
    });
    expect(empty.response.status).toBe(200);
    expect(empty.starts).toEqual(["first-unconstrained"]);
  });
});

describe("read-your-writes without a bookmark", () => {
  it("a credential's GET after its PUT opens at the PUT's bookmark; another credential's GET at any replica", async () => {
    const app = createApp();
    const recorder = recordingDb();
    const path = statePath();
    const put = await fetchWith(app, recorder, path, { method: "PUT", headers: HEADERS, body: "v1" });
    expect(put.response.status).toBe(204);
    expect(put.starts[0]).toBe("first-primary");
    const written = put.response.headers.get("X-LRS-Bookmark")!;
    expect(written).toMatch(BOOKMARK);

    const get = await fetchWith(app, recorder, path, { headers: HEADERS });
    expect(get.response.status).toBe(200);
    expect(get.text).toBe("v1");
    expect(get.starts).toEqual(["first-unconstrained", written]);

    const other = await credentialFor("default", ["all"]);
    const otherGet = await fetchWith(app, recorder, path, { headers: { ...HEADERS, Authorization: other } });
    expect(otherGet.starts[0]).toBe("first-unconstrained");
  });

  it("the newest write wins, and a refused write is not remembered", async () => {
    const app = createApp();
    const recorder = recordingDb();
    const writer = await credentialFor("default", ["all"]);
    const headers = { ...HEADERS, Authorization: writer };
    const first = await fetchWith(app, recorder, statePath(), { method: "PUT", headers, body: "a" });
    const second = await fetchWith(app, recorder, statePath(), { method: "PUT", headers, body: "b" });
    const newest = second.response.headers.get("X-LRS-Bookmark")!;
    expect(newest > first.response.headers.get("X-LRS-Bookmark")!).toBe(true);
    expect((await fetchWith(app, recorder, "/statements?limit=1", { headers })).starts).toEqual(["first-unconstrained", newest]);

    const refuser = await credentialFor("default", ["all"]);
    const refused = await fetchWith(app, recorder, statePath(), {
      method: "PUT",
      headers: { ...HEADERS, Authorization: refuser, "If-Match": '"0000"' },
      body: "c",
    });
    expect(refused.response.status).toBe(412);
    const after = await fetchWith(app, recorder, "/statements?limit=1", { headers: { ...HEADERS, Authorization: refuser } });
    expect(after.starts).toEqual(["first-unconstrained"]);
  });

  it("another isolate of the same data centre (a RecentWrites with empty memory) finds the bookmark in the Cache API", async () => {
    const writer = await writerOf(basic(`writer-${crypto.randomUUID()}`, "s"));
    const bookmark = "00000000-0000000b-00000000-00000000000000000000000000000000";
    await new RecentWrites().remember(writer!, bookmark, "http://lrs.test");
    const settled = Date.now() + 2 * PUT_INTERVAL_MS;
    expect(await new RecentWrites().recall(writer!, "http://lrs.test", settled)).toBe(bookmark);
    expect(await new RecentWrites().recall(writer!, "http://other.test", settled)).toBe(undefined);
  });

  it("puts at most once per writer per interval from an isolate; one trailing put carries the newest bookmark", async () => {
    const writer = (await writerOf(basic(`writer-${crypto.randomUUID()}`, "s")))!;
    const [first, second, third] = ["0000000a", "0000000b", "0000000c"].map((n) => `00000000-${n}-00000000-${"0".repeat(32)}`);
    const isolate = new RecentWrites({ putIntervalMs: 1_000 });
    const elsewhere = new RecentWrites({ putIntervalMs: 1_000 });
    const settled = () => Date.now() + 60_000;
    await isolate.remember(writer, first!, "http://lrs.test");
    // The second write arms the trailing put and is the one that waits for it.
    const trailing = isolate.remember(writer, second!, "http://lrs.test");
    // The third is carried by that put and does not wait for it (no request awaits another request's promise).
    await isolate.remember(writer, third!, "http://lrs.test");
    // Long enough for a put that was not held back to land, well inside the interval.
    await new Promise((resolve) => setTimeout(resolve, 100));
    // The Cache API still holds the first write, this isolate's memory the newest.
    expect(await elsewhere.recall(writer, "http://lrs.test", settled())).toBe(first);
    expect(await isolate.recall(writer, "http://lrs.test")).toBe(third);
    await trailing;
    expect(await elsewhere.recall(writer, "http://lrs.test", settled())).toBe(third);
  });

  it("a reader elsewhere opens at the primary while the entry may lack the last interval's writes", async () => {
    const app = createApp();
    const recorder = recordingDb();
    // A credential that wrote nothing through this isolate's memory: only the Cache API knows its write.
    const reader = await credentialFor("default", ["all"]);
    const bookmark = "00000000-0000000b-00000000-00000000000000000000000000000000";
    await new RecentWrites().remember((await writerOf(reader))!, bookmark, "http://lrs.test");
    const read = await fetchWith(app, recorder, "/statements?limit=1", { headers: { ...HEADERS, Authorization: reader } });
    expect(read.response.status).toBe(200);
    expect(read.starts).toEqual(["first-primary"]);
    const later = await new RecentWrites().recall((await writerOf(reader))!, "http://lrs.test", Date.now() + 2 * PUT_INTERVAL_MS);
    expect(later).toBe(bookmark);
  });
});
