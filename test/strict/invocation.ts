// One Worker invocation's meter: every D1 query or batch, R2 operation and Durable Object call counts toward
// Free's 50 (we allow 45); the first call past the budget, an oversized value or batch, or an R2 delete of
// more than 1,000 keys throws PlatformLimitError and is recorded in the ledger.
import { allowanceFor, type InvocationReport, recordInvocation, recordViolation } from "./ledger";
import { LimitRule, MAX_CALLS_PER_INVOCATION, PlatformLimitError } from "./limits";

export type CallKind = "d1" | "r2" | "durableObject" | "other";

export class Invocation {
  readonly report: InvocationReport;

  constructor(label: string) {
    this.report = {
      label,
      calls: 0,
      d1: 0,
      r2: 0,
      durableObject: 0,
      other: 0,
      rowsRead: 0,
      rowsWritten: 0,
      queries: [],
      violations: [],
    };
    recordInvocation(this.report);
  }

  /** Counts one call; past the budget, production would have refused it. */
  count(kind: CallKind, what: string): void {
    this.report[kind] += 1;
    this.report.calls += 1;
    if (this.report.calls > MAX_CALLS_PER_INVOCATION) {
      this.violate(
        "calls",
        `${this.report.calls} D1/R2/DO calls in one request (Free allows 50, our budget is ${MAX_CALLS_PER_INVOCATION}); ` +
          `call ${this.report.calls} was ${what} (D1 ${this.report.d1}, R2 ${this.report.r2}, DO ${this.report.durableObject})`,
      );
    }
  }

  /** Records and throws, unless the current test holds a named allowance for this rule. */
  violate(rule: LimitRule, message: string): void {
    const error = new PlatformLimitError(rule, `${message} [${this.report.label}]`);
    this.report.violations.push(error.message);
    if (allowanceFor(rule) !== undefined) return;
    recordViolation(error.message);
    throw error;
  }
}
