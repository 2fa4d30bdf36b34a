// The shapes the campaigns module speaks: what a manager submits, what the API returns, and what the
// realtime channel pushes. The zod schemas (campaigns.schemas.ts) validate against these.
import type { SegmentDefinition } from '../contacts/segments.schemas.ts';
import type { CampaignStatus, RecipientState, SkipReason } from './campaigns.models.ts';

/** Where one template variable takes its value from, per recipient. */
export type VariableSource =
  | { source: 'field'; field: 'name' | 'first_name' | 'phone' | 'email'; fallback?: string }
  | { source: 'attribute'; key: string; fallback?: string }
  | { source: 'text'; value: string };

export interface CampaignVariables {
  header?: VariableSource[];
  body?: VariableSource[];
  /** One per template button, in order; null for a button without a parameter. */
  buttons?: (VariableSource | null)[];
}

export type CampaignAudience =
  | { type: 'segment'; segmentId: number }
  | { type: 'filter'; definition: SegmentDefinition }
  | { type: 'contacts'; contactIds: number[] }
  | { type: 'phones'; phones: string[] };

export interface QuietHours {
  /** "HH:MM", in each recipient's own time zone. */
  start: string;
  end: string;
}

export interface CampaignInput {
  name: string;
  channelId: number;
  template: { name: string; language: string };
  variables?: CampaignVariables;
  headerMediaId?: number | null;
  audience: CampaignAudience;
  quietHours?: QuietHours | null;
  /** Messages per second; null/absent: the number's throughput level (80, or 1,000 for HIGH). */
  ratePerSecond?: number | null;
}

export type LaunchInput =
  | { when: 'now' }
  /** `at` is a wall-clock time without offset ("2026-12-24T09:00") in `timezone` (IANA). */
  | { when: 'schedule'; at: string; timezone: string };

export interface CampaignStats {
  total: number;
  /** Not sent yet (pending, or claimed and going out now). */
  queued: number;
  /** Claimed by a worker that stopped before recording the outcome; waiting for status webhooks. */
  reconciling: number;
  skipped: number;
  /** Accepted by WhatsApp (sent, delivered or read). */
  sent: number;
  delivered: number;
  read: number;
  replied: number;
  failed: number;
  cancelled: number;
  failedByReason: { code: number | null; reason: string; count: number }[];
  skippedByReason: { reason: SkipReason; count: number }[];
  cost: { currency: string; amountMicros: number };
  /** Share of the sendable recipients with a final outcome, 0..1. */
  progress: number;
  /** Messages accepted per minute, oldest first (the report's chart). */
  timeline: { at: string; sent: number; failed: number }[];
}

export interface CampaignView {
  id: number;
  name: string;
  status: CampaignStatus;
  channelId: number;
  template: { name: string; language: string; category: string };
  variables: CampaignVariables;
  headerMediaId: number | null;
  audience: CampaignAudience;
  scheduledAt: string | null;
  timezone: string;
  quietHours: QuietHours | null;
  /** The configured rate, or null for the number's default. */
  ratePerSecond: number | null;
  /** The rate the engine uses. */
  effectiveRatePerSecond: number;
  stopCode: number | null;
  stopReason: string | null;
  createdAt: string;
  startedAt: string | null;
  completedAt: string | null;
  stats: CampaignStats;
}

export interface CampaignPreview {
  category: string;
  /** Contacts (or list entries) the audience matched. */
  audience: number;
  eligible: number;
  excluded: { optedOut: number; invalid: number; noPhone: number; duplicate: number };
  cost: {
    currency: string;
    totalMicros: number;
    lines: { country: string; category: string; count: number; unitMicros: number; totalMicros: number }[];
  };
  balance: { currency: string; beforeMicros: number; afterMicros: number; sufficient: boolean };
}

export interface RecipientView {
  id: number;
  contactId: number | null;
  phone: string;
  state: RecipientState;
  skipReason: SkipReason | null;
  attempts: number;
  wamid: string | null;
  sentAt: string | null;
  deliveredAt: string | null;
  readAt: string | null;
  repliedAt: string | null;
  failedAt: string | null;
  errorCode: number | null;
  errorReason: string | null;
  priceMicros: number | null;
}

export interface RenderInput {
  channelId: number;
  template: { name: string; language: string };
  variables?: CampaignVariables;
  headerMediaId?: number | null;
  contactId?: number | null;
}

/** The message as the recipient's phone shows it. */
export interface RenderedMessage {
  header: { type: 'text' | 'image' | 'video' | 'document' | 'location'; text?: string; mediaUrl?: string } | null;
  body: string;
  footer: string | null;
  buttons: { type: string; text: string }[];
  /** Variables that fell back (empty field on this contact). */
  fallbacks: string[];
}

/** Realtime: topic 'campaigns', type 'campaign.progress'. */
export interface CampaignProgressEvent {
  campaignId: number;
  status: CampaignStatus;
  startedAt: string | null;
  completedAt: string | null;
  stopReason: string | null;
  stats: CampaignStats;
}
