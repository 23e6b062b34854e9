import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { VERSIONS } from "../../helpers";
import { getById, post, statement, voiding } from "./fixtures";

async function voidedFlag(id: string): Promise<number | undefined> {
  const row = await env.DB.prepare("SELECT voided FROM statements WHERE id = ?").bind(id).first<{ voided: number }>();
  return row?.voided;
}

describe.each(VERSIONS)("voiding (%s)", (version) => {
  it("hides a voided statement from statementId and returns it via voidedStatementId", async () => {
    const { ids } = await post(statement(), version);
    const target = ids[0]!;
    const voider = await post(voiding(target), version);
    expect(voider.status).toBe(200);
    expect((await getById(target, version)).status).toBe(404);
    const res = await getById(target, version, "voidedStatementId");
    expect(res.status).toBe(200);
    expect(((await res.json()) as { id: string }).id).toBe(target);
    // The voiding statement itself is an ordinary statement.
    expect((await getById(voider.ids[0]!, version)).status).toBe(200);
    expect((await getById(voider.ids[0]!, version, "voidedStatementId")).status).toBe(404);
  });

  it("answers 404 via voidedStatementId for a statement that is not voided", async () => {
    const { ids } = await post(statement(), version);
    expect((await getById(ids[0]!, version, "voidedStatementId")).status).toBe(404);
    expect((await getById(crypto.randomUUID(), version, "voidedStatementId")).status).toBe(404);
  });

  it("accepts a voiding statement whose target is unknown, and voids the target when it arrives later", async () => {
    const target = crypto.randomUUID();
    expect((await post(voiding(target), version)).status).toBe(200);
    expect((await post(statement({ id: target }), version)).status).toBe(200);
    expect(await voidedFlag(target)).toBe(1);
    expect((await getById(target, version)).status).toBe(404);
  });

  it("voids a target sent in the same batch, in either order", async () => {
    const first = crypto.randomUUID();
    const second = crypto.randomUUID();
    expect((await post([statement({ id: first }), voiding(first)], version)).status).toBe(200);
    expect((await post([voiding(second), statement({ id: second })], version)).status).toBe(200);
    expect(await voidedFlag(first)).toBe(1);
    expect(await voidedFlag(second)).toBe(1);
  });

  it("voiding a voiding statement is accepted and voids nothing", async () => {
    const { ids } = await post(statement(), version);
    const firstVoider = (await post(voiding(ids[0]!), version)).ids[0]!;
    const res = await post(voiding(firstVoider), version);
    expect(res.status).toBe(200);
    expect(await voidedFlag(firstVoider)).toBe(0);
    expect((await getById(firstVoider, version)).status).toBe(200);
    // The original target stays voided.
    expect((await getById(ids[0]!, version, "voidedStatementId")).status).toBe(200);
  });

  it("voiding an already voided statement again changes nothing", async () => {
    const { ids } = await post(statement(), version);
    await post(voiding(ids[0]!), version);
    expect((await post(voiding(ids[0]!), version)).status).toBe(200);
    expect((await getById(ids[0]!, version, "voidedStatementId")).status).toBe(200);
  });
});
