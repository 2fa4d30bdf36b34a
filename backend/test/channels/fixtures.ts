// Webhook payloads shaped like Meta's (see the Cloud API digest, §1.5–1.7), for pipeline tests.
const ts = () => String(Math.floor(Date.now() / 1000));
const from = '16505551234';

export const INBOUND_MESSAGES: Record<string, Record<string, unknown>> = {
  text: { from, timestamp: ts(), type: 'text', text: { body: 'Does it come in another color?' } },
  image: {
    from,
    timestamp: ts(),
    type: 'image',
    image: { caption: 'this one', mime_type: 'image/jpeg', sha256: 'abc=', id: '1234567890' },
  },
  video: { from, timestamp: ts(), type: 'video', video: { mime_type: 'video/mp4', sha256: 'abc=', id: '1234567891' } },
  audio: {
    from,
    timestamp: ts(),
    type: 'audio',
    audio: { mime_type: 'audio/ogg; codecs=opus', sha256: 'abc=', id: '1234567892', voice: true },
  },
  document: {
    from,
    timestamp: ts(),
    type: 'document',
    document: { filename: 'invoice.pdf', mime_type: 'application/pdf', sha256: 'abc=', id: '1234567893' },
  },
  sticker: {
    from,
    timestamp: ts(),
    type: 'sticker',
    sticker: { mime_type: 'image/webp', sha256: 'abc=', id: '1234567894', animated: false },
  },
  location: {
    from,
    timestamp: ts(),
    type: 'location',
    location: { latitude: 37.4, longitude: -122.1, name: 'Philz Coffee', address: '101 Forest Ave' },
  },
  contacts: {
    from,
    timestamp: ts(),
    type: 'contacts',
    contacts: [
      {
        name: { formatted_name: 'Jane Doe', first_name: 'Jane' },
        phones: [{ phone: '+1 650-555-1234', wa_id: '16505551234', type: 'CELL' }],
      },
    ],
  },
  button_reply: {
    from,
    timestamp: ts(),
    type: 'interactive',
    context: { from: '15550783881', id: 'wamid.asked' },
    interactive: { type: 'button_reply', button_reply: { id: 'yes', title: 'Yes' } },
  },
  list_reply: {
    from,
    timestamp: ts(),
    type: 'interactive',
    interactive: { type: 'list_reply', list_reply: { id: 'row_1', title: 'Option 1' } },
  },
  button: { from, timestamp: ts(), type: 'button', button: { text: 'Stop promotions', payload: 'STOP_PROMO' } },
  reaction: { from, timestamp: ts(), type: 'reaction', reaction: { message_id: 'wamid.ours', emoji: '👍' } },
  order: {
    from,
    timestamp: ts(),
    type: 'order',
    order: {
      catalog_id: '354160437058781',
      product_items: [{ product_retailer_id: 'SKU-1', quantity: 3, item_price: 30, currency: 'EUR' }],
    },
  },
  system: {
    from,
    timestamp: ts(),
    type: 'system',
    system: { body: 'User changed number', wa_id: '16505559999', type: 'user_changed_number' },
  },
  request_welcome: { from, timestamp: ts(), type: 'request_welcome' },
  unsupported: {
    from,
    timestamp: ts(),
    type: 'unsupported',
    unsupported: { type: 'poll' },
    errors: [{ code: 131051, title: 'Message type unknown', message: 'Message type unknown' }],
  },
  referral: {
    from,
    timestamp: ts(),
    type: 'text',
    text: { body: 'Hi from the ad' },
    referral: { source_url: 'https://fb.me/x', source_id: 'AD1', source_type: 'ad', ctwa_clid: 'ARA1' },
  },
  // A type this code has never heard of is stored as it came.
  future: { from, timestamp: ts(), type: 'poll_v2', poll_v2: { question: 'Which colour?' } },
  // A customer who uses a username: no `from`, only the business-scoped user id.
  username: { from_user_id: 'US.13491208655302741918', timestamp: ts(), type: 'text', text: { body: 'hidden number' } },
};

export function statusEvent(id: string, status: string, extra: Record<string, unknown> = {}) {
  return {
    id,
    status,
    timestamp: ts(),
    recipient_id: from,
    ...(status === 'failed' ? {} : { pricing: { billable: true, pricing_model: 'PMP', category: 'utility', type: 'regular' } }),
    ...extra,
  };
}

export function envelope(phoneNumberId: string, value: { messages?: unknown[]; statuses?: unknown[] }) {
  return JSON.stringify({
    object: 'whatsapp_business_account',
    entry: [
      {
        id: '2000000000001',
        changes: [
          {
            field: 'messages',
            value: {
              messaging_product: 'whatsapp',
              metadata: { display_phone_number: '15550783881', phone_number_id: phoneNumberId },
              ...(value.messages
                ? {
                    contacts: [
                      { profile: { name: 'Sheena Nelson' }, wa_id: from },
                      { profile: { name: 'Anon' }, user_id: 'US.13491208655302741918' },
                    ],
                  }
                : {}),
              ...value,
            },
          },
        ],
      },
    ],
  });
}
