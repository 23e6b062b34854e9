// The statement explorer: the xAPI query's filters as a form, newest first, keyset pages through the query
// module's cursor; /live answers the statements after a position (console.js polls it in live mode);
// /export streams the whole filter as NDJSON or CSV.
import type { Context } from "hono";
import type { Principal } from "../env";
import { XapiError } from "../errors";
import { mayReadStatementOf } from "../auth/scopes";
import { findStatementsByIds } from "../statement-store/statement-rows";
import { isUuid } from "../xapi/statements/validation";
import { storedStatement } from "../xapi/statements/stored-statement";
import type { ConsoleEnv } from "./console-env";
import { type ExplorerFilters, filterSearch, readExplorerPage, readFilters } from "./explorer-query";
import { Layout, type PageFrame } from "./layout";
import { statementCsvHeader, statementCsvRow } from "../shared/statement-csv.mjs";
import { StatementItem, StatementList } from "./statement-list";
import { principalWith, storeBase } from "./store-access";
import { ErrorNote, Forbidden } from "./ui";

/**
 * Statements a download from this page holds at most (newest first): 20 reads of EXPORT_PAGE, under the
 * 45-call bound of one request (PLATFORM.md). A whole store is exported by a job (./job-pages.tsx).
 */
export const EXPORT_LIMIT = 10_000;
const EXPORT_PAGE = 500;

export async function explorerPage(c: Context<ConsoleEnv>): Promise<Response> {
  const principal = principalWith(c, "statements/read/mine");
  const storeId = c.get("principal").storeId;
  const frame = { viewer: c.get("viewer"), csrf: c.get("csrf"), storeId, current: "statements" as const, title: "Statements" };
  if (!principal) return c.html(<Forbidden frame={frame} scope="statements/read" />, 403);
  const search = new URL(c.req.url).searchParams;
  const filters = readFilters(search);
  const base = storeBase(storeId);
  const query = filterSearch(filters).toString();
  const statementId = search.get("statementId");
  if (statementId !== null) return singleStatementPage(c, principal, statementId, frame);
  try {
    const page = await readExplorerPage(c.get("db"), c.env, principal, filters, { cursor: search.get("cursor") ?? undefined });
    const newest = search.get("cursor") ? undefined : page.rows[0]?.seq;
    return c.html(
      <Layout {...frame}>
        <FilterForm action={`${base}/statements`} filters={filters} />
        <StatementIdForm action={`${base}/statements`} />
        <p class="actions">
          <a href={`${base}/statements/export?${withParam(query, "format", "ndjson")}`}>Export NDJSON</a>{" "}
          <a href={`${base}/statements/export?${withParam(query, "format", "csv")}`}>Export CSV</a>{" "}
          <a href={`${base}/jobs`}>Export everything (a job)</a>{" "}
          {!search.get("cursor") && (
            <button
              type="button"
              id="live-toggle"
              aria-pressed="false"
              data-live-url={`${base}/statements/live?${query}`}
              data-after={String(newest ?? 0)}
            >
              Live mode
            </button>
          )}
        </p>
        <p id="live-status" role="status" aria-live="polite"></p>
        {page.rows.length === 0 ? <p>No statements match.</p> : <StatementList rows={page.rows} base={base} id="statement-list" />}
        {page.next && (
          <p>
            <a rel="next" id="next-page" href={`${base}/statements?${withParam(query, "cursor", page.next)}`}>
              Older statements
            </a>
          </p>
        )}
      </Layout>,
    );
  } catch (error) {
    if (!(error instanceof XapiError) || error.status !== 400) throw error;
    return c.html(
      <Layout {...frame}>
        <FilterForm action={`${base}/statements`} filters={filters} />
        <ErrorNote message={`${error.path ? `${error.path}: ` : ""}${error.message}`} />
      </Layout>,
      400,
    );
  }
}

/**
 * One statement by id, voided or not (voided ones are marked): where the "voids" link of a voiding statement
 * leads, since queries never return voided statements (1.0.3 Communication 2.1.4.s1.b1).
 */
async function singleStatementPage(
  c: Context<ConsoleEnv>,
  principal: Principal,
  statementId: string,
  frame: PageFrame,
): Promise<Response> {
  const base = storeBase(principal.storeId);
  const form = (
    <>
      <FilterForm action={`${base}/statements`} filters={readFilters(new URLSearchParams())} />
      <StatementIdForm action={`${base}/statements`} />
    </>
  );
  if (!isUuid(statementId)) {
    return c.html(<Layout {...frame}>{form}<ErrorNote message="statementId: must be a UUID" /></Layout>, 400);
  }
  const [row] = await findStatementsByIds(c.get("db"), principal.storeId, [statementId.toLowerCase()]);
  // statements/read/mine: another credential's statement is simply not found.
  const visible = row && mayReadStatementOf(principal, row.credentialId);
  return c.html(
    <Layout {...frame}>
      {form}
      {visible ? (
        <ol class="statements" id="statement-list">
          <StatementItem row={row} base={base} voided={row.voided} />
        </ol>
      ) : (
        <p>No statement with id {statementId} in this store.</p>
      )}
    </Layout>,
    visible ? 200 : 404,
  );
}

/** Statements stored after position `after` (oldest first, at most 100), as list items and the newest position. */
export async function livePage(c: Context<ConsoleEnv>): Promise<Response> {
  const principal = principalWith(c, "statements/read/mine");
  if (!principal) return c.json({ error: "forbidden" }, 403);
  const search = new URL(c.req.url).searchParams;
  const after = Number(search.get("after") ?? "0");
  if (!Number.isSafeInteger(after) || after < 0) return c.json({ error: "after must be a position" }, 400);
  try {
    const page = await readExplorerPage(c.get("db"), c.env, principal, readFilters(search), {
      afterSeq: after,
      ascending: true,
      limit: 100,
    });
    const base = storeBase(principal.storeId);
    const items = page.rows.reverse().map((row) => String(<StatementItem row={row} base={base} />));
    return c.json({ after: page.rows[0]?.seq ?? after, html: items.join("") });
  } catch (error) {
    if (error instanceof XapiError && error.status === 400) return c.json({ error: error.message }, 400);
    throw error;
  }
}

export async function exportStatements(c: Context<ConsoleEnv>): Promise<Response> {
  const principal = principalWith(c, "statements/read/mine");
  if (!principal) return c.text("Forbidden", 403);
  const search = new URL(c.req.url).searchParams;
  const format = search.get("format") === "csv" ? "csv" : "ndjson";
  const filters = readFilters(search);
  const db = c.get("db");
  const env = c.env;
  try {
    await readExplorerPage(db, env, principal, filters, { limit: 1 }); // a bad filter is a 400 before streaming
  } catch (error) {
    if (error instanceof XapiError && error.status === 400) return c.text(error.message, 400);
    throw error;
  }
  const encoder = new TextEncoder();
  const stream = new ReadableStream<Uint8Array>({
    async start(controller) {
      if (format === "csv") controller.enqueue(encoder.encode(statementCsvHeader()));
      let cursor: string | undefined;
      let sent = 0;
      do {
        const page = await readExplorerPage(db, env, principal, filters, { cursor, limit: EXPORT_PAGE });
        const lines = page.rows.map((row) => {
          const statement = storedStatement(row);
          return format === "csv" ? statementCsvRow(statement) : `${JSON.stringify(statement)}\n`;
        });
        controller.enqueue(encoder.encode(lines.join("")));
        sent += page.rows.length;
        cursor = page.next;
      } while (cursor && sent < EXPORT_LIMIT);
      controller.close();
    },
  });
  const type = format === "csv" ? "text/csv; charset=utf-8" : "application/x-ndjson; charset=utf-8";
  return new Response(stream, {
    headers: { "Content-Type": type, "Content-Disposition": `attachment; filename="statements.${format === "csv" ? "csv" : "ndjson"}"` },
  });
}

function withParam(query: string, name: string, value: string): string {
  const search = new URLSearchParams(query);
  search.set(name, value);
  return search.toString();
}

function FilterForm(props: { action: string; filters: ExplorerFilters }) {
  const f = props.filters;
  const field = (name: "agent" | "verb" | "activity" | "registration", label: string, hint: string) => (
    <div class="field">
      <label for={`f-${name}`}>{label}</label>
      <input id={`f-${name}`} name={name} value={f[name]} aria-describedby={`f-${name}-hint`} />
      <small id={`f-${name}-hint`}>{hint}</small>
    </div>
  );
  return (
    <form method="get" action={props.action} class="filters" aria-label="Filter statements">
      {field("agent", "Agent", "e-mail, mailto: IRI or Agent JSON")}
      {field("verb", "Verb", "verb IRI")}
      {field("activity", "Activity", "activity IRI")}
      {field("registration", "Registration", "UUID")}
      <div class="field">
        <label for="f-since">Since (UTC)</label>
        <input id="f-since" name="since" type="datetime-local" step="1" value={f.since} />
      </div>
      <div class="field">
        <label for="f-until">Until (UTC)</label>
        <input id="f-until" name="until" type="datetime-local" step="1" value={f.until} />
      </div>
      <div class="field checks">
        <label>
          <input type="checkbox" name="related_agents" value="true" checked={f.related_agents} /> Agent anywhere (related_agents)
        </label>
        <label>
          <input type="checkbox" name="related_activities" value="true" checked={f.related_activities} /> Activity anywhere
          (related_activities)
        </label>
      </div>
      <div class="field">
        <button type="submit">Filter</button> <a href={props.action}>Clear</a>
      </div>
    </form>
  );
}

function StatementIdForm(props: { action: string }) {
  return (
    <form method="get" action={props.action} class="range" aria-label="Find a statement by id">
      <label for="f-statement-id">Statement id (voided ones too)</label>
      <input id="f-statement-id" name="statementId" required />
      <button type="submit">Find</button>
    </form>
  );
}
