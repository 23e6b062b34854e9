// Administration › store › Forwarders (admin sessions only, like the admin API): each forwarder's state,
// position, lag, last success and last error, attempts, with pause/resume, replay and delete, and the create
// form (a webhook's signing secret shown once, on the page answering the POST that made it). The handlers parse
// the form, call the admin API's own actions (src/admin/actions/forwarder-actions.ts) under the same input rules,
// and render a refusal as the page's message.
import { Hono } from "hono";
import type { Context } from "hono";
import type { ActionResult } from "../admin/actions/action-result";
import {
  createForwarder,
  deleteForwarder,
  listStoreForwarders,
  pauseForwarder,
  replayForwarder,
  resumeForwarder,
} from "../admin/actions/forwarder-actions";
import { firstIssue } from "../admin/admin-input";
import { forwarderReplaySchema, replayFrom } from "../admin/forwarder-input";
import { findStore } from "../admin/stores";
import { homePrimary, storeSessionBeside } from "../db/store-databases";
import { allowsHttp, parseForwarderInput } from "../forwarding/forwarder-input";
import type { ForwarderStatus } from "../forwarding/forwarders";
import { Csrf, type Form, frameOf, text } from "./admin-store-page";
import { agentParameter } from "./agent-input";
import type { ConsoleEnv } from "./console-env";
import { Layout } from "./layout";
import { ErrorNote } from "./ui";

export const forwarderPages = new Hono<ConsoleEnv>();

forwarderPages.use("*", async (c, next) => {
  if (c.get("viewer").kind !== "admin") return c.text("Not found", 404);
  // Forwarders live beside the statements they send, in the store's database (src/db/store-databases.ts).
  c.set("db", await storeSessionBeside(c.env, c.req.param("storeId") ?? "", c.get("db")));
  await next();
});

type Shown = { id: string; secret: string };

const pageBase = (storeId: string) => `/console/admin/stores/${encodeURIComponent(storeId)}/forwarders`;
const scopeOf = (c: Context<ConsoleEnv>) => ({ env: c.env, db: c.get("db"), storeId: c.req.param("storeId") ?? "" });

async function forwardersPage(c: Context<ConsoleEnv>, shown?: Shown, message?: string, status: 200 | 400 | 409 = 200): Promise<Response> {
  const store = await findStore(homePrimary(c.env), c.req.param("storeId") ?? "");
  if (!store) return c.text("Not found", 404);
  const listed = await listStoreForwarders(scopeOf(c));
  const forwarders = listed.ok ? listed.value : [];
  const csrf = c.get("csrf");
  const base = pageBase(store.id);
  return c.html(
    <Layout {...frameOf(c, `Forwarders of ${store.name}`, store.id)}>
      {message && <ErrorNote message={message} />}
      {shown && (
        <section class="card secret" role="alert" aria-labelledby="shown-title">
          <h2 id="shown-title">Webhook forwarder created</h2>
          <p>
            Copy the signing secret now: it is shown this once and never again. Each delivery carries{" "}
            <code>X-LRS-Signature: sha256=</code>HMAC-SHA256 of the body under it.
          </p>
          <p>
            <code data-shown-secret>{shown.secret}</code>
          </p>
        </section>
      )}
      <p>
        <a href={`/console/admin/stores/${encodeURIComponent(store.id)}`}>Back to the store</a>
      </p>
      {forwarders.length === 0 ? (
        <p data-no-forwarders>No forwarders yet: statements stay in this LRS only.</p>
      ) : (
        <ul class="cards forwarders" data-forwarders>
          {forwarders.map((forwarder) => (
            <ForwarderCard forwarder={forwarder} base={`${base}/${forwarder.id}`} csrf={csrf} />
          ))}
        </ul>
      )}
      <CreateForm action={base} csrf={csrf} />
    </Layout>,
    status,
  );
}

function ForwarderCard(props: { forwarder: ForwarderStatus; base: string; csrf: string }) {
  const { forwarder: f, base, csrf } = props;
  const destination = "url" in f.destination ? f.destination.url : `${f.destination.endpoint} (key ${f.destination.key}, xAPI ${f.destination.version})`;
  return (
    <li class="card" data-forwarder={f.id}>
      <h3>
        {f.kind === "webhook" ? "Webhook" : "xAPI LRS"} <span class="badge" data-state={f.state}>{f.state}</span>
      </h3>
      <p class="wrap">
        <code data-destination>{destination}</code>
      </p>
      <dl>
        <dt>Position</dt>
        <dd data-position>{f.position}</dd>
        <dt>Behind</dt>
        <dd>
          <span data-lag-statements>{f.lag.statements}{f.lag.capped ? "+" : ""}</span> statements,{" "}
          <span data-lag-seconds>{f.lag.seconds}</span> s
        </dd>
        <dt>Delivered</dt>
        <dd data-delivered>{f.delivered}</dd>
        <dt>Last success</dt>
        <dd data-last-success>{f.lastSuccessAt ?? "never"}</dd>
        <dt>Attempts since</dt>
        <dd data-attempts>{f.attempts}</dd>
        <dt>Last error</dt>
        <dd data-last-error>
          {f.lastError ? `${f.lastError.at}: ${f.lastError.status ?? "no answer"} ${f.lastError.body}` : "none"}
        </dd>
        <dt>Filter</dt>
        <dd>
          <code>{Object.keys(f.filter).length ? JSON.stringify(f.filter) : "every statement"}</code>, {f.batchSize} a batch
        </dd>
      </dl>
      <form method="post" action={`${base}/${f.state === "active" ? "pause" : "resume"}`} class="inline">
        <Csrf token={csrf} />
        <button type="submit">{f.state === "active" ? "Pause" : "Resume"}</button>
      </form>{" "}
      <form method="post" action={`${base}/replay`} class="inline">
        <Csrf token={csrf} />
        <input type="hidden" name="from" value="beginning" />
        <button type="submit">Replay from the beginning</button>
      </form>
      <form method="post" action={`${base}/replay`}>
        <Csrf token={csrf} />
        <label for={`since-${f.id}`}>Replay what was stored after (RFC 3339, e.g. 2026-11-29T04:00:00Z)</label>
        <input id={`since-${f.id}`} name="since" required />
        <button type="submit">Replay</button>
      </form>
      <form method="post" action={`${base}/delete`} class="inline">
        <Csrf token={csrf} />
        <label>
          <input type="checkbox" name="confirm" value="yes" required /> for good
        </label>{" "}
        <button type="submit">Delete</button>
      </form>
    </li>
  );
}

function CreateForm(props: { action: string; csrf: string }) {
  return (
    <form method="post" action={props.action} class="card">
      <h2>New forwarder</h2>
      <Csrf token={props.csrf} />
      <label for="fw-kind">Destination</label>
      <select id="fw-kind" name="kind">
        <option value="webhook">Webhook (POST of {"{"}"statements": [...]{"}"}, signed)</option>
        <option value="xapi">Another xAPI LRS</option>
      </select>
      <label for="fw-address">URL (https://; for an LRS its xAPI endpoint)</label>
      <input id="fw-address" name="address" required maxlength={2000} />
      <fieldset>
        <legend>xAPI LRS only</legend>
        <label for="fw-key">Key</label>
        <input id="fw-key" name="key" maxlength={500} autocomplete="off" />
        <label for="fw-secret">Secret (stored sealed; never shown again)</label>
        <input id="fw-secret" name="secret" type="password" maxlength={500} autocomplete="new-password" />
        <label for="fw-version">xAPI version</label>
        <select id="fw-version" name="version">
          <option value="2.0.0">2.0.0</option>
          <option value="1.0.3">1.0.3</option>
        </select>
      </fieldset>
      <fieldset>
        <legend>Filter (optional, as in statement queries)</legend>
        <label for="fw-verb">Verb IRI</label>
        <input id="fw-verb" name="verb" />
        <label for="fw-activity">Activity IRI</label>
        <input id="fw-activity" name="activity" />
        <label>
          <input type="checkbox" name="related_activities" value="true" /> related activities too
        </label>
        <label for="fw-agent">Agent (e-mail, mailto: IRI, agent key or Agent JSON)</label>
        <input id="fw-agent" name="agent" />
        <label>
          <input type="checkbox" name="related_agents" value="true" /> related agents too
        </label>
        <label for="fw-registration">Registration</label>
        <input id="fw-registration" name="registration" />
      </fieldset>
      <label for="fw-batch">Statements per delivery (1-1000)</label>
      <input id="fw-batch" name="batchSize" type="number" min={1} max={1000} value="100" />
      <button type="submit">Create forwarder</button>
    </form>
  );
}

/** The create body the admin API takes, from the form's fields (empty fields left out). */
function createBody(form: Form): Record<string, unknown> | string {
  const kind = text(form, "kind");
  const filter: Record<string, unknown> = {};
  for (const name of ["verb", "activity", "registration"]) if (text(form, name)) filter[name] = text(form, name);
  if (text(form, "agent")) {
    try {
      filter.agent = JSON.parse(agentParameter(text(form, "agent")));
    } catch {
      return "filter.agent: an e-mail, mailto: IRI, agent key or Agent JSON";
    }
  }
  for (const name of ["related_activities", "related_agents"]) if (text(form, name) === "true") filter[name] = true;
  const batch = text(form, "batchSize");
  const common = { filter, ...(batch ? { batchSize: Number(batch) } : {}) };
  if (kind !== "xapi") return { kind, url: text(form, "address"), ...common };
  return { kind, endpoint: text(form, "address"), key: text(form, "key"), secret: text(form, "secret"), version: text(form, "version") || "2.0.0", ...common };
}

forwarderPages.get("/", (c) => forwardersPage(c));

forwarderPages.post("/", async (c) => {
  const body = createBody(await c.req.parseBody());
  if (typeof body === "string") return forwardersPage(c, undefined, body, 400);
  const parsed = parseForwarderInput(body, { allowHttp: allowsHttp(c.env) });
  if (!parsed.ok) {
    const [issue] = parsed.issues;
    const path = issue?.path === "url" || issue?.path === "endpoint" ? "address" : issue?.path;
    return forwardersPage(c, undefined, `${path ? `${path}: ` : ""}${issue?.message ?? "is invalid"}`, 400);
  }
  const created = await createForwarder(scopeOf(c), parsed.value);
  return afterAction(c, created, ({ forwarder, secret }) =>
    secret ? forwardersPage(c, { id: forwarder.id, secret }) : backToList(c),
  );
});

forwarderPages.post("/:forwarderId/pause", async (c) =>
  afterAction(c, await pauseForwarder(scopeOf(c), c.req.param("forwarderId")), () => backToList(c)),
);

forwarderPages.post("/:forwarderId/resume", async (c) =>
  afterAction(c, await resumeForwarder(scopeOf(c), c.req.param("forwarderId")), () => backToList(c)),
);

forwarderPages.post("/:forwarderId/replay", async (c) => {
  const form = await c.req.parseBody();
  const fields = text(form, "from") ? { from: text(form, "from") } : { since: text(form, "since") };
  const body = forwarderReplaySchema.safeParse(fields);
  if (!body.success) {
    const { message, property } = firstIssue(body.error);
    return forwardersPage(c, undefined, property ? `${property}: ${message}` : message, 400);
  }
  return afterAction(c, await replayForwarder(scopeOf(c), c.req.param("forwarderId"), replayFrom(body.data)), () => backToList(c));
});

// Deleting cannot be undone (its position and sealed secret are gone), so the form carries a confirmation box.
forwarderPages.post("/:forwarderId/delete", async (c) => {
  if (text(await c.req.parseBody(), "confirm") !== "yes") return forwardersPage(c, undefined, "Tick the box to confirm the deletion.", 400);
  return afterAction(c, await deleteForwarder(scopeOf(c), c.req.param("forwarderId")), () => backToList(c));
});

/** The page after an action: `render` for its value; not found as 404 alone; another refusal as the message. */
async function afterAction<T>(c: Context<ConsoleEnv>, result: ActionResult<T>, render: (value: T) => Response | Promise<Response>) {
  if (result.ok) return render(result.value);
  if (result.refusal === "not-found") return c.text("Not found", 404);
  return forwardersPage(c, undefined, result.message, 409);
}

const backToList = (c: Context<ConsoleEnv>) => c.redirect(pageBase(c.req.param("storeId") ?? ""), 303);
