// A store's tiering setting (src/statement-store/tiering): statements stored more than `tierAfterDays` days ago
// move to R2 segments when the daily cron's tiering job (or one started now through /admin/stores/:id/jobs)
// runs; null stops further tiering (statements already tiered stay where they are: reads do not care).
import { eq, sql } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import { z } from "zod";
import { stores } from "../db/schema";
import { auditAlongside } from "./audit";
import type { StoreRow } from "./stores";

export const storeTieringSchema = z.strictObject({
  tierAfterDays: z.number().int().min(0).max(36_500).nullable(),
});

/** Sets the store's setting, audited in the same batch; undefined when there is no such store. */
export async function setTierAfterDays(db: D1Database, storeId: string, days: number | null): Promise<StoreRow | undefined> {
  const orm = drizzle(db);
  const alongside = auditAlongside(db, { storeId, action: "store.tiering", detail: { storeId, tierAfterDays: days } });
  const [rows] = await orm.batch([
    orm.update(stores).set({ tierAfterDays: days }).where(eq(stores.id, storeId)).returning(),
    alongside(sql`EXISTS (SELECT 1 FROM ${stores} WHERE ${stores.id} = ${storeId})`),
  ]);
  return rows[0];
}
