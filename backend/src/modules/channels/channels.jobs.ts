// Background jobs of the channels module.
import { defineJob, type JobDefinition } from '../../jobs/registry.ts';
import type { ChannelsService } from './channels.service.ts';

export function channelsJobs(channels: ChannelsService): JobDefinition[] {
  return [
    // Quality rating, messaging limit and throughput change on Meta's side without notice.
    defineJob<void>({
      name: 'channels.refresh-health',
      every: '15 minutes',
      concurrency: 1,
      handler: async () => {
        await channels.refreshAllHealth();
      },
    }),
  ];
}
