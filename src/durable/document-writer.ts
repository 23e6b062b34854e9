// Serialises every write to one document (State, Activity Profile, Agent Profile), keyed by the document's
// identity, so precondition checks and writes cannot interleave. (Filled in by the documents work.)
import { DurableObject } from "cloudflare:workers";

export class DocumentWriter extends DurableObject<Env> {}
