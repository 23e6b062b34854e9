// The console's guards: security headers on every page, the session cookie, and CSRF protection.
//   - Cookie: HttpOnly (no script reads it), Secure, SameSite=Strict (never sent on cross-site requests),
//     Path=/console. Each request re-checks the credential behind it, so disabling or rotating it (or changing
//     LRS_ADMIN_TOKEN) ends the session at once, and scope changes apply to the next page.
//   - Generation: a session carries the session generation of its credential (a column of the row the check
//     reads anyway, so no extra D1 read), or of the admin (session_generations). Sign-out, disable and rotate
//     raise it: every cookie issued before is refused for good, even after the credential is enabled again.
//   - CSRF: every POST must come from our own origin (Origin header) and carry the session's synchronizer token
//     in `_csrf`. The sign-in form, made before any session, carries a token bound to a short-lived cookie.
//   - CSP: scripts and styles from our origin only, no inline script, nothing from other origins.
import type { Context } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import { createMiddleware } from "hono/factory";
import { endCredentialSessions, findCredential } from "../auth/credentials";
import { adminGeneration, endAdminSessions } from "./admin-session-generation";
import { hashSecret, randomToken, timingSafeEqual } from "../auth/secrets";
import type { ConsoleEnv } from "./console-env";
import { fingerprintOf, openSession, sealSession, SESSION_TTL_MS, type SessionClaims, sessionKey, signValue } from "./session-token";

export const SESSION_COOKIE = "lrs_console";
export const SIGN_IN_COOKIE = "lrs_console_sign_in";
const COOKIE_PATH = "/console";

export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
].join("; ");

export const securityHeaders = createMiddleware<ConsoleEnv>(async function securityHeaders(c, next) {
  await next();
  c.res.headers.set("Content-Security-Policy", CONTENT_SECURITY_POLICY);
  c.res.headers.set("X-Content-Type-Options", "nosniff");
  c.res.headers.set("Referrer-Policy", "same-origin");
  c.res.headers.set("X-Frame-Options", "DENY");
  if (!c.res.headers.has("Cache-Control")) c.res.headers.set("Cache-Control", "no-store");
});

/** Console reads and writes go to the D1 primary: a person expects to see what they just changed. */
export const usePrimary = createMiddleware<ConsoleEnv>(async function usePrimary(c, next) {
  c.set("db", c.env.DB.withSession("first-primary") as unknown as D1Database);
  await next();
});

export async function startSession(c: Context<ConsoleEnv>, claims: SessionClaims): Promise<void> {
  const key = sessionKey(c.env);
  if (!key) throw new Error("console session key missing");
  setCookie(c, SESSION_COOKIE, await sealSession(await key, claims), {
    path: COOKIE_PATH,
    httpOnly: true,
    secure: true,
    sameSite: "Strict",
    maxAge: Math.floor(SESSION_TTL_MS / 1000),
  });
  deleteCookie(c, SIGN_IN_COOKIE, { path: COOKIE_PATH, secure: true });
}

export function endSession(c: Context<ConsoleEnv>): void {
  deleteCookie(c, SESSION_COOKIE, { path: COOKIE_PATH, secure: true, httpOnly: true, sameSite: "Strict" });
}

/**
 * Sign-out: raises the viewer's session generation, so this cookie (and every other session of the same
 * credential or of the admin) is refused from now on even if a copy of it survives, then clears the cookie.
 */
export async function signOut(c: Context<ConsoleEnv>): Promise<void> {
  const viewer = c.get("viewer");
  const db = c.get("db");
  if (viewer.kind === "admin") await endAdminSessions(db);
  else await endCredentialSessions(db, viewer.principal.storeId, viewer.principal.credentialId);
  endSession(c);
}

/** Sets `viewer` and `csrf`; a request without a valid session is sent to the sign-in page. */
export const requireSession = createMiddleware<ConsoleEnv>(async function requireSession(c, next) {
  const claims = await currentClaims(c);
  if (!claims) {
    endSession(c);
    if (c.req.method === "GET" || c.req.method === "HEAD") return c.redirect("/console/sign-in", 303);
    return c.text("Your session has ended; sign in again.", 401);
  }
  c.set("csrf", claims.csrf);
  await next();
});

async function currentClaims(c: Context<ConsoleEnv>): Promise<SessionClaims | undefined> {
  const key = sessionKey(c.env);
  const token = getCookie(c, SESSION_COOKIE);
  if (!key || !token) return undefined;
  const claims = await openSession(await key, token);
  if (!claims) return undefined;
  const db = c.get("db");
  if (claims.kind === "admin") {
    const expected = c.env.LRS_ADMIN_TOKEN;
    if (!expected || (await fingerprintOf(await hashSecret(expected))) !== claims.fingerprint) return undefined;
    if ((await adminGeneration(db)) !== claims.generation) return undefined;
    c.set("viewer", { kind: "admin" });
    return claims;
  }
  const row = await findCredential(db, claims.storeId, claims.credentialId);
  if (!row || row.disabled || row.sessionGeneration !== claims.generation) return undefined;
  if ((await fingerprintOf(row.secretHash)) !== claims.fingerprint) return undefined;
  c.set("viewer", {
    kind: "credential",
    storeId: row.storeId,
    name: row.name,
    principal: {
      storeId: row.storeId,
      credentialId: row.id,
      scopes: JSON.parse(row.scopes) as string[],
      authority: JSON.parse(row.authority) as Record<string, unknown>,
    },
  });
  return claims;
}

/** True when the request comes from a page of this origin (browsers send Origin with every form POST). */
export function isSameOrigin(c: Context<ConsoleEnv>): boolean {
  const origin = c.req.header("Origin");
  return !!origin && origin === new URL(c.req.url).origin;
}

/** POSTs inside a session: same origin and the session's synchronizer token, else 403. */
export const requireCsrf = createMiddleware<ConsoleEnv>(async function requireCsrf(c, next) {
  if (c.req.method !== "POST") return next();
  const form = await c.req.parseBody();
  const sent = typeof form._csrf === "string" ? form._csrf : "";
  if (!isSameOrigin(c) || !timingSafeEqual(sent, c.get("csrf"))) {
    return c.text("This form could not be verified (CSRF protection). Reload the page and try again.", 403);
  }
  await next();
});

/** The token of the sign-in form, bound to a short-lived cookie (login CSRF: RFC 6749 10.12 spirit). */
export async function issueSignInToken(c: Context<ConsoleEnv>): Promise<string> {
  const key = sessionKey(c.env);
  if (!key) return "";
  const nonce = randomToken(16);
  setCookie(c, SIGN_IN_COOKIE, `${nonce}.${await signValue(await key, `sign-in\n${nonce}`)}`, {
    path: COOKIE_PATH,
    httpOnly: true,
    secure: true,
    sameSite: "Strict",
    maxAge: 30 * 60,
  });
  return nonce;
}

export async function checkSignInToken(c: Context<ConsoleEnv>, sent: string): Promise<boolean> {
  const key = sessionKey(c.env);
  const cookie = getCookie(c, SIGN_IN_COOKIE) ?? "";
  const [nonce = "", signature = ""] = cookie.split(".");
  if (!key || !nonce || !isSameOrigin(c)) return false;
  const expected = await signValue(await key, `sign-in\n${nonce}`);
  return timingSafeEqual(expected, signature) && timingSafeEqual(nonce, sent);
}
