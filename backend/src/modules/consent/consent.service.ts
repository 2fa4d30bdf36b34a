// The consent registry's rules: appending opt-ins and opt-outs to the tenant's hash chain (and the
// contact's derived state with them), verifying the chain, STOP/START keywords and their replies,
// and the server-side guard that keeps marketing away from opted-out contacts.
import type { Sequelize } from 'sequelize';
import type { Models } from '../../db/models.ts';
import type { Logger } from '../../logger.ts';
import type { EventBus } from '../../realtime/index.ts';
import type { AuditService } from '../audit/index.ts';
import type { ChannelsService } from '../channels/index.ts';

export interface ConsentDeps {
  models: Models;
  sequelize: Sequelize;
  audit: AuditService;
  bus: EventBus;
  logger: Logger;
  channels: ChannelsService;
}

export class ConsentService {
  readonly #d: ConsentDeps;

  constructor(deps: ConsentDeps) {
    this.#d = deps;
  }

  get deps(): ConsentDeps {
    return this.#d;
  }
}
