// PLACEHOLDER (the documents work replaces this file): one router for the three document resources.
import { Hono } from "hono";
import type { AppEnv } from "../../env";

export type DocumentKind = "state" | "activity_profile" | "agent_profile";

export function documentRoutes(kind: DocumentKind): Hono<AppEnv> {
  void kind;
  return new Hono<AppEnv>();
}
