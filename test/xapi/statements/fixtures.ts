// Statement fixtures and small request helpers shared by the statements tests.
import { xapi } from "../../helpers";

export type Json = Record<string, unknown>;

export function statement(extra: Json = {}): Json {
  return {
    actor: { objectType: "Agent", name: "Ann", mbox: "mailto:ann@example.com" },
    verb: { id: "http://adlnet.gov/expapi/verbs/experienced", display: { "en-US": "experienced" } },
    object: { objectType: "Activity", id: "http://example.com/activities/one" },
    ...extra,
  };
}

export function voiding(targetId: string, extra: Json = {}): Json {
  return statement({
    verb: { id: "http://adlnet.gov/expapi/verbs/voided", display: { "en-US": "voided" } },
    object: { objectType: "StatementRef", id: targetId },
    ...extra,
  });
}

export async function post(body: unknown, version: string): Promise<{ status: number; ids: string[] }> {
  const res = await xapi("/statements", { method: "POST", json: body, version });
  const text = await res.text();
  return { status: res.status, ids: res.status === 200 ? (JSON.parse(text) as string[]) : [] };
}

export async function put(id: string, body: unknown, version: string): Promise<number> {
  const res = await xapi(`/statements?statementId=${id}`, { method: "PUT", json: body, version });
  await res.arrayBuffer();
  return res.status;
}

export async function getById(id: string, version: string, param = "statementId"): Promise<Response> {
  return xapi(`/statements?${param}=${id}`, { version });
}

export async function fetchStatement(id: string, version: string): Promise<Json> {
  const res = await getById(id, version);
  if (res.status !== 200) throw new Error(`GET ${id}: ${res.status} ${await res.text()}`);
  return (await res.json()) as Json;
}
