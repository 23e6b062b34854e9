// The Worker entry every vitest file runs against (vitest.config.ts `main`): the production entry, with each
// invocation's env wrapped so that the emulator fails where Cloudflare production would (test/strict/limits.ts).
// `export *` re-exports every Durable Object class src/index.ts adds; Workflow classes are re-exported below,
// metered per step. Test-only: never deployed.
import worker, { JobWorkflow as ProductionJobWorkflow } from "../../src/index";
import { Invocation } from "./invocation";
import { strictEnv } from "./strict-env";
import { meteredWorkflow } from "./workflow-guard";

export * from "../../src/index";
// Each Workflow class by name (a local export wins over `export *`): every step is metered on its own.
export const JobWorkflow = meteredWorkflow(ProductionJobWorkflow);

type Handler = (event: unknown, env: object, ctx: ExecutionContext) => unknown;

function labelOf(event: unknown, handler: string): string {
  if (event instanceof Request) {
    const url = new URL(event.url);
    return `${event.method} ${url.pathname}${url.search}`;
  }
  return handler;
}

// Every handler (fetch, scheduled, queue, ...) takes env second; each call is one invocation with its own meter.
const strict: Record<string, Handler> = {};
for (const [name, handler] of Object.entries(worker as unknown as Record<string, unknown>)) {
  if (typeof handler !== "function") continue;
  strict[name] = function strictInvocation(event, env, ctx) {
    const invocation = new Invocation(labelOf(event, name));
    return (handler as Handler).call(worker, event, strictEnv(env, invocation), ctx);
  };
}

export default strict;
