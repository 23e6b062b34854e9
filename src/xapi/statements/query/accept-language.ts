// Choosing one language per language map for `format=canonical` (1.0.3 Communication 2.1.3.s4.b5;
// 9274.1.1 4.1.6.1): the Accept-Language rules of RFC 2616 14.4, applied to each map on its own.

export type LanguageRange = { range: string; q: number };

/** The ranges of an Accept-Language header, best first (ties keep header order); q=0 ranges are dropped. */
export function parseAcceptLanguage(header: string | undefined): LanguageRange[] {
  if (!header) return [];
  const ranges: (LanguageRange & { order: number })[] = [];
  header.split(",").forEach((part, order) => {
    const [tag, ...params] = part.trim().split(";");
    const range = tag!.trim().toLowerCase();
    if (!/^(\*|[a-z0-9]{1,8}(-[a-z0-9]{1,8})*)$/.test(range)) return;
    let q = 1;
    for (const param of params) {
      const [name, value] = param.split("=").map((part) => part.trim());
      if (name?.toLowerCase() !== "q") continue;
      // RFC 2616 3.9 qvalue; a malformed one makes the whole range unusable.
      q = /^(0(\.\d{0,3})?|1(\.0{0,3})?)$/.test(value ?? "") ? Number(value) : 0;
    }
    if (q <= 0) return;
    ranges.push({ range, q, order });
  });
  ranges.sort((a, b) => b.q - a.q || a.order - b.order);
  return ranges.map(({ range, q }) => ({ range, q }));
}

/**
 * The key of `map` to keep. A range matches a tag equal to it, else one starting with it plus "-" (RFC 2616 14.4);
 * when no range matches, a tag sharing a range's primary subtag (en-GB asked, en-US held), then English,
 * then the map's first entry: the spec wants exactly one language even when none is acceptable.
 */
export function chooseLanguage(map: Record<string, unknown>, ranges: readonly LanguageRange[]): string | undefined {
  const keys = Object.keys(map);
  if (keys.length <= 1) return keys[0];
  const lower = keys.map((key) => key.toLowerCase());
  const find = (test: (tag: string) => boolean) => {
    const index = lower.findIndex(test);
    return index >= 0 ? keys[index] : undefined;
  };
  for (const { range } of ranges) {
    // An exact tag beats a longer one the range also covers ("en" asked: "en" before "en-US").
    const found =
      range === "*" ? keys[0] : (find((tag) => tag === range) ?? find((tag) => tag.startsWith(`${range}-`)));
    if (found) return found;
  }
  for (const { range } of ranges) {
    const primary = range.split("-")[0]!;
    const found = primary === "*" ? undefined : find((tag) => tag.split("-")[0] === primary);
    if (found) return found;
  }
  return find((tag) => tag === "en-us") ?? find((tag) => tag.split("-")[0] === "en") ?? keys[0];
}

/** A copy of the language map holding only the chosen language. */
export function filterLanguageMap(map: unknown, ranges: readonly LanguageRange[]): unknown {
  if (!map || typeof map !== "object" || Array.isArray(map)) return map;
  const record = map as Record<string, unknown>;
  const chosen = chooseLanguage(record, ranges);
  return chosen === undefined ? {} : { [chosen]: record[chosen] };
}
