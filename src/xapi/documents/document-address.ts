// What names a document, and what names the set of documents a list or delete-all call addresses.
// State: activityId + agent + registration + stateId (1.0.3 Communication 2.3; 9274.1.1 4.1.6.2);
// Activity Profile: activityId + profileId (2.7; 4.1.6.6); Agent Profile: agent + profileId (2.6; 4.1.6.5).
// Parts a kind does not use are '' so every identity is a full primary key of the `documents` table.

export type DocumentKind = "state" | "activity_profile" | "agent_profile";

export type DocumentAddress = {
  storeId: string;
  kind: DocumentKind;
  activityId: string;
  agentKey: string;
  registration: string;
  documentId: string;
};

/** The documents of one activity/agent context; `registration` undefined means every registration. */
export type DocumentSet = Omit<DocumentAddress, "documentId" | "registration"> & { registration?: string };

/** The name of the document id parameter of each resource. */
export const ID_PARAMETER: Record<DocumentKind, "stateId" | "profileId"> = {
  state: "stateId",
  activity_profile: "profileId",
  agent_profile: "profileId",
};

/**
 * The Durable Object that serialises writes for a document: one per activity/agent context (for State
 * every registration and stateId of one activity + agent), so a delete-all of State is serialised with every
 * single-document write it could race, without coordinating several objects.
 */
export function writerName(set: Pick<DocumentSet, "storeId" | "kind" | "activityId" | "agentKey">): string {
  return JSON.stringify([set.storeId, set.kind, set.activityId, set.agentKey]);
}
