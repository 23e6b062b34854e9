// INTERIM until the statement validation module is committed: the few value checks the document parameters
// need, with the same names and signatures as src/xapi/statements/validation, so switching is an import change.
import type { XapiVersion } from "../../env";
import { badRequest } from "../../errors";

const IRI = /^[A-Za-z][A-Za-z0-9+.-]*:[^\s\u0000-\u001f\u007f<>"{}|\\^`]+$/;
const UUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
const MAILTO = /^mailto:[^\s@<>()[\]\\,;:"]+@[^\s@<>()[\]\\,;:"]+$/;
const SHA1_HEX = /^[0-9a-fA-F]{40}$/;
const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}(:?\d{2})?)$/;
const AGENT_KEYS = new Set(["objectType", "name", "mbox", "mbox_sha1sum", "openid", "account"]);
const GROUP_KEYS = new Set([...AGENT_KEYS, "member"]);

export const isIri = (value: string): boolean => IRI.test(value);
export const isUuid = (value: string): boolean => UUID.test(value);

export function validateTimestamp(value: unknown, version: XapiVersion, path: string): string {
  void version;
  if (typeof value !== "string" || !TIMESTAMP.test(value) || /-00:?00$/.test(value)) {
    throw badRequest("must be an ISO 8601 timestamp with a time zone", path);
  }
  return value;
}

/** An Agent, or an identified Group, named by exactly one valid IFI. */
export function validateAgent(value: unknown, version: XapiVersion, path: string): void {
  void version;
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw badRequest("must be an object", path);
  const agent = value as Record<string, unknown>;
  const isGroup = agent.objectType === "Group";
  if (agent.objectType !== undefined && agent.objectType !== "Agent" && !isGroup) {
    throw badRequest('must be "Agent" or "Group"', `${path}.objectType`);
  }
  for (const key of Object.keys(agent)) {
    if (!(isGroup ? GROUP_KEYS : AGENT_KEYS).has(key)) throw badRequest("is not a property of an Agent", `${path}.${key}`);
  }
  if (agent.name !== undefined && typeof agent.name !== "string") throw badRequest("must be a string", `${path}.name`);
  const ifis = ["mbox", "mbox_sha1sum", "openid", "account"].filter((ifi) => agent[ifi] !== undefined);
  if (ifis.length !== 1) throw badRequest("must have exactly one of mbox, mbox_sha1sum, openid, account", path);
  const { mbox, mbox_sha1sum: sha1, openid, account } = agent;
  if (mbox !== undefined && !(typeof mbox === "string" && MAILTO.test(mbox))) throw badRequest("must be a mailto IRI", `${path}.mbox`);
  if (sha1 !== undefined && !(typeof sha1 === "string" && SHA1_HEX.test(sha1))) throw badRequest("must be hex SHA-1", `${path}.mbox_sha1sum`);
  if (openid !== undefined && !(typeof openid === "string" && IRI.test(openid))) throw badRequest("must be an IRI", `${path}.openid`);
  if (account !== undefined) {
    const { homePage, name, ...rest } = (typeof account === "object" && account ? account : {}) as Record<string, unknown>;
    if (typeof homePage !== "string" || !IRI.test(homePage) || typeof name !== "string" || Object.keys(rest).length) {
      throw badRequest("must be an account with an IRI homePage and a name", `${path}.account`);
    }
  }
}
