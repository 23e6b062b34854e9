// The Activity page (canonical definition, statements per day, scores, rates, learners) and the Learner page
// (Person object, timeline, documents). Figures come from the rollups; the timeline is the explorer's query
// filtered by the agent, and documents are read through the document store.
import type { Context } from "hono";
import { hasScope } from "../auth/scopes";
import { activityStats, learnerActivity } from "../statement-store/rollups/read";
import { findCanonicalActivity } from "../xapi/activities/canonical-activity";
import { findPerson } from "../xapi/agents/person";
import type { DocumentKind } from "../xapi/documents/document-address";
import { openDocument } from "../xapi/documents/document-storage";
import { agentFromKey } from "./agent-input";
import { listAgentDocuments } from "./agent-documents";
import type { ConsoleEnv } from "./console-env";
import { readDateRange } from "./date-range";
import { readExplorerPage, readFilters } from "./explorer-query";
import { lookUpNames } from "./display-names";
import { readFreshness } from "../statement-store/rollups/freshness";
import { Freshness, Outcomes, RangeForm, RankTable, ScoreChart } from "./figure-pages";
import { Chart, Layout } from "./layout";
import { StatementList } from "./statement-list";
import { principalWith, storeBase } from "./store-access";
import { ErrorNote, Forbidden } from "./ui";
import { formatBytes } from "./storage-used";
import { localeOf } from "./viewer-locale";

export async function activityPage(c: Context<ConsoleEnv>): Promise<Response> {
  const storeId = c.get("principal").storeId;
  const frame = { viewer: c.get("viewer"), csrf: c.get("csrf"), storeId, current: "activity" as const, title: "Activity" };
  if (!principalWith(c, "statements/read")) return c.html(<Forbidden frame={frame} scope="statements/read" />, 403);
  const search = new URL(c.req.url).searchParams;
  const activityId = search.get("activityId") ?? "";
  if (!activityId) return c.html(<Layout {...frame}><ErrorNote message="No activity given." /></Layout>, 400);
  const range = readDateRange(search);
  const db = c.get("db");
  const base = storeBase(storeId);
  const locale = localeOf(c);
  const [activity, stats, freshness] = await Promise.all([
    findCanonicalActivity(db, storeId, activityId),
    activityStats(db, storeId, activityId, range.from, range.to),
    readFreshness(db, storeId),
  ]);
  const names = await lookUpNames(db, storeId, { learners: stats.learners.map((l) => l.value) }, locale);
  const name = locale.pick(activity.definition?.name);
  return c.html(
    <Layout {...frame} title={name ? `Activity: ${name}` : "Activity"}>
      <p class="wrap">
        <code data-activity-id title={activityId}>{activityId}</code>{" "}
        <a href={`${base}/statements?activity=${encodeURIComponent(activityId)}`}>Its statements</a>
      </p>
      <h2>Canonical definition</h2>
      <pre class="json">{JSON.stringify(activity, null, 2)}</pre>
      <RangeForm action={`${base}/activity`} range={range} extra={{ activityId }} />
      <Freshness freshness={freshness} />
      <p>
        <span data-figure="activity-statements">{locale.count(stats.statements)}</span> statements by{" "}
        <span data-figure="activity-learners">{locale.count(stats.learnerCount)}</span> learners in this range.
      </p>
      <Chart
        id="activity-per-day"
        kind="line"
        locale={locale}
        caption={`Statements per day about this activity, ${range.from} to ${range.to}`}
        labels={stats.perDay.map((d) => d.day)}
        values={stats.perDay.map((d) => d.count)}
        labelHeading="Day"
        valueHeading="Statements"
      />
      <ScoreChart id="activity-scores" scores={stats.scores} locale={locale} caption="Scaled scores for this activity" />
      <h2>Completion and pass rates</h2>
      <Outcomes outcomes={stats.outcomes} locale={locale} />
      <h2>Learners</h2>
      <RankTable
        heading="Learner"
        locale={locale}
        rows={stats.learners.map((l) => ({
          label: names.learner(l.value),
          id: l.value,
          count: l.count,
          href: `${base}/learner?agent=${encodeURIComponent(l.value)}`,
        }))}
      />
    </Layout>,
  );
}

export async function learnerPage(c: Context<ConsoleEnv>): Promise<Response> {
  const principal = c.get("principal");
  const storeId = principal.storeId;
  const frame = { viewer: c.get("viewer"), csrf: c.get("csrf"), storeId, current: "learner" as const, title: "Learner" };
  if (!principalWith(c, "statements/read")) return c.html(<Forbidden frame={frame} scope="statements/read" />, 403);
  const search = new URL(c.req.url).searchParams;
  const key = search.get("agent") ?? "";
  const agent = agentFromKey(key);
  if (!agent) return c.html(<Layout {...frame}><ErrorNote message="No learner given (an agent key such as mbox:mailto:ana@example.com)." /></Layout>, 400);
  const range = readDateRange(search);
  const db = c.get("db");
  const base = storeBase(storeId);
  const canState = hasScope(principal, "state");
  const canProfile = hasScope(principal, "profile");
  const locale = localeOf(c);
  const [person, activity, timeline, docs, freshness] = await Promise.all([
    findPerson(db, storeId, agent, key),
    learnerActivity(db, storeId, key, range.from, range.to),
    readExplorerPage(db, c.env, principal, readFilters(new URLSearchParams({ agent: key })), { limit: 20 }),
    canState || canProfile ? listAgentDocuments(db, storeId, key) : Promise.resolve([]),
    readFreshness(db, storeId),
  ]);
  const visible = docs.filter((d) => (d.kind === "state" ? canState : canProfile));
  const names = await lookUpNames(db, storeId, { activities: activity.activities.map((a) => a.value) }, locale);
  const personName = Array.isArray(person.name) ? person.name.find((n: unknown) => typeof n === "string") : undefined;
  return c.html(
    <Layout {...frame} title={personName ? `Learner: ${personName}` : "Learner"}>
      <h2>Person</h2>
      <pre class="json" data-person>{JSON.stringify(person, null, 2)}</pre>
      <RangeForm action={`${base}/learner`} range={range} extra={{ agent: key }} />
      <Freshness freshness={freshness} />
      <p>
        <span data-figure="learner-statements">{locale.count(activity.statements)}</span> statements in this range.
      </p>
      <Chart
        id="learner-per-day"
        kind="line"
        locale={locale}
        caption={`Statements per day by this learner, ${range.from} to ${range.to}`}
        labels={activity.perDay.map((d) => d.day)}
        values={activity.perDay.map((d) => d.count)}
        labelHeading="Day"
        valueHeading="Statements"
      />
      <h2>Activities</h2>
      <RankTable
        heading="Activity"
        locale={locale}
        rows={activity.activities.map((a) => ({
          label: names.activity(a.value),
          id: a.value,
          count: a.count,
          href: `${base}/activity?activityId=${encodeURIComponent(a.value)}`,
        }))}
      />
      <h2>Timeline</h2>
      <StatementList rows={timeline.rows} base={base} />
      <p>
        <a href={`${base}/statements?agent=${encodeURIComponent(key)}`}>All statements of this learner</a>
      </p>
      <h2>Documents</h2>
      {!canState && !canProfile ? (
        <p>This credential lacks the state and profile scopes.</p>
      ) : visible.length === 0 ? (
        <p>No State or Agent Profile documents.</p>
      ) : (
        <table class="rank">
          <thead>
            <tr>
              <th scope="col">Kind</th>
              <th scope="col">Id</th>
              <th scope="col">Activity</th>
              <th scope="col">Size</th>
              <th scope="col">Updated</th>
            </tr>
          </thead>
          <tbody>
            {visible.map((d) => (
              <tr>
                <td>{d.kind === "state" ? "State" : "Agent Profile"}</td>
                <td class="wrap">
                  {isViewable(d) ? (
                    <a href={`${base}/learner/document?${documentQuery(key, d)}&view=true`}>{d.documentId}</a>
                  ) : (
                    d.documentId
                  )}{" "}
                  <a href={`${base}/learner/document?${documentQuery(key, d)}`} aria-label={`Download ${d.documentId}`}>
                    (download)
                  </a>
                </td>
                <td class="wrap">{d.activityId}</td>
                <td>{formatBytes(d.size)}</td>
                <td>{new Date(d.updatedMs).toISOString().slice(0, 19).replace("T", " ")}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Layout>,
  );
}

function documentQuery(agent: string, d: { kind: DocumentKind; activityId: string; registration: string; documentId: string }): string {
  return new URLSearchParams({ agent, kind: d.kind, activityId: d.activityId, registration: d.registration, documentId: d.documentId }).toString();
}

const VIEWABLE_BYTES = 256 * 1024;

/** JSON and plain text small enough to show on a page (as text in a <pre>, never as markup). */
function isViewable(d: { contentType: string; size: number }): boolean {
  return d.size <= VIEWABLE_BYTES && /^(application\/([\w.+-]*\+)?json|text\/plain)\b/i.test(d.contentType);
}

/**
 * One document's body: as a download (never rendered as a page of ours, so stored HTML cannot run in our
 * origin), or with view=true, a small JSON or text document shown as text.
 */
export async function learnerDocument(c: Context<ConsoleEnv>): Promise<Response> {
  const principal = c.get("principal");
  const search = new URL(c.req.url).searchParams;
  const kind = search.get("kind");
  if (kind !== "state" && kind !== "agent_profile") return c.text("Not found", 404);
  if (!hasScope(principal, kind === "state" ? "state" : "profile")) return c.text("Forbidden", 403);
  const agentKey = search.get("agent") ?? "";
  const opened = await openDocument(
    c.get("db"),
    c.env,
    {
      storeId: principal.storeId,
      kind,
      activityId: search.get("activityId") ?? "",
      agentKey,
      registration: search.get("registration") ?? "",
      documentId: search.get("documentId") ?? "",
    },
    true,
  );
  if (!opened?.body) return c.text("Not found", 404);
  if (search.get("view") === "true" && isViewable(opened.row)) {
    let body = await new Response(opened.body).text();
    if (/json/i.test(opened.row.contentType)) {
      try {
        body = JSON.stringify(JSON.parse(body), null, 2);
      } catch {}
    }
    const frame = { viewer: c.get("viewer"), csrf: c.get("csrf"), storeId: principal.storeId, current: "learner" as const };
    return c.html(
      <Layout {...frame} title={`Document ${opened.row.documentId}`}>
        <p>
          {opened.row.kind === "state" ? "State" : "Agent Profile"} · {opened.row.contentType} · {formatBytes(opened.row.size)}
        </p>
        <pre class="json" data-document>
          {body}
        </pre>
        <p>
          <a href={`${storeBase(principal.storeId)}/learner?agent=${encodeURIComponent(agentKey)}`}>Back to the learner</a>
        </p>
      </Layout>,
    );
  }
  const filename = opened.row.documentId.replace(/[^A-Za-z0-9._-]/g, "_").slice(0, 100) || "document";
  return new Response(opened.body, {
    headers: {
      "Content-Type": "application/octet-stream",
      "Content-Disposition": `attachment; filename="${filename}"`,
      "X-Content-Type-Options": "nosniff",
    },
  });
}
