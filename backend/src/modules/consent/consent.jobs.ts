// Background jobs of the consent registry: the reply to a STOP/START keyword, sent once the entry
// is committed and retried while WhatsApp cannot be reached (the entry stands either way).
import { defineJob, type JobDefinition } from '../../jobs/registry.ts';
import { CONSENT_ACK_JOB, type ConsentService } from './consent.service.ts';

export function consentJobs(consent: ConsentService): JobDefinition[] {
  return [
    defineJob<{ entryId: number }>({
      name: CONSENT_ACK_JOB,
      concurrency: 4,
      retry: { attempts: 5, backoffMs: 2_000 },
      handler: async (data) => consent.acknowledge(Number(data.entryId)),
    }),
  ];
}
