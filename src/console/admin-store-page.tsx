// The page of one store in Administration: figures, credentials with their forms, the new-credential form
// (the secret shown once, on the response to the POST that made it) and the erasure form. Shared page parts
// of ./admin-pages.tsx.
import type { Context } from "hono";
import { ALL_SCOPES } from "../auth/scopes";
import { storeSessionBeside } from "../db/store-databases";
import { type CredentialView, isManagedBootstrap, listCredentials } from "../auth/credentials";
import { findStore } from "../admin/stores";
import { totals } from "../statement-store/rollups/read";
import type { ConsoleEnv } from "./console-env";
import { todayAndWeekStart } from "./date-range";
import { Layout } from "./layout";
import { formatBytes, storageUsed } from "./storage-used";
import { storeBase } from "./store-access";
import { ErrorNote } from "./ui";

export type Form = Record<string, string | File | (string | File)[]>;
export const text = (form: Form, name: string) => (typeof form[name] === "string" ? (form[name] as string).trim() : "");
export const frameOf = (c: Context<ConsoleEnv>, title: string, storeId?: string) => ({
  viewer: c.get("viewer"),
  csrf: c.get("csrf"),
  current: "admin" as const,
  title,
  ...(storeId ? { storeId } : {}),
});

export function Csrf(props: { token: string }) {
  return <input type="hidden" name="_csrf" value={props.token} />;
}

type Shown = { title: string; key: string; secret: string };

export async function storePage(c: Context<ConsoleEnv>, shown?: Shown, message?: string, status: 200 | 400 | 409 = 200): Promise<Response> {
  const db = c.get("db");
  const store = await findStore(db, c.req.param("storeId") ?? "");
  if (!store) return c.text("Not found", 404);
  const storeDb = await storeSessionBeside(c.env, store.id, db);
  const [credentials, counts, storage] = await Promise.all([
    listCredentials(db, store.id),
    totals(storeDb, store.id, todayAndWeekStart()),
    storageUsed(storeDb, store.id),
  ]);
  const csrf = c.get("csrf");
  const base = `/console/admin/stores/${encodeURIComponent(store.id)}`;
  return c.html(
    <Layout {...frameOf(c, `Store ${store.name}`, store.id)}>
      {message && <ErrorNote message={message} />}
      {shown && (
        <section class="card secret" role="alert" aria-labelledby="shown-title">
          <h2 id="shown-title">{shown.title}</h2>
          <p>Copy the secret now: it is shown this once and never again.</p>
          <dl>
            <dt>Key</dt>
            <dd>
              <code data-shown-key>{shown.key}</code>
            </dd>
            <dt>Secret</dt>
            <dd>
              <code data-shown-secret>{shown.secret}</code>
            </dd>
          </dl>
        </section>
      )}
      <dl class="figures">
        <div class="figure">
          <dt>Statements</dt>
          <dd data-figure="total">{counts.total}</dd>
        </div>
        <div class="figure">
          <dt>Learners this week</dt>
          <dd>{counts.activeLearnersThisWeek}</dd>
        </div>
        <div class="figure">
          <dt>Documents</dt>
          <dd>{formatBytes(storage.documentBytes)}</dd>
        </div>
        <div class="figure">
          <dt>Attachments</dt>
          <dd>{formatBytes(storage.attachmentBytes)}</dd>
        </div>
      </dl>
      <p>
        <a href={storeBase(store.id)}>Open this store's overview</a> · <a href={`${base}/forwarders`}>Forwarders</a>
      </p>
      <h2>Credentials</h2>
      <ul class="credentials">
        {credentials.map((credential) => (
          <li class="card" data-credential-key={credential.key}>
            <h3>
              {credential.name} {credential.disabled && <span class="badge">disabled</span>}
            </h3>
            <p>
              Key <code>{credential.key}</code>
            </p>
            {isManagedBootstrap(c.env, credential.id) ? (
              <p data-bootstrap>
                Scopes {credential.scopes.join(", ")}. Managed by <code>LRS_BOOTSTRAP_KEY</code> / <code>LRS_BOOTSTRAP_SECRET</code>:
                change or remove it there.
              </p>
            ) : (
              <CredentialForms base={`${base}/credentials/${credential.id}`} credential={credential} csrf={csrf} />
            )}
          </li>
        ))}
      </ul>
      <form method="post" action={`${base}/credentials`} class="card">
        <h2>New credential</h2>
        <Csrf token={csrf} />
        <label for="credential-name">Name</label>
        <input id="credential-name" name="name" maxlength={200} />
        <fieldset>
          <legend>Scopes</legend>
          <ScopeBoxes idPrefix="new" checked={["statements/write", "statements/read/mine"]} />
        </fieldset>
        <button type="submit">Create credential</button>
      </form>
      <form method="post" action={`${base}/erase`} class="card danger">
        <h2>Erase an agent</h2>
        <p>
          Deletes every statement mentioning the agent, their State and Agent Profile documents and their Person data
          from this store. The next step shows how much matches.
        </p>
        <Csrf token={csrf} />
        <label for="erase-agent">Agent (e-mail, mailto: IRI, agent key or Agent JSON)</label>
        <input id="erase-agent" name="agent" required />
        <label>
          <input type="checkbox" name="scope" value="direct" /> Only statements with the agent as actor or object
        </label>
        <button type="submit">Review erasure…</button>
      </form>
    </Layout>,
    status,
  );
}

/** Scopes, rotate, disable/enable and delete of one credential (not shown for the bootstrap credential: its variables rule it). */
function CredentialForms(props: { base: string; credential: CredentialView; csrf: string }) {
  const { base, credential, csrf } = props;
  return (
    <>
      <form method="post" action={`${base}/scopes`}>
        <Csrf token={csrf} />
        <fieldset>
          <legend>Scopes</legend>
          <ScopeBoxes idPrefix={`s-${credential.id}`} checked={credential.scopes} />
        </fieldset>
        <button type="submit">Save scopes</button>
      </form>
      <form method="post" action={`${base}/rotate`} class="inline">
        <Csrf token={csrf} />
        <button type="submit">Rotate secret</button>
      </form>{" "}
      <form method="post" action={`${base}/${credential.disabled ? "enable" : "disable"}`} class="inline">
        <Csrf token={csrf} />
        <button type="submit">{credential.disabled ? "Enable" : "Disable"}</button>
      </form>{" "}
      <form method="post" action={`${base}/delete`} class="inline">
        <Csrf token={csrf} />
        <label>
          <input type="checkbox" name="confirm" value="yes" required /> for good
        </label>{" "}
        <button type="submit">Delete</button>
      </form>
    </>
  );
}

function ScopeBoxes(props: { idPrefix: string; checked: readonly string[] }) {
  return (
    <div class="checks">
      {ALL_SCOPES.map((scope) => (
        <label>
          <input type="checkbox" name="scopes" value={scope} checked={props.checked.includes(scope)} /> {scope}
        </label>
      ))}
    </div>
  );
}

