// The seed data set: the benchmark's realistic LMS population (scripts/bench/statements.mjs: learners, teams,
// courses of units, weighted verbs, registrations, context activities, instructors, results) plus what a query
// engine must get right and a plain stream of "learner did activity" lacks: voiding statements, StatementRefs
// (also chains of them), SubStatements and 2.0 contextAgents. Deterministic: statement `i` of a seed is always the
// same statement with the same id and timestamp, so running the seed twice stores nothing new.
import { instructor, learner, makeStatement, rng } from "../bench/statements.mjs";

const DAY_MS = 86_400_000;
const VOIDED = { id: "http://adlnet.gov/expapi/verbs/voided", display: { "en-US": "voided" } };
const REVIEWED = { id: "http://activitystrea.ms/schema/1.0/accept", display: { "en-US": "accepted", "de-DE": "akzeptiert" } };
const ASSIGNED = { id: "http://activitystrea.ms/schema/1.0/assign", display: { "en-US": "assigned" } };

/** A version-4-shaped UUID that depends only on (seed, i). */
export function seededId(seed, i) {
  const random = rng(seed * 1_000_003 + i);
  const hex = Array.from({ length: 32 }, () => Math.floor(random() * 16).toString(16)).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${"89ab"[Math.floor(random() * 4)]}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/**
 * Statement `i`. Per 100 statements: 1 voids an earlier plain statement, 2 refer to an earlier
 * statement by StatementRef (one of them to an earlier StatementRef: a chain), 1 has a SubStatement object; under
 * 2.0 some carry context.contextAgents.
 */
export function seedStatement(seed, i, version, endMs) {
  const id = seededId(seed, i);
  // A million statements span the year before endMs; the spacing does not depend on `total`, so statement i is
  // the same in data sets of any size.
  const timestamp = new Date(endMs - 365 * DAY_MS + Math.floor(i * 31.536 * 1000)).toISOString();
  const slot = i % 100;
  const earlier = (back) => seededId(seed, plainBefore(i - back));
  if (i >= 200 && slot === 97) {
    return { id, actor: instructor(i % 20), verb: VOIDED, object: { objectType: "StatementRef", id: earlier(150) }, timestamp };
  }
  if (i >= 200 && (slot === 53 || slot === 71)) {
    // slot 71 targets the slot-53 StatementRef of the same hundred, so references chain.
    const target = slot === 71 ? seededId(seed, i - 18) : earlier(120);
    return { id, actor: instructor(i % 20), verb: REVIEWED, object: { objectType: "StatementRef", id: target }, timestamp };
  }
  const statement = makeStatement(i, { id, timestamp });
  if (slot === 31) {
    const inner = makeStatement(i + 1, { id, timestamp });
    delete inner.id;
    delete inner.timestamp;
    statement.actor = instructor(i % 20);
    statement.verb = ASSIGNED;
    statement.object = { objectType: "SubStatement", actor: inner.actor, verb: inner.verb, object: inner.object, context: inner.context };
    delete statement.result;
    // 1.0.3 Data 2.4.6.2: platform and revision only describe an Activity object.
    delete statement.context.platform;
  }
  if (version === "2.0.0" && slot % 10 === 3) {
    statement.context.contextAgents = [
      { objectType: "contextAgent", agent: learner((i * 7) % 2000), relevantTypes: ["https://courses.example.edu/roles/peer"] },
    ];
  }
  return statement;
}

/** The nearest index at or before `n` whose statement is a plain one (never voided, never a reference). */
function plainBefore(n) {
  let k = Math.max(0, n);
  while ([97, 53, 71, 31].includes(k % 100) && k > 0) k--;
  return k;
}
