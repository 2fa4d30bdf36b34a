// Graph-shaped errors: the synchronous `{error:{message,type,code,error_data,fbtrace_id}}` body and the
// asynchronous `{code,title,message,error_data,href}` item used in webhooks, with Meta's titles per code.
import { fbtraceId } from './ids.ts';

const HREF = 'https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes/';

export const TITLES: Record<number, string> = {
  1: 'An unknown error occurred',
  10: 'Application does not have permission for this action',
  100: 'Invalid parameter',
  190: 'Invalid OAuth access token',
  2200: 'Callback verification failed',
  130429: 'Rate limit hit',
  131000: 'Something went wrong',
  131008: 'Required parameter is missing',
  131009: 'Parameter value is not valid',
  131026: 'Message undeliverable',
  131047: 'Re-engagement message',
  131050:
    'Unable to deliver the message. This recipient has chosen to stop receiving marketing messages on WhatsApp from your business',
  131051: 'Message type unknown',
  131053: 'Media upload error',
  131056: '(Business Account, Consumer Account) pair rate limit hit',
  132000: 'Number of parameters does not match the expected number of params',
  132001: 'Template name does not exist in the translation',
  132012: 'Parameter format does not match format in the created template',
  132015: 'Template is Paused',
  132016: 'Template is Disabled',
  133005: 'Two step verification PIN Mismatch',
  133010: 'Account not registered',
  133016: 'Account register deregister rate limit exceeded',
};

// Everything not listed answers 400, which is what Graph does for almost all WhatsApp errors; clients
// are told to branch on `code`, so only the few statuses a client might reasonably see differ.
const HTTP_STATUS: Record<number, number> = { 1: 500, 10: 403, 190: 401, 130429: 429 };

export interface GraphErrorOptions {
  /** Replaces the default `(#code) Title` message (Graph phrases a few errors, like 190, differently). */
  message?: string;
  subcode?: number;
  httpStatus?: number;
  /** Only WhatsApp messaging endpoints put `error_data` in the body; management endpoints leave it out. */
  errorData?: boolean;
}

export class GraphError extends Error {
  readonly code: number;
  readonly details: string;
  readonly subcode: number | undefined;
  readonly httpStatus: number;
  readonly errorData: boolean;
  constructor(code: number, details: string, opts: GraphErrorOptions = {}) {
    super(opts.message ?? `(#${code}) ${TITLES[code] ?? 'Error'}`);
    this.name = 'GraphError';
    this.code = code;
    this.details = details;
    this.subcode = opts.subcode;
    this.httpStatus = opts.httpStatus ?? HTTP_STATUS[code] ?? 400;
    this.errorData = opts.errorData ?? true;
  }

  toBody(): { error: Record<string, unknown> } {
    const error: Record<string, unknown> = { message: this.message, type: 'OAuthException', code: this.code };
    if (this.errorData) error.error_data = { messaging_product: 'whatsapp', details: this.details };
    if (this.subcode !== undefined) error.error_subcode = this.subcode;
    // Management endpoints explain themselves in error_user_msg instead of error_data.
    if (!this.errorData && this.details) {
      error.is_transient = false;
      error.error_user_msg = this.details;
    }
    error.fbtrace_id = fbtraceId();
    return { error };
  }
}

export function graphError(code: number, details: string, opts?: GraphErrorOptions): GraphError {
  return new GraphError(code, details, opts);
}

export interface WebhookErrorItem {
  code: number;
  title: string;
  message: string;
  error_data: { details: string };
  href: string;
}

export function webhookError(code: number, details?: string): WebhookErrorItem {
  const title = TITLES[code] ?? 'Error';
  return { code, title, message: title, error_data: { details: details ?? title }, href: HREF };
}

/** Details text Meta uses for the common async failures, so the product's messages read true. */
export const ASYNC_DETAILS: Record<number, string> = {
  131026: 'Message Undeliverable.',
  131047: 'Message failed to send because more than 24 hours have passed since the customer last replied to this number.',
  131050: 'This recipient has chosen to stop receiving marketing messages on WhatsApp from your business.',
  131053: 'Media upload error: the media could not be downloaded or is not a supported type.',
};
