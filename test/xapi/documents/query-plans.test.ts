// Listing documents is an index seek: the id list of every kind, with and without registration and `since`,
// searches the primary key of `documents` by its (store, kind, activity, agent) prefix.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { DocumentSet } from "../../../src/xapi/documents/document-address";
import { selectDocumentIds } from "../../../src/xapi/documents/document-rows";

const SETS: [string, DocumentSet][] = [
  ["state", { storeId: "s", kind: "state", activityId: "http://a", agentKey: "mbox:mailto:a@b.c" }],
  ["state of a registration", { storeId: "s", kind: "state", activityId: "http://a", agentKey: "k", registration: "r" }],
  ["activity profiles", { storeId: "s", kind: "activity_profile", activityId: "http://a", agentKey: "" }],
  ["agent profiles", { storeId: "s", kind: "agent_profile", activityId: "", agentKey: "k" }],
];

describe("document listing query plans", () => {
  it.each(SETS.flatMap(([name, set]) => [[name, set, undefined], [`${name} since`, set, 1]] as const))(
    "%s seeks the primary key",
    async (_name, set, sinceMs) => {
      const { sql, params } = selectDocumentIds(env.DB, set, sinceMs).toSQL();
      const plan = await env.DB.prepare(`EXPLAIN QUERY PLAN ${sql}`).bind(...params).all<{ detail: string }>();
      const details = plan.results.map((row) => row.detail).join("\n");
      expect(details).toMatch(/SEARCH documents USING (PRIMARY KEY|INDEX sqlite_autoindex_documents_1) \(store_id=\? AND kind=\? AND activity_id=\? AND agent_key=\?/);
      expect(details).not.toMatch(/SCAN documents/);
    },
  );
});
