// The Person object of the Agents resource (1.0.3 Communication 2.4; 9274.1.1 4.1.6.3): everything this store
// knows about one agent identifier — its names from accepted statements — in the array form of a Person.
// Other identifiers of the same human are never merged in: the LRS has no trusted directory to link them.
import { findAgentNames } from "../../statement-store/agent-names";
import { agentIdentifier } from "./identifier";

export type Person = { objectType: "Person"; name?: string[] } & Record<string, unknown>;

export async function findPerson(
  db: D1Database,
  storeId: string,
  agent: Record<string, unknown>,
  key: string,
): Promise<Person> {
  const stored = await findAgentNames(db, storeId, key);
  const names = new Set<string>(stored === undefined ? [] : (JSON.parse(stored) as string[]));
  if (typeof agent.name === "string") names.add(agent.name);
  // Each Person property is an array of what the same-named Agent property holds (Communication 2.4.s6.b1).
  const identifier = Object.fromEntries(Object.entries(agentIdentifier(agent)).map(([ifi, value]) => [ifi, [value]]));
  return { objectType: "Person", ...(names.size ? { name: [...names] } : {}), ...identifier };
}
