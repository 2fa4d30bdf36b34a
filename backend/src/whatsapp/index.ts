// Owns the WhatsApp Cloud API client: typed Graph API calls (send, media, templates, numbers, signup
// tokens) and the error model that tells callers whether to retry, skip a recipient or stop an account.
export {
  GraphClient,
  exchangeCode,
  DEFAULT_TIMEOUT_MS,
  DEFAULT_USER_AGENT,
  DEFAULT_MAX_MEDIA_BYTES,
  DEFAULT_PHONE_NUMBER_FIELDS,
  DEFAULT_TEMPLATE_FIELDS,
  DEFAULT_BUSINESS_PROFILE_FIELDS,
  MAX_BIZ_OPAQUE_CALLBACK_DATA,
} from './client.ts';
export { GraphApiError, MediaDownloadError, InvalidRequestError, classifyGraphError } from './errors.ts';
export type {
  GraphApiErrorInit,
  GraphErrorCategory,
  GraphErrorClassification,
  GraphErrorKind,
  MediaDownloadFailure,
} from './errors.ts';
export type * from './types.ts';
