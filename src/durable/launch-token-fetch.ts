// The race it prevents: a launch token's fetch URL (src/auth/launch-tokens/fetch-url.ts) must answer ONE POST
// (cmi5 8.2: a fetch URL is single use), even when two requests reach two data centres at once. Tokens are
// stateless, so the only state of a token is here: one object per token id, whose storage marks the URL used.
// The alarm deletes that mark once the token has expired (the route refuses expired tokens before asking).
import { DurableObject } from "cloudflare:workers";
import type { Bindings } from "../env";

const USED = "used";
/** Past the token's expiry, so clocks a little apart cannot reopen a URL of a still-valid token. */
const KEEP_AFTER_EXPIRY_MS = 5 * 60_000;

export class LaunchTokenFetch extends DurableObject<Bindings> {
  /** True the first time only. Storage calls hold the input gate, so two calls cannot both read "unused". */
  async redeem(expiresAtMs: number): Promise<boolean> {
    if ((await this.ctx.storage.get<boolean>(USED)) === true) return false;
    await this.ctx.storage.put(USED, true);
    await this.ctx.storage.setAlarm(expiresAtMs + KEEP_AFTER_EXPIRY_MS);
    return true;
  }

  override async alarm(): Promise<void> {
    await this.ctx.storage.deleteAll();
  }
}
