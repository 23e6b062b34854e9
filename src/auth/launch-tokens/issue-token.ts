// Minting a launch token for a checked request (./token-request.ts): claims, MAC and fetch URL. Nothing is
// stored: the token carries its claims, and the fetch URL its sealed token.
import { toBase64Url } from "../../base64url";
import { sealFetchHandle } from "./fetch-url";
import { encodeToken, type LaunchClaims, signTokenUser, tokenUser } from "./token-format";
import { tokenMacKey } from "./token-keys";
import type { TokenRequest } from "./token-request";
import type { XapiScope } from "../scopes";

export type IssuedToken = { token: string; expiresAt: string; fetchUrl: string };

/** The issuing credential as minting needs it: its key names it in the token, its secret hash keys the MAC. */
export type Issuer = { key: string; secretHash: string };

export async function issueLaunchToken(
  serverSecret: string,
  issuer: Issuer,
  request: TokenRequest,
  scopes: XapiScope[],
  origin: string,
  now = Date.now(),
): Promise<IssuedToken> {
  const expiresAt = Math.floor(now / 1000) + request.ttlSeconds;
  const claims: LaunchClaims = {
    tokenId: toBase64Url(crypto.getRandomValues(new Uint8Array(16))),
    actor: request.actor,
    scopes,
    expiresAt,
    issuedAt: now,
    ...(request.registration !== undefined ? { registration: request.registration } : {}),
    ...(request.activityId !== undefined ? { activityId: request.activityId } : {}),
  };
  const user = tokenUser(issuer.key, claims);
  const token = encodeToken(user, await signTokenUser(await tokenMacKey(serverSecret, issuer.secretHash), user));
  const handle = await sealFetchHandle(serverSecret, claims.tokenId, token);
  return { token, expiresAt: new Date(expiresAt * 1000).toISOString(), fetchUrl: `${origin}/tokens/fetch/${handle}` };
}
