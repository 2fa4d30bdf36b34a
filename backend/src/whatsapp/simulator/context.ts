// The one object every part of the simulator shares: state, clock, scheduler, webhook emitter and the
// runtime-adjustable settings (status timing, pair rate). Built by createSimulator.
import type { Logger } from '../../logger.ts';
import type { Scheduler } from './scheduler.ts';
import type { SimState } from './state.ts';
import type { WebhookEmitter } from './webhooks.ts';

export interface StatusTiming {
  /** ms after acceptance until `sent`. */
  sent: number;
  /** ms after `sent` until `delivered`. */
  delivered: number;
  /** ms after `delivered` until `read`. */
  read: number;
  /** Whether customers read what they receive. */
  autoRead: boolean;
}

export interface PairRate {
  /** Messages to the same recipient allowed within windowMs before 131056. */
  limit: number;
  windowMs: number;
}

export interface SimSettings {
  status: StatusTiming;
  pairRate: PairRate;
  /** Download `link` media before `sent` (a failure becomes a 131053 `failed` status). */
  fetchMediaLinks: boolean;
  signupCodeTtlMs: number;
}

export interface SimContext {
  state: SimState;
  scheduler: Scheduler;
  emitter: WebhookEmitter;
  settings: SimSettings;
  publicUrl: () => string;
  fetch: typeof fetch;
  logger?: Logger;
  /** Keys the media download URLs' hash. */
  mediaSecret: Buffer;
  /** Per phone number id: simulator-clock ms of recent sends (throughput window). */
  throughputLog: Map<string, number[]>;
  /** Per `${phoneNumberId}:${customerKey}`: recent sends (pair-rate window). */
  pairLog: Map<string, number[]>;
}

export const DAY_MS = 24 * 3600 * 1000;

export function unixSeconds(ms: number): string {
  return String(Math.floor(ms / 1000));
}
