// HTTP for the CLI: the admin API (bearer token) and the xAPI (Basic credential), with retries for the
// answers that mean "later" (429, 502-504, network errors), honouring Retry-After.
const RETRIES = 6;

export class HttpError extends Error {
  constructor(status, body, what) {
    super(`${what}: ${status} ${describeError(body)}`);
    this.status = status;
    this.body = body;
  }
}

/** The `message` of an LRS error body, or the body text. */
export function describeError(body) {
  try {
    const parsed = JSON.parse(body);
    return parsed?.error?.message ?? body;
  } catch {
    return body;
  }
}

const sleep = (ms) => new Promise((done) => setTimeout(done, ms));

/** fetch with retries; returns the Response of the last attempt that is not a "try later". */
export async function fetchWithRetry(url, init) {
  for (let attempt = 0; ; attempt++) {
    let response;
    try {
      response = await fetch(url, init);
    } catch (error) {
      if (attempt >= RETRIES) throw new Error(`${init?.method ?? "GET"} ${url}: ${error.cause?.message ?? error.message}`);
      await sleep(500 * 2 ** attempt);
      continue;
    }
    const later = response.status === 429 || (response.status >= 502 && response.status <= 504);
    if (!later || attempt >= RETRIES) return response;
    const retryAfter = Number(response.headers.get("Retry-After"));
    await response.arrayBuffer();
    await sleep(Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter * 1000 : 500 * 2 ** attempt);
  }
}

export function adminClient({ url, token }) {
  if (!token) throw new Error("the admin commands need LRS_ADMIN_TOKEN or --token-file <file>");
  const base = url.replace(/\/+$/, "");
  return async function adminRequest(method, path, json) {
    const response = await fetchWithRetry(`${base}/admin${path}`, {
      method,
      headers: {
        Authorization: `Bearer ${token}`,
        ...(json !== undefined ? { "Content-Type": "application/json" } : {}),
      },
      body: json !== undefined ? JSON.stringify(json) : undefined,
    });
    const text = await response.text();
    if (!response.ok) throw new HttpError(response.status, text, `${method} /admin${path}`);
    return { status: response.status, body: text ? JSON.parse(text) : undefined };
  };
}

export function xapiClient({ url, key, secret, version }) {
  if (!key || !secret) throw new Error("the xAPI commands need LRS_KEY and LRS_SECRET (or --key and --secret-file <file>)");
  const base = url.replace(/\/+$/, "");
  const headers = {
    Authorization: `Basic ${Buffer.from(`${key}:${secret}`).toString("base64")}`,
    "X-Experience-API-Version": version,
  };
  return {
    base,
    /** POSTs statements; the raw Response is returned so the caller can decide what a 400 means. */
    postStatements(body) {
      return fetchWithRetry(`${base}/xapi/statements`, {
        method: "POST",
        headers: { ...headers, "Content-Type": "application/json" },
        body,
      });
    },
    /** GETs a statements page: a path with query (from `more`) or a parameter object. */
    async getStatements(pathOrParams) {
      const target =
        typeof pathOrParams === "string"
          ? sameOrigin(new URL(pathOrParams, `${base}/xapi/statements`), base).toString()
          : `${base}/xapi/statements?${new URLSearchParams(pathOrParams)}`;
      const response = await fetchWithRetry(target, { headers });
      const text = await response.text();
      if (!response.ok) throw new HttpError(response.status, text, `GET ${target}`);
      return JSON.parse(text);
    },
  };
}

/** A `more` link, refused unless it stays on the LRS's origin: the credential goes with the request. */
function sameOrigin(url, base) {
  const expected = new URL(base).origin;
  if (url.origin !== expected) {
    throw new Error(`refusing to follow more link ${url.href}: its origin is not ${expected} (the credential would go to it)`);
  }
  return url;
}
