/// <reference types="vite/client" />
// The statement store's seam (issue 13): every table a statement writes or is counted in is read and written only
// by src/statement-store, so a reader finds that SQL in one place and a storage change touches one module.
// Sources come in through Vite's import.meta.glob (raw text, bundled into the test), as workerd has no file system.
import { describe, expect, it } from "vitest";

const SOURCES = import.meta.glob<string>("../../src/**/*.{ts,tsx}", { query: "?raw", import: "default", eager: true });

const STORE_TABLES = [
  "statements",
  "statement_runs",
  "credential_runs",
  "index_values",
  "index_entries",
  "statement_refs",
  "statement_segments",
  "statement_segment_ids",
  "activities",
  "agents",
  "rollup_counts",
  "rollup_cursors",
];

/** SQL naming a statement store table as what it reads, joins or writes. */
const TOUCH = new RegExp(`\\b(?:FROM|JOIN|INTO|UPDATE)\\s+(${STORE_TABLES.join("|")})\\b`, "g");

/** drizzle's names of those tables, imported from the schema (a query through drizzle instead of SQL text). */
const SCHEMA_NAMES = ["statements", "statementRuns", "credentialRuns", "indexValues", "indexEntries", "statementRefs", "statementSegments", "statementSegmentIds", "activities", "agents", "rollupCounts", "rollupCursors"];
const SCHEMA_IMPORT = /import\s*\{([^}]*)\}\s*from\s*"[./]*db\/schema"/g;

/** Outside the module on purpose, each for a reason. */
const ALLOWED: Record<string, string> = {
  // Links an attachment to the statements of the same batch, found by id (the attachments module's table).
  "src/xapi/statements/attachments/attachment-rows.ts": "statements",
  // An mbox's case variants, looked up across the agents and documents tables in one seek each.
  "src/admin/erasure-subject.ts": "agents",
};

const relative = (path: string) => path.replace(/^(\.\.\/)+/, "");

describe("the statement store seam", () => {
  it("finds the sources (the glob is not empty)", () => {
    expect(Object.keys(SOURCES).map(relative)).toContain("src/statement-store/statement-rows.ts");
  });

  it("no module outside src/statement-store names its tables in SQL, but the two allowed", () => {
    const outside: string[] = [];
    for (const [path, text] of Object.entries(SOURCES)) {
      const file = relative(path);
      if (file.startsWith("src/statement-store/")) continue;
      for (const match of text.matchAll(TOUCH)) {
        if (ALLOWED[file] === match[1]) continue;
        outside.push(`${file}: ${match[0]}`);
      }
    }
    expect(outside).toEqual([]);
  });

  it("no module outside src/statement-store queries those tables through drizzle", () => {
    const outside: string[] = [];
    for (const [path, text] of Object.entries(SOURCES)) {
      const file = relative(path);
      if (file.startsWith("src/statement-store/") || file === "src/db/schema.ts") continue;
      for (const match of text.matchAll(SCHEMA_IMPORT)) {
        const names = match[1]!.split(",").map((name) => name.replace(/^\s*type\s+/, "").trim());
        for (const name of names) if (SCHEMA_NAMES.includes(name)) outside.push(`${file}: ${name}`);
      }
    }
    expect(outside).toEqual([]);
  });
});
