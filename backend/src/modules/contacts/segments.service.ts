// Segments: saved filters over contacts (tags, attributes, consent, last seen, conversation state),
// compiled to one SQL query so nothing loads every contact; the contact list, live counts and the
// streamed CSV export all evaluate through here.
import type { Sequelize } from 'sequelize';
import type { Models } from '../../db/models.ts';
import type { Logger } from '../../logger.ts';
import type { AuditService } from '../audit/index.ts';

export interface SegmentsDeps {
  models: Models;
  sequelize: Sequelize;
  audit: AuditService;
  logger: Logger;
}

export class SegmentsService {
  readonly #d: SegmentsDeps;

  constructor(deps: SegmentsDeps) {
    this.#d = deps;
  }

  get deps(): SegmentsDeps {
    return this.#d;
  }
}
