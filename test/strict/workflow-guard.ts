// Workflow classes under the strict entry: each step.do() callback is metered as an invocation of its own (a
// step is what a job bounds: "<= 42 storage calls each"), with `this.env` swapped to the guarded env while the
// callback runs. Relies on the Workflow reading this.env inside its step callbacks, as src/jobs does.
import type { WorkflowEntrypoint, WorkflowEvent, WorkflowStep } from "cloudflare:workers";
import { Invocation } from "./invocation";
import { strictEnv } from "./strict-env";

type Callback = () => Promise<unknown>;
type WorkflowClass = abstract new (...args: never[]) => WorkflowEntrypoint<object, unknown>;

export function meteredWorkflow<C extends WorkflowClass>(Base: C): C {
  abstract class Metered extends (Base as unknown as new (...args: unknown[]) => WorkflowEntrypoint<object, unknown>) {
    override async run(event: Readonly<WorkflowEvent<unknown>>, step: WorkflowStep): Promise<unknown> {
      const self = this as unknown as { env: object };
      const raw = self.env;
      const meteredStep = new Proxy(step, {
        get(target, property) {
          const value = Reflect.get(target, property, target) as unknown;
          if (property !== "do" || typeof value !== "function") return value;
          return (name: string, ...rest: unknown[]) => {
            const callback = rest.pop() as Callback;
            const guarded: Callback = async () => {
              self.env = strictEnv(raw, new Invocation(`workflow step ${name}`));
              try {
                return await callback();
              } finally {
                self.env = raw;
              }
            };
            return Reflect.apply(value as (...args: unknown[]) => unknown, target, [name, ...rest, guarded]);
          };
        },
      });
      return (Base.prototype as { run(e: unknown, s: unknown): Promise<unknown> }).run.call(this, event, meteredStep);
    }
  }
  return Metered as unknown as C;
}
