// Reading WhatsApp message objects: the words a message carries (for search, quotes and previews), the
// media an inbound message brings, and WhatsApp's error codes in plain words for the people in the inbox.
type Json = Record<string, unknown>;
const obj = (v: unknown): Json => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : {});
const str = (v: unknown): string | null => (typeof v === 'string' && v ? v : null);

export const INBOUND_MEDIA_TYPES = ['image', 'video', 'audio', 'document', 'sticker'] as const;

/** The full text of a message object (text, caption, button title, …), or null when it has none. */
export function textOf(type: string, payload: Json): string | null {
  switch (type) {
    case 'text':
      return str(obj(payload.text).body);
    case 'image':
    case 'video':
      return str(obj(payload[type]).caption);
    case 'document':
      return str(obj(payload.document).caption) ?? str(obj(payload.document).filename);
    case 'interactive': {
      const i = obj(payload.interactive);
      const reply = obj(i.button_reply ?? i.list_reply);
      if (str(reply.title)) return [str(reply.title), str(reply.description)].filter(Boolean).join(' — ');
      if (i.nfm_reply) return str(obj(i.nfm_reply).body);
      // Outbound interactive messages: the body the customer reads.
      return str(obj(i.body).text);
    }
    case 'button':
      return str(obj(payload.button).text);
    case 'reaction':
      return str(obj(payload.reaction).emoji);
    case 'location': {
      const l = obj(payload.location);
      return [str(l.name), str(l.address)].filter(Boolean).join(', ') || null;
    }
    case 'contacts': {
      const names = (Array.isArray(payload.contacts) ? payload.contacts : [])
        .map((c) => str(obj(obj(c).name).formatted_name))
        .filter(Boolean);
      return names.length ? names.join(', ') : null;
    }
    case 'order':
      return str(obj(payload.order).text);
    case 'system':
      return str(obj(payload.system).body);
    default:
      return null;
  }
}

export interface MediaState {
  blobId: number | null;
  mime: string | null;
  size: number | null;
  filename: string | null;
  sha256: string | null;
  state: 'pending' | 'stored' | 'failed';
  /** Why a download failed, in plain words. */
  error: string | null;
}

/** The media column of a new inbound message: waiting for the download job. */
export function pendingInboundMedia(type: string, payload: Json): string | null {
  if (!(INBOUND_MEDIA_TYPES as readonly string[]).includes(type)) return null;
  const m = obj(payload[type]);
  const state: MediaState = {
    blobId: null,
    mime: str(m.mime_type),
    size: null,
    filename: str(m.filename),
    sha256: str(m.sha256),
    state: 'pending',
    error: null,
  };
  return JSON.stringify(state);
}

export function parseMedia(json: string | null): MediaState | null {
  if (!json) return null;
  try {
    const v = obj(JSON.parse(json));
    return {
      blobId: typeof v.blobId === 'number' ? v.blobId : null,
      mime: str(v.mime),
      size: typeof v.size === 'number' ? v.size : null,
      filename: str(v.filename),
      sha256: str(v.sha256),
      state: v.state === 'stored' || v.state === 'failed' ? v.state : 'pending',
      error: str(v.error),
    };
  } catch {
    return null;
  }
}

// WhatsApp's commonest refusals, said the way an agent would want to hear them, with what to do next.
const FAILURES: Record<number, { reason: string; hint: string | null }> = {
  131047: {
    reason: 'More than 24 hours have passed since the customer last wrote, so WhatsApp only allows a template.',
    hint: 'Send an approved template to restart the conversation.',
  },
  131026: {
    reason: 'WhatsApp could not deliver the message to this number.',
    hint: 'The number may not use WhatsApp, may have blocked you, or runs an old app version.',
  },
  131053: {
    reason: 'WhatsApp could not use the attached file.',
    hint: 'Check the file type and size, then send it again.',
  },
  131052: { reason: "WhatsApp could not fetch the customer's file.", hint: 'Ask the customer to send it again.' },
  132000: {
    reason: "The template's parameters do not match the approved template.",
    hint: 'Fill in every placeholder of the template, no more and no fewer.',
  },
  132001: {
    reason: 'This template does not exist in that language or is not approved.',
    hint: 'Pick an approved template from the list.',
  },
  132012: { reason: 'A template parameter has the wrong format (for example a header that expects an image).', hint: null },
  132015: { reason: 'This template is paused because of low quality.', hint: 'Use another template for now.' },
  132016: { reason: 'This template has been disabled.', hint: 'Use another template.' },
  130429: {
    reason: 'Too many messages are going out from this number right now.',
    hint: 'Wait a moment and retry.',
  },
  131056: {
    reason: 'Too many messages went to this customer in a short time.',
    hint: 'Wait a few seconds and retry.',
  },
  131050: { reason: 'The customer has stopped marketing messages from you.', hint: null },
  131049: {
    reason: 'WhatsApp chose not to deliver this marketing message to keep engagement healthy.',
    hint: 'Do not resend it within 24 hours.',
  },
  131051: { reason: 'WhatsApp does not support this message type.', hint: null },
  131000: { reason: 'Something went wrong at WhatsApp.', hint: 'Retry in a moment.' },
  131016: { reason: 'WhatsApp is temporarily unavailable.', hint: 'Retry in a moment.' },
  131008: { reason: 'The message was missing something WhatsApp requires.', hint: null },
  131009: { reason: 'WhatsApp did not accept a value in the message.', hint: null },
  131030: {
    reason: 'This test number may only message the recipients on its allowed list.',
    hint: 'Add the customer to the allowed list in the Meta dashboard.',
  },
  131031: {
    reason: 'The WhatsApp account of this number is locked or restricted.',
    hint: 'An admin should check it in Meta Business Manager.',
  },
  133010: { reason: 'This number is not registered with WhatsApp Cloud API.', hint: 'An admin should reconnect the number.' },
  190: {
    reason: "WhatsApp rejected this number's access token (expired or revoked).",
    hint: 'An admin should reconnect the number with a new system-user token.',
  },
  368: { reason: 'This WhatsApp account is temporarily blocked for policy violations.', hint: null },
};

export const OUTCOME_UNKNOWN_REASON =
  'WhatsApp did not answer in time, so the message may or may not have been delivered. Check with the customer before retrying.';

/** The plain-words reason and hint for a WhatsApp error code; `fallback` is what WhatsApp said. */
export function describeFailure(code: number | null, fallback: string | null): { reason: string; hint: string | null } {
  const known = code === null ? undefined : FAILURES[code];
  if (known) return known;
  return { reason: fallback || 'WhatsApp did not accept the message.', hint: null };
}
