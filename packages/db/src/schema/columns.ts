import { customType, timestamp, uuid } from 'drizzle-orm/pg-core';

/** Binary column; postgres.js returns Buffer, PGlite Uint8Array — both normalised to Uint8Array. */
export const bytea = customType<{ data: Uint8Array; driverData: Uint8Array | Buffer }>({
  dataType: () => 'bytea',
  toDriver: (value) => value,
  fromDriver: (value) =>
    value instanceof Uint8Array && !(value instanceof Buffer)
      ? value
      : new Uint8Array(value.buffer, value.byteOffset, value.byteLength),
});

export const id = () => uuid('id').primaryKey().defaultRandom();
export const createdAt = () =>
  timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow();
export const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });
