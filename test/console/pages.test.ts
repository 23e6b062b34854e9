// Console pages render the numbers that were seeded: overview counters and chart, dashboard, explorer
// (sentences, filters, keyset paging, JSON), export, live mode, activity and learner pages.
import { beforeAll, describe, expect, it } from "vitest";
import { xapi } from "../helpers";
import { STATEMENT_CSV_COLUMNS } from "../../src/shared/statement-csv.mjs";
import { aggregate } from "../rollups/aggregator";
import { Browser, chartValues, figure, statement } from "./console-helpers";

const COURSE = "http://example.com/course/pages";
const QUIZ = "http://example.com/quiz/pages";
const today = new Date().toISOString().slice(0, 10);
const yesterday = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);

async function post(statements: unknown[]): Promise<string[]> {
  const response = await xapi("/statements", { method: "POST", json: statements });
  expect(response.status).toBe(200);
  // The figures count what the store's rollup aggregator has counted.
  await aggregate("default");
  return (await response.json()) as string[];
}

const browser = new Browser();
let firstIds: string[] = [];

beforeAll(async () => {
  // 30 statements: 20 "completed" COURSE by Ana (scores 0.92), 10 "attempted" QUIZ by Ben (5 passed, 5 failed).
  firstIds = await post(Array.from({ length: 20 }, () => statement({ actor: "Ana", activity: COURSE, scaled: 0.92, completion: true })));
  await post(
    Array.from({ length: 10 }, (_, i) =>
      statement({ actor: "Ben", verb: "http://adlnet.gov/expapi/verbs/attempted", activity: QUIZ, scaled: 0.35, success: i < 5 }),
    ),
  );
  expect((await browser.signInAdmin()).status).toBe(303);
});

describe("console pages", () => {
  it("overview: counters and the statements-per-day chart show the seeded numbers", async () => {
    const page = await browser.get("/console/s/default");
    expect(page.status).toBe(200);
    expect(figure(page.html, "today")).toBe("30");
    expect(figure(page.html, "week")).toBe("30");
    expect(figure(page.html, "total")).toBe("30");
    expect(figure(page.html, "learners-today")).toBe("2");
    // A store whose data is all from today charts yesterday and today by the hour, up to the current hour.
    const values = chartValues(page.html, "statements-per-day");
    expect(values).toHaveLength(24 + new Date().getUTCHours() + 1);
    expect(values.reduce((a, b) => a + b, 0)).toBe(30);
    expect(page.html).toContain(`Statements per hour, ${yesterday} to ${today} (UTC)`);
    const ranged = await browser.get(`/console/s/default?from=${today}&to=${today}&by=day`);
    expect(chartValues(ranged.html, "statements-per-day")).toEqual([30]);
    const month = await browser.get(`/console/s/default?to=${today}`);
    const days = chartValues(month.html, "statements-per-day");
    expect(days).toHaveLength(30);
    expect(days[days.length - 1]).toBe(30);
    expect(days.slice(0, -1)).toEqual(Array(29).fill(0));
  });

  it("dashboard: top verbs, top activities, rates and the score histogram", async () => {
    const page = await browser.get("/console/s/default/dashboard");
    expect(page.status).toBe(200);
    expect(page.html).toMatch(/title="http:\/\/adlnet.gov\/expapi\/verbs\/completed" data-rank-name="true">completed<\/a>.*?data-rank-count="true">20</);
    expect(page.html).toMatch(/title="http:\/\/adlnet.gov\/expapi\/verbs\/attempted" data-rank-name="true">attempted<\/a>.*?data-rank-count="true">10</);
    expect(page.html).toMatch(/title="http:\/\/example.com\/course\/pages" data-rank-name="true">Course 1<\/a>.*?data-rank-count="true">20</);
    expect(figure(page.html, "completion-rate")).toContain("100%");
    expect(figure(page.html, "pass-rate")).toContain("50%");
    expect(chartValues(page.html, "score-histogram")).toEqual([0, 0, 0, 10, 0, 0, 0, 0, 0, 20]);
  });

  it("explorer: sentences newest first, keyset pages, pretty JSON", async () => {
    const first = await browser.get("/console/s/default/statements");
    expect(first.status).toBe(200);
    expect((first.html.match(/class="statement"/g) ?? []).length).toBe(25);
    expect(first.html).toContain("Ben attempted Course 1 with 35% (passed)");
    expect(first.html.indexOf("Ben attempted")).toBeLessThan(first.html.indexOf("Ana completed"));
    expect(first.html).toContain("&quot;mbox&quot;: &quot;mailto:ana@example.com&quot;");
    const next = /id="next-page" href="([^"]+)"/.exec(first.html)?.[1]?.replace(/&amp;/g, "&");
    expect(next).toMatch(/^\/console\/s\/default\/statements\?(.+&)?cursor=/);
    const second = await browser.get(next!);
    expect((second.html.match(/class="statement"/g) ?? []).length).toBe(5);
    expect(second.html).not.toContain('id="next-page"');
    expect(second.html).toContain(`data-statement-id="${firstIds[0]}"`);
  });

  it("refuses a form body over the size limit", async () => {
    const page = await browser.post("/console/admin/stores", { name: "x".repeat(70_000) });
    expect(page.status).toBe(413);
  });

  it("explorer: filters as the xAPI query, a bad filter as a readable 400", async () => {
    const byVerb = await browser.get(`/console/s/default/statements?verb=${encodeURIComponent("http://adlnet.gov/expapi/verbs/attempted")}`);
    expect((byVerb.html.match(/class="statement"/g) ?? []).length).toBe(10);
    expect(byVerb.html).not.toContain("Ana completed");
    const byAgent = await browser.get("/console/s/default/statements?agent=ana%40example.com");
    expect((byAgent.html.match(/class="statement"/g) ?? []).length).toBe(20);
    expect(byAgent.html).not.toContain("Ben attempted");
    const future = await browser.get("/console/s/default/statements?since=2999-01-01");
    expect(future.html).toContain("No statements match.");
    const bad = await browser.get("/console/s/default/statements?registration=nope");
    expect(bad.status).toBe(400);
    expect(bad.html).toContain("registration: must be a UUID");
  });

  it("voiding statements link to the statement they void, shown marked voided", async () => {
    const [target] = await post([statement({ actor: "Cy", activity: "http://example.com/voided" })]);
    await post([
      { actor: { mbox: "mailto:admin@example.com" }, verb: { id: "http://adlnet.gov/expapi/verbs/voided" }, object: { objectType: "StatementRef", id: target } },
    ]);
    const page = await browser.get("/console/s/default/statements?agent=admin%40example.com");
    const link = new RegExp(`<a class="badge" href="([^"]+)">voids ${target}</a>`).exec(page.html)?.[1];
    expect(link).toBe(`/console/s/default/statements?statementId=${target}`);
    // Queries never return the voided statement; looking it up by id shows it, marked voided.
    const voided = await browser.get(link!);
    expect(voided.status).toBe(200);
    expect(voided.html).toContain('<li class="statement voided"');
    expect(voided.html).toContain('<span class="badge voided">voided</span>');
    expect(voided.html).toContain("Cy completed Course 1");
    const live = await browser.get(`/console/s/default/statements?statementId=${firstIds[0]}`);
    expect(live.html).not.toContain("badge voided");
    expect((await browser.get("/console/s/default/statements?statementId=nope")).status).toBe(400);
    expect((await browser.get(`/console/s/default/statements?statementId=${crypto.randomUUID()}`)).status).toBe(404);
  });

  it("export: the current filter as NDJSON and as CSV", async () => {
    const ndjson = await browser.get(`/console/s/default/statements/export?format=ndjson&activity=${encodeURIComponent(QUIZ)}`);
    expect(ndjson.status).toBe(200);
    expect(ndjson.headers.get("Content-Type")).toContain("application/x-ndjson");
    const lines = ndjson.html.trim().split("\n").map((line) => JSON.parse(line));
    expect(lines).toHaveLength(10);
    expect(lines.map((s) => s.object.id)).toEqual(Array(10).fill(QUIZ));
    const csv = await browser.get(`/console/s/default/statements/export?format=csv&activity=${encodeURIComponent(COURSE)}`);
    const rows = csv.html.trim().split("\r\n");
    expect(rows[0]).toBe(STATEMENT_CSV_COLUMNS.join(","));
    expect(rows).toHaveLength(21);
    expect(rows[1]).toContain('"mailto:ana@example.com","Ana","http://adlnet.gov/expapi/verbs/completed"');
  });

  it("live: statements after a position, as list items", async () => {
    const page = await browser.get("/console/s/default/statements");
    const after = /data-after="(\d+)"/.exec(page.html)?.[1];
    expect(after).toMatch(/^\d+$/);
    const quiet = await browser.get(`/console/s/default/statements/live?after=${after}`);
    expect(JSON.parse(quiet.html)).toEqual({ after: Number(after), html: "" });
    await post([statement({ actor: "Dee", activity: "http://example.com/live" })]);
    const news = JSON.parse((await browser.get(`/console/s/default/statements/live?after=${after}`)).html);
    expect(news.after).toBeGreaterThan(Number(after));
    expect(news.html).toContain("Dee completed Course 1");
  });

  it("activity page: definition, per-day figures, scores, rates and learners", async () => {
    const page = await browser.get(`/console/s/default/activity?activityId=${encodeURIComponent(QUIZ)}`);
    expect(page.status).toBe(200);
    expect(page.html).toContain("&quot;Course 1&quot;");
    expect(figure(page.html, "activity-statements")).toBe("10");
    expect(figure(page.html, "activity-learners")).toBe("1");
    expect(chartValues(page.html, "activity-scores")[3]).toBe(10);
    expect(figure(page.html, "pass-rate")).toContain("50%");
    expect(page.html).toMatch(/title="mbox:mailto:ben@example.com" data-rank-name="true">Ben<\/a>/);
  });

  it("learner page: Person, timeline and documents (viewable as a download)", async () => {
    const agent = { objectType: "Agent", mbox: "mailto:ana@example.com" };
    const put = await xapi(
      `/activities/state?activityId=${encodeURIComponent(COURSE)}&agent=${encodeURIComponent(JSON.stringify(agent))}&stateId=bookmark`,
      { method: "PUT", body: JSON.stringify({ page: 7 }), headers: { "Content-Type": "application/json" } },
    );
    expect(put.status).toBe(204);
    const page = await browser.get(`/console/s/default/learner?agent=${encodeURIComponent("mbox:mailto:ana@example.com")}`);
    expect(page.status).toBe(200);
    expect(page.html).toContain("&quot;objectType&quot;: &quot;Person&quot;");
    expect(page.html).toContain("&quot;Ana&quot;");
    expect(figure(page.html, "learner-statements")).toBe("20");
    expect(page.html).toContain("Ana completed Course 1");
    const view = /href="([^"]*learner\/document[^"]*)">bookmark</.exec(page.html)?.[1]?.replace(/&amp;/g, "&");
    expect(view).toContain("view=true");
    const shown = await browser.get(view!);
    expect(shown.status).toBe(200);
    expect(shown.html).toContain("&quot;page&quot;: 7");
    const link = /href="([^"]*learner\/document[^"]*)" aria-label="Download bookmark"/.exec(page.html)?.[1]?.replace(/&amp;/g, "&");
    expect(link).toMatch(/learner\/document\?/);
    const document = await browser.get(link!);
    expect(document.status).toBe(200);
    expect(document.headers.get("Content-Disposition")).toContain("attachment");
    expect(JSON.parse(document.html)).toEqual({ page: 7 });
  });
});
