// The authority the LRS assigns (1.0.3 Data 2.4.9; 9274.1.1 4.2.4.2) is an Agent whose account.homePage is an
// IRL (Data 2.4.2.4): the origin the request came to, not the urn placeholder a credential's default authority
// keeps. statements/read/mine goes by the credential that wrote a statement, so statements stored before (with
// the placeholder) are still the credential's own.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { CREDENTIAL_HOME_PAGE, defaultAuthority } from "../../../src/auth/credentials";
import { hashSecret } from "../../../src/auth/secrets";
import { basic, VERSIONS, xapi } from "../../helpers";
import { fetchStatement, post, statement, type Json } from "../statements/fixtures";

async function mineCredential(): Promise<{ auth: string; key: string }> {
  const key = `mine-${crypto.randomUUID()}`;
  const secret = `secret-${crypto.randomUUID()}`;
  await env.DB.prepare(
    "INSERT INTO credentials (id, store_id, name, key, secret_hash, scopes, authority, disabled, created_at) VALUES (?, 'default', ?, ?, ?, ?, ?, 0, ?)",
  )
    .bind(key, key, key, await hashSecret(secret), JSON.stringify(["statements/write", "statements/read/mine"]), JSON.stringify(defaultAuthority(key)), Date.now())
    .run();
  return { auth: basic(key, secret), key };
}

describe.each(VERSIONS)("the LRS-assigned authority (%s)", (version) => {
  it("has the LRS's own origin as account.homePage", async () => {
    const { ids } = await post(statement({ authority: { mbox: "mailto:impostor@example.com" } }), version);
    const { authority } = await fetchStatement(ids[0]!, version);
    expect(authority).toEqual({ objectType: "Agent", name: "test-key", account: { homePage: "http://lrs.test", name: "test-key" } });
    expect(new URL(((authority as Json).account as Json).homePage as string).protocol).toBe("http:");
  });

  it("statements/read/mine still finds statements stored with the placeholder homePage", async () => {
    const mine = await mineCredential();
    const verbId = `http://example.com/verbs/${crypto.randomUUID()}`;
    const write = async () => {
      const res = await xapi("/statements", { method: "POST", version, auth: mine.auth, json: statement({ verb: { id: verbId } }) });
      expect(res.status).toBe(200);
      return ((await res.json()) as string[])[0]!;
    };
    const before = await write();
    // As a statement written before the homePage changed was stored.
    await env.DB.prepare("UPDATE statements SET statement = json_set(statement, '$.authority.account.homePage', ?) WHERE id = ?")
      .bind(CREDENTIAL_HOME_PAGE, before)
      .run();
    const after = await write();
    const { ids: others } = await post(statement({ verb: { id: verbId } }), version);

    const res = await xapi(`/statements?verb=${encodeURIComponent(verbId)}`, { version, auth: mine.auth });
    expect(res.status).toBe(200);
    const found = ((await res.json()) as { statements: Json[] }).statements;
    expect(found.map((s) => s.id)).toEqual([after, before]);
    expect(found.map((s) => ((s.authority as Json).account as Json).homePage)).toEqual(["http://lrs.test", CREDENTIAL_HOME_PAGE]);
    expect((await xapi(`/statements?statementId=${before}`, { version, auth: mine.auth })).status).toBe(200);
    expect((await xapi(`/statements?statementId=${others[0]}`, { version, auth: mine.auth })).status).toBe(404);
  });
});
