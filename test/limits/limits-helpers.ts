// Requests through the strict entry with what each one cost (test/strict/ledger.ts), and the seeding the
// budget and scale tests share. Admin and console calls bind LRS_ADMIN_TOKEN for the call, as production does.
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { expect } from "vitest";
import { basic, xapi, type XapiInit } from "../helpers";
import { type InvocationReport, takeReports } from "../strict/ledger";
import { strictFetch } from "../strict/strict-fetch";

export const ADMIN_TOKEN = "limits-admin-token";
const ORIGIN = "http://lrs.test";

export type Metered = { status: number; text: string; bytes: Uint8Array; headers: Headers; report: InvocationReport };

/** Runs one request to its last byte and returns its answer with the cost of exactly that invocation. */
export async function metered(send: () => Promise<Response>): Promise<Metered> {
  takeReports();
  const response = await send();
  const bytes = new Uint8Array(await response.arrayBuffer());
  const reports = takeReports();
  expect(reports.length, reports.map((r) => r.label).join(", ")).toBe(1);
  const text = new TextDecoder().decode(bytes);
  return { status: response.status, text, bytes, headers: response.headers, report: reports[0]! };
}

/** The app with LRS_ADMIN_TOKEN bound, through the strict entry (the admin API and the console). */
export async function appFetch(path: string, init: RequestInit = {}): Promise<Response> {
  const ctx = createExecutionContext();
  const response = await strictFetch(new Request(`${ORIGIN}${path}`, { redirect: "manual", ...init }), { ...env, LRS_ADMIN_TOKEN: ADMIN_TOKEN }, ctx);
  await waitOnExecutionContext(ctx);
  return response;
}

export function adminFetch(path: string, init: { method?: string; json?: unknown } = {}): Promise<Response> {
  const headers = new Headers({ Authorization: `Bearer ${ADMIN_TOKEN}` });
  if (init.json !== undefined) headers.set("Content-Type", "application/json");
  const body = init.json === undefined ? undefined : JSON.stringify(init.json);
  return appFetch(`/admin${path}`, { method: init.method ?? "GET", headers, body });
}

export type Credential = { storeId: string; auth: string };

export async function newStore(name: string): Promise<Credential> {
  const store = (await (await adminFetch("/stores", { method: "POST", json: { name } })).json()) as { id: string };
  const response = await adminFetch(`/stores/${store.id}/credentials`, { method: "POST", json: { scopes: ["all"] } });
  const credential = (await response.json()) as { key: string; secret: string };
  return { storeId: store.id, auth: basic(credential.key, credential.secret) };
}

export function xapiAs(credential: Credential | undefined, path: string, init: XapiInit = {}): Promise<Response> {
  return xapi(path, credential ? { ...init, auth: credential.auth } : init);
}

/** `count` statements in POSTs of 500: actor, verb and activity vary with the index as given. */
export async function seedStatements(
  credential: Credential | undefined,
  count: number,
  make: (index: number) => Record<string, unknown>,
): Promise<void> {
  for (let start = 0; start < count; start += 500) {
    const batch = Array.from({ length: Math.min(500, count - start) }, (_, i) => make(start + i));
    const response = await xapiAs(credential, "/statements", { method: "POST", json: batch });
    expect(response.status, await response.clone().text()).toBe(200);
    await response.arrayBuffer();
  }
}

export function plainStatement(index: number, prefix = "s"): Record<string, unknown> {
  return {
    actor: { mbox: `mailto:${prefix}-learner-${index % 50}@example.com`, name: `Learner ${index % 50}` },
    verb: { id: `http://example.com/verbs/${prefix}-${index % 5}`, display: { "en-US": "did" } },
    object: {
      id: `http://example.com/activities/${prefix}-${index % 200}`,
      definition: { name: { "en-US": `Activity ${index % 200}` } },
    },
    context: { registration: `00000000-0000-4000-8000-${String(index % 20).padStart(12, "0")}` },
  };
}

/** The console signed in as admin, cookies kept between calls. */
export class ConsoleSession {
  private cookies = new Map<string, string>();
  csrf = "";

  async request(path: string, form?: Record<string, string>): Promise<Response> {
    const headers = new Headers();
    if (this.cookies.size) headers.set("Cookie", [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; "));
    let body: string | undefined;
    if (form) {
      headers.set("Origin", ORIGIN);
      headers.set("Content-Type", "application/x-www-form-urlencoded");
      body = new URLSearchParams({ _csrf: this.csrf, ...form }).toString();
    }
    const response = await appFetch(`/console${path}`, { method: form ? "POST" : "GET", headers, body });
    for (const cookie of response.headers.getSetCookie()) {
      const [pair = ""] = cookie.split(";");
      const [name = "", value = ""] = pair.split("=");
      if (value) this.cookies.set(name.trim(), value.trim());
      else this.cookies.delete(name.trim());
    }
    return response;
  }

  async page(path: string): Promise<string> {
    const html = await (await this.request(path)).text();
    this.csrf = /name="_csrf" value="([^"]*)"/.exec(html)?.[1] ?? this.csrf;
    return html;
  }

  async signInAdmin(): Promise<void> {
    await this.page("/sign-in");
    const response = await this.request("/sign-in", { method: "admin", token: ADMIN_TOKEN });
    expect(response.status).toBe(303);
  }
}

/** Fails with the statements run and their rows read when the request read more than its budget. */
export function expectWithinRowsBudget(report: InvocationReport, budget: number): void {
  const detail = report.queries.map((q) => `${q.rowsRead}\t${q.sql.replace(/\s+/g, " ").slice(0, 160)}`).join("\n");
  expect(report.rowsRead, `${report.label} read ${report.rowsRead} rows (budget ${budget}):\n${detail}`).toBeLessThanOrEqual(budget);
}
