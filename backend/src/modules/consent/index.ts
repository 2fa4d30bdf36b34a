// The consent module owns the registry of opt-ins and opt-outs (append-only, hash-chained per tenant),
// STOP/START keywords, chain verification, and the guard that keeps marketing from opted-out contacts.
export {
  ConsentService,
  CONSENT_ACK_JOB,
  ensureInboundContact,
  entryHash,
  type ConsentInput,
  type FreshInboundMessage,
  type VerifyResult,
} from './consent.service.ts';
export { consentRoutes } from './consent.routes.ts';
export { consentJobs } from './consent.jobs.ts';
export { CONSENT_ACTIONS, CONSENT_SOURCES, type ConsentAction, type ConsentSource } from './consent.models.ts';
