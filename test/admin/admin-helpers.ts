// Admin API calls with LRS_ADMIN_TOKEN set for the call only (the vitest config binds no admin token, which the
// "disabled" tests rely on), plus helpers to make a store with a credential and to call xAPI with it.
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { basic, xapi, type XapiInit } from "../helpers";
import { strictFetch } from "../strict/strict-fetch";

export const ADMIN_TOKEN = "admin-token-for-tests";

export type AdminInit = {
  method?: string;
  json?: unknown;
  body?: string;
  /** The bearer token sent; null sends no Authorization header. */
  token?: string | null;
  /** LRS_ADMIN_TOKEN as configured for this call; null leaves it unset. */
  configured?: string | null;
  headers?: Record<string, string>;
  /** Other variables bound for this call only (undefined unsets one). */
  vars?: Record<string, string | undefined>;
};

export async function admin(path: string, init: AdminInit = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  const token = init.token === undefined ? ADMIN_TOKEN : init.token;
  if (token !== null) headers.set("Authorization", `Bearer ${token}`);
  let body = init.body;
  if (init.json !== undefined) {
    body = JSON.stringify(init.json);
    headers.set("Content-Type", "application/json");
  }
  const configured = init.configured === undefined ? ADMIN_TOKEN : init.configured;
  const bindings = { ...env, ...init.vars, LRS_ADMIN_TOKEN: configured ?? undefined };
  const ctx = createExecutionContext();
  // Through the strict entry, as SELF requests are (test/strict/strict-worker.ts).
  const response = await strictFetch(
    new Request(`http://lrs.test/admin${path}`, { method: init.method ?? "GET", headers, body }),
    bindings,
    ctx,
  );
  await waitOnExecutionContext(ctx);
  return response;
}

export async function adminJson<T = Record<string, unknown>>(path: string, init: AdminInit = {}): Promise<T> {
  const response = await admin(path, init);
  if (response.status >= 300) throw new Error(`${init.method ?? "GET"} ${path}: ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

export type TestCredential = { id: string; key: string; secret: string; auth: string; storeId: string };

export async function createStore(name: string, id?: string): Promise<string> {
  const store = await adminJson<{ id: string }>("/stores", { method: "POST", json: { name, ...(id ? { id } : {}) } });
  return store.id;
}

export async function createCredential(
  storeId: string,
  scopes: string[] = ["all"],
  extra: Record<string, unknown> = {},
): Promise<TestCredential> {
  const created = await adminJson<{ id: string; key: string; secret: string }>(`/stores/${storeId}/credentials`, {
    method: "POST",
    json: { scopes, ...extra },
  });
  return { ...created, storeId, auth: basic(created.key, created.secret) };
}

/** A new store with one `all` credential. */
export async function storeWithCredential(name: string): Promise<TestCredential> {
  return createCredential(await createStore(name));
}

/** An xAPI call as the given credential. */
export function xapiAs(credential: { auth: string }, path: string, init: XapiInit = {}): Promise<Response> {
  return xapi(path, { ...init, auth: credential.auth });
}

export type JobBody = {
  id: string;
  storeId: string;
  kind: string;
  state: string;
  counts: Record<string, number>;
  done: number;
  total: number | null;
  steps: number;
  result: unknown;
  error: string | null;
};

/** Starts an admin job (a 202 with the job) and waits for its Workflow to end; returns the final job. */
export async function runJob(path: string, init: AdminInit): Promise<JobBody> {
  const response = await admin(path, init);
  if (response.status !== 202) throw new Error(`${path}: ${response.status} ${await response.text()}`);
  const { job } = (await response.json()) as { job: JobBody };
  return waitForJob(job.storeId, job.id);
}

/** Polls the job through the admin API until it has succeeded or failed. */
export async function waitForJob(storeId: string, jobId: string, timeoutMs = 20_000): Promise<JobBody> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const job = await adminJson<JobBody>(`/stores/${encodeURIComponent(storeId)}/jobs/${jobId}`);
    if (job.state === "succeeded" || job.state === "failed") return job;
    if (Date.now() > deadline) throw new Error(`job ${jobId} still ${job.state} after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
