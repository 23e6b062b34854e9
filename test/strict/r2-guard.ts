// R2 under the strict entry: each operation (and each multipart upload step) is one subrequest; delete() takes
// at most 1,000 keys in production, however many the emulator accepts.
import type { Invocation } from "./invocation";
import { MAX_R2_DELETE_KEYS } from "./limits";

const COUNTED = new Set(["head", "get", "put", "delete", "list", "createMultipartUpload"]);
const MULTIPART_COUNTED = new Set(["uploadPart", "complete", "abort"]);

/** R2's own refusals arrive as rejected promises; so do ours. */
export function refusedAsRejection(call: () => unknown): unknown {
  try {
    return call();
  } catch (error) {
    return Promise.reject(error);
  }
}

function guardMultipart(upload: R2MultipartUpload, invocation: Invocation): R2MultipartUpload {
  return new Proxy(upload, {
    get(target, property) {
      const value = Reflect.get(target, property, target) as unknown;
      if (typeof value !== "function") return value;
      return (...args: unknown[]) => {
        if (!MULTIPART_COUNTED.has(String(property))) return Reflect.apply(value as (...a: unknown[]) => unknown, target, args);
        return refusedAsRejection(() => {
          invocation.count("r2", `R2 multipart ${String(property)}`);
          return Reflect.apply(value as (...a: unknown[]) => unknown, target, args);
        });
      };
    },
  });
}

export function guardR2(bucket: R2Bucket, invocation: Invocation): R2Bucket {
  return new Proxy(bucket, {
    get(target, property) {
      const value = Reflect.get(target, property, target) as unknown;
      if (typeof value !== "function") return value;
      const name = String(property);
      return (...args: unknown[]) => {
        if (name === "resumeMultipartUpload") {
          return guardMultipart((value as (...a: unknown[]) => R2MultipartUpload).apply(target, args), invocation);
        }
        if (!COUNTED.has(name)) return Reflect.apply(value as (...a: unknown[]) => unknown, target, args);
        return refusedAsRejection(() => {
          invocation.count("r2", `R2 ${name}`);
          if (name === "delete" && Array.isArray(args[0]) && args[0].length > MAX_R2_DELETE_KEYS) {
            invocation.violate("r2-delete-keys", `R2 delete of ${args[0].length} keys in one call (at most ${MAX_R2_DELETE_KEYS})`);
          }
          const result = (value as (...a: unknown[]) => unknown).apply(target, args);
          if (name !== "createMultipartUpload") return result;
          return (result as Promise<R2MultipartUpload>).then((upload) => guardMultipart(upload, invocation));
        });
      };
    },
  });
}

export function isR2(binding: unknown): binding is R2Bucket {
  return typeof binding === "object" && binding !== null && "createMultipartUpload" in binding && "head" in binding;
}
