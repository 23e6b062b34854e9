// The viewer's language, from Accept-Language: numbers formatted for their locale ("990,002", "990.002") and
// one entry of each language map, chosen as `format=canonical` chooses it (query/accept-language.ts).
import type { Context } from "hono";
import { chooseLanguage, type LanguageRange, parseAcceptLanguage } from "../xapi/statements/query/accept-language";

export type ViewerLocale = {
  /** The BCP 47 tag numbers are formatted in (also given to console.js for chart axes). */
  tag: string;
  count(n: number): string;
  /** A rate 0..1 as a whole percentage, "—" when there is none. */
  percent(rate: number | null): string;
  /** The viewer's entry of a language map, or undefined. */
  pick(map: unknown): string | undefined;
};

const FALLBACK = "en-US";

export function viewerLocale(acceptLanguage: string | undefined): ViewerLocale {
  const ranges = parseAcceptLanguage(acceptLanguage);
  const tag = numberLocale(ranges);
  const counts = new Intl.NumberFormat(tag, { maximumFractionDigits: 0 });
  const percents = new Intl.NumberFormat(tag, { style: "percent", maximumFractionDigits: 0 });
  return {
    tag,
    count: (n) => counts.format(n),
    percent: (rate) => (rate === null ? "—" : percents.format(rate)),
    pick: (map) => pickFrom(map, ranges),
  };
}

export function localeOf(c: Context): ViewerLocale {
  return viewerLocale(c.req.header("Accept-Language"));
}

/** The first acceptable range Intl knows; "*" or nothing known means en-US. */
function numberLocale(ranges: readonly LanguageRange[]): string {
  const wanted = ranges.filter((r) => r.q > 0 && r.range !== "*").sort((a, b) => b.q - a.q);
  for (const { range } of wanted) {
    try {
      const [supported] = Intl.NumberFormat.supportedLocalesOf(range);
      if (supported) return supported;
    } catch {
      // not a tag Intl accepts: try the next
    }
  }
  return FALLBACK;
}

function pickFrom(map: unknown, ranges: readonly LanguageRange[]): string | undefined {
  if (!map || typeof map !== "object" || Array.isArray(map)) return undefined;
  const record = map as Record<string, unknown>;
  const strings = Object.fromEntries(Object.entries(record).filter(([, v]) => typeof v === "string" && v.trim()));
  const key = chooseLanguage(strings, ranges);
  return key === undefined ? undefined : (strings[key] as string);
}
