// HTTP Basic authentication for every xAPI route but /about (1.0.3 Communication 4; 9274.1.1 "Security").
// A wrong key and a wrong secret are indistinguishable to the client, in message and in timing.
import { createMiddleware } from "hono/factory";
import type { AppEnv, Bindings, Principal } from "../env";
import { unauthorized } from "../errors";
import { ensureBootstrapCredential, findCredentialByKey } from "./credentials";
import { hashSecret, timingSafeEqual } from "./secrets";

let bootstrapped: Promise<void> | undefined;
let bootstrappedFor = "";

function bootstrapOnce(env: Bindings): Promise<void> {
  const key = env.LRS_BOOTSTRAP_KEY;
  const secret = env.LRS_BOOTSTRAP_SECRET;
  if (!key || !secret) return Promise.resolve();
  // Keyed on the values so a test or a redeploy with other values is honoured.
  if (!bootstrapped || bootstrappedFor !== `${key}\n${secret}`) {
    bootstrappedFor = `${key}\n${secret}`;
    bootstrapped = ensureBootstrapCredential(env.DB, key, secret).catch((error) => {
      bootstrapped = undefined;
      throw error;
    });
  }
  return bootstrapped;
}

export function parseBasicAuthorization(header: string | undefined): { key: string; secret: string } | undefined {
  const match = /^Basic\s+([A-Za-z0-9+/=_-]+)\s*$/i.exec(header ?? "");
  if (!match) return undefined;
  let decoded: string;
  try {
    decoded = atob(match[1]!);
  } catch {
    return undefined;
  }
  const colon = decoded.indexOf(":");
  if (colon <= 0) return undefined;
  return { key: decoded.slice(0, colon), secret: decoded.slice(colon + 1) };
}

// Compared against when the key is unknown, so both paths hash and compare once.
const ABSENT_HASH = "0".repeat(64);

export async function authenticate(
  env: Bindings,
  db: D1Database,
  header: string | undefined,
): Promise<Principal | undefined> {
  const parsed = parseBasicAuthorization(header);
  if (!parsed) return undefined;
  await bootstrapOnce(env);
  const [row, presentedHash] = await Promise.all([
    findCredentialByKey(db, parsed.key),
    hashSecret(parsed.secret),
  ]);
  const matches = timingSafeEqual(row?.secretHash ?? ABSENT_HASH, presentedHash);
  if (!row || !matches || row.disabled) return undefined;
  return {
    storeId: row.storeId,
    credentialId: row.id,
    scopes: JSON.parse(row.scopes) as string[],
    authority: JSON.parse(row.authority) as Record<string, unknown>,
  };
}

export const requireBasicAuth = createMiddleware<AppEnv>(async function requireBasicAuth(c, next) {
  const principal = await authenticate(c.env, c.get("db"), c.req.header("Authorization"));
  if (!principal) throw unauthorized("a valid HTTP Basic credential is required");
  c.set("principal", principal);
  await next();
});
