// The file a finished export job wrote (./kinds/statement-export.ts), streamed from R2 as a download. Shared
// by the admin API and the console, each behind its own store check.
import type { JobView } from "./job-rows";

type ExportResult = { format: string; key: string; bytes: number };

/** The download response, or undefined when the job is not a finished export (or its file is gone). */
export async function exportDownload(blobs: R2Bucket, job: JobView): Promise<Response | undefined> {
  const result = job.result as Partial<ExportResult> | null;
  if (job.kind !== "statement-export" || job.state !== "succeeded" || typeof result?.key !== "string") return undefined;
  const object = await blobs.get(result.key);
  if (!object) return undefined;
  return new Response(object.body, {
    headers: {
      "Content-Type": object.httpMetadata?.contentType ?? "application/octet-stream",
      "Content-Length": String(object.size),
      "Content-Disposition": `attachment; filename="statements-${job.storeId}.${result.format}"`,
    },
  });
}
