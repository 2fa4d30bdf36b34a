// Every failure talking to the Graph API becomes a GraphApiError that says what to do next (retry, skip
// the recipient, stop the account) so callers branch on `code`/`category`, never on HTTP status or text.

/** What a sender should do with a failed call. */
export type GraphErrorCategory = 'retry' | 'skip-recipient' | 'stop-account';

export interface GraphErrorClassification {
  category: GraphErrorCategory;
  retryable: boolean;
  /** Suggested wait before the next attempt; null when not retryable. */
  retryAfterMs: number | null;
  /** Cap on attempts for codes Meta says to retry only a few times; null = governed by the caller. */
  maxRetries: number | null;
}

// Retry guidance from the Cloud API digest §9.2/§9.3. 17 and 613 are Graph's user/custom call-rate
// throttles, which answer the same way as 4 and 80007 although the WhatsApp tables leave them out.
const RETRY: ReadonlyMap<number, { afterMs: number; maxRetries?: number }> = new Map([
  [1, { afterMs: 5_000, maxRetries: 3 }],
  [2, { afterMs: 5_000 }],
  [4, { afterMs: 60_000 }],
  [17, { afterMs: 60_000 }],
  [613, { afterMs: 60_000 }],
  [80007, { afterMs: 60_000 }],
  [130429, { afterMs: 1_000 }],
  [131000, { afterMs: 2_000, maxRetries: 3 }],
  [131016, { afterMs: 5_000 }],
  // Meta's pair limit is about one message per 6 s to the same user.
  [131056, { afterMs: 6_000 }],
  // Maintenance such as a throughput upgrade lasts about a minute.
  [131057, { afterMs: 60_000 }],
  [133000, { afterMs: 5_000, maxRetries: 3 }],
  [133004, { afterMs: 5_000 }],
  [139102, { afterMs: 2_000, maxRetries: 3 }],
  [139103, { afterMs: 2_000, maxRetries: 3 }],
]);

// Failures that will repeat for every recipient until someone fixes the token, permissions, payment
// or the number itself, so a campaign should pause the account rather than burn through its list.
const STOP_ACCOUNT: ReadonlySet<number> = new Set([
  0, 3, 10, 190, 368, 130497, 131005, 131031, 131037, 131042, 131045, 131048, 131063, 131064, 133005, 133006, 133008, 133009,
  133010, 133015, 133016,
]);

const RETRYABLE_HTTP = new Set([408, 429]);

/**
 * Classifies a Graph error code. `httpStatus`/`isTransient` only decide for codes the table does not
 * know (or no code at all, e.g. an HTML error page): then 5xx, 408, 429 and `is_transient` mean retry.
 */
export function classifyGraphError(
  code: number | null,
  context: { httpStatus?: number | null; isTransient?: boolean } = {},
): GraphErrorClassification {
  if (code !== null) {
    const retry = RETRY.get(code);
    if (retry) return { category: 'retry', retryable: true, retryAfterMs: retry.afterMs, maxRetries: retry.maxRetries ?? null };
    if (STOP_ACCOUNT.has(code) || (code >= 200 && code <= 299)) return stop();
    // 100, 131008/131009, 131026, 131047, 131049, 131050, 130472, 132xxx and anything unrecognised:
    // this message cannot go out as it is, but the account is fine.
    if (isKnownCode(code)) return skip();
  }
  const status = context.httpStatus ?? null;
  if (context.isTransient || (status !== null && (status >= 500 || RETRYABLE_HTTP.has(status)))) {
    return { category: 'retry', retryable: true, retryAfterMs: status === 429 ? 60_000 : 2_000, maxRetries: null };
  }
  if (code === null && status === 401) return stop();
  return skip();
}

function isKnownCode(code: number): boolean {
  return code === 100 || code === 33 || (code >= 130000 && code < 140000);
}

const stop = (): GraphErrorClassification => ({
  category: 'stop-account',
  retryable: false,
  retryAfterMs: null,
  maxRetries: null,
});
const skip = (): GraphErrorClassification => ({
  category: 'skip-recipient',
  retryable: false,
  retryAfterMs: null,
  maxRetries: null,
});

/**
 * - `graph`: Meta answered with an `{ error }` object.
 * - `http`: a non-2xx answer without one (proxy HTML, empty body).
 * - `network`: the connection failed.
 * - `timeout`: no complete answer within the client's timeout.
 * - `invalid_response`: a 2xx answer the client could not use.
 */
export type GraphErrorKind = 'graph' | 'http' | 'network' | 'timeout' | 'invalid_response';

export interface GraphApiErrorInit {
  kind: GraphErrorKind;
  message: string;
  /** `METHOD /path`, never with the query string (it can hold secrets). */
  endpoint: string;
  code?: number | null;
  subcode?: number | null;
  details?: string | null;
  fbtraceId?: string | null;
  httpStatus?: number | null;
  type?: string | null;
  isTransient?: boolean;
  userTitle?: string | null;
  userMessage?: string | null;
  /** From a Retry-After header. */
  retryAfterMs?: number | null;
  outcomeUnknown?: boolean;
  cause?: unknown;
}

export class GraphApiError extends Error {
  readonly kind: GraphErrorKind;
  readonly endpoint: string;
  readonly code: number | null;
  readonly subcode: number | null;
  /** `error_data.details`, which Meta says to rely on rather than the message. */
  readonly details: string | null;
  readonly fbtraceId: string | null;
  readonly httpStatus: number | null;
  readonly type: string | null;
  readonly userTitle: string | null;
  readonly userMessage: string | null;
  /**
   * True when a message send failed in a way that leaves it unknown whether Meta accepted it (timeout
   * or dropped connection after the request went out). Resending may deliver twice: wait for a status
   * webhook instead.
   */
  readonly outcomeUnknown: boolean;
  readonly category: GraphErrorCategory | 'outcome-unknown';
  readonly retryable: boolean;
  readonly retryAfterMs: number | null;
  readonly maxRetries: number | null;

  constructor(init: GraphApiErrorInit) {
    super(init.message, init.cause === undefined ? undefined : { cause: init.cause });
    this.name = 'GraphApiError';
    this.kind = init.kind;
    this.endpoint = init.endpoint;
    this.code = init.code ?? null;
    this.subcode = init.subcode ?? null;
    this.details = init.details ?? null;
    this.fbtraceId = init.fbtraceId ?? null;
    this.httpStatus = init.httpStatus ?? null;
    this.type = init.type ?? null;
    this.userTitle = init.userTitle ?? null;
    this.userMessage = init.userMessage ?? null;
    this.outcomeUnknown = init.outcomeUnknown ?? false;

    let c: GraphErrorClassification;
    if (init.kind === 'network' || init.kind === 'timeout' || init.kind === 'invalid_response') {
      c = { category: 'retry', retryable: true, retryAfterMs: 1_000, maxRetries: null };
    } else {
      c = classifyGraphError(this.code, { httpStatus: this.httpStatus, isTransient: init.isTransient });
    }
    if (this.outcomeUnknown) {
      this.category = 'outcome-unknown';
      this.retryable = false;
      this.retryAfterMs = null;
      this.maxRetries = null;
    } else {
      this.category = c.category;
      this.retryable = c.retryable;
      this.retryAfterMs = c.retryable ? (init.retryAfterMs ?? c.retryAfterMs) : null;
      this.maxRetries = c.maxRetries;
    }
  }
}

export type MediaDownloadFailure = 'too_large' | 'mime_type' | 'sha256_mismatch' | 'untrusted_url';

/** A media download refused by the client's own checks (the server answered fine). */
export class MediaDownloadError extends Error {
  readonly reason: MediaDownloadFailure;
  readonly maxBytes: number | null;
  readonly mimeType: string | null;
  readonly expectedSha256: string | null;
  readonly actualSha256: string | null;

  constructor(
    reason: MediaDownloadFailure,
    message: string,
    extra: { maxBytes?: number; mimeType?: string; expectedSha256?: string; actualSha256?: string } = {},
  ) {
    super(message);
    this.name = 'MediaDownloadError';
    this.reason = reason;
    this.maxBytes = extra.maxBytes ?? null;
    this.mimeType = extra.mimeType ?? null;
    this.expectedSha256 = extra.expectedSha256 ?? null;
    this.actualSha256 = extra.actualSha256 ?? null;
  }
}

/** A request the client refuses to send because Meta would reject it (or worse, accept it wrongly). */
export class InvalidRequestError extends Error {
  /** Dotted path of the offending field in the wire body, e.g. `template.components[0].parameters[1].image`. */
  readonly field: string;

  constructor(field: string, message: string) {
    super(message);
    this.name = 'InvalidRequestError';
    this.field = field;
  }
}
