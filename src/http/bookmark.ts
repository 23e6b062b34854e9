// X-LRS-Bookmark: the D1 Sessions API bookmark a response carries and a client may send back, so its next
// request reads at least what it has seen (sequential consistency across requests with read replication on).

export const BOOKMARK_HEADER = "X-LRS-Bookmark";

// D1 bookmarks are three 8-digit hex positions and a hex hash ("00000085-0000024c-00004c6d-8e61117b…", D1 Time
// Travel docs; the hash is 32 or 64 digits there). Anything else is refused rather than handed to withSession.
const BOOKMARK_SHAPE = /^[0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{1,128}$/i;

export function isBookmark(value: string): boolean {
  return BOOKMARK_SHAPE.test(value);
}
