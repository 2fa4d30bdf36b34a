// CSV imports: upload, preview with a suggested column mapping, a background job that upserts by
// phone in batches with progress, per-row errors (downloadable), and a clear report for a bad file.
import type { Sequelize } from 'sequelize';
import type { Models } from '../../db/models.ts';
import type { Logger } from '../../logger.ts';
import type { EventBus } from '../../realtime/index.ts';
import type { AuditService } from '../audit/index.ts';
import type { ConsentService } from '../consent/index.ts';

export interface ImportsDeps {
  models: Models;
  sequelize: Sequelize;
  audit: AuditService;
  bus: EventBus;
  logger: Logger;
  consent: ConsentService;
  /** Where uploaded CSV files are kept while they are imported. */
  dir: string;
  enqueue: (name: string, data: unknown) => Promise<unknown>;
}

export class ImportsService {
  readonly #d: ImportsDeps;

  constructor(deps: ImportsDeps) {
    this.#d = deps;
  }

  get deps(): ImportsDeps {
    return this.#d;
  }
}
