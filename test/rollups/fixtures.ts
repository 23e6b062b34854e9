// A varied set of statements for the rollup tests: several actor identifier kinds (Group, sha1 in upper case,
// account, openid), activity and non-activity objects, scaled and raw scores, completion and success.
type Json = Record<string, unknown>;

const verb = (name: string) => ({ id: `http://adlnet.gov/expapi/verbs/${name}`, display: { "en-US": name } });
const activity = (n: number) => ({ objectType: "Activity", id: `http://example.com/activities/${n}` });

const ACTORS: Json[] = [
  { objectType: "Agent", name: "Ana", mbox: "mailto:ana@example.com" },
  { objectType: "Agent", mbox_sha1sum: "ABCDEF0123456789ABCDEF0123456789ABCDEF01" },
  { objectType: "Agent", account: { homePage: "https://lms.example.com", name: "bo" } },
  { objectType: "Agent", openid: "https://id.example.com/cy" },
  { objectType: "Group", name: "Team", mbox: "mailto:team@example.com", member: [{ mbox: "mailto:m@example.com" }] },
  { objectType: "Group", member: [{ mbox: "mailto:anon-member@example.com" }] },
];

const RESULTS: (Json | undefined)[] = [
  undefined,
  { score: { scaled: 0.95 }, completion: true, success: true },
  { score: { scaled: 1 }, success: false },
  { score: { scaled: -0.5 }, completion: false },
  { score: { raw: 30, min: 0, max: 40 }, completion: true },
  { score: { raw: 5 } },
  { score: { scaled: 0 }, success: true },
  { score: { scaled: 0.3 } },
];

/** `n` statements cycling through actors, verbs, objects and results. */
export function variedStatements(n: number, seed = 0): Json[] {
  const verbs = ["completed", "attempted", "passed", "failed", "experienced"];
  return Array.from({ length: n }, (_, i) => {
    const k = i + seed;
    const object =
      k % 11 === 5
        ? { objectType: "Agent", mbox: "mailto:obj@example.com" }
        : k % 13 === 7
          ? { objectType: "SubStatement", actor: ACTORS[0], verb: verb("attempted"), object: activity(1) }
          : k % 3 === 0
            ? { id: `http://example.com/activities/${k % 4}` }
            : activity(k % 4);
    const result = RESULTS[k % RESULTS.length];
    return {
      actor: ACTORS[k % ACTORS.length],
      verb: verb(verbs[k % verbs.length]!),
      object,
      ...(result ? { result } : {}),
    };
  });
}

export function voidingOf(targetId: string): Json {
  return {
    actor: ACTORS[0],
    verb: { id: "http://adlnet.gov/expapi/verbs/voided", display: { "en-US": "voided" } },
    object: { objectType: "StatementRef", id: targetId },
  };
}
