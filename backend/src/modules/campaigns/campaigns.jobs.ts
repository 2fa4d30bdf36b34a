// The start job: a campaign launched now, or a scheduled one whose time has come, gets its recipients
// materialised and starts sending. Re-running it after a crash adds nobody twice.
import { defineJob, type JobDefinition } from '../../jobs/registry.ts';
import { START_JOB, type CampaignsService } from './campaigns.service.ts';

export function campaignsJobs(campaigns: CampaignsService): JobDefinition[] {
  return [
    defineJob<{ campaignId: number; at?: string }>({
      name: START_JOB,
      concurrency: 2,
      retry: { attempts: 5, backoffMs: 5_000 },
      // Materialising a million recipients is one statement of a few minutes at most.
      lockLifetimeMs: 15 * 60_000,
      handler: async (data) => {
        await campaigns.start(Number(data.campaignId), data.at);
      },
    }),
  ];
}
