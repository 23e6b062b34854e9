// Following a durable job (src/jobs) from the CLI: poll the admin API until it has succeeded or failed, with a
// progress bar on stderr (done of total units when the job knows its total).
import { createProgress } from "./progress.mjs";

const POLL_MS = 500;
const sleep = (ms) => new Promise((done) => setTimeout(done, ms));

/** Waits for the job a 202 answer started; resolves with the final job, rejects when it failed. */
export async function followJob(request, accepted) {
  const { job, location } = accepted;
  const path = location?.replace(/^\/admin/, "") ?? `/stores/${encodeURIComponent(job.storeId)}/jobs/${job.id}`;
  const progress = createProgress(`${job.kind} ${job.id.slice(0, 8)}`);
  let current = job;
  while (current.state === "queued" || current.state === "running") {
    progress.update(fractionOf(current), describe(current));
    await sleep(POLL_MS);
    current = (await request("GET", path)).body;
  }
  progress.done(current.state === "succeeded" ? 1 : fractionOf(current), describe(current));
  if (current.state === "failed") throw new Error(`job ${current.id} failed: ${current.error}`);
  return current;
}

function fractionOf(job) {
  if (job.total === null || job.total === undefined) return undefined;
  return job.total === 0 ? 1 : job.done / job.total;
}

function describe(job) {
  const counts = Object.entries(job.counts ?? {})
    .map(([name, n]) => `${name} ${n}`)
    .join(", ");
  return `${job.state}${counts ? `: ${counts}` : ""}`;
}
