// Administration (admin sessions only): stores with their figures, credentials (create, scopes, rotate,
// disable/enable, the secret shown once on the page that made it, never again), and erasure of an agent
// with a confirmation step. Store and credential changes are the admin API's own actions (src/admin/actions/),
// checked by its input rules (src/admin/admin-input.ts); these handlers parse the form, call the action and
// turn a refusal into the page's message.
import { Hono } from "hono";
import type { Context } from "hono";
import type { z } from "zod";
import type { ActionResult } from "../admin/actions/action-result";
import {
  createCredential,
  deleteCredential,
  disableCredential,
  enableCredential,
  rotateCredential,
  setCredentialScopes,
} from "../admin/actions/credential-actions";
import { createStore } from "../admin/actions/store-actions";
import { credentialNameSchema, firstIssue, newStoreSchema, scopeListSchema } from "../admin/admin-input";
import { agentSchema } from "../admin/agent-input";
import { erasurePreview, scopeOf, startErasure } from "../admin/erasure-request";
import { findStore, listStores } from "../admin/stores";
import { storeSessionBeside } from "../db/store-databases";
import { agentKey } from "../xapi/agents/identifier";
import { Csrf, type Form, frameOf, storePage, text } from "./admin-store-page";
import { agentParameter } from "./agent-input";
import type { ConsoleEnv } from "./console-env";
import { todayAndWeekStart } from "./date-range";
import { Layout } from "./layout";
import { formatBytes, storeListFigures } from "./storage-used";
import { storeBase } from "./store-access";
import { ErrorNote } from "./ui";

export const adminPages = new Hono<ConsoleEnv>();

adminPages.use("*", async (c, next) => {
  if (c.get("viewer").kind !== "admin") return c.text("Not found", 404);
  await next();
});

adminPages.get("/", async (c) => storesPage(c));

async function storesPage(c: Context<ConsoleEnv>, message?: string, status: 200 | 400 | 409 = 200): Promise<Response> {
  const db = c.get("db");
  const stores = await listStores(db);
  const days = todayAndWeekStart();
  const figures = await storeListFigures(c.env, db, stores, days);
  const csrf = c.get("csrf");
  return c.html(
    <Layout {...frameOf(c, "Administration")}>
      {message && <ErrorNote message={message} />}
      <h2>Stores</h2>
      <table class="rank" id="stores">
        <thead>
          <tr>
            <th scope="col">Store</th>
            <th scope="col">Statements</th>
            <th scope="col">This week</th>
            <th scope="col">Learners this week</th>
            <th scope="col">Storage</th>
          </tr>
        </thead>
        <tbody>
          {stores.map((store, i) => (
            <tr data-store-id={store.id}>
              <td class="wrap">
                <a href={`/console/admin/stores/${encodeURIComponent(store.id)}`}>{store.name}</a> <code>{store.id}</code>{" "}
                <a href={storeBase(store.id)}>Overview</a>
              </td>
              <td>{figures[i]!.counts.total}</td>
              <td>{figures[i]!.counts.thisWeek}</td>
              <td>{figures[i]!.counts.activeLearnersThisWeek}</td>
              <td>{formatBytes(figures[i]!.storage.documentBytes + figures[i]!.storage.attachmentBytes)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <form method="post" action="/console/admin/stores" class="card">
        <h2>New store</h2>
        <Csrf token={csrf} />
        <label for="store-name">Name</label>
        <input id="store-name" name="name" required maxlength={200} />
        <label for="store-id">Id (optional: a-z 0-9 _ -)</label>
        <input id="store-id" name="id" pattern="[a-z0-9][a-z0-9_\-]{0,62}" />
        <button type="submit">Create store</button>
      </form>
    </Layout>,
    status,
  );
}

adminPages.post("/stores", async (c) => {
  const form = await c.req.parseBody();
  const id = text(form, "id");
  const input = newStoreSchema.safeParse({ name: text(form, "name"), ...(id ? { id } : {}) });
  if (!input.success) return storesPage(c, problemOf(input.error), 400);
  const created = await createStore(c.env, c.get("db"), input.data);
  if (!created.ok) return storesPage(c, created.message, 409);
  return c.redirect(`/console/admin/stores/${encodeURIComponent(created.value.id)}`, 303);
});

adminPages.get("/stores/:storeId", async (c) => storePage(c));

/** A failed input check as the page's message: the property, then what it needs. */
function problemOf(error: z.ZodError, under?: string): string {
  const { message, property } = firstIssue(error, under);
  return property ? `${property}: ${message}` : message;
}

/** The checked boxes named `scopes` (none, one or several fields). */
function scopeFields(form: Form): unknown[] {
  const raw = form.scopes;
  return Array.isArray(raw) ? raw : raw === undefined ? [] : [raw];
}

adminPages.post("/stores/:storeId/credentials", async (c) => {
  const form = await c.req.parseBody({ all: true });
  const scopes = scopeListSchema.safeParse(scopeFields(form));
  if (!scopes.success) return storePage(c, undefined, problemOf(scopes.error, "scopes"), 400);
  const name = credentialNameSchema.safeParse(text(form, "name") || "console credential");
  if (!name.success) return storePage(c, undefined, problemOf(name.error, "name"), 400);
  const created = await createCredential(c.get("db"), c.req.param("storeId"), { name: name.data, scopes: scopes.data });
  return afterAction(c, created, ({ credential, secret }) =>
    storePage(c, { title: `Credential “${credential.name}” created`, key: credential.key, secret }),
  );
});

adminPages.post("/stores/:storeId/credentials/:credentialId/rotate", async (c) => {
  const rotated = await rotateCredential(c.env, c.get("db"), c.req.param("storeId"), c.req.param("credentialId"));
  return afterAction(c, rotated, ({ credential, secret }) => storePage(c, { title: "Secret rotated", key: credential.key, secret }));
});

adminPages.post("/stores/:storeId/credentials/:credentialId/disable", async (c) =>
  afterAction(c, await disableCredential(c.env, c.get("db"), c.req.param("storeId"), c.req.param("credentialId")), backToStore),
);

adminPages.post("/stores/:storeId/credentials/:credentialId/enable", async (c) =>
  afterAction(c, await enableCredential(c.env, c.get("db"), c.req.param("storeId"), c.req.param("credentialId")), backToStore),
);

adminPages.post("/stores/:storeId/credentials/:credentialId/scopes", async (c) => {
  const scopes = scopeListSchema.safeParse(scopeFields(await c.req.parseBody({ all: true })));
  if (!scopes.success) return storePage(c, undefined, problemOf(scopes.error, "scopes"), 400);
  const changed = await setCredentialScopes(c.env, c.get("db"), c.req.param("storeId"), c.req.param("credentialId"), scopes.data);
  return afterAction(c, changed, backToStore);
});

// Deleting cannot be undone (the key is gone with its authority), so the form carries a confirmation box.
adminPages.post("/stores/:storeId/credentials/:credentialId/delete", async (c) => {
  if (text(await c.req.parseBody(), "confirm") !== "yes") return storePage(c, undefined, "Tick the box to confirm the deletion.", 400);
  const deleted = await deleteCredential(c.env, c.get("db"), c.req.param("storeId"), c.req.param("credentialId"));
  return afterAction(c, deleted, backToStore);
});

/** The page after a credential action: `render` for its value; a refusal as the store page's message (404 alone). */
async function afterAction<T>(
  c: Context<ConsoleEnv>,
  result: ActionResult<T>,
  render: (value: T, c: Context<ConsoleEnv>) => Response | Promise<Response>,
): Promise<Response> {
  if (result.ok) return render(result.value, c);
  if (result.refusal === "not-found") return c.text("Not found", 404);
  return storePage(c, undefined, result.message, 409);
}

function backToStore(_value: unknown, c: Context<ConsoleEnv>): Response {
  return c.redirect(`/console/admin/stores/${encodeURIComponent(c.req.param("storeId") ?? "")}`, 303);
}

// Erasure: the first POST shows what will be erased (counts) and asks to confirm; the POST with confirm=yes
// starts the erasure job and shows its page.
adminPages.post("/stores/:storeId/erase", async (c) => {
  const db = c.get("db");
  const store = await findStore(db, c.req.param("storeId"));
  if (!store) return c.text("Not found", 404);
  const form = await c.req.parseBody();
  // Mentions anywhere are erased unless the form limits it to actor and object (scope=direct).
  const scope = scopeOf(text(form, "scope") !== "direct");
  let agent: Record<string, unknown>;
  try {
    agent = JSON.parse(agentParameter(text(form, "agent"))) as Record<string, unknown>;
  } catch {
    return storePage(c, undefined, "The agent must be an e-mail, mailto: IRI, agent key or Agent JSON.", 400);
  }
  const parsed = agentSchema(true).safeParse(agent);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.length ? `${issue.path.join(".")} ` : "";
    return storePage(c, undefined, `Agent: ${where}${issue?.message ?? "invalid"}`, 400);
  }
  const key = agentKey(parsed.data)!;
  const base = `/console/admin/stores/${encodeURIComponent(store.id)}`;
  const frame = frameOf(c, "Erase an agent", store.id);
  const again = (
    <>
      <Csrf token={c.get("csrf")} />
      <input type="hidden" name="agent" value={JSON.stringify(parsed.data)} />
      {!scope.related && <input type="hidden" name="scope" value="direct" />}
      <input type="hidden" name="confirm" value="yes" />
    </>
  );
  if (text(form, "confirm") !== "yes") {
    const preview = await erasurePreview(await storeSessionBeside(c.env, store.id, db), store.id, parsed.data, scope);
    return c.html(
      <Layout {...frame}>
        <p>
          Erase everything store <code>{store.id}</code> holds about <code data-erase-subject>{key}</code>
          {scope.related ? "" : " as actor or object"} (any case of an e-mail address, and its SHA-1 sum)? This
          cannot be undone.
        </p>
        <p data-erasure-preview>
          Matching: <strong data-count="statements">{preview.statements}{preview.more ? "+" : ""}</strong> statements,{" "}
          <strong data-count="documents">{preview.documents}</strong> documents,{" "}
          <strong data-count="attachments">{preview.attachments}{preview.more ? "+" : ""}</strong> attachments.
        </p>
        <form method="post" action={`${base}/erase`} class="card danger">
          {again}
          <button type="submit">Erase permanently</button> <a href={base}>Cancel</a>
        </form>
      </Layout>,
    );
  }
  // The erasure runs as a durable job; its page shows the progress (./job-pages.tsx).
  const job = await startErasure(db, c.env, store.id, parsed.data, scope);
  return c.redirect(`${storeBase(store.id)}/jobs/${job.id}`, 303);
});
