// Background jobs of the inbox's messages: copying inbound media out of WhatsApp promptly (its
// download URL lasts minutes), with retries and back-off for failures that may pass.
import { defineJob, type JobDefinition } from '../../jobs/registry.ts';
import { DOWNLOAD_MEDIA_JOB, type MessagesService } from './messages.service.ts';

export const DOWNLOAD_MEDIA_ATTEMPTS = 5;

export function messagesJobs(messages: MessagesService): JobDefinition[] {
  return [
    defineJob<{ messageId: number }>({
      name: DOWNLOAD_MEDIA_JOB,
      concurrency: 4,
      retry: { attempts: DOWNLOAD_MEDIA_ATTEMPTS, backoffMs: 2_000 },
      handler: async (data, ctx) => {
        await messages.downloadInboundMedia(Number(data.messageId), { n: ctx.attempt, of: DOWNLOAD_MEDIA_ATTEMPTS });
      },
    }),
  ];
}
