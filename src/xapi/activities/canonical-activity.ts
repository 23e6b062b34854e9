// The canonical Activity of the Activities resource (1.0.3 Communication 2.5; 9274.1.1 4.1.6.4): the
// definition merged from every statement this store accepted for the id (see src/statement-store/statement-rows.ts), or just
// the id when none is known — still an Activity, never a 404 (2.5.s2.b1, a SHALL in 2.0).
import { findDefinition } from "../../statement-store/activity-definitions";

export type Activity = { objectType: "Activity"; id: string; definition?: Record<string, unknown> };

export async function findCanonicalActivity(db: D1Database, storeId: string, activityId: string): Promise<Activity> {
  const stored = await findDefinition(db, storeId, activityId);
  const definition = stored === undefined ? undefined : (JSON.parse(stored) as unknown);
  const known = typeof definition === "object" && definition !== null && Object.keys(definition).length > 0;
  if (!known) return { objectType: "Activity", id: activityId };
  return { objectType: "Activity", id: activityId, definition: definition as Record<string, unknown> };
}
