// Durable Object namespaces under the strict entry: getting a stub is local, every call on it (RPC or fetch)
// is a subrequest of this invocation, and its arguments travel as RPC (32 MiB). The object's own storage and
// the D1/R2 calls it makes run in its own invocation and are not counted here.
import type { Invocation } from "./invocation";
import { MAX_RPC_BYTES } from "./limits";
import { refusedAsRejection } from "./r2-guard";

/** Rough structured-clone size: enough to see a 32 MiB argument, not an exact figure. */
function approximateBytes(value: unknown, depth = 0): number {
  if (typeof value === "string") return value.length * 2;
  if (value instanceof ArrayBuffer) return value.byteLength;
  if (ArrayBuffer.isView(value)) return value.byteLength;
  if (value === null || typeof value !== "object" || depth > 8) return 8;
  let total = 0;
  for (const item of Object.values(value as Record<string, unknown>)) total += approximateBytes(item, depth + 1);
  return total;
}

function guardStub<T extends object>(stub: T, invocation: Invocation): T {
  return new Proxy(stub, {
    get(target, property) {
      const value = Reflect.get(target, property, target) as unknown;
      if (typeof value !== "function" || property === "then") return value;
      return (...args: unknown[]) =>
        refusedAsRejection(() => {
          invocation.count("durableObject", `Durable Object ${String(property)}`);
          const bytes = approximateBytes(args);
          if (bytes > MAX_RPC_BYTES) {
            invocation.violate("rpc-bytes", `a Durable Object call ${String(property)} with about ${bytes} bytes of arguments (32 MiB)`);
          }
          return Reflect.apply(value as (...a: unknown[]) => unknown, target, args);
        });
    },
  });
}

export function guardDurableObjects(namespace: DurableObjectNamespace, invocation: Invocation): DurableObjectNamespace {
  return new Proxy(namespace, {
    get(target, property) {
      const value = Reflect.get(target, property, target) as unknown;
      if (typeof value !== "function") return value;
      return (...args: unknown[]) => {
        const result = (value as (...a: unknown[]) => unknown).apply(target, args);
        return property === "get" || property === "getByName" ? guardStub(result as object, invocation) : result;
      };
    },
  });
}

export function isDurableObjectNamespace(binding: unknown): binding is DurableObjectNamespace {
  return typeof binding === "object" && binding !== null && "idFromName" in binding && "newUniqueId" in binding;
}
