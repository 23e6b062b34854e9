// The order of the ingest pipeline (src/xapi/statements/ingest.ts, issue 14 item 2): a request whose statements
// are refused by validation, the request rules or the row bounds has read nothing about attachments from D1 and
// written nothing to R2 nor to the statements' tables. The real D1 binding is wrapped to log every SQL it is
// asked to prepare; R2 is checked by listing the store's objects.
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { createApp } from "../../../src/app";
import { createCredential, createStore, type TestCredential } from "../../admin/admin-helpers";
import { VERSIONS } from "../../helpers";
import { attachmentFor, BOUNDARY, multipartBody, partFor } from "./attachments/multipart";
import { statement, type Json } from "./fixtures";

const app = createApp();

/** The real binding (its sessions too), logging the SQL of every prepare(). */
function loggingDb(): { db: D1Database; sql: string[] } {
  const sql: string[] = [];
  const wrap = <T extends object>(target: T): T =>
    new Proxy(target, {
      get(t, prop) {
        if (prop === "prepare") {
          return (text: string) => {
            sql.push(text);
            return (t as unknown as D1Database).prepare(text);
          };
        }
        if (prop === "withSession") {
          return (...args: unknown[]) => wrap((t as unknown as { withSession: (...a: unknown[]) => object }).withSession(...args));
        }
        const value = Reflect.get(t, prop);
        return typeof value === "function" ? value.bind(t) : value;
      },
    });
  return { db: wrap(env.DB), sql };
}

async function postMultipartWith(db: D1Database, credential: TestCredential, version: string, body: Uint8Array) {
  const ctx = createExecutionContext();
  const request = new Request("http://lrs.test/xapi/statements", {
    method: "POST",
    headers: {
      Authorization: credential.auth,
      "X-Experience-API-Version": version,
      "Content-Type": `multipart/mixed; boundary=${BOUNDARY}`,
    },
    body,
  });
  const response = await app.fetch(request, { ...env, DB: db }, ctx);
  const json = (await response.json()) as Json;
  await waitOnExecutionContext(ctx);
  return { status: response.status, json };
}

const ATTACHMENT_TABLES = /\b(attachments|statement_attachments)\b/;
const STATEMENT_WRITES = /INSERT (OR IGNORE )?INTO (statements|index_values|index_entries|rollup_counts)\b/;

describe.each(VERSIONS)("ingest order (%s)", (version) => {
  it("refuses invalid statements before any attachment lookup in D1 or upload to R2", async () => {
    const credential = await createCredential(await createStore(`ingest order ${version}`), ["all"]);
    const text = `content ${crypto.randomUUID()}`;
    const attachment = await attachmentFor(text);
    const part = await partFor(text);
    const id = crypto.randomUUID();
    const refused: [Json[] | Json, number, string][] = [
      // validation
      [statement({ actor: { mbox: "not-a-mailto" }, attachments: [attachment] }), 400, "statement.actor.mbox"],
      // the request rules (statement-rules.ts)
      [[statement({ id, attachments: [attachment] }), statement({ id })], 400, "statement[1].id"],
      // the row bounds of the prepare step
      [[statement({ attachments: [attachment], result: { response: "x".repeat(900_000) } })], 413, "statement[0]"],
    ];
    for (const [statements, status, path] of refused) {
      const { db, sql } = loggingDb();
      const res = await postMultipartWith(db, credential, version, multipartBody(statements, [part]));
      expect([res.status, (res.json.error as Json).path]).toEqual([status, path]);
      expect(sql.filter((text) => ATTACHMENT_TABLES.test(text))).toEqual([]);
      expect(sql.filter((text) => STATEMENT_WRITES.test(text))).toEqual([]);
    }
    expect((await env.BLOBS.list({ prefix: `att/${credential.storeId}/` })).objects).toEqual([]);

    // The same request with a valid statement does look its content up, uploads it and records it.
    const { db, sql } = loggingDb();
    const res = await postMultipartWith(db, credential, version, multipartBody(statement({ attachments: [attachment] }), [part]));
    expect(res.status).toBe(200);
    expect(sql.some((text) => /FROM attachments WHERE store_id/.test(text))).toBe(true);
    expect(sql.some((text) => STATEMENT_WRITES.test(text))).toBe(true);
    expect((await env.BLOBS.list({ prefix: `att/${credential.storeId}/` })).objects.length).toBe(1);
  });
});
