// Contacts: create, read, update, tags, typed custom attributes, notes, merge of duplicates, the
// contact behind each inbound customer, and a contact's conversations.
import type { Sequelize } from 'sequelize';
import type { Models } from '../../db/models.ts';
import type { Logger } from '../../logger.ts';
import type { EventBus } from '../../realtime/index.ts';
import type { AuditService } from '../audit/index.ts';
import type { ConsentService } from '../consent/index.ts';

export interface ContactsDeps {
  models: Models;
  sequelize: Sequelize;
  audit: AuditService;
  bus: EventBus;
  logger: Logger;
  consent: ConsentService;
}

export class ContactsService {
  readonly #d: ContactsDeps;

  constructor(deps: ContactsDeps) {
    this.#d = deps;
  }

  get deps(): ContactsDeps {
    return this.#d;
  }
}
