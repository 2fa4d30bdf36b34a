// The import job: one run per started import, streaming its file in batches. A run that stops half
// way (a crash, a lost lock) is retried and resumes after the rows it committed.
import { defineJob, type JobDefinition } from '../../jobs/registry.ts';
import { IMPORT_CLEANUP_JOB, IMPORT_JOB, type ImportsService } from './imports.service.ts';

export const IMPORT_ATTEMPTS = 3;

export function importsJobs(imports: ImportsService): JobDefinition[] {
  return [
    defineJob<{ importId: number }>({
      name: IMPORT_JOB,
      concurrency: 2,
      retry: { attempts: IMPORT_ATTEMPTS, backoffMs: 5_000 },
      // A 50 MB file takes minutes; another worker must not take it over while it is still running.
      lockLifetimeMs: 30 * 60_000,
      handler: async (data, ctx) => {
        await imports.run(Number(data.importId), { n: ctx.attempt, of: IMPORT_ATTEMPTS });
      },
    }),
    defineJob<void>({
      name: IMPORT_CLEANUP_JOB,
      every: '1 hour',
      concurrency: 1,
      handler: async () => {
        await imports.cleanUp();
      },
    }),
  ];
}
