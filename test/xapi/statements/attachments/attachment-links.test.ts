// A statement is linked only to contents its own request carried: declaring a sha2 the store holds (with a
// fileUrl and no part) must not hand out another credential's bytes (issue 11 item 4).
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { VERSIONS, xapi } from "../../../helpers";
import { createCredential, createStore, type TestCredential } from "../../../admin/admin-helpers";
import { statement } from "../fixtures";
import { attachmentFor, BOUNDARY, decoder, multipartBody, parseMultipartResponse, partFor, sha256 } from "./multipart";

function postAs(credential: TestCredential, body: Uint8Array, version: string): Promise<Response> {
  const headers = { "Content-Type": `multipart/mixed; boundary=${BOUNDARY}` };
  return xapi("/statements", { method: "POST", body, version, headers, auth: credential.auth });
}

async function linkCount(storeId: string, id: string): Promise<number> {
  const row = await env.DB.prepare(
    "SELECT count(*) AS n FROM statement_attachments sa JOIN statements s ON s.store_id = sa.store_id AND s.seq = sa.seq WHERE s.store_id = ? AND s.id = ?",
  )
    .bind(storeId, id)
    .first<{ n: number }>();
  return row!.n;
}

describe.each(VERSIONS)("attachment links (%s)", (version) => {
  it("does not serve content another credential uploaded to a statement that declares its sha2 with only a fileUrl", async () => {
    const storeId = await createStore(`links ${version}`);
    const owner = await createCredential(storeId, ["all"]);
    const other = await createCredential(storeId, ["statements/write", "statements/read/mine"]);
    const secret = `private content ${crypto.randomUUID()}`;

    const uploaded = statement({ id: crypto.randomUUID(), attachments: [await attachmentFor(secret)] });
    const first = await postAs(owner, multipartBody(uploaded, [await partFor(secret)]), version);
    expect(first.status, await first.text()).toBe(200);

    const claim = statement({
      id: crypto.randomUUID(),
      attachments: [await attachmentFor(secret, { fileUrl: "http://example.com/claimed.txt" })],
    });
    const second = await postAs(other, multipartBody(claim, []), version);
    expect(second.status, await second.text()).toBe(200);
    expect(await linkCount(storeId, claim.id as string)).toBe(0);

    const res = await xapi(`/statements?statementId=${claim.id}&attachments=true`, { version, auth: other.auth });
    expect(res.status).toBe(200);
    const contentType = res.headers.get("Content-Type")!;
    const bytes = new Uint8Array(await res.arrayBuffer());
    const parts = parseMultipartResponse(contentType, bytes);
    expect(parts).toHaveLength(1);
    expect(JSON.parse(decoder.decode(parts[0]!.body)).id).toBe(claim.id);
    expect(decoder.decode(bytes)).not.toContain(secret);

    // The uploader's own statement still has its content.
    expect(await linkCount(storeId, uploaded.id as string)).toBe(1);
  });

  it("links content that arrives in the same request, also to a statement that declares it with a fileUrl", async () => {
    const storeId = await createStore(`same request ${version}`);
    const credential = await createCredential(storeId, ["all"]);
    const text = `shared in one request ${crypto.randomUUID()}`;
    const withPart = statement({ id: crypto.randomUUID(), attachments: [await attachmentFor(text)] });
    const withUrl = statement({
      id: crypto.randomUUID(),
      attachments: [await attachmentFor(text, { fileUrl: "http://example.com/shared.txt" })],
    });
    const res = await postAs(credential, multipartBody([withPart, withUrl], [await partFor(text)]), version);
    expect(res.status, await res.text()).toBe(200);
    expect(await linkCount(storeId, withPart.id as string)).toBe(1);
    expect(await linkCount(storeId, withUrl.id as string)).toBe(1);

    // Sending the bytes again proves possession: a later request with the part is linked to the stored content.
    const again = statement({ id: crypto.randomUUID(), attachments: [await attachmentFor(text)] });
    const resent = await postAs(credential, multipartBody(again, [await partFor(text)]), version);
    expect(resent.status, await resent.text()).toBe(200);
    expect(await linkCount(storeId, again.id as string)).toBe(1);
    const rows = await env.DB.prepare("SELECT count(*) AS n FROM attachments WHERE store_id = ? AND sha2 = ?")
      .bind(storeId, await sha256(text))
      .first<{ n: number }>();
    expect(rows!.n).toBe(1);
  });
});
