// A province's own configuration (seeds/provinces/{code}.json): optional. The city roll-up shows
// a province-wide target only where this file supplies one (never a number made up from the
// wards' targets); without the file, or without a year's targets, the totals have none.
import { z } from 'zod';
import { targetsByYearSchema } from './ward-config.js';

export const provinceConfigSchema = z.strictObject({
  code: z.string().regex(/^\d{2}$/),
  name: z.string().min(1),
  /** Where the targets come from (plan name and date), shown beside them. */
  sources: z.array(z.string()).default([]),
  targets: targetsByYearSchema.default({}),
});
export type ProvinceConfig = z.infer<typeof provinceConfigSchema>;
