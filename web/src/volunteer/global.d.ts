import type { Lease } from '../../../shared/protocol.ts';
import type { VolunteerStatus } from './status.ts';

declare global {
  interface Window {
    /** Read-only status of the volunteer session, for the fleet and tests. */
    readonly __tabgridStatus?: VolunteerStatus;
    /**
     * Fault injection for the fleet's saboteur tabs: if set before start, every
     * output is passed through it before it is sent. Never set in normal use.
     */
    __tabgridTransformOutput?: (output: unknown, lease: Lease) => unknown;
  }
}
