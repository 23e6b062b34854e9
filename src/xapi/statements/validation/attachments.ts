// Attachment metadata in a statement's `attachments` array (1.0.3 Data 2.4.11; 9274.1.1 4.2.2.6). Matching
// the metadata to multipart parts and checking signatures happens in the statements request handling.
import { invalid } from "./issues";
import { validateIri, validateLanguageMap } from "./primitives";
import { allowOnlyKeys, at, requireArray, requireNumber, requireObject, requireString, optional } from "./shape";

const ATTACHMENT_KEYS = new Set(["usageType", "display", "description", "contentType", "length", "sha2", "fileUrl"]);
const REQUIRED = ["usageType", "display", "contentType", "length", "sha2"] as const;
// type "/" subtype [; parameters] (RFC 6838 restricted names), case-insensitive.
const MEDIA_TYPE = /^[A-Za-z0-9][\w!#$&^.+-]*\/[A-Za-z0-9][\w!#$&^.+-]*(?:\s*;.*)?$/;

export function validateAttachments(value: unknown, path: string): void {
  const attachments = requireArray(value, path);
  for (let i = 0; i < attachments.length; i++) validateAttachment(attachments[i], at(path, i));
}

function validateAttachment(value: unknown, path: string): void {
  const attachment = requireObject(value, path);
  allowOnlyKeys(attachment, ATTACHMENT_KEYS, path, "an attachment");
  for (const key of REQUIRED) {
    if (attachment[key] === undefined) throw invalid("is required", at(path, key));
  }
  validateIri(attachment.usageType, at(path, "usageType"));
  validateLanguageMap(attachment.display, at(path, "display"));
  optional(attachment, "description", path, validateLanguageMap);
  const contentType = requireString(attachment.contentType, at(path, "contentType"));
  if (!MEDIA_TYPE.test(contentType)) throw invalid("must be an Internet media type", at(path, "contentType"));
  const length = requireNumber(attachment.length, at(path, "length"));
  if (!Number.isInteger(length) || length < 0) throw invalid("must be a non-negative integer", at(path, "length"));
  const sha2 = requireString(attachment.sha2, at(path, "sha2"));
  if (sha2.length === 0) throw invalid("must be the SHA-2 hash of the attachment", at(path, "sha2"));
  optional(attachment, "fileUrl", path, validateIri);
}
