// Choosing one language per language map for `format=canonical` (1.0.3 Communication 2.1.3.s4.b5;
// 9274.1.1 4.1.6.1): the Accept-Language rules of RFC 2616 14.4, applied to each map on its own.

export type LanguageRange = { range: string; q: number };

/**
 * The ranges of an Accept-Language header in header order, lower-cased. q=0 ranges are kept: they make the
 * tags they match unacceptable (RFC 2616 14.4). A range with a malformed qvalue is dropped.
 */
export function parseAcceptLanguage(header: string | undefined): LanguageRange[] {
  if (!header) return [];
  const ranges: LanguageRange[] = [];
  for (const part of header.split(",")) {
    const [tag, ...params] = part.trim().split(";");
    const range = tag!.trim().toLowerCase();
    if (!/^(\*|[a-z0-9]{1,8}(-[a-z0-9]{1,8})*)$/.test(range)) continue;
    let q: number | undefined = 1;
    for (const param of params) {
      const [name, value] = param.split("=").map((piece) => piece.trim());
      if (name?.toLowerCase() !== "q") continue;
      // RFC 2616 3.9 qvalue.
      q = /^(0(\.\d{0,3})?|1(\.0{0,3})?)$/.test(value ?? "") ? Number(value) : undefined;
    }
    if (q !== undefined) ranges.push({ range, q });
  }
  return ranges;
}

type Quality = { q: number; order: number; exact: boolean };

/**
 * RFC 2616 14.4: a tag takes the quality of the longest range matching it (equal to it, or a prefix of it
 * followed by "-"); "*" matches only tags no other range matches; a tag nothing matches has quality 0.
 * `order` is the matching range's place in the header (earlier wins a tie), `exact` whether it names the tag.
 */
function qualityOf(tag: string, ranges: readonly LanguageRange[]): Quality | undefined {
  let best: (Quality & { length: number }) | undefined;
  ranges.forEach(({ range, q }, order) => {
    if (range === "*" || (tag !== range && !tag.startsWith(`${range}-`))) return;
    if (!best || range.length > best.length) best = { q, order, exact: tag === range, length: range.length };
  });
  if (best) return best;
  const star = ranges.findIndex(({ range }) => range === "*");
  return star >= 0 ? { q: ranges[star]!.q, order: star, exact: false } : undefined;
}

/**
 * The key of `map` to keep: the tag of highest quality (ties: the earlier range, then the tag the range names
 * exactly, then map order). When no tag is acceptable the spec still wants exactly one language: among tags no
 * range excluded with q=0, one sharing a range's primary subtag (en-GB asked, en-US held), then English, then
 * the map's first entry.
 */
export function chooseLanguage(map: Record<string, unknown>, ranges: readonly LanguageRange[]): string | undefined {
  const keys = Object.keys(map);
  if (keys.length <= 1) return keys[0];
  const tags = keys.map((key, index) => ({ key, index, tag: key.toLowerCase(), quality: qualityOf(key.toLowerCase(), ranges) }));
  let chosen: (typeof tags)[number] | undefined;
  for (const entry of tags) {
    const q = entry.quality;
    if (!q || q.q <= 0) continue;
    const c = chosen?.quality;
    if (!c || q.q > c.q || (q.q === c.q && (q.order < c.order || (q.order === c.order && q.exact && !c.exact)))) {
      chosen = entry;
    }
  }
  if (chosen) return chosen.key;

  const candidates = tags.filter((entry) => entry.quality === undefined);
  const pool = candidates.length > 0 ? candidates : tags;
  const find = (test: (tag: string) => boolean) => pool.find((entry) => test(entry.tag))?.key;
  const wanted = ranges.filter(({ range, q }) => q > 0 && range !== "*").sort((a, b) => b.q - a.q);
  for (const { range } of wanted) {
    const primary = range.split("-")[0]!;
    const found = find((tag) => tag.split("-")[0] === primary);
    if (found) return found;
  }
  return find((tag) => tag === "en-us") ?? find((tag) => tag.split("-")[0] === "en") ?? pool[0]!.key;
}

/** A copy of the language map holding only the chosen language. */
export function filterLanguageMap(map: unknown, ranges: readonly LanguageRange[]): unknown {
  if (!map || typeof map !== "object" || Array.isArray(map)) return map;
  const record = map as Record<string, unknown>;
  const chosen = chooseLanguage(record, ranges);
  return chosen === undefined ? {} : { [chosen]: record[chosen] };
}
