// A statement as one readable sentence for people ("Ana completed Course 1 with 92%"): display names where the
// statement has them (en-US / en first, then any language), identifiers where it does not.
import { type Json, isObject } from "../json";
import { VOIDED_VERB } from "../statement-store/voiding";

/** The best entry of a language map for an English reader, or undefined. */
export function pickLanguage(map: unknown): string | undefined {
  if (!isObject(map)) return undefined;
  for (const tag of ["en-US", "en-GB", "en", "und"]) if (typeof map[tag] === "string") return map[tag] as string;
  const first = Object.values(map).find((value) => typeof value === "string");
  return first as string | undefined;
}

export function agentLabel(agent: unknown): string {
  if (!isObject(agent)) return "someone";
  if (typeof agent.name === "string" && agent.name.trim()) return agent.name;
  if (typeof agent.mbox === "string") return agent.mbox.replace(/^mailto:/i, "");
  if (isObject(agent.account) && typeof agent.account.name === "string") return agent.account.name;
  if (typeof agent.openid === "string") return agent.openid;
  if (typeof agent.mbox_sha1sum === "string") return `${agent.mbox_sha1sum.slice(0, 8)}…`;
  return agent.objectType === "Group" ? "a group" : "someone";
}

export function verbLabel(verb: unknown): string {
  if (!isObject(verb)) return "did something to";
  const display = pickLanguage(verb.display);
  if (display) return display;
  const id = typeof verb.id === "string" ? verb.id : "";
  return id.split(/[/#]/).filter(Boolean).pop() ?? id;
}

export function activityLabel(activity: Json): string {
  const definition = isObject(activity.definition) ? activity.definition : {};
  return pickLanguage(definition.name) ?? String(activity.id ?? "an activity");
}

function objectLabel(object: unknown): string {
  if (!isObject(object)) return "something";
  switch (object.objectType) {
    case "Agent":
    case "Group":
      return agentLabel(object);
    case "StatementRef":
      return `statement ${String(object.id ?? "")}`;
    case "SubStatement":
      return `“${statementSentence(object)}”`;
    default:
      return activityLabel(object);
  }
}

function resultLabel(result: unknown): string {
  if (!isObject(result)) return "";
  const parts: string[] = [];
  const score = isObject(result.score) ? result.score : undefined;
  if (score && typeof score.scaled === "number") parts.push(`with ${Math.round(score.scaled * 100)}%`);
  else if (score && typeof score.raw === "number") {
    parts.push(`with ${score.raw}${typeof score.max === "number" ? `/${score.max}` : ""}`);
  }
  if (result.success === true) parts.push("(passed)");
  if (result.success === false) parts.push("(failed)");
  return parts.join(" ");
}

export function statementSentence(statement: Json): string {
  const result = resultLabel(statement.result);
  return [agentLabel(statement.actor), verbLabel(statement.verb), objectLabel(statement.object), result]
    .filter(Boolean)
    .join(" ");
}

/** The id of the statement this one voids, when it is a voiding statement (1.0.3 Data 2.4.8). */
export function voidedTarget(statement: Json): string | undefined {
  if (!isObject(statement.verb) || statement.verb.id !== VOIDED_VERB) return undefined;
  const object = statement.object;
  return isObject(object) && object.objectType === "StatementRef" && typeof object.id === "string" ? object.id : undefined;
}
