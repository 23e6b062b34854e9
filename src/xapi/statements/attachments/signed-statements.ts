// Signed statements (1.0.3 Data 2.6; 9274.1.1 4.2.6): an attachment with the signature usageType must be
// application/octet-stream and hold a JWS whose payload is the statement as it was before the signature
// attachment was added, logically equivalent to the statement received by the comparison rules (Data 2.3.1).
// Anything else is a malformed signature: 400 with the reason.
import type { XapiVersion } from "../../../env";
import { badRequest } from "../../../errors";
import { mediaType } from "../../../http/body";
import { canonicalJson, sameStatement } from "../comparison";
import { isObject } from "../../../json";
import type { ValidStatements } from "../statement";
import { SIGNATURE_USAGE_TYPE } from "./declared-attachments";
import { verifyJws } from "./jws";

/**
 * Checks every signature attachment of the request's statements. `signatures` holds the raw parts by
 * lower-case sha2; a signature known only by fileUrl cannot be checked and is accepted (CHECKLIST #194).
 */
export async function verifySignedStatements(
  { statements, path }: ValidStatements,
  signatures: ReadonlyMap<string, Uint8Array>,
  version: XapiVersion,
): Promise<void> {
  for (const [index, statement] of statements.entries()) {
    for (const [position, attachment] of (statement.attachments ?? []).entries()) {
      if (attachment.usageType !== SIGNATURE_USAGE_TYPE) continue;
      const where = `${path(index)}.attachments[${position}]`;
      if (mediaType(attachment.contentType) !== "application/octet-stream") {
        throw badRequest("a signature attachment must have the contentType application/octet-stream", `${where}.contentType`);
      }
      const jws = signatures.get(attachment.sha2.toLowerCase());
      if (!jws) continue;
      const result = await verifyJws(jws, version);
      if (!result.ok) throw badRequest(`malformed signature: ${result.reason}`, where);
      if (!signedAsReceived(result.jws.payload as Record<string, unknown>, statement, version)) {
        throw badRequest("malformed signature: the JWS payload is not the statement received", where);
      }
    }
  }
}

// The payload is the statement before its signature was added, so the signature attachments are left out of
// the comparison; ids compare when both carry one (a missing id is one the LRS may assign).
function signedAsReceived(payload: Record<string, unknown>, received: Record<string, unknown>, version: XapiVersion): boolean {
  if (typeof payload.id === "string" && typeof received.id === "string" && payload.id.toLowerCase() !== received.id.toLowerCase()) {
    return false;
  }
  if (!sameStatement(payload, received, version)) return false;
  return sameAttachments(payload.attachments, received.attachments);
}

function sameAttachments(signed: unknown, received: unknown): boolean {
  const unsigned = (list: unknown) =>
    (Array.isArray(list) ? list : []).filter((a) => !(isObject(a) && a.usageType === SIGNATURE_USAGE_TYPE));
  return canonicalJson(unsigned(signed)) === canonicalJson(unsigned(received));
}
