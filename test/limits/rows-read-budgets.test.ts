// Rows read per request path (D1's own meta.rows_read, summed by the strict entry over the whole request): on a
// store of 2,000 statements (200 activities, 50 learners, 30 State documents of one context) beside another
// store of 3,000, each read path stays within a stated budget below either store's size, so a path that walks
// a store (its own or every store) fails here. Budgets are about twice the figure measured on 2026-11-29.
import { beforeAll, describe, expect, it } from "vitest";
import { xapi } from "../helpers";
import {
  adminFetch,
  ConsoleSession,
  type Credential,
  expectWithinRowsBudget,
  metered,
  newStore,
  plainStatement,
  seedStatements,
} from "./limits-helpers";

const OWN = 2_000;
const OTHER = 3_000;
const AGENT = JSON.stringify({ mbox: "mailto:s-learner-7@example.com" });
const ACTIVITY = "http://example.com/activities/s-17";
const REGISTRATION = "00000000-0000-4000-8000-000000000003";
const enc = encodeURIComponent;

let other: Credential;
let statementId = "";
const console_ = new ConsoleSession();
const OWN_STORE = "default";

beforeAll(async () => {
  other = await newStore("elsewhere");
  await seedStatements(other, OTHER, (i) => plainStatement(i, "o"));
  await seedStatements(undefined, OWN, (i) => plainStatement(i, "s"));
  const ids = (await (await xapi("/statements", { method: "POST", json: plainStatement(7, "s") })).json()) as string[];
  statementId = ids[0]!;
  for (let i = 0; i < 30; i++) {
    const state = `/activities/state?activityId=${enc(ACTIVITY)}&agent=${enc(AGENT)}&stateId=state-${i}`;
    expect((await xapi(state, { method: "PUT", json: { i } })).status).toBe(204);
  }
  expect((await xapi(`/activities/profile?activityId=${enc(ACTIVITY)}&profileId=p`, { method: "PUT", json: { p: 1 } })).status).toBe(204);
  expect((await xapi(`/agents/profile?agent=${enc(AGENT)}&profileId=p`, { method: "PUT", json: { p: 1 } })).status).toBe(204);
  await console_.signInAdmin();
}, 300_000);

type Path = [name: string, send: () => Promise<Response>, budget: number];

const XAPI_PATHS: Path[] = [
  ["GET /statements?limit=10", () => xapi("/statements?limit=10"), 200],
  ["GET /statements by agent", () => xapi(`/statements?agent=${enc(AGENT)}&limit=10`), 200],
  ["GET /statements by verb", () => xapi(`/statements?verb=${enc("http://example.com/verbs/s-3")}&limit=10`), 200],
  ["GET /statements by activity, related", () => xapi(`/statements?activity=${enc(ACTIVITY)}&related_activities=true&limit=10`), 200],
  ["GET /statements by registration", () => xapi(`/statements?registration=${REGISTRATION}&limit=10`), 200],
  // 259 rows: the filter ranking counts the broad verb (400 statements) only one past the agent's 40 (610 if it
  // counted the verb fully).
  ["GET /statements by agent and verb", () => xapi(`/statements?agent=${enc(AGENT)}&verb=${enc("http://example.com/verbs/s-2")}&limit=10`), 500],
  ["GET /statements since, ascending", () => xapi(`/statements?since=2000-01-01T00:00:00Z&ascending=true&limit=10`), 200],
  ["GET /statements?statementId", () => xapi(`/statements?statementId=${statementId}`), 20],
  ["GET /statements format=canonical", () => xapi("/statements?limit=10&format=canonical"), 250],
  ["GET /statements attachments=true", () => xapi("/statements?limit=10&attachments=true"), 200],
  ["GET /agents", () => xapi(`/agents?agent=${enc(AGENT)}`), 20],
  ["GET /activities", () => xapi(`/activities?activityId=${enc(ACTIVITY)}`), 20],
  ["GET /activities/state one", () => xapi(`/activities/state?activityId=${enc(ACTIVITY)}&agent=${enc(AGENT)}&stateId=state-3`), 20],
  // Lists the context's 30 ids: grows with the documents of one context, not of the store.
  ["GET /activities/state ids", () => xapi(`/activities/state?activityId=${enc(ACTIVITY)}&agent=${enc(AGENT)}`), 130],
  ["GET /activities/profile ids", () => xapi(`/activities/profile?activityId=${enc(ACTIVITY)}`), 20],
  ["GET /agents/profile one", () => xapi(`/agents/profile?agent=${enc(AGENT)}&profileId=p`), 20],
  ["GET /about", () => xapi("/about"), 0],
];

const CONSOLE_PATHS: Path[] = [
  // Both stores' rollup totals and stored bytes; the bytes sum the store's document and attachment rows.
  ["console stores page", () => console_.request("/admin"), 600],
  ["console store admin page", () => console_.request(`/admin/stores/${OWN_STORE}`), 300],
  ["console overview", () => console_.request(`/s/${OWN_STORE}`), 300],
  // Rollup rows of the range: distinct values (200 activities, 50 learners, 5 verbs) times days, not statements.
  ["console dashboard", () => console_.request(`/s/${OWN_STORE}/dashboard`), 1_400],
  ["console explorer", () => console_.request(`/s/${OWN_STORE}/statements`), 400],
  ["console activity", () => console_.request(`/s/${OWN_STORE}/activity?activityId=${enc(ACTIVITY)}`), 50],
  ["console learner", () => console_.request(`/s/${OWN_STORE}/learner?agent=${enc("mbox:mailto:s-learner-7@example.com")}`), 600],
];

// GET /admin/stores/:id is not here: its figures count every statement, activity and agent of the store
// (src/admin/stores.ts storeFigures), 1,787 rows on this data; listed in the README as a known walk.
const ADMIN_PATHS: Path[] = [
  ["admin GET /stores", () => adminFetch("/stores"), 20],
  ["admin GET /stores/:id/credentials", () => adminFetch(`/stores/${OWN_STORE}/credentials`), 20],
];

describe.each([
  ["xAPI", XAPI_PATHS],
  ["console", CONSOLE_PATHS],
  ["admin API", ADMIN_PATHS],
])("rows read by %s read paths", (_kind, paths) => {
  it.each(paths)("%s stays within its budget", async (_name, send, budget) => {
    const { status, report } = await metered(send);
    expect(status).toBe(200);
    expectWithinRowsBudget(report, budget);
  });
});
