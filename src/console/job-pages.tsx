// The store's durable jobs (src/jobs): erasures, deletion, sweeps, rebuilds, exports with their state and
// progress; an export of the whole store is started here and downloaded from its job's page (it needs the
// statements/read scope). A credential sees its own store's jobs only (./store-access.ts); job rows hold no
// personal data. A page of a job still running reloads itself every few seconds (a meta refresh: no client code).
import type { Context } from "hono";
import { exportDownload } from "../jobs/export-download";
import { findJob, listJobs, viewJob, type JobView } from "../jobs/job-rows";
import { exportFormat } from "../jobs/kinds/statement-export";
import { resumeIfStalled } from "../jobs/stalled-jobs";
import { startJob } from "../jobs/start-job";
import { homePrimary } from "../db/store-databases";
import { Csrf } from "./admin-store-page";
import type { ConsoleEnv } from "./console-env";
import { Layout } from "./layout";
import { principalWith, storeBase } from "./store-access";

const RELOAD_SECONDS = 3;

export async function jobListPage(c: Context<ConsoleEnv>): Promise<Response> {
  const storeId = c.get("principal").storeId;
  const jobs = (await listJobs(homePrimary(c.env), storeId, 50)).map(viewJob);
  const base = storeBase(storeId);
  return c.html(
    <Layout title="Jobs" viewer={c.get("viewer")} csrf={c.get("csrf")} storeId={storeId}>
      {principalWith(c, "statements/read") && (
        <form method="post" action={`${base}/jobs/export`} class="card">
          <Csrf token={c.get("csrf")} />
          <label for="export-format">Export every statement of the store as</label>{" "}
          <select id="export-format" name="format">
            <option value="ndjson">NDJSON</option>
            <option value="csv">CSV</option>
          </select>{" "}
          <button type="submit">Start the export</button>
        </form>
      )}
      {jobs.length === 0 ? (
        <p>No jobs yet.</p>
      ) : (
        <table data-jobs>
          <thead>
            <tr>
              <th>Job</th>
              <th>State</th>
              <th>Progress</th>
              <th>Started</th>
            </tr>
          </thead>
          <tbody>
            {jobs.map((job) => (
              <tr data-job={job.id}>
                <td>
                  <a href={`${base}/jobs/${job.id}`}>{job.kind}</a>
                </td>
                <td data-state>{job.state}</td>
                <td>{progressText(job)}</td>
                <td>{new Date(job.createdAt).toISOString()}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Layout>,
  );
}

export async function jobPage(c: Context<ConsoleEnv>): Promise<Response> {
  const storeId = c.get("principal").storeId;
  const row = await findJob(homePrimary(c.env), storeId, c.req.param("jobId") ?? "");
  if (!row) return c.text("Not found", 404);
  await resumeIfStalled(c.env, row);
  const job = viewJob(row);
  const active = job.state === "queued" || job.state === "running";
  return c.html(
    <Layout title={`Job: ${job.kind}`} viewer={c.get("viewer")} csrf={c.get("csrf")} storeId={storeId}>
      {active && <meta http-equiv="refresh" content={String(RELOAD_SECONDS)} />}
      <p role="status" data-job-state={job.state}>
        {job.state}: {progressText(job)}
      </p>
      {job.total !== null && <progress max={job.total} value={Math.min(job.done, job.total)} />}
      <dl data-counts>
        {Object.entries(job.counts).map(([name, n]) => (
          <>
            <dt>{name}</dt>
            <dd data-count={name}>{n}</dd>
          </>
        ))}
      </dl>
      {job.error && <p class="error">{job.error}</p>}
      {job.kind === "statement-export" && job.state === "succeeded" && (
        <p>
          <a href={`${storeBase(storeId)}/jobs/${job.id}/download`} data-download>
            Download the export
          </a>
        </p>
      )}
      <p>
        <a href={`${storeBase(storeId)}/jobs`}>All jobs of this store</a>
      </p>
    </Layout>,
  );
}

export async function startExport(c: Context<ConsoleEnv>): Promise<Response> {
  const principal = principalWith(c, "statements/read");
  if (!principal) return c.text("Forbidden", 403);
  const form = await c.req.parseBody();
  const format = exportFormat.safeParse(form.format);
  if (!format.success) return c.text("format: ndjson or csv", 400);
  const job = await startJob(c.env, homePrimary(c.env), { storeId: principal.storeId, kind: "statement-export", params: { format: format.data } });
  return c.redirect(`${storeBase(principal.storeId)}/jobs/${job.id}`, 303);
}

export async function downloadExport(c: Context<ConsoleEnv>): Promise<Response> {
  const principal = principalWith(c, "statements/read");
  if (!principal) return c.text("Forbidden", 403);
  const row = await findJob(homePrimary(c.env), principal.storeId, c.req.param("jobId") ?? "");
  const download = row && (await exportDownload(c.env.BLOBS, viewJob(row)));
  return download || c.text("Not found", 404);
}

function progressText(job: JobView): string {
  const total = job.total === null ? "" : ` of ${job.total}`;
  return `${job.done}${total} done in ${job.steps} steps`;
}
