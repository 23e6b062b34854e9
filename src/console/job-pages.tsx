// The store's durable jobs (src/jobs): erasures, deletion, sweeps, rebuilds with their state and progress.
// A credential sees its own store's jobs only (./store-access.ts); job rows hold no personal data. A page of a
// job still running reloads itself every few seconds (a meta refresh: no client code needed).
import type { Context } from "hono";
import { findJob, listJobs, viewJob, type JobView } from "../jobs/job-rows";
import { resumeIfStalled } from "../jobs/stalled-jobs";
import type { ConsoleEnv } from "./console-env";
import { Layout } from "./layout";
import { storeBase } from "./store-access";

const RELOAD_SECONDS = 3;

export async function jobListPage(c: Context<ConsoleEnv>): Promise<Response> {
  const storeId = c.get("principal").storeId;
  const jobs = (await listJobs(c.get("db"), storeId, 50)).map(viewJob);
  const base = storeBase(storeId);
  return c.html(
    <Layout title="Jobs" viewer={c.get("viewer")} csrf={c.get("csrf")} storeId={storeId}>
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
  const row = await findJob(c.get("db"), storeId, c.req.param("jobId") ?? "");
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
      <p>
        <a href={`${storeBase(storeId)}/jobs`}>All jobs of this store</a>
      </p>
    </Layout>,
  );
}

function progressText(job: JobView): string {
  const total = job.total === null ? "" : ` of ${job.total}`;
  return `${job.done}${total} done in ${job.steps} steps`;
}
