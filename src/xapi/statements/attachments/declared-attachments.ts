// The Attachment objects a statement request declares, looked up by sha2: the only way parts and attachment
// objects are matched (1.0.3 Communication 1.5.2.s1.b4; 9274.1.1 4.1.3 "It shall not do so any other way").
// declaredAttachments reads the raw body defensively (the multipart reader, which sees the body as unknown;
// shape errors are the validation module's to report); attachmentsOf reads a validated statement.
import { badRequest } from "../../../errors";
import { type Json, isObject } from "../../../json";
import type { Attachment, Statement } from "../statement";

export const SIGNATURE_USAGE_TYPE = "http://adlnet.gov/expapi/attachments/signature";

export type DeclaredAttachment = {
  usageType: unknown;
  contentType: unknown;
  length: unknown;
  sha2: string;
  fileUrl: unknown;
  /** e.g. `statement[2].attachments[0]`, for error messages. */
  path: string;
};

/** The statements of a request body (one statement or an array of them). */
export function statementsOf(body: unknown): unknown[] {
  return Array.isArray(body) ? body : [body];
}

/** Every Attachment object with a string sha2, of each statement and of a SubStatement it holds. */
export function declaredAttachments(body: unknown): DeclaredAttachment[] {
  const declared: DeclaredAttachment[] = [];
  statementsOf(body).forEach((statement, index) => {
    const path = Array.isArray(body) ? `statement[${index}]` : "statement";
    collect(statement, path, declared);
    if (isObject(statement) && isObject(statement.object) && statement.object.objectType === "SubStatement") {
      collect(statement.object, `${path}.object`, declared);
    }
  });
  return declared;
}

function collect(statement: unknown, path: string, into: DeclaredAttachment[]): void {
  if (!isObject(statement) || !Array.isArray(statement.attachments)) return;
  statement.attachments.forEach((attachment, index) => {
    if (!isObject(attachment) || typeof attachment.sha2 !== "string") return;
    const { usageType, contentType, length, sha2, fileUrl } = attachment;
    into.push({ usageType, contentType, length, sha2, fileUrl, path: `${path}.attachments[${index}]` });
  });
}

/** The Attachment objects of a valid statement and of the SubStatement it holds (1.0.3 Data 2.4.11). */
export function attachmentsOf(statement: Statement): Attachment[] {
  const own = statement.attachments ?? [];
  const object = statement.object;
  return object.objectType === "SubStatement" && object.attachments ? [...own, ...object.attachments] : own;
}

/** Attachment objects grouped by lower-case sha2 (hex digests are case-insensitive). */
export function bySha2(declared: DeclaredAttachment[]): Map<string, DeclaredAttachment[]> {
  const map = new Map<string, DeclaredAttachment[]>();
  for (const attachment of declared) {
    const key = attachment.sha2.toLowerCase();
    map.set(key, [...(map.get(key) ?? []), attachment]);
  }
  return map;
}

/**
 * Every attachment needs its raw data in the request unless it has a fileUrl (1.0.3 Communication
 * 1.5.2.s2.b1 and s3.b5; 9274.1.1 4.1.3): in application/json requests no attachment may lack one.
 */
export function requireAttachmentData(declared: DeclaredAttachment[], received: ReadonlySet<string>): void {
  for (const attachment of declared) {
    if (attachment.fileUrl !== undefined || received.has(attachment.sha2.toLowerCase())) continue;
    throw badRequest(
      `an attachment without fileUrl needs a multipart/mixed part whose X-Experience-API-Hash is its sha2 ${attachment.sha2}`,
      attachment.path,
    );
  }
}
