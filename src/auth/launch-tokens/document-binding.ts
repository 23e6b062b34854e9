// With a launch token, documents are the bound learner's (issue 16): State and the Agent Profile only for the
// bound agent, State only in the bound registration when there is one. The Activity Profile belongs to no
// agent, so a token may read it but not write it: one learner's course must not change what every learner's
// copy of the activity reads.
import type { LaunchBinding } from "../../env";
import { XapiError } from "../../errors";
import type { DocumentKind } from "../../xapi/documents/document-address";
import type { DocumentRequest } from "../../xapi/documents/parameters";

/** 403 naming the parameter that leaves the token's binding; nothing without a token. */
export function enforceDocumentBinding(
  launch: LaunchBinding | undefined,
  kind: DocumentKind,
  method: "GET" | "PUT" | "POST" | "DELETE",
  request: DocumentRequest,
): void {
  if (!launch) return;
  if (kind === "activity_profile") {
    if (method !== "GET") throw new XapiError(403, "a launch token may read activity profiles, not change them");
    return;
  }
  const addressed = request.target === "document" ? request.address : request.set;
  if (addressed.agentKey !== launch.actorKey) {
    throw new XapiError(403, "must be the agent the launch token is bound to", "agent");
  }
  // A set without a registration spans every registration (document-address.ts), so it is refused too.
  if (kind === "state" && launch.registration !== undefined && addressed.registration !== launch.registration) {
    throw new XapiError(403, "must be the registration the launch token is bound to", "registration");
  }
}
