// Which filter drives (src/statement-store/query/selectivity.ts): the sparsest where the page reads, from the
// probe's per-filter rows (c<i>, at most SELECTIVITY_DEPTH) and the seq of the last of them (r<i>).
import { describe, expect, it } from "vitest";
import type { IndexFilter } from "../../../src/xapi/statements/query/parameters";
import { orderByCounts, SELECTIVITY_DEPTH } from "../../../src/statement-store/query/selectivity";

const VERB: IndexFilter = { kind: "verb", value: "http://adlnet.gov/expapi/verbs/completed" };
const COURSE: IndexFilter = { kind: "related_activity", value: "http://example.com/course/1" };
const D = SELECTIVITY_DEPTH;

describe("orderByCounts", () => {
  it("both past the depth: the filter whose depth-th row lies farther from the start drives (descending)", () => {
    // The verb's 256th row is 3,000 seqs back, the course's 24,000: the course is sparser there.
    expect(orderByCounts([VERB, COURSE], { c0: D, r0: 997_000, c1: D, r1: 976_000 })).toEqual([COURSE, VERB]);
    expect(orderByCounts([VERB, COURSE], { c0: D, r0: 976_000, c1: D, r1: 997_000 })).toEqual([VERB, COURSE]);
  });

  it("ascending: the larger reach is the sparser", () => {
    const probe = { c0: D, r0: 3_000, c1: D, r1: 24_000 };
    expect(orderByCounts([VERB, COURSE], probe, { ascending: true })).toEqual([COURSE, VERB]);
  });

  it("fewer rows than the depth drive before any filter at full depth, the fewest first", () => {
    expect(orderByCounts([VERB, COURSE], { c0: D, r0: 1, c1: 40, r1: 999_000 })).toEqual([COURSE, VERB]);
    expect(orderByCounts([VERB, COURSE], { c0: 12, r0: 5, c1: 13, r1: 999_000 })).toEqual([VERB, COURSE]);
  });

  it("ties keep the kind ranking", () => {
    expect(orderByCounts([VERB, COURSE], { c0: D, r0: 500, c1: D, r1: 500 })).toEqual([VERB, COURSE]);
  });

  it("from the start, a filter without index rows answers the query (nothing matches)", () => {
    expect(orderByCounts([VERB, COURSE], { c0: 0, r0: null, c1: 1, r1: 1 })).toBeUndefined();
  });

  it("past a cursor, a filter without rows ahead only drives (a StatementRef ahead may target a match behind)", () => {
    expect(orderByCounts([VERB, COURSE], { c0: 5, r0: 10, c1: 0, r1: null }, { fromStart: false })).toEqual([COURSE, VERB]);
  });
});
