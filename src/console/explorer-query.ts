// The statement explorer's query: the console's filter form turned into the xAPI query parameters, checked by
// the query module's own parser and read by its page reader, so the explorer shows exactly what
// GET /xapi/statements would. Pages are newest first; the cursor is the query module's sealed keyset position.
import type { Principal } from "../env";
import { parseStatementQuery } from "../xapi/statements/query/parameters";
import { readStatementPage } from "../xapi/statements/query/statement-page";
import type { QueriedRow } from "../statement-store/query/index-read";
import { agentParameter } from "./agent-input";

export const FILTER_FIELDS = ["agent", "verb", "activity", "registration", "since", "until"] as const;
export const FLAG_FIELDS = ["related_agents", "related_activities"] as const;
export const PAGE_SIZE = 25;

export type ExplorerFilters = Record<(typeof FILTER_FIELDS)[number], string> &
  Record<(typeof FLAG_FIELDS)[number], boolean>;

export function readFilters(search: URLSearchParams): ExplorerFilters {
  const filters = {} as ExplorerFilters;
  for (const name of FILTER_FIELDS) filters[name] = (search.get(name) ?? "").trim();
  for (const name of FLAG_FIELDS) filters[name] = search.get(name) === "true" || search.get(name) === "on";
  return filters;
}

/** The console URL query of these filters (empty fields left out), for links, paging and export. */
export function filterSearch(filters: ExplorerFilters): URLSearchParams {
  const search = new URLSearchParams();
  for (const name of FILTER_FIELDS) if (filters[name]) search.set(name, filters[name]);
  for (const name of FLAG_FIELDS) if (filters[name]) search.set(name, "true");
  return search;
}

/** A date (YYYY-MM-DD) or a datetime-local value (no zone) is read as UTC; anything else goes as typed. */
function timestampParameter(typed: string): string {
  if (/^\d{4}-\d{2}-\d{2}$/.test(typed)) return `${typed}T00:00:00Z`;
  if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/.test(typed)) return `${typed}:00Z`;
  if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?$/.test(typed)) return `${typed}Z`;
  return typed;
}

/** The xAPI parameters of the filters (throws the query module's 400 XapiError for a bad value). */
export function xapiEntries(filters: ExplorerFilters): [string, string][] {
  const entries: [string, string][] = [];
  if (filters.agent) entries.push(["agent", agentParameter(filters.agent)]);
  for (const name of ["verb", "activity", "registration"] as const) if (filters[name]) entries.push([name, filters[name]]);
  for (const name of ["since", "until"] as const) if (filters[name]) entries.push([name, timestampParameter(filters[name])]);
  for (const name of FLAG_FIELDS) if (filters[name]) entries.push([name, "true"]);
  return entries;
}

export type ExplorerPage = { rows: QueriedRow[]; next?: string };

export async function readExplorerPage(
  db: D1Database,
  env: object,
  principal: Principal,
  filters: ExplorerFilters,
  options: { cursor?: string; limit?: number; afterSeq?: number; ascending?: boolean },
): Promise<ExplorerPage> {
  const entries = xapiEntries(filters);
  const query = parseStatementQuery(entries, "2.0.0");
  const { rows, hasMore, cursorAfter } = await readStatementPage(
    db,
    env,
    principal,
    entries,
    { ...query, cursor: options.cursor || undefined, ascending: options.ascending ?? false, limit: options.limit ?? PAGE_SIZE },
    options.afterSeq,
  );
  const last = rows[rows.length - 1];
  const next = hasMore && last ? await cursorAfter(last.seq) : undefined;
  return { rows, ...(next ? { next } : {}) };
}
