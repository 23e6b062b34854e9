// The env one invocation sees under the strict entry: each platform binding wrapped by its guard, with one
// meter for all of them; variables and secrets as they are.
import { guardD1, isD1 } from "./d1-guard";
import { guardDurableObjects, isDurableObjectNamespace } from "./durable-object-guard";
import type { Invocation } from "./invocation";
import { guardR2, isR2 } from "./r2-guard";

// Workflows (create, createBatch, get) and Queues (send, sendBatch): each call is a subrequest.
const SERVICE_CALLS = new Set(["create", "createBatch", "get", "send", "sendBatch"]);

function isWorkflowOrQueue(binding: unknown): binding is object {
  if (typeof binding !== "object" || binding === null) return false;
  return ("create" in binding && "createBatch" in binding) || ("send" in binding && "sendBatch" in binding);
}

function guardServiceCalls<T extends object>(binding: T, invocation: Invocation, name: string): T {
  return new Proxy(binding, {
    get(target, property) {
      const value = Reflect.get(target, property, target) as unknown;
      if (typeof value !== "function") return value;
      return (...args: unknown[]) => {
        if (SERVICE_CALLS.has(String(property))) invocation.count("other", `${name}.${String(property)}`);
        return Reflect.apply(value as (...a: unknown[]) => unknown, target, args);
      };
    },
  });
}

export function strictEnv<E extends object>(env: E, invocation: Invocation): E {
  const guarded: Record<string, unknown> = {};
  for (const [name, binding] of Object.entries(env)) {
    if (isD1(binding)) guarded[name] = guardD1(binding, invocation);
    else if (isR2(binding)) guarded[name] = guardR2(binding, invocation);
    else if (isDurableObjectNamespace(binding)) guarded[name] = guardDurableObjects(binding, invocation);
    else if (isWorkflowOrQueue(binding)) guarded[name] = guardServiceCalls(binding, invocation, name);
    else guarded[name] = binding;
  }
  return guarded as E;
}
