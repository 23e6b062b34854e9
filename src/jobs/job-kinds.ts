// Every job kind, by the name stored in jobs.kind: a new kind plugs in here and nowhere else.
import type { JobKind } from "./job-kind";
import { agentErasureJob } from "./kinds/agent-erasure";
import { orphanSweepJob } from "./kinds/orphan-sweep";
import { rollupRebuildJob } from "./kinds/rollup-rebuild";
import { statementExportJob } from "./kinds/statement-export";
import { statementTieringJob } from "./kinds/statement-tiering";
import { storeDeletionJob } from "./kinds/store-deletion";
import { upgradeBackfillJob } from "./kinds/upgrade-backfill";

export const JOB_KINDS = {
  "agent-erasure": agentErasureJob,
  "store-deletion": storeDeletionJob,
  "orphan-sweep": orphanSweepJob,
  "rollup-rebuild": rollupRebuildJob,
  "statement-export": statementExportJob,
  "statement-tiering": statementTieringJob,
  "upgrade-backfill": upgradeBackfillJob,
} satisfies Record<string, JobKind>;

export type JobKindName = keyof typeof JOB_KINDS;
