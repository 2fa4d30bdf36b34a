// Background jobs of the inbox's collaboration side: snoozed conversations reopen when their time comes.
import { defineJob, type JobDefinition } from '../../jobs/registry.ts';
import type { CollaborationService } from './collaboration.service.ts';

export const WAKE_SNOOZED_JOB = 'inbox.wake-snoozed';

export function collaborationJobs(collab: Pick<CollaborationService, 'wakeSnoozed'>): JobDefinition[] {
  return [
    defineJob<void>({
      name: WAKE_SNOOZED_JOB,
      every: '1 minute',
      concurrency: 1,
      handler: async (_data, ctx) => {
        const woken = await collab.wakeSnoozed();
        if (woken) ctx.logger.info({ woken }, 'snoozed conversations reopened');
      },
    }),
  ];
}
