// A console client without a browser, for the benchmark (scripts/bench): signs in like the sign-in form does
// (sign-in cookie + its token + Origin) and times console pages. Usage:
//   const session = await signInConsole(base, { key, secret });        // or { adminToken }
//   const timings = await timeConsolePages(base, session, consolePages("default", { activityId, agentKey }), 20);
export async function signInConsole(base, credentials) {
  const form = await fetch(`${base}/console/sign-in`);
  const signInCookie = cookiePairs(form.headers.getSetCookie());
  const token = /name="_csrf" value="([^"]*)"/.exec(await form.text())?.[1] ?? "";
  const fields = credentials.adminToken
    ? { _csrf: token, method: "admin", token: credentials.adminToken }
    : { _csrf: token, method: "credential", key: credentials.key, secret: credentials.secret };
  const response = await fetch(`${base}/console/sign-in`, {
    method: "POST",
    redirect: "manual",
    headers: { Cookie: signInCookie, Origin: new URL(base).origin, "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams(fields).toString(),
  });
  await response.arrayBuffer();
  if (response.status !== 303) throw new Error(`console sign-in: ${response.status}`);
  return { cookie: cookiePairs(response.headers.getSetCookie()) };
}

/** The pages of one store worth timing (every one answers from rollups or index seeks). */
export function consolePages(storeId, { activityId, agentKey } = {}) {
  const s = `/console/s/${encodeURIComponent(storeId)}`;
  const pages = {
    overview: s,
    "overview, 1 year": `${s}?from=${dayOffset(-364)}&to=${dayOffset(0)}`,
    dashboard: `${s}/dashboard`,
    explorer: `${s}/statements`,
    "explorer, verb filter": `${s}/statements?verb=${encodeURIComponent("http://adlnet.gov/expapi/verbs/completed")}`,
    "live poll": `${s}/statements/live?after=0`,
  };
  if (activityId) pages.activity = `${s}/activity?activityId=${encodeURIComponent(activityId)}`;
  if (agentKey) pages.learner = `${s}/learner?agent=${encodeURIComponent(agentKey)}`;
  return pages;
}

/** Median and p95 milliseconds of each page over `runs` sequential GETs (each body read to the end). */
export async function timeConsolePages(base, session, pages, runs = 10) {
  const out = {};
  for (const [name, path] of Object.entries(pages)) {
    const samples = [];
    let status = 0;
    for (let i = 0; i < runs; i++) {
      const start = performance.now();
      const response = await fetch(`${base}${path}`, { headers: { Cookie: session.cookie }, redirect: "manual" });
      await response.arrayBuffer();
      samples.push(performance.now() - start);
      status = response.status;
    }
    samples.sort((a, b) => a - b);
    out[name] = { status, medianMs: round(samples[Math.floor(samples.length / 2)]), p95Ms: round(samples[Math.min(samples.length - 1, Math.ceil(samples.length * 0.95) - 1)]) };
  }
  return out;
}

function cookiePairs(setCookies) {
  return setCookies.map((cookie) => cookie.split(";")[0]).filter((pair) => !pair.endsWith("=")).join("; ");
}

function dayOffset(days) {
  return new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
}

const round = (ms) => Math.round(ms * 10) / 10;
