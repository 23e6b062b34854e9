// LRS_CONSOLE_ORIGIN (e.g. `https://console.lrs.example.org`): the console gets a hostname of its own. That
// origin then serves the console and nothing else, and the xAPI/admin origin no longer serves the console (a
// GET is redirected there). Browsers isolate origins, so even a stored body that somehow rendered as a page on
// the xAPI origin could not read console pages, their CSRF tokens or the console's cookies. This is the
// strongest setting; without it the console shares the xAPI origin and relies on stored-body-headers.ts alone.
import { createMiddleware } from "hono/factory";
import type { AppEnv, Bindings } from "../env";

/** The configured console origin, normalised (scheme://host[:port]); undefined when unset or invalid. */
export function consoleOrigin(env: Bindings): string | undefined {
  const configured = env.LRS_CONSOLE_ORIGIN?.trim();
  if (!configured) return undefined;
  try {
    return new URL(configured).origin;
  } catch {
    console.error("LRS_CONSOLE_ORIGIN is not a URL; the console stays on every origin", configured);
    return undefined;
  }
}

function isConsolePath(pathname: string): boolean {
  return pathname === "/console" || pathname.startsWith("/console/");
}

export const separateConsoleOrigin = createMiddleware<AppEnv>(async function separateConsoleOrigin(c, next) {
  const origin = consoleOrigin(c.env);
  if (!origin) return next();
  const url = new URL(c.req.url);
  const onConsoleOrigin = url.origin === origin;
  if (onConsoleOrigin === isConsolePath(url.pathname)) return next();
  if (onConsoleOrigin) {
    if (url.pathname === "/") return c.redirect("/console", 302);
    return c.json({ error: { status: 404, message: "this origin serves only the console, under /console" } }, 404);
  }
  // A bookmark of the old console address still works for pages; forms never cross origins.
  if (c.req.method === "GET" || c.req.method === "HEAD") return c.redirect(`${origin}${url.pathname}${url.search}`, 308);
  return c.json({ error: { status: 404, message: `the console is served at ${origin}/console` } }, 404);
});
