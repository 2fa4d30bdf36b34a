// Request and response shapes for the Cloud API client. Message content and management resources keep
// Meta's snake_case wire names so they can be checked field by field against the Cloud API docs and so
// caller-selected `fields` pass through untouched; only the client's own options, the send envelope and
// the small results the rest of the code keys on (wamid, media URL, tokens) are camelCase.
import type { Readable, Writable } from 'node:stream';

export interface GraphClientOptions {
  /** e.g. `https://graph.facebook.com` or the simulator's URL; no version segment. */
  baseUrl: string;
  /** e.g. `v24.0`. */
  version: string;
  accessToken: string;
  fetch?: typeof fetch;
  /** Per request; for media downloads it is the idle time between chunks. Default 30 s. */
  timeoutMs?: number;
  userAgent?: string;
  /** Extra hosts that may receive the bearer token on media downloads (Meta's CDNs are always trusted). */
  trustedMediaHosts?: string[];
}

// ---------------------------------------------------------------------------------------------------
// Sending

/** Exactly one of `id` (uploaded media) or `link` (public HTTPS URL that Meta fetches). */
export type MediaRef = { id: string; link?: never } | { link: string; id?: never };

export interface TextContent {
  body: string;
  preview_url?: boolean;
}
export type ImageContent = MediaRef & { caption?: string };
export type VideoContent = MediaRef & { caption?: string };
export type AudioContent = MediaRef;
export type DocumentContent = MediaRef & { caption?: string; filename?: string };
export type StickerContent = MediaRef;

export interface LocationContent {
  latitude: number | string;
  longitude: number | string;
  name?: string;
  address?: string;
}

export interface ContactCard {
  name: {
    formatted_name: string;
    first_name?: string;
    last_name?: string;
    middle_name?: string;
    suffix?: string;
    prefix?: string;
  };
  /** Include `wa_id` or WhatsApp shows "Invite" instead of "Message". */
  phones?: { phone?: string; wa_id?: string; type?: string }[];
  emails?: { email?: string; type?: string }[];
  addresses?: {
    street?: string;
    city?: string;
    state?: string;
    zip?: string;
    country?: string;
    country_code?: string;
    type?: string;
  }[];
  org?: { company?: string; department?: string; title?: string };
  urls?: { url?: string; type?: string }[];
  birthday?: string;
}

export interface ReactionContent {
  message_id: string;
  /** An empty string removes the reaction. */
  emoji: string;
}

// Templates -------------------------------------------------------------------------------------------

export interface TemplateTextParameter {
  type: 'text';
  text: string;
  /** For templates created with `parameter_format: "NAMED"`. */
  parameter_name?: string;
}

export type TemplateHeaderParameter =
  | TemplateTextParameter
  | { type: 'image'; image: MediaRef }
  | { type: 'video'; video: MediaRef }
  | { type: 'document'; document: MediaRef & { filename?: string } }
  | { type: 'location'; location: LocationContent };

export type TemplateBodyParameter =
  | TemplateTextParameter
  | {
      type: 'currency';
      parameter_name?: string;
      currency: { fallback_value: string; code: string; amount_1000: number };
    }
  | { type: 'date_time'; parameter_name?: string; date_time: { fallback_value: string } };

/** The 0-based button position, as a string (Meta rejects a number). */
export type ButtonIndex = `${number}`;

export type TemplateButtonComponent =
  | { type: 'button'; sub_type: 'quick_reply'; index: ButtonIndex; parameters: [{ type: 'payload'; payload: string }] }
  | { type: 'button'; sub_type: 'url'; index: ButtonIndex; parameters: [{ type: 'text'; text: string }] }
  | {
      type: 'button';
      sub_type: 'copy_code';
      index: ButtonIndex;
      parameters: [{ type: 'coupon_code'; coupon_code: string }];
    }
  | {
      type: 'button';
      sub_type: 'flow';
      index: ButtonIndex;
      parameters: [{ type: 'action'; action: { flow_token?: string; flow_action_data?: Record<string, unknown> } }];
    }
  | { type: 'button'; sub_type: 'otp'; index: ButtonIndex; parameters: [{ type: 'text'; text: string }] };

export type TemplateComponent =
  | { type: 'header'; parameters: TemplateHeaderParameter[] }
  | { type: 'body'; parameters: TemplateBodyParameter[] }
  | TemplateButtonComponent
  | { type: 'carousel'; cards: { card_index: number; components: TemplateComponent[] }[] }
  | {
      type: 'limited_time_offer';
      parameters: [{ type: 'limited_time_offer'; limited_time_offer: { expiration_time_ms: number } }];
    };

export interface TemplateContent {
  name: string;
  language: { code: string; policy?: 'deterministic' };
  components?: TemplateComponent[];
}

// Interactive -----------------------------------------------------------------------------------------

export type InteractiveHeader =
  | { type: 'text'; text: string }
  | { type: 'image'; image: MediaRef }
  | { type: 'video'; video: MediaRef }
  | { type: 'document'; document: MediaRef & { filename?: string } };

interface InteractiveText {
  text: string;
}

export interface InteractiveButtons {
  type: 'button';
  header?: InteractiveHeader;
  body: InteractiveText;
  footer?: InteractiveText;
  action: { buttons: { type: 'reply'; reply: { id: string; title: string } }[] };
}

export interface InteractiveList {
  type: 'list';
  header?: { type: 'text'; text: string };
  body: InteractiveText;
  footer?: InteractiveText;
  action: {
    button: string;
    sections: { title?: string; rows: { id: string; title: string; description?: string }[] }[];
  };
}

export interface InteractiveCtaUrl {
  type: 'cta_url';
  header?: InteractiveHeader;
  body: InteractiveText;
  footer?: InteractiveText;
  action: { name: 'cta_url'; parameters: { display_text: string; url: string } };
}

export interface InteractiveProduct {
  type: 'product';
  body?: InteractiveText;
  footer?: InteractiveText;
  action: { catalog_id: string; product_retailer_id: string };
}

export interface InteractiveProductList {
  type: 'product_list';
  header: { type: 'text'; text: string };
  body: InteractiveText;
  footer?: InteractiveText;
  action: {
    catalog_id: string;
    sections: { title: string; product_items: { product_retailer_id: string }[] }[];
  };
}

export interface InteractiveCatalogMessage {
  type: 'catalog_message';
  body: InteractiveText;
  footer?: InteractiveText;
  action: { name: 'catalog_message'; parameters?: { thumbnail_product_retailer_id?: string } };
}

export interface InteractiveFlow {
  type: 'flow';
  header?: InteractiveHeader;
  body: InteractiveText;
  footer?: InteractiveText;
  action: {
    name: 'flow';
    parameters: {
      flow_message_version: '3';
      flow_cta: string;
      flow_id?: string;
      flow_name?: string;
      flow_token?: string;
      mode?: 'published' | 'draft';
      flow_action?: 'navigate' | 'data_exchange';
      flow_action_payload?: { screen: string; data?: Record<string, unknown> };
    };
  };
}

export interface InteractiveLocationRequest {
  type: 'location_request_message';
  body: InteractiveText;
  action: { name: 'send_location' };
}

export type InteractiveContent =
  | InteractiveButtons
  | InteractiveList
  | InteractiveCtaUrl
  | InteractiveProduct
  | InteractiveProductList
  | InteractiveCatalogMessage
  | InteractiveFlow
  | InteractiveLocationRequest;

// Message ---------------------------------------------------------------------------------------------

export type MessageContent =
  | { type: 'text'; text: TextContent }
  | { type: 'image'; image: ImageContent }
  | { type: 'video'; video: VideoContent }
  | { type: 'audio'; audio: AudioContent }
  | { type: 'document'; document: DocumentContent }
  | { type: 'sticker'; sticker: StickerContent }
  | { type: 'location'; location: LocationContent }
  | { type: 'contacts'; contacts: ContactCard[] }
  | { type: 'reaction'; reaction: ReactionContent }
  | { type: 'template'; template: TemplateContent }
  | { type: 'interactive'; interactive: InteractiveContent };

export type MessageType = MessageContent['type'];

export interface SendOptions {
  /** wamid of the message to quote (`context.message_id`). */
  replyTo?: string;
  /** Echoed back in status webhooks; at most 512 characters. */
  bizOpaqueCallbackData?: string;
  recipientType?: 'individual' | 'group';
}

export type OutgoingMessage = SendOptions & { to: string } & MessageContent;

export interface SendResult {
  wamid: string;
  /** Canonical WhatsApp id; may differ from what was sent (Brazil/Mexico formats). Null for BSUID sends. */
  waId: string | null;
  /** Business-scoped user id when the recipient was addressed by BSUID. */
  userId: string | null;
  /** `accepted`, `held_for_quality_assessment` (or legacy `paused`); templates only. */
  messageStatus: string | null;
}

// ---------------------------------------------------------------------------------------------------
// Media

export type UploadSource =
  | { bytes: Uint8Array | ArrayBuffer | Blob }
  /** Buffered in memory before sending (Graph needs the part's length); capped by `maxBytes`. */
  | { stream: Readable | ReadableStream<Uint8Array> | AsyncIterable<Uint8Array> }
  /** Streamed from disk without buffering. */
  | { path: string };

export type UploadMediaInput = UploadSource & {
  mimeType: string;
  filename: string;
  /** Refuse `stream` input larger than this. Default 100 MB, Meta's largest media size. */
  maxBytes?: number;
  timeoutMs?: number;
};

export interface MediaInfo {
  id: string;
  url: string;
  mimeType: string;
  /** As Meta sends it (hex or base64). */
  sha256: string | null;
  fileSize: number | null;
}

export interface DownloadMediaOptions {
  /** Default 100 MB. */
  maxBytes?: number;
  /** Exact types (`image/jpeg`) or wildcards (`image/*`); omitted = anything. */
  allowedMimeTypes?: string[];
  /**
   * Expected hash (hex or base64). Downloading by media id uses the hash from `GET /{media-id}` unless
   * this is `false`.
   */
  sha256?: string | false;
  /** Scopes `GET /{media-id}` to one number when downloading by id. */
  phoneNumberId?: string;
}

export interface MediaStream {
  /**
   * Errors (MediaDownloadError, GraphApiError) arrive as stream errors, including a sha256 mismatch at
   * the end. Read it promptly: the idle timeout also fires when the consumer stops pulling.
   */
  stream: Readable;
  mimeType: string;
  contentLength: number | null;
}

export interface DownloadedMedia {
  mimeType: string;
  bytes: number;
  /** Hex digest of what was written. */
  sha256: string;
}

export type DownloadTarget = Writable | string;

// ---------------------------------------------------------------------------------------------------
// Templates (management)

export type TemplateCategory = 'MARKETING' | 'UTILITY' | 'AUTHENTICATION';
export type TemplateStatus =
  | 'APPROVED'
  | 'PENDING'
  | 'REJECTED'
  | 'PAUSED'
  | 'DISABLED'
  | 'IN_APPEAL'
  | 'PENDING_DELETION'
  | 'DELETED'
  | 'LIMIT_EXCEEDED'
  | 'ARCHIVED';

/** Template definition components (upper-case types), as created and listed. */
export interface TemplateDefinitionComponent {
  type: 'HEADER' | 'BODY' | 'FOOTER' | 'BUTTONS' | 'CAROUSEL' | 'LIMITED_TIME_OFFER' | 'CATALOG' | 'MPM';
  format?: 'TEXT' | 'IMAGE' | 'VIDEO' | 'DOCUMENT' | 'LOCATION';
  text?: string;
  example?: Record<string, unknown>;
  buttons?: Record<string, unknown>[];
  [key: string]: unknown;
}

export interface CreateTemplateRequest {
  name: string;
  language: string;
  category: TemplateCategory;
  parameter_format?: 'POSITIONAL' | 'NAMED';
  allow_category_change?: boolean;
  components: TemplateDefinitionComponent[];
}

export interface CreateTemplateResult {
  id: string;
  status: TemplateStatus | string;
  category: TemplateCategory | string;
}

export interface MessageTemplate {
  id: string;
  name: string;
  status: TemplateStatus | string;
  category: TemplateCategory | string;
  language: string;
  components?: TemplateDefinitionComponent[];
  quality_score?: { score: 'GREEN' | 'YELLOW' | 'RED' | 'UNKNOWN' | string; date?: number };
  rejected_reason?: string;
  parameter_format?: string;
  [key: string]: unknown;
}

export interface ListTemplatesQuery {
  /** Page size. */
  limit?: number;
  status?: TemplateStatus | string;
  name?: string;
  category?: TemplateCategory | string;
  language?: string;
  fields?: string[];
}

// ---------------------------------------------------------------------------------------------------
// Numbers & account

export interface PhoneNumber {
  id: string;
  display_phone_number?: string;
  verified_name?: string;
  quality_rating?: 'GREEN' | 'YELLOW' | 'RED' | 'UNKNOWN' | string;
  code_verification_status?: string;
  name_status?: string;
  platform_type?: string;
  throughput?: { level: 'STANDARD' | 'HIGH' | 'NOT_APPLICABLE' | string };
  status?: string;
  account_mode?: string;
  is_official_business_account?: boolean;
  whatsapp_business_manager_messaging_limit?: string;
  last_onboarded_time?: string;
  [key: string]: unknown;
}

export interface BusinessProfile {
  about?: string;
  address?: string;
  description?: string;
  email?: string;
  profile_picture_url?: string;
  websites?: string[];
  vertical?: string;
  [key: string]: unknown;
}

export interface BusinessProfileUpdate {
  about?: string;
  address?: string;
  description?: string;
  email?: string;
  websites?: string[];
  vertical?: string;
  /** Handle from a resumable upload. */
  profile_picture_handle?: string;
}

export interface SubscribedApp {
  whatsapp_business_api_data?: { id: string; name?: string; link?: string };
  override_callback_uri?: string;
  [key: string]: unknown;
}

export interface TokenDebugInfo {
  app_id?: string;
  type?: string;
  is_valid: boolean;
  /** 0 = never. */
  expires_at?: number;
  scopes?: string[];
  granular_scopes?: { scope: string; target_ids?: string[] }[];
  user_id?: string;
  [key: string]: unknown;
}

export interface ExchangeCodeOptions {
  baseUrl: string;
  version: string;
  appId: string;
  appSecret: string;
  code: string;
  /** Must match exactly when the login used a redirect flow. */
  redirectUri?: string;
  fetch?: typeof fetch;
  timeoutMs?: number;
  userAgent?: string;
}

export interface ExchangeCodeResult {
  accessToken: string;
  tokenType: string | null;
  /** Seconds; null when Meta does not say (system-user tokens do not expire). */
  expiresIn: number | null;
}
