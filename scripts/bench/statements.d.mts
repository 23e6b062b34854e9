// Types of statements.mjs, for the TypeScript fuzz tests that seed from it.
export type Json = Record<string, unknown>;
export const POPULATION: { learners: number; instructors: number; teams: number; courses: number; activitiesPerCourse: number; statementsPerRegistration: number };
export const VERBS: [string, string][];
export function rng(seed: number): () => number;
export function learner(n: number): Json;
export function learnerAccount(n: number): Json;
export function instructor(n: number): Json;
export function team(n: number): Json;
export function courseId(c: number): string;
export function activityId(c: number, a: number): string;
export function registrationOf(r: number): string;
export function coordinates(i: number, population?: typeof POPULATION): { registration: number; learnerN: number; course: number; unit: number; step: number };
export function makeStatement(i: number, options?: { id?: string; timestamp?: string; population?: typeof POPULATION }): Json;
export function makeBatch(from: number, count: number, options?: { timestamp?: string; population?: typeof POPULATION }): Json[];
export function queryTargets(size: number, population?: typeof POPULATION): { agent: Json; verb: string; activity: string; course: string; instructor: Json; registration: string };
