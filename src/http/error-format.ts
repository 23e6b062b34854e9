// How a rejection is written: JSON by default, or plain text or HTML when the client's Accept prefers them
// (1.0.3 Communication 3.2.s3.b3–b4: an LRS SHOULD allow plain text, HTML and JSON error messages by content
// negotiation). Every format names the same status, message and offending property.
import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";

export type Rejection = { status: ContentfulStatusCode; message: string; path?: string };

const FORMATS = ["application/json", "text/plain", "text/html"] as const;
type ErrorFormat = (typeof FORMATS)[number];

/** The format the Accept header ranks highest (RFC 9110 12.5.1: the most specific range sets a type's q). */
export function negotiateErrorFormat(accept: string | undefined): ErrorFormat {
  if (!accept?.trim()) return "application/json";
  const ranges = accept.split(",").flatMap((entry) => {
    const [range, ...parameters] = entry.split(";").map((part) => part.trim().toLowerCase());
    if (!range || !/^[^/\s]+\/[^/\s]+$/.test(range)) return [];
    const q = parameters.find((p) => /^q=/.test(p));
    const quality = q === undefined ? 1 : Number(q.slice(2));
    return Number.isFinite(quality) ? [{ range, quality }] : [];
  });
  let best: { format: ErrorFormat; quality: number } = { format: "application/json", quality: 0 };
  for (const format of FORMATS) {
    const quality = qualityOf(format, ranges);
    if (quality > best.quality) best = { format, quality };
  }
  return best.format;
}

function qualityOf(format: ErrorFormat, ranges: readonly { range: string; quality: number }[]): number {
  const [type] = format.split("/");
  const match =
    ranges.find((r) => r.range === format) ?? ranges.find((r) => r.range === `${type}/*`) ?? ranges.find((r) => r.range === "*/*");
  return match?.quality ?? 0;
}

export function renderRejection(c: Context, rejection: Rejection, headers: Record<string, string> = {}): Response {
  const { status, message, path } = rejection;
  const text = path && !message.startsWith(`${path}: `) ? `${path}: ${message}` : message;
  let response: Response;
  switch (negotiateErrorFormat(c.req.header("Accept"))) {
    case "text/plain":
      response = c.text(`${status} ${text}\n`, status);
      break;
    case "text/html":
      response = c.html(
        `<!doctype html><html lang="en"><meta charset="utf-8"><title>${status}</title>` +
          `<h1>${status}</h1><p>${escapeHtml(text)}</p>${path ? `<p>Property: <code>${escapeHtml(path)}</code></p>` : ""}</html>`,
        status,
      );
      break;
    default:
      response = c.json({ error: { status, message: text, ...(path ? { path } : {}) } }, status);
  }
  for (const [name, value] of Object.entries(headers)) response.headers.set(name, value);
  return response;
}

function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}
