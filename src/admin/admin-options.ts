/**
 * The `createGateway` options of the admin API and dashboard (docs/dashboard.md): `admin` turns them
 * on, `logStore` says where the records they show are kept. Spread into the schema in options.ts.
 */
import { z } from 'zod';
import { isLogStore, type LogStore } from '../log-store/log-store.js';

const adminSchema = z.strictObject({
  /**
   * The admin key the API and the dashboard ask for (header `x-modelgate-admin-key` or
   * `Authorization: Bearer`), separate from the gateway keys: at least 16 characters.
   */
  key: z.string().min(16, 'the admin key must be at least 16 characters'),
  /** Serve the page at `{mount}/dashboard` (default true); false leaves only the API. */
  dashboard: z.boolean().optional(),
  /** Most records a summary reads (default 50,000); a summary over more says `truncated`. */
  maxSummaryRecords: z.number().int().positive().max(1_000_000).optional(),
});

export const adminOptionShapes = {
  /** The admin API under `{mount}/admin/` and the dashboard at `{mount}/dashboard`; without it both are 404. */
  admin: adminSchema.optional(),
  /**
   * Where log records are kept for the admin API: `memoryLogStore()` (the default with `admin`),
   * `sqliteLogStore({ path })` or `redisLogStore({ url })`.
   */
  logStore: z
    .custom<LogStore>(isLogStore, {
      message: 'must be a LogStore (memoryLogStore(), sqliteLogStore() or redisLogStore())',
    })
    .optional(),
};

export type AdminOptions = z.output<typeof adminSchema>;
