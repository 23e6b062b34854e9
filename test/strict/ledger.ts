// What the strict entry saw, shared by the Worker and the tests: in @cloudflare/vitest-plugin both run in the
// same isolate and module graph (the runner imports `main`), so module state is the channel. test/setup.ts
// fails a test whose requests broke a limit, even when the Worker turned the throw into a 4xx/5xx.
import type { LimitRule } from "./limits";

/** One Worker invocation (a request, a cron run, a queue batch) and what it cost. */
export type InvocationReport = {
  label: string;
  calls: number;
  d1: number;
  r2: number;
  durableObject: number;
  other: number;
  rowsRead: number;
  rowsWritten: number;
  /** The statements run, with their rows read, for budget messages. */
  queries: { sql: string; rowsRead: number }[];
  violations: string[];
};

const reports: InvocationReport[] = [];
const violations: string[] = [];
const allowances = new Map<LimitRule, string>();

export function recordInvocation(report: InvocationReport): void {
  reports.push(report);
}

export function recordViolation(message: string): void {
  violations.push(message);
}

/** Reports of the invocations since the last call (oldest first). */
export function takeReports(): InvocationReport[] {
  return reports.splice(0, reports.length);
}

export function takeViolations(): string[] {
  return violations.splice(0, violations.length);
}

/**
 * A temporary, named exception for one test: the rule is still measured but neither throws nor fails the test.
 * Only for paths owned by work in progress (durable jobs); each use is listed in the lead's report.
 */
export function allowPlatformExcess(rule: LimitRule, reason: string): void {
  allowances.set(rule, reason);
}

export function allowanceFor(rule: LimitRule): string | undefined {
  return allowances.get(rule);
}

export function clearAllowances(): void {
  allowances.clear();
}
