// Realistic synthetic xAPI statements for the benchmark, the load test and the fuzzers' seeds.
// Deterministic: statement `i` of a given population is always the same (apart from its id, which callers choose),
// so a query phase can target values it knows the store holds. The population is shaped like a real LMS:
// many learners, a few hundred activities grouped in courses, a handful of verbs, one registration per attempt.
import { randomUUID } from "node:crypto";

/** mulberry32: a tiny seeded PRNG, enough to make statement `i` reproducible. */
export function rng(seed) {
  let a = seed >>> 0;
  return function next() {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const POPULATION = {
  learners: 2000,
  instructors: 20,
  teams: 50,
  courses: 40,
  activitiesPerCourse: 12,
  /** statements per registration (one attempt of one learner at one course) */
  statementsPerRegistration: 25,
};

export const VERBS = [
  ["http://adlnet.gov/expapi/verbs/experienced", "experienced"],
  ["http://adlnet.gov/expapi/verbs/attempted", "attempted"],
  ["http://adlnet.gov/expapi/verbs/answered", "answered"],
  ["http://adlnet.gov/expapi/verbs/completed", "completed"],
  ["http://adlnet.gov/expapi/verbs/passed", "passed"],
  ["http://adlnet.gov/expapi/verbs/failed", "failed"],
  ["http://adlnet.gov/expapi/verbs/progressed", "progressed"],
  ["http://adlnet.gov/expapi/verbs/interacted", "interacted"],
  ["https://w3id.org/xapi/video/verbs/played", "played"],
  ["https://w3id.org/xapi/video/verbs/paused", "paused"],
];
// How often each verb occurs (experienced/answered/progressed dominate real traffic).
const VERB_WEIGHTS = [30, 8, 25, 6, 4, 2, 15, 5, 3, 2];

export const learner = (n) => ({
  objectType: "Agent",
  name: `Learner ${n}`,
  mbox: `mailto:learner${n}@example.edu`,
});
export const learnerAccount = (n) => ({
  objectType: "Agent",
  name: `Learner ${n}`,
  account: { homePage: "https://sso.example.edu", name: `u${n}` },
});
export const instructor = (n) => ({ objectType: "Agent", name: `Instructor ${n}`, mbox: `mailto:teacher${n}@example.edu` });
export const team = (n) => ({
  objectType: "Group",
  name: `Team ${n}`,
  account: { homePage: "https://teams.example.edu", name: `team-${n}` },
  member: [learner(n * 3), learner(n * 3 + 1), learner(n * 3 + 2)],
});
export const courseId = (c) => `https://courses.example.edu/course/${c}`;
export const activityId = (c, a) => `https://courses.example.edu/course/${c}/unit/${a}`;

/** The registration UUID of attempt `r` (deterministic, valid version-4 shape). */
export function registrationOf(r) {
  const hex = (r * 2654435761 >>> 0).toString(16).padStart(8, "0") + (r >>> 0).toString(16).padStart(8, "0");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(1, 4)}-${hex.slice(0, 12)}`;
}

function pickVerb(random) {
  let roll = random() * VERB_WEIGHTS.reduce((a, b) => a + b, 0);
  for (let v = 0; v < VERBS.length; v++) {
    roll -= VERB_WEIGHTS[v];
    if (roll < 0) return v;
  }
  return 0;
}

/** Where statement `i` sits in the population: which attempt, learner, course and activity. */
export function coordinates(i, population = POPULATION) {
  const registration = Math.floor(i / population.statementsPerRegistration);
  const random = rng(registration * 7919 + 17);
  const learnerN = Math.floor(random() * population.learners);
  const course = Math.floor(random() * population.courses);
  const step = i % population.statementsPerRegistration;
  const unit = step % population.activitiesPerCourse;
  return { registration, learnerN, course, unit, step };
}

/**
 * Statement number `i`: an Agent (1 in 10 by account, 1 in 25 a team Group) doing a verb to a unit of a course,
 * with context activities, an instructor, a registration, platform, language, extensions, and a scored result on
 * answers/completions. `id` defaults to a fresh UUID; `timestamp` to now.
 */
export function makeStatement(i, { id = randomUUID(), timestamp, population = POPULATION } = {}) {
  const { registration, learnerN, course, unit, step } = coordinates(i, population);
  const random = rng(i * 31 + 7);
  const verb = pickVerb(random);
  const [verbId, verbName] = VERBS[verb];
  const actor =
    i % 25 === 0 ? team(learnerN % population.teams) : i % 10 === 3 ? learnerAccount(learnerN) : learner(learnerN);
  const statement = {
    id,
    actor,
    verb: { id: verbId, display: { "en-US": verbName, "fr-FR": `${verbName} (fr)` } },
    object: {
      objectType: "Activity",
      id: activityId(course, unit),
      definition: {
        name: { "en-US": `Course ${course} unit ${unit}`, "fr-FR": `Cours ${course} unité ${unit}` },
        description: { "en-US": `Unit ${unit} of course ${course}` },
        type: verb === 2 ? "http://adlnet.gov/expapi/activities/cmi.interaction" : "http://adlnet.gov/expapi/activities/lesson",
        ...(verb === 2 ? { interactionType: "choice", correctResponsesPattern: ["b"], choices: [
          { id: "a", description: { "en-US": "Option A" } },
          { id: "b", description: { "en-US": "Option B" } },
        ] } : {}),
        extensions: { "https://courses.example.edu/ext/difficulty": 1 + (unit % 5) },
      },
    },
    context: {
      registration: registrationOf(registration),
      instructor: instructor(course % population.instructors),
      contextActivities: {
        parent: [{ objectType: "Activity", id: courseId(course) }],
        grouping: [{ objectType: "Activity", id: "https://courses.example.edu/program/data-literacy" }],
        category: [{ objectType: "Activity", id: "https://w3id.org/xapi/cmi5/context/categories/moveon" }],
      },
      platform: "Example LMS",
      language: "en-US",
      extensions: {
        "https://courses.example.edu/ext/session": `s-${registration}-${Math.floor(step / 5)}`,
        "https://courses.example.edu/ext/device": { os: random() < 0.5 ? "android" : "windows", screen: [1280, 720] },
      },
    },
    timestamp: timestamp ?? new Date().toISOString(),
  };
  if (verb >= 2 && verb <= 6) {
    const raw = Math.round(random() * 100);
    statement.result = {
      score: { scaled: raw / 100, raw, min: 0, max: 100 },
      success: raw >= 60,
      completion: verb !== 2,
      duration: `PT${1 + Math.floor(random() * 600)}S`,
      ...(verb === 2 ? { response: random() < 0.5 ? "a" : "b" } : {}),
      extensions: { "https://courses.example.edu/ext/attempt": 1 + (step % 3) },
    };
  }
  if (i % 50 === 7) {
    statement.context.team = team((learnerN + 1) % population.teams);
  }
  return statement;
}

/** `count` consecutive statements starting at number `from`. */
export function makeBatch(from, count, options = {}) {
  const out = new Array(count);
  for (let k = 0; k < count; k++) out[k] = makeStatement(from + k, options);
  return out;
}

/**
 * Values the query phase can filter by, chosen to exist in a store loaded with statements 0..size-1:
 * a learner (by mbox), the verb, the unit, the course (a parent context activity: related_activities),
 * an instructor (related_agents) and a registration.
 */
export function queryTargets(size, population = POPULATION) {
  const probe = coordinates(Math.floor(size / 2), population);
  return {
    agent: { mbox: learner(probe.learnerN).mbox },
    verb: VERBS[3][0],
    activity: activityId(probe.course, probe.unit),
    course: courseId(probe.course),
    instructor: { mbox: instructor(probe.course % population.instructors).mbox },
    registration: registrationOf(probe.registration),
  };
}
