// Shared by the sending and media tests: a tenant's number on the built-in simulator (connected through
// the real API, so the product's Graph client talks to the simulator over HTTP), customers writing to
// it, raw uploads and signed webhooks.
import { expect } from 'chai';
import type { HttpClient, TestPlatform } from '../helpers/platform.ts';
import type { TenantGraph } from '../factories/tenant-graph.ts';
import { envelope } from '../channels/fixtures.ts';
import { sign, waitFor } from '../channels/helpers.ts';

export interface SimNumber {
  channelId: number;
  phoneNumberId: string;
  wabaId: string;
  accessToken: string;
}

export async function connectSimNumber(tp: TestPlatform, g: TenantGraph, name: string): Promise<SimNumber> {
  const sim = tp.platform.simulator!;
  const appId = tp.platform.services.channels.signupConfig(null).appId!;
  const seeded = sim.control.seed({ appId, businessName: name, customers: [] });
  const res = await g.users.admin.client.post('/api/v1/channels', {
    name,
    phoneNumberId: seeded.phoneNumberId,
    wabaId: seeded.wabaId,
    accessToken: seeded.accessToken,
  });
  expect(res.status, res.text).to.equal(201);
  return { channelId: res.body.id, phoneNumberId: seeded.phoneNumberId, wabaId: seeded.wabaId, accessToken: seeded.accessToken };
}

/** The customer writes through the simulator; resolves once the message is stored in its conversation. */
export async function customerWrites(tp: TestPlatform, n: SimNumber, from: string, text: string) {
  const said = tp.platform.simulator!.control.customerSays({ phoneNumberId: n.phoneNumberId, from, type: 'text', text });
  return stored(tp, said.wamid);
}

export async function stored(tp: TestPlatform, wamid: string) {
  const row = await waitFor(
    async () => {
      const m = await tp.platform.models.WaMessage.findOne({ where: { wamid } });
      return m && m.conversationId !== null ? m : null;
    },
    10_000,
    `message ${wamid}`,
  );
  return { messageId: Number(row.id), conversationId: Number(row.conversationId), wamid };
}

/** A signed webhook as Meta would post it, for messages with a chosen timestamp. */
export async function postInbound(tp: TestPlatform, n: SimNumber, from: string, id: string, text: string, at: number) {
  const body = envelope(n.phoneNumberId, {
    messages: [{ from, id, timestamp: String(at), type: 'text', text: { body: text } }],
  });
  const res = await fetch(`${tp.url}/webhooks/whatsapp`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-hub-signature-256': sign(body, tp.platform.webhooks.platform!.appSecret),
    },
    body,
  });
  expect(res.status).to.equal(200);
  return stored(tp, id);
}

/** POST /api/v1/media with raw bytes, as the widget does. */
export async function upload(client: HttpClient, bytes: Buffer, mime: string, filename?: string) {
  const headers: Record<string, string> = { ...client.headers, 'content-type': mime };
  if (client.cookie) headers.cookie = client.cookie;
  if (filename !== undefined) headers['x-filename'] = encodeURIComponent(filename);
  const res = await fetch(`${client.base}/api/v1/media`, { method: 'POST', headers, body: new Uint8Array(bytes) });
  const text = await res.text();
  let body: any;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  return { status: res.status, body, text };
}

/** GET /api/v1/media/:id as bytes. */
export async function download(client: HttpClient, url: string) {
  const headers: Record<string, string> = { ...client.headers };
  if (client.cookie) headers.cookie = client.cookie;
  const res = await fetch(`${client.base}${url}`, { headers });
  return { status: res.status, headers: res.headers, bytes: Buffer.from(await res.arrayBuffer()) };
}

export function sendTo(client: HttpClient, conversationId: number, body: Record<string, unknown>) {
  return client.post(`/api/v1/conversations/${conversationId}/messages`, body);
}

export async function messagesOf(client: HttpClient, conversationId: number) {
  const res = await client.get(`/api/v1/conversations/${conversationId}/messages?limit=200`);
  expect(res.status, res.text).to.equal(200);
  return res.body.items as any[];
}

// Tiny genuine files of each kind.
export const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  'base64',
);
export const MP4 = Buffer.concat([Buffer.from([0, 0, 0, 0x18]), Buffer.from('ftypmp42'), Buffer.alloc(12, 1)]);
export const OGG = Buffer.concat([Buffer.from('OggS'), Buffer.alloc(60, 2)]);
export const PDF = Buffer.from('%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n');
export const WEBP = Buffer.concat([
  Buffer.from('RIFF'),
  Buffer.from([26, 0, 0, 0]),
  Buffer.from('WEBPVP8L'),
  Buffer.alloc(14, 3),
]);
