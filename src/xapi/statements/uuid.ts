// UUIDs in the standard 8-4-4-4-12 hex form (1.0.3 Data 4.4; 9274.1.1 4.2.7), any case.
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(value: string): boolean {
  return UUID.test(value);
}
