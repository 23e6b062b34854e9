// A small browser for console tests: the Worker (through the strict entry) with LRS_ADMIN_TOKEN bound, a cookie
// jar, the form's CSRF token read from each page, and the Origin a browser sends with form POSTs.
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { ADMIN_TOKEN } from "../admin/admin-helpers";
import { strictFetch } from "../strict/strict-fetch";

export const ORIGIN = "https://lrs.test";

export type Page = { status: number; html: string; headers: Headers; location: string | null };

export class Browser {
  cookies = new Map<string, string>();
  csrf = "";
  setCookies: string[] = [];
  /** Sent as Accept-Language when set (the console formats numbers and picks names by it). */
  acceptLanguage: string | undefined;

  async request(path: string, init: { method?: string; form?: Record<string, string | string[]>; origin?: string | null; csrf?: string | null } = {}): Promise<Page> {
    const headers = new Headers();
    if (this.acceptLanguage) headers.set("Accept-Language", this.acceptLanguage);
    if (this.cookies.size) headers.set("Cookie", [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; "));
    let body: string | undefined;
    const method = init.method ?? (init.form ? "POST" : "GET");
    if (method === "POST") {
      if (init.origin !== null) headers.set("Origin", init.origin ?? ORIGIN);
      const form = new URLSearchParams();
      if (init.csrf !== null) form.append("_csrf", init.csrf ?? this.csrf);
      for (const [name, value] of Object.entries(init.form ?? {})) {
        for (const one of Array.isArray(value) ? value : [value]) form.append(name, one);
      }
      body = form.toString();
      headers.set("Content-Type", "application/x-www-form-urlencoded");
    }
    const ctx = createExecutionContext();
    const response = await strictFetch(new Request(`${ORIGIN}${path}`, { method, headers, body, redirect: "manual" }), { ...env, LRS_ADMIN_TOKEN: ADMIN_TOKEN }, ctx);
    const html = new TextDecoder().decode(await response.arrayBuffer());
    await waitOnExecutionContext(ctx);
    this.setCookies = response.headers.getSetCookie();
    for (const cookie of this.setCookies) {
      const [pair = "", ...attributes] = cookie.split(";");
      const [name = "", value = ""] = pair.split("=");
      const expired = attributes.some((a) => /max-age=0\b/i.test(a.trim()) || /expires=Thu, 01 Jan 1970/i.test(a.trim()));
      if (expired || !value) this.cookies.delete(name.trim());
      else this.cookies.set(name.trim(), value.trim());
    }
    const token = /name="_csrf" value="([^"]*)"/.exec(html)?.[1];
    if (token) this.csrf = token;
    return { status: response.status, html, headers: response.headers, location: response.headers.get("Location") };
  }

  get(path: string): Promise<Page> {
    return this.request(path);
  }

  post(path: string, form: Record<string, string | string[]> = {}, extra: { origin?: string | null; csrf?: string | null } = {}): Promise<Page> {
    return this.request(path, { method: "POST", form, ...extra });
  }

  async signInAdmin(token = ADMIN_TOKEN): Promise<Page> {
    await this.get("/console/sign-in");
    return this.post("/console/sign-in", { method: "admin", token });
  }

  async signInCredential(key: string, secret: string): Promise<Page> {
    await this.get("/console/sign-in");
    return this.post("/console/sign-in", { method: "credential", key, secret });
  }
}

/** A minimal statement; `n` varies the activity and score so seeded figures are recognisable. */
export function statement(options: { actor?: string; verb?: string; activity?: string; scaled?: number; success?: boolean; completion?: boolean } = {}) {
  return {
    actor: { objectType: "Agent", name: options.actor ?? "Ana", mbox: `mailto:${(options.actor ?? "Ana").toLowerCase()}@example.com` },
    verb: { id: options.verb ?? "http://adlnet.gov/expapi/verbs/completed", display: { "en-US": (options.verb ?? "completed").split("/").pop() } },
    object: { objectType: "Activity", id: options.activity ?? "http://example.com/course/1", definition: { name: { "en-US": "Course 1" } } },
    ...(options.scaled !== undefined || options.success !== undefined || options.completion !== undefined
      ? {
          result: {
            ...(options.scaled !== undefined ? { score: { scaled: options.scaled } } : {}),
            ...(options.success !== undefined ? { success: options.success } : {}),
            ...(options.completion !== undefined ? { completion: options.completion } : {}),
          },
        }
      : {}),
  };
}

/** The values a chart was given (its data attributes), by element id. */
export function chartValues(html: string, id: string): number[] {
  const match = new RegExp(`id="${id}"[^>]*data-values="([^"]*)"`).exec(html);
  if (!match) throw new Error(`no chart ${id}`);
  return JSON.parse(match[1]!.replace(/&quot;/g, '"')) as number[];
}

export function figure(html: string, name: string): string {
  const match = new RegExp(`data-figure="${name}">([^<]*)<`).exec(html);
  if (!match) throw new Error(`no figure ${name}`);
  return match[1]!;
}
