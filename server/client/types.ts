/**
 * The shapes the Node client sends and receives. What it receives is the
 * REST API's JSON, declared once in shared/api-types.ts for the server, this
 * client and the dashboard alike.
 */
import type { z } from 'zod';
import type { specSchema } from '../../shared/spec.ts';

export { FINAL_STATES } from '../../shared/api-types.ts';
export type {
  CreatedKey,
  JobCounts,
  JobParams,
  JobState,
  JobTrust,
  JobView,
  KeyView,
  ResultLine,
  Role,
  TaskError,
  WhoAmI,
} from '../../shared/api-types.ts';

/** A job spec as the server accepts it; every field with a default may be left out. */
export type JobSpecInput = z.input<typeof specSchema>;
