// Background jobs of the auth module.
import { defineJob, type JobDefinition } from '../../jobs/registry.ts';
import type { AuthService } from './auth.service.ts';

export function authJobs(auth: AuthService): JobDefinition[] {
  return [
    defineJob<void>({
      name: 'auth.purge-expired-sessions',
      every: '1 hour',
      concurrency: 1,
      handler: async () => {
        await auth.purgeExpiredSessions();
      },
    }),
  ];
}
