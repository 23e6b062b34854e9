// What a pure parser returns: the typed value, or the problems found, each naming the path of the offending
// value (`statement[3].actor.mbox`). No HTTP here: the edge picks the status (errors.ts rejectIssues).
export type Issue = { path: string; message: string };

export type Parsed<T> = { ok: true; value: T } | { ok: false; issues: Issue[] };
