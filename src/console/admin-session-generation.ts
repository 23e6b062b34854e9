// The session generation of the admin's console sign-ins (LRS_ADMIN_TOKEN names no credential row to hold it).
// An admin session carries the generation it began under; sign-out raises it, so every cookie issued before
// is refused from then on, on any browser. A missing row is generation 0.
import { eq, sql } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import { sessionGenerations } from "../db/schema";

const ADMIN = "admin";

export async function adminGeneration(db: D1Database): Promise<number> {
  const rows = await drizzle(db)
    .select({ generation: sessionGenerations.generation })
    .from(sessionGenerations)
    .where(eq(sessionGenerations.subject, ADMIN))
    .limit(1);
  return rows[0]?.generation ?? 0;
}

export async function endAdminSessions(db: D1Database): Promise<void> {
  await drizzle(db)
    .insert(sessionGenerations)
    .values({ subject: ADMIN, generation: 1 })
    .onConflictDoUpdate({
      target: sessionGenerations.subject,
      set: { generation: sql`${sessionGenerations.generation} + 1` },
    });
}
