// GET/POST /console/sign-in (sign-out is in ./routes.ts, behind the session's CSRF check). Two forms: the admin token (every store) or a store
// credential's key and secret (that store only). Failures say nothing about which part was wrong.
import { Hono } from "hono";
import { clientAddress } from "../auth/throttle";
import type { ConsoleEnv } from "./console-env";
import { Layout } from "./layout";
import { checkSignInToken, issueSignInToken, startSession } from "./session";
import { signInWithAdminToken, signInWithCredential } from "./sign-in";
import { sessionKey } from "./session-token";

export const signInRoutes = new Hono<ConsoleEnv>();

function SignInPage(props: { token: string; message?: string; adminEnabled: boolean }) {
  return (
    <Layout title="Sign in">
      {props.message && (
        <p class="error" role="alert">
          {props.message}
        </p>
      )}
      <div class="cards">
        <form method="post" action="/console/sign-in" class="card">
          <h2>Store credential</h2>
          <input type="hidden" name="_csrf" value={props.token} />
          <input type="hidden" name="method" value="credential" />
          <label for="key">Key</label>
          <input id="key" name="key" autocomplete="username" required />
          <label for="secret">Secret</label>
          <input id="secret" name="secret" type="password" autocomplete="current-password" required />
          <button type="submit">Sign in to the store</button>
        </form>
        {props.adminEnabled && (
          <form method="post" action="/console/sign-in" class="card">
            <h2>Administrator</h2>
            <input type="hidden" name="_csrf" value={props.token} />
            <input type="hidden" name="method" value="admin" />
            <label for="admin-token">Admin token</label>
            <input id="admin-token" name="token" type="password" autocomplete="current-password" required />
            <button type="submit">Sign in as administrator</button>
          </form>
        )}
      </div>
    </Layout>
  );
}

signInRoutes.get("/sign-in", async (c) => {
  if (!sessionKey(c.env)) return c.text("The console is disabled: set LRS_SESSION_SECRET.", 404);
  return c.html(<SignInPage token={await issueSignInToken(c)} adminEnabled={!!c.env.LRS_ADMIN_TOKEN} />);
});

signInRoutes.post("/sign-in", async (c) => {
  if (!sessionKey(c.env)) return c.text("The console is disabled: set LRS_SESSION_SECRET.", 404);
  const form = await c.req.parseBody();
  const field = (name: string) => (typeof form[name] === "string" ? (form[name] as string) : "");
  if (!(await checkSignInToken(c, field("_csrf")))) {
    return c.text("This form could not be verified (CSRF protection). Reload the sign-in page and try again.", 403);
  }
  const db = c.get("db");
  const address = clientAddress(c.req.raw.headers);
  const outcome =
    field("method") === "admin"
      ? await signInWithAdminToken(c.env, db, field("token"), address)
      : await signInWithCredential(c.env, db, field("key"), field("secret"), address);
  if (!outcome.ok) {
    const page = <SignInPage token={await issueSignInToken(c)} message={outcome.message} adminEnabled={!!c.env.LRS_ADMIN_TOKEN} />;
    return c.html(page, 401);
  }
  await startSession(c, outcome.claims);
  const home = outcome.claims.kind === "admin" ? "/console/admin" : `/console/s/${encodeURIComponent(outcome.claims.storeId)}`;
  return c.redirect(home, 303);
});
