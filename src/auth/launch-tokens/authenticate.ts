// Checking a presented launch token (./token-format.ts): the MAC under the issuer's current key, the expiry,
// and the issuer itself, read through the same (isolate-cached) lookup as Basic credentials. A disabled or
// deleted issuer is not found, a rotated one has another secret hash and so another MAC key: either way its
// tokens stop working, within the credential cache's lifetime (src/auth/credential-cache.ts). A token issued
// at or before the issuer's tokens_not_before (set by disabling and enabling it) stays refused once it is
// enabled again: issue 16, "disabling ... the issuing credential ends its tokens".
import type { Bindings, Principal } from "../../env";
import { agentKey } from "../../xapi/agents/identifier";
import type { CredentialLookupRow } from "../credential-cache";
import { hasScope } from "../scopes";
import { readTokenUser, verifyTokenMac } from "./token-format";
import { tokenMacKey, tokenServerSecret } from "./token-keys";

export type FindIssuer = (issuerKey: string) => Promise<CredentialLookupRow | undefined>;

/** The token's principal, or undefined for a malformed, forged, expired or orphaned token (a plain 401). */
export async function authenticateLaunchToken(
  env: Bindings,
  user: string,
  mac: string,
  findIssuer: FindIssuer,
  now = Date.now(),
): Promise<Principal | undefined> {
  const serverSecret = tokenServerSecret(env);
  const read = readTokenUser(user);
  if (!serverSecret || !read || read.claims.expiresAt * 1000 <= now) return undefined;
  const issuer = await findIssuer(read.issuerKey);
  if (!issuer || issuer.disabled || read.claims.issuedAt <= issuer.tokens_not_before) return undefined;
  if (!(await verifyTokenMac(await tokenMacKey(serverSecret, issuer.secret_hash), user, mac))) return undefined;
  const actorKey = agentKey(read.claims.actor);
  if (actorKey === undefined) return undefined;

  const issuerPrincipal: Principal = {
    storeId: issuer.store_id,
    credentialId: issuer.id,
    scopes: JSON.parse(issuer.scopes) as string[],
    authority: JSON.parse(issuer.authority) as Record<string, unknown>,
  };
  const { tokenId, registration, activityId } = read.claims;
  return {
    storeId: issuer.store_id,
    // Statements written with the token carry this id, so its reads are `statements/read/mine` over the
    // credential's runs (src/statement-store/store-walk.ts): cheap, and nothing of its issuer or of other tokens.
    credentialId: `${issuer.id}#${tokenId}`,
    // Scopes taken from the issuer since the token was issued are gone from the token too.
    scopes: read.claims.scopes.filter((scope) => hasScope(issuerPrincipal, scope)),
    // The issuer's authority: it vouches for the statements by issuing the token; the learner never
    // authenticated to the LRS, so a Group of issuer and actor (1.0.3 Data 2.4.9's OAuth pattern) would claim
    // a consent that did not happen.
    authority: issuerPrincipal.authority,
    launch: {
      tokenId,
      actorKey,
      ...(registration !== undefined ? { registration } : {}),
      ...(activityId !== undefined ? { activityId } : {}),
    },
  };
}
