// The one list of background job definitions. Domain modules export their own `<domain>.jobs.ts`
// builders (given the services they need) and are spread into `jobDefinitions` below; createJobs()
// registers whatever this list holds.
import type { Logger } from '../logger.ts';
import type { AuthService } from '../modules/auth/auth.service.ts';
import type { ChannelsService } from '../modules/channels/channels.service.ts';
import { authJobs } from '../modules/auth/auth.jobs.ts';
import { channelsJobs } from '../modules/channels/channels.jobs.ts';
import type { MessagesService } from '../modules/inbox/messages.service.ts';
import { messagesJobs } from '../modules/inbox/messages.jobs.ts';
import type { CollaborationService } from '../modules/inbox/collaboration.service.ts';
import { collaborationJobs } from '../modules/inbox/collaboration.jobs.ts';
import type { ConsentService } from '../modules/consent/consent.service.ts';
import { consentJobs } from '../modules/consent/consent.jobs.ts';
import type { ContactsService } from '../modules/contacts/contacts.service.ts';
import type { ImportsService } from '../modules/contacts/imports.service.ts';
import { importsJobs } from '../modules/contacts/imports.jobs.ts';
import type { CampaignsService } from '../modules/campaigns/campaigns.service.ts';
import { campaignsJobs } from '../modules/campaigns/campaigns.jobs.ts';

export interface JobContext {
  /** Child logger already bound to the job name, id and attempt. Never log the payload. */
  logger: Logger;
  /** 1 for the first run, 2 for the first retry, ... */
  attempt: number;
}

export interface JobDefinition<T = unknown> {
  name: string;
  /** Runs of this job at the same time per process (Agenda's default is 5). */
  concurrency?: number;
  /** Total attempts including the first run; retries wait backoffMs, 2×, 4×, ... */
  retry?: { attempts: number; backoffMs: number };
  /** Recurring jobs: an interval ('1 minute', 60000) or a cron expression, stored once cluster-wide. */
  every?: string | number;
  /** How long a run may go without finishing before another worker may take it over (default 10 min). */
  lockLifetimeMs?: number;
  handler: (data: T, ctx: JobContext) => Promise<void>;
}

/**
 * Types a definition against its payload and widens it for the shared list (a handler for
 * `{ tenantId: number }` is not assignable to one taking `unknown` under strictFunctionTypes).
 */
export function defineJob<T>(definition: JobDefinition<T>): JobDefinition {
  return definition as unknown as JobDefinition;
}

export const HEARTBEAT_JOB = 'system.heartbeat';

// The jobs service records each successful run as lastHeartbeatAt (see createJobs), which /healthz
// reports: a recent value proves the scheduler is claiming and running jobs, not merely alive.
export const heartbeatJob = defineJob<void>({
  name: HEARTBEAT_JOB,
  every: '1 minute',
  concurrency: 1,
  handler: async (_data, ctx) => {
    ctx.logger.debug('heartbeat');
  },
});

export interface JobServices {
  auth: AuthService;
  channels: ChannelsService;
  /** Optional so a caller that builds only some services (tests, tools) can leave the inbox out. */
  messages?: MessagesService;
  collaboration?: Pick<CollaborationService, 'wakeSnoozed'>;
  consent?: ConsentService;
  contacts?: ContactsService;
  imports?: ImportsService;
  campaigns?: CampaignsService;
}

export function jobDefinitions(s: JobServices): JobDefinition[] {
  return [
    heartbeatJob,
    ...authJobs(s.auth),
    ...channelsJobs(s.channels),
    ...(s.messages ? messagesJobs(s.messages) : []),
    ...(s.collaboration ? collaborationJobs(s.collaboration) : []),
    ...(s.imports ? importsJobs(s.imports) : []),
    ...(s.consent ? consentJobs(s.consent) : []),
    ...(s.campaigns ? campaignsJobs(s.campaigns) : []),
  ];
}
