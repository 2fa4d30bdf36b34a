import type { JobDefinition } from '../../jobs/registry.ts';
import type { ImportsService } from './imports.service.ts';

export function importsJobs(_imports: ImportsService): JobDefinition[] {
  return [];
}
