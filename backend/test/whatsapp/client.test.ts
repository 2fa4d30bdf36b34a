// The Cloud API client against a local fake Graph server: the exact bytes it sends for every call in the
// digest, how it streams and polices media downloads, and how every kind of failure is classified.
import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Readable, Writable } from 'node:stream';
import { expect } from 'chai';
import {
  GraphApiError,
  GraphClient,
  InvalidRequestError,
  MediaDownloadError,
  classifyGraphError,
  exchangeCode,
} from '../../src/whatsapp/index.ts';
import type { MessageContent, OutgoingMessage } from '../../src/whatsapp/index.ts';
import { FakeGraph, graphError, sendAccepted } from './fake-graph.ts';

const V = 'v24.0';
const TOKEN = 'EAAG-test-system-user-token';
const PNID = '106540352242922';
const WABA = '102290129340398';
const TO = '16505551234';

let fake: FakeGraph;
let client: GraphClient;

async function rejection(p: Promise<unknown>): Promise<any> {
  try {
    await p;
  } catch (err) {
    return err;
  }
  throw new Error('expected the call to fail');
}

before(async () => {
  fake = await FakeGraph.start();
});
after(async () => {
  await fake.close();
});
beforeEach(() => {
  fake.reset();
  client = new GraphClient({ baseUrl: fake.url, version: V, accessToken: TOKEN });
  fake.on('POST', `/${V}/${PNID}/messages`, (req) =>
    sendAccepted(String(req.json().to), 'wamid.HBgLMTY1MDUwNzY1MjAVAgARGBI5QTNDQTVC'),
  );
});

describe('GraphClient: sending messages', () => {
  it('posts to the versioned messages endpoint with the bearer token and returns the ids Meta assigned', async () => {
    fake.on('POST', `/${V}/${PNID}/messages`, {
      json: {
        messaging_product: 'whatsapp',
        contacts: [{ input: '+55 11 9999-0000', wa_id: '551199990000' }],
        messages: [{ id: 'wamid.ABC', message_status: 'held_for_quality_assessment' }],
      },
    });
    const result = await client.sendText(PNID, '+55 11 9999-0000', 'hello');

    const req = fake.last();
    expect(req.method).to.equal('POST');
    expect(req.path).to.equal(`/v24.0/${PNID}/messages`);
    expect(req.headers.authorization).to.equal(`Bearer ${TOKEN}`);
    expect(req.headers['content-type']).to.equal('application/json');
    expect(req.json()).to.deep.equal({
      messaging_product: 'whatsapp',
      recipient_type: 'individual',
      to: '+55 11 9999-0000',
      type: 'text',
      text: { body: 'hello' },
    });
    expect(result).to.deep.equal({
      wamid: 'wamid.ABC',
      waId: '551199990000',
      userId: null,
      messageStatus: 'held_for_quality_assessment',
    });
  });

  const cases: { name: string; content: MessageContent }[] = [
    {
      name: 'text with a link preview',
      content: { type: 'text', text: { body: 'Visit https://example.com', preview_url: true } },
    },
    { name: 'image by uploaded id', content: { type: 'image', image: { id: '1479537139650973', caption: 'New stock' } } },
    { name: 'image by link', content: { type: 'image', image: { link: 'https://cdn.example.com/a.jpg' } } },
    { name: 'video', content: { type: 'video', video: { id: '1166846181421424', caption: 'Unboxing' } } },
    { name: 'audio', content: { type: 'audio', audio: { id: '1013859600285441' } } },
    {
      name: 'document with filename',
      content: {
        type: 'document',
        document: { link: 'https://example.com/inv.pdf', caption: 'Invoice', filename: 'invoice.pdf' },
      },
    },
    { name: 'sticker', content: { type: 'sticker', sticker: { id: '798882015472548' } } },
    {
      name: 'location',
      content: {
        type: 'location',
        location: { latitude: '37.44', longitude: '-122.16', name: 'Philz', address: '101 Forest Ave' },
      },
    },
    {
      name: 'contacts',
      content: {
        type: 'contacts',
        contacts: [
          {
            name: { formatted_name: 'Jane Doe', first_name: 'Jane', last_name: 'Doe' },
            phones: [{ phone: '+16505551234', type: 'CELL', wa_id: '16505551234' }],
            emails: [{ email: 'jane@example.com', type: 'WORK' }],
            org: { company: 'Lucky Shrub' },
            birthday: '1990-01-31',
          },
        ],
      },
    },
    { name: 'reaction', content: { type: 'reaction', reaction: { message_id: 'wamid.user-msg', emoji: '\u{1F600}' } } },
    { name: 'reaction removal', content: { type: 'reaction', reaction: { message_id: 'wamid.user-msg', emoji: '' } } },
    {
      name: 'template with image header, positional and named body params and every button kind',
      content: {
        type: 'template',
        template: {
          name: 'order_update',
          language: { code: 'en_US' },
          components: [
            { type: 'header', parameters: [{ type: 'image', image: { link: 'https://example.com/p.jpg' } }] },
            {
              type: 'body',
              parameters: [
                { type: 'text', text: 'Jane' },
                { type: 'text', parameter_name: 'order_id', text: 'A-1001' },
                { type: 'currency', currency: { fallback_value: '$100.99', code: 'USD', amount_1000: 100990 } },
                { type: 'date_time', date_time: { fallback_value: 'February 25, 1977' } },
              ],
            },
            { type: 'button', sub_type: 'quick_reply', index: '0', parameters: [{ type: 'payload', payload: 'STOP_PROMO' }] },
            { type: 'button', sub_type: 'url', index: '1', parameters: [{ type: 'text', text: 'A-1001' }] },
            { type: 'button', sub_type: 'copy_code', index: '2', parameters: [{ type: 'coupon_code', coupon_code: 'SAVE25' }] },
            {
              type: 'button',
              sub_type: 'flow',
              index: '3',
              parameters: [{ type: 'action', action: { flow_token: 'tok', flow_action_data: { k: 'v' } } }],
            },
          ],
        },
      },
    },
    {
      name: 'template with text, video, document and location headers and an otp button',
      content: {
        type: 'template',
        template: {
          name: 'auth_code',
          language: { code: 'pt_BR', policy: 'deterministic' },
          components: [
            {
              type: 'header',
              parameters: [
                { type: 'text', text: 'Hi', parameter_name: 'greeting' },
                { type: 'video', video: { id: '555' } },
                { type: 'document', document: { id: '556', filename: 'terms.pdf' } },
                { type: 'location', location: { latitude: 37.44, longitude: -122.16, name: 'HQ', address: '1 Main St' } },
              ],
            },
            { type: 'body', parameters: [{ type: 'text', text: '123456' }] },
            { type: 'button', sub_type: 'otp', index: '0', parameters: [{ type: 'text', text: '123456' }] },
          ],
        },
      },
    },
    {
      name: 'interactive reply buttons with an image header',
      content: {
        type: 'interactive',
        interactive: {
          type: 'button',
          header: { type: 'image', image: { id: '777' } },
          body: { text: 'Do you want to proceed?' },
          footer: { text: 'Reply below' },
          action: {
            buttons: [
              { type: 'reply', reply: { id: 'yes', title: 'Yes' } },
              { type: 'reply', reply: { id: 'no', title: 'No' } },
            ],
          },
        },
      },
    },
    {
      name: 'interactive list',
      content: {
        type: 'interactive',
        interactive: {
          type: 'list',
          header: { type: 'text', text: 'Menu' },
          body: { text: 'Pick one' },
          footer: { text: 'Open daily' },
          action: {
            button: 'View options',
            sections: [{ title: 'Mains', rows: [{ id: 'burger', title: 'Burger', description: 'Beef' }] }],
          },
        },
      },
    },
    {
      name: 'interactive cta_url',
      content: {
        type: 'interactive',
        interactive: {
          type: 'cta_url',
          body: { text: 'Track your order' },
          action: { name: 'cta_url', parameters: { display_text: 'Track', url: 'https://example.com/t/123' } },
        },
      },
    },
    {
      name: 'interactive single product',
      content: {
        type: 'interactive',
        interactive: {
          type: 'product',
          body: { text: 'Our pick' },
          action: { catalog_id: '194836987003835', product_retailer_id: 'SKU-1' },
        },
      },
    },
    {
      name: 'interactive product list',
      content: {
        type: 'interactive',
        interactive: {
          type: 'product_list',
          header: { type: 'text', text: 'Our picks' },
          body: { text: 'Have a look' },
          action: {
            catalog_id: '194836987003835',
            sections: [{ title: 'Shoes', product_items: [{ product_retailer_id: 'SKU-1' }, { product_retailer_id: 'SKU-2' }] }],
          },
        },
      },
    },
    {
      name: 'interactive catalog message',
      content: {
        type: 'interactive',
        interactive: {
          type: 'catalog_message',
          body: { text: 'Browse our catalog' },
          action: { name: 'catalog_message', parameters: { thumbnail_product_retailer_id: 'SKU-1' } },
        },
      },
    },
    {
      name: 'interactive flow',
      content: {
        type: 'interactive',
        interactive: {
          type: 'flow',
          body: { text: 'Sign up' },
          action: {
            name: 'flow',
            parameters: {
              flow_message_version: '3',
              flow_id: '1234567890',
              flow_token: 'opaque-session',
              flow_cta: 'Open form',
              mode: 'published',
              flow_action: 'navigate',
              flow_action_payload: { screen: 'WELCOME', data: { name: 'Jane' } },
            },
          },
        },
      },
    },
    {
      name: 'interactive location request',
      content: {
        type: 'interactive',
        interactive: {
          type: 'location_request_message',
          body: { text: 'Share your location' },
          action: { name: 'send_location' },
        },
      },
    },
  ];

  for (const { name, content } of cases) {
    it(`sends a ${name} message with exactly the documented body`, async () => {
      await client.send(PNID, { to: TO, ...content });
      const sent = fake.last().json();
      const key = content.type;
      expect(sent).to.deep.equal({
        messaging_product: 'whatsapp',
        recipient_type: 'individual',
        to: TO,
        type: key,
        [key]: (content as Record<string, unknown>)[key],
      });
    });
  }

  it('adds reply context, opaque callback data and the recipient type from the envelope', async () => {
    const opaque = 'x'.repeat(512);
    await client.send(PNID, {
      to: '120363000000000000',
      recipientType: 'group',
      replyTo: 'wamid.quoted',
      bizOpaqueCallbackData: opaque,
      type: 'text',
      text: { body: 'reply' },
    });
    expect(fake.last().json()).to.deep.equal({
      messaging_product: 'whatsapp',
      recipient_type: 'group',
      to: '120363000000000000',
      context: { message_id: 'wamid.quoted' },
      biz_opaque_callback_data: opaque,
      type: 'text',
      text: { body: 'reply' },
    });
  });

  it('sends only the content object named by the type', async () => {
    const message = { to: TO, type: 'text', text: { body: 'hi' }, image: { id: '1' } } as unknown as OutgoingMessage;
    await client.send(PNID, message);
    expect(fake.last().json()).to.not.have.property('image');
  });

  it('keeps the convenience helpers thin wrappers over send', async () => {
    await client.sendText(PNID, TO, 'see https://x.test', { previewUrl: false, bizOpaqueCallbackData: 'cmp-1' });
    expect(fake.last().json()).to.include({ biz_opaque_callback_data: 'cmp-1' });
    expect(fake.last().json().text).to.deep.equal({ body: 'see https://x.test', preview_url: false });

    await client.sendTemplate(PNID, TO, { name: 'hello_world', language: { code: 'en_US' } }, { replyTo: 'wamid.q' });
    expect(fake.last().json()).to.deep.include({
      type: 'template',
      template: { name: 'hello_world', language: { code: 'en_US' } },
      context: { message_id: 'wamid.q' },
    });

    await client.sendReaction(PNID, TO, 'wamid.m', '\u{1F44D}');
    expect(fake.last().json().reaction).to.deep.equal({ message_id: 'wamid.m', emoji: '\u{1F44D}' });

    await client.sendInteractive(PNID, TO, {
      type: 'location_request_message',
      body: { text: 'Where are you?' },
      action: { name: 'send_location' },
    });
    expect(fake.last().json().interactive.type).to.equal('location_request_message');
  });

  it('refuses a media message with both id and link, or neither, before any request is made', async () => {
    // @ts-expect-error -- the types already forbid id and link together
    const both: OutgoingMessage = { to: TO, type: 'image', image: { id: '1', link: 'https://cdn.example.com/a.jpg' } };
    const err = await rejection(client.send(PNID, both));
    expect(err).to.be.instanceOf(InvalidRequestError);
    expect(err.field).to.equal('image');

    const neither = { to: TO, type: 'document', document: { caption: 'no source' } } as unknown as OutgoingMessage;
    expect((await rejection(client.send(PNID, neither))).field).to.equal('document');

    const header = {
      to: TO,
      type: 'template',
      template: {
        name: 't',
        language: { code: 'en' },
        components: [{ type: 'header', parameters: [{ type: 'video', video: { id: '1', link: 'https://x.test/v.mp4' } }] }],
      },
    } as unknown as OutgoingMessage;
    expect((await rejection(client.send(PNID, header))).field).to.equal('template.components[0].parameters[0].video');

    const buttonIndex = {
      to: TO,
      type: 'template',
      template: {
        name: 't',
        language: { code: 'en' },
        components: [{ type: 'button', sub_type: 'url', index: 1, parameters: [{ type: 'text', text: 'x' }] }],
      },
    } as unknown as OutgoingMessage;
    expect((await rejection(client.send(PNID, buttonIndex))).field).to.equal('template.components[0].index');
    expect(fake.requests).to.have.length(0);
  });

  it('refuses opaque callback data longer than 512 characters', async () => {
    const err = await rejection(
      client.send(PNID, { to: TO, type: 'text', text: { body: 'x' }, bizOpaqueCallbackData: 'y'.repeat(513) }),
    );
    expect(err).to.be.instanceOf(InvalidRequestError);
    expect(err.field).to.equal('biz_opaque_callback_data');
    expect(fake.requests).to.have.length(0);
  });

  it('marks a message read, with a typing indicator when asked', async () => {
    fake.on('POST', `/${V}/${PNID}/messages`, { json: { success: true } });
    await client.markAsRead(PNID, 'wamid.inbound');
    expect(fake.last().json()).to.deep.equal({ messaging_product: 'whatsapp', status: 'read', message_id: 'wamid.inbound' });

    await client.markAsRead(PNID, 'wamid.inbound', { typing: true });
    expect(fake.last().json()).to.deep.equal({
      messaging_product: 'whatsapp',
      status: 'read',
      message_id: 'wamid.inbound',
      typing_indicator: { type: 'text' },
    });
  });
});

describe('GraphClient: media', () => {
  const JPEG = Buffer.from(Array.from({ length: 5000 }, (_, i) => i % 251));
  const sha256Hex = createHash('sha256').update(JPEG).digest('hex');
  let dir: string;

  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'wa-media-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  function serveMedia(opts: { sha256?: string; contentType?: string } = {}) {
    fake.on('GET', `/${V}/MEDIA1`, {
      json: {
        messaging_product: 'whatsapp',
        url: `${fake.url}/whatsapp_business/attachments/?mid=MEDIA1&ext=1&hash=abc`,
        mime_type: 'image/jpeg',
        sha256: opts.sha256 ?? sha256Hex,
        file_size: String(JPEG.length),
        id: 'MEDIA1',
      },
    });
    fake.on('GET', '/whatsapp_business/attachments/', {
      headers: { 'content-type': opts.contentType ?? 'image/jpeg' },
      body: JPEG,
    });
  }

  it('uploads bytes as multipart with file, type and messaging_product', async () => {
    fake.on('POST', `/${V}/${PNID}/media`, { json: { id: '1479537139650973' } });
    const result = await client.uploadMedia(PNID, { bytes: JPEG, mimeType: 'image/jpeg', filename: 'photo.jpg' });
    expect(result).to.deep.equal({ id: '1479537139650973' });

    const req = fake.last();
    expect(req.headers.authorization).to.equal(`Bearer ${TOKEN}`);
    expect(req.headers['content-type']).to.match(/^multipart\/form-data; boundary=/);
    const form = await new Response(new Uint8Array(req.body), {
      headers: { 'content-type': String(req.headers['content-type']) },
    }).formData();
    expect(form.get('messaging_product')).to.equal('whatsapp');
    expect(form.get('type')).to.equal('image/jpeg');
    const file = form.get('file') as File;
    expect(file.name).to.equal('photo.jpg');
    expect(file.type).to.equal('image/jpeg');
    expect(Buffer.from(await file.arrayBuffer()).equals(JPEG)).to.equal(true);
  });

  it('uploads from a file path and from a stream', async () => {
    fake.on('POST', `/${V}/${PNID}/media`, { json: { id: 'M2' } });
    const file = path.join(dir, 'doc.pdf');
    await writeFile(file, JPEG);
    await client.uploadMedia(PNID, { path: file, mimeType: 'application/pdf', filename: 'doc.pdf' });
    await client.uploadMedia(PNID, {
      stream: Readable.from([JPEG.subarray(0, 100), JPEG.subarray(100)]),
      mimeType: 'audio/ogg',
      filename: 'note.ogg',
    });
    for (const [req, type, name] of [
      [fake.requests[0], 'application/pdf', 'doc.pdf'],
      [fake.requests[1], 'audio/ogg', 'note.ogg'],
    ] as const) {
      const form = await new Response(new Uint8Array(req.body), {
        headers: { 'content-type': String(req.headers['content-type']) },
      }).formData();
      const part = form.get('file') as File;
      expect([form.get('type'), part.name, part.type]).to.deep.equal([type, name, type]);
      expect(Buffer.from(await part.arrayBuffer()).equals(JPEG)).to.equal(true);
    }
  });

  it('reads a media URL and its metadata', async () => {
    serveMedia();
    const info = await client.getMediaUrl('MEDIA1', { phoneNumberId: PNID });
    expect(fake.last().query).to.deep.equal({ phone_number_id: PNID });
    expect(info).to.deep.equal({
      id: 'MEDIA1',
      url: `${fake.url}/whatsapp_business/attachments/?mid=MEDIA1&ext=1&hash=abc`,
      mimeType: 'image/jpeg',
      sha256: sha256Hex,
      fileSize: JPEG.length,
    });
  });

  it('downloads by media id into a file with the bearer token and verifies the sha256', async () => {
    serveMedia();
    const target = path.join(dir, 'photo.jpg');
    const result = await client.downloadMedia('MEDIA1', { to: target, allowedMimeTypes: ['image/*'], maxBytes: 10_000 });
    expect(result).to.deep.equal({ mimeType: 'image/jpeg', bytes: JPEG.length, sha256: sha256Hex });
    expect((await readFile(target)).equals(JPEG)).to.equal(true);
    expect(await readdir(dir)).to.deep.equal(['photo.jpg']);

    const download = fake.last();
    expect(download.path).to.equal('/whatsapp_business/attachments/');
    expect(download.headers.authorization).to.equal(`Bearer ${TOKEN}`);
    expect(download.headers['user-agent']).to.match(/wa-platform/);
  });

  it('accepts a base64 sha256 as webhooks send it, and streams into any Writable', async () => {
    serveMedia({ sha256: createHash('sha256').update(JPEG).digest('base64') });
    const chunks: Buffer[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _enc, cb) {
        chunks.push(chunk);
        cb();
      },
    });
    await client.downloadMedia('MEDIA1', { to: sink });
    expect(Buffer.concat(chunks).equals(JPEG)).to.equal(true);
  });

  it('hands back a readable stream when no target is given', async () => {
    serveMedia();
    const media = await client.downloadMedia(`${fake.url}/whatsapp_business/attachments/?mid=MEDIA1`, { sha256: sha256Hex });
    expect(media.mimeType).to.equal('image/jpeg');
    expect(media.contentLength).to.equal(JPEG.length);
    expect(Buffer.concat(await media.stream.toArray()).equals(JPEG)).to.equal(true);
  });

  it('refuses a content type outside the allowed list without keeping a file', async () => {
    serveMedia({ contentType: 'text/html; charset=utf-8' });
    const target = path.join(dir, 'x.jpg');
    const err = await rejection(client.downloadMedia('MEDIA1', { to: target, allowedMimeTypes: ['image/jpeg', 'image/png'] }));
    expect(err).to.be.instanceOf(MediaDownloadError);
    expect(err.reason).to.equal('mime_type');
    expect(err.mimeType).to.equal('text/html');
    expect(await readdir(dir)).to.deep.equal([]);
  });

  it('refuses a download whose Content-Length is over the limit before reading it', async () => {
    serveMedia();
    const err = await rejection(client.downloadMedia('MEDIA1', { to: path.join(dir, 'x'), maxBytes: 1000 }));
    expect(err).to.be.instanceOf(MediaDownloadError);
    expect(err.reason).to.equal('too_large');
    expect(err.maxBytes).to.equal(1000);
    expect(err.message).to.include(`is ${JPEG.length} bytes`);
    expect(await readdir(dir)).to.deep.equal([]);
  });

  it('aborts mid-stream when a body without Content-Length grows past the limit', async () => {
    // Far more than loopback socket buffers can hold (tens of MB), so finishing it means nobody aborted.
    const total = 512 * 1024 * 1024;
    let served = 0;
    let serverClosed!: Promise<void>;
    fake.on('GET', '/big', (_req, res) => {
      serverClosed = new Promise((resolve) => res.on('close', () => resolve()));
      res.writeHead(200, { 'content-type': 'video/mp4' }); // chunked: no Content-Length to check up front
      const chunk = Buffer.alloc(64 * 1024, 7);
      const pump = () => {
        if (res.destroyed || served >= total) return void res.end();
        served += chunk.length;
        res.write(chunk, () => setImmediate(pump));
      };
      pump();
    });
    const target = path.join(dir, 'big.mp4');
    const err = await rejection(client.downloadMedia(`${fake.url}/big`, { to: target, maxBytes: 64 * 1024 }));
    expect(err).to.be.instanceOf(MediaDownloadError);
    expect(err.reason).to.equal('too_large');
    await serverClosed;
    expect(served).to.be.lessThan(total);
    expect(await readdir(dir)).to.deep.equal([]);
  });

  it('times out a download that stalls mid-body and removes the partial file', async () => {
    fake.on('GET', '/stall', (_req, res) => {
      res.writeHead(200, { 'content-type': 'audio/ogg' });
      res.write(Buffer.alloc(1024)); // then nothing more
    });
    const slow = new GraphClient({ baseUrl: fake.url, version: V, accessToken: TOKEN, timeoutMs: 200 });
    const err = await rejection(slow.downloadMedia(`${fake.url}/stall`, { to: path.join(dir, 'a.ogg') }));
    expect(err).to.be.instanceOf(GraphApiError);
    expect(err).to.include({ kind: 'timeout', retryable: true });
    expect(await readdir(dir)).to.deep.equal([]);
  });

  it('fails a download whose bytes do not match the sha256 and removes the partial file', async () => {
    serveMedia({ sha256: createHash('sha256').update('something else').digest('hex') });
    const target = path.join(dir, 'x.jpg');
    const err = await rejection(client.downloadMedia('MEDIA1', { to: target }));
    expect(err).to.be.instanceOf(MediaDownloadError);
    expect(err.reason).to.equal('sha256_mismatch');
    expect(err.actualSha256).to.equal(sha256Hex);
    expect(await readdir(dir)).to.deep.equal([]);
  });

  it('reports a sha256 mismatch as an error on the returned stream', async () => {
    serveMedia({ sha256: 'ab'.repeat(32) });
    const media = await client.downloadMedia('MEDIA1');
    const err = await rejection(media.stream.toArray());
    expect(err).to.be.instanceOf(MediaDownloadError);
    expect(err.reason).to.equal('sha256_mismatch');
  });

  it('never sends the token to a host that is neither the Graph host nor a Meta CDN', async () => {
    const port = new URL(fake.url).port;
    for (const url of [`http://localhost:${port}/whatsapp_business/attachments/`, 'https://evil.example.com/steal']) {
      const err = await rejection(client.downloadMedia(url));
      expect(err).to.be.instanceOf(MediaDownloadError);
      expect(err.reason).to.equal('untrusted_url');
    }
    expect(fake.requests).to.have.length(0);
  });

  it('reports an expired download URL as a Graph error', async () => {
    fake.on('GET', '/expired', graphError(190, 'Error validating access token', { httpStatus: 401 }));
    const err = await rejection(client.downloadMedia(`${fake.url}/expired`));
    expect(err).to.be.instanceOf(GraphApiError);
    expect([err.code, err.httpStatus]).to.deep.equal([190, 401]);
  });

  it('deletes media', async () => {
    fake.on('DELETE', `/${V}/MEDIA1`, { json: { success: true } });
    await client.deleteMedia('MEDIA1', { phoneNumberId: PNID });
    expect(fake.last().method).to.equal('DELETE');
    expect(fake.last().query).to.deep.equal({ phone_number_id: PNID });
  });
});

describe('GraphClient: templates', () => {
  function servePages() {
    const pages: Record<string, unknown> = {
      '': {
        data: [
          { id: '1', name: 'a' },
          { id: '2', name: 'b' },
        ],
        paging: { cursors: { before: 'b0', after: 'c1' }, next: `${fake.url}/${V}/${WABA}/message_templates?after=c1` },
      },
      c1: {
        data: [
          { id: '3', name: 'c' },
          { id: '4', name: 'd' },
        ],
        paging: { cursors: { before: 'b1', after: 'c2' }, next: `${fake.url}/${V}/${WABA}/message_templates?after=c2` },
      },
      c2: { data: [{ id: '5', name: 'e' }], paging: { cursors: { before: 'b2', after: 'c3' } } },
    };
    fake.on('GET', `/${V}/${WABA}/message_templates`, (req) => ({ json: pages[req.query.after ?? ''] }));
  }

  it('collects templates across three pages by following the after cursor', async () => {
    servePages();
    const templates = await client.listTemplates(WABA, { limit: 2, status: 'APPROVED', name: 'order_update' });
    expect(templates.map((t) => t.id)).to.deep.equal(['1', '2', '3', '4', '5']);
    expect(fake.requests.map((r) => r.query.after)).to.deep.equal([undefined, 'c1', 'c2']);
    for (const r of fake.requests) {
      expect(r.headers.authorization).to.equal(`Bearer ${TOKEN}`);
      expect(r.query).to.include({ limit: '2', status: 'APPROVED', name: 'order_update' });
      expect(r.query.fields.split(',')).to.include.members([
        'name',
        'status',
        'category',
        'language',
        'components',
        'quality_score',
      ]);
    }
  });

  it('fetches only the pages an iterating caller consumes', async () => {
    servePages();
    for await (const t of client.iterateTemplates(WABA)) {
      expect(t.id).to.equal('1');
      break;
    }
    expect(fake.requests).to.have.length(1);
  });

  it('creates a template with the body as given', async () => {
    fake.on('POST', `/${V}/${WABA}/message_templates`, {
      json: { id: '594425479261596', status: 'PENDING', category: 'UTILITY' },
    });
    const body = {
      name: 'order_update',
      language: 'en_US',
      category: 'UTILITY' as const,
      parameter_format: 'POSITIONAL' as const,
      components: [
        { type: 'BODY' as const, text: 'Hi {{1}}, order {{2}} shipped.', example: { body_text: [['Jane', 'A-1001']] } },
        { type: 'BUTTONS' as const, buttons: [{ type: 'QUICK_REPLY', text: 'Stop updates' }] },
      ],
    };
    expect(await client.createTemplate(WABA, body)).to.deep.equal({
      id: '594425479261596',
      status: 'PENDING',
      category: 'UTILITY',
    });
    expect(fake.last().json()).to.deep.equal(body);
  });

  it('deletes a template by name, or one language of it by hsm id', async () => {
    fake.on('DELETE', `/${V}/${WABA}/message_templates`, { json: { success: true } });
    await client.deleteTemplate(WABA, { name: 'order_update' });
    await client.deleteTemplate(WABA, { name: 'order_update', hsmId: '594425479261596' });
    expect(fake.requests.map((r) => r.query)).to.deep.equal([
      { name: 'order_update' },
      { name: 'order_update', hsm_id: '594425479261596' },
    ]);
  });
});

describe('GraphClient: numbers and account', () => {
  const number = {
    id: PNID,
    display_phone_number: '+1 555-078-3881',
    verified_name: 'Lucky Shrub',
    quality_rating: 'GREEN',
    throughput: { level: 'STANDARD' },
    status: 'CONNECTED',
    whatsapp_business_manager_messaging_limit: 'TIER_2K',
  };

  it('reads a phone number with the quality, throughput and messaging-limit fields by default', async () => {
    fake.on('GET', `/${V}/${PNID}`, { json: number });
    expect(await client.getPhoneNumber(PNID)).to.deep.equal(number);
    expect(fake.last().query.fields.split(',')).to.include.members([
      'quality_rating',
      'throughput',
      'whatsapp_business_manager_messaging_limit',
      'status',
      'verified_name',
      'display_phone_number',
    ]);
    await client.getPhoneNumber(PNID, ['id', 'status']);
    expect(fake.last().query.fields).to.equal('id,status');
  });

  it("lists a WABA's phone numbers", async () => {
    fake.on('GET', `/${V}/${WABA}/phone_numbers`, { json: { data: [number], paging: { cursors: { before: 'a', after: 'b' } } } });
    expect(await client.listPhoneNumbers(WABA)).to.deep.equal([number]);
    expect(fake.requests).to.have.length(1);
  });

  it('reads and updates the business profile', async () => {
    const profile = { about: 'Plants', messaging_product: 'whatsapp', websites: ['https://shrub.example'], vertical: 'RETAIL' };
    fake.on('GET', `/${V}/${PNID}/whatsapp_business_profile`, { json: { data: [profile] } });
    fake.on('POST', `/${V}/${PNID}/whatsapp_business_profile`, { json: { success: true } });
    expect(await client.getBusinessProfile(PNID)).to.deep.equal(profile);
    expect(fake.last().query.fields).to.equal('about,address,description,email,profile_picture_url,websites,vertical');
    await client.updateBusinessProfile(PNID, { about: 'More plants', vertical: 'RETAIL' });
    expect(fake.last().json()).to.deep.equal({ messaging_product: 'whatsapp', about: 'More plants', vertical: 'RETAIL' });
  });

  it('registers and deregisters a number, refusing a malformed PIN locally', async () => {
    fake.on('POST', `/${V}/${PNID}/register`, { json: { success: true } });
    fake.on('POST', `/${V}/${PNID}/deregister`, { json: { success: true } });
    await client.registerPhoneNumber(PNID, '123456', { dataLocalizationRegion: 'IN' });
    expect(fake.last().json()).to.deep.equal({ messaging_product: 'whatsapp', pin: '123456', data_localization_region: 'IN' });
    await client.deregisterPhoneNumber(PNID);
    expect(fake.last().path).to.equal(`/${V}/${PNID}/deregister`);
    expect(await rejection(client.registerPhoneNumber(PNID, '12345'))).to.be.instanceOf(InvalidRequestError);
    expect(fake.requests).to.have.length(2);
  });

  it('subscribes, lists and unsubscribes the app on a WABA', async () => {
    const apps = [{ whatsapp_business_api_data: { id: '123', name: 'Our app' }, override_callback_uri: 'https://x.test/wa' }];
    fake.on('POST', `/${V}/${WABA}/subscribed_apps`, { json: { success: true } });
    fake.on('GET', `/${V}/${WABA}/subscribed_apps`, { json: { data: apps } });
    fake.on('DELETE', `/${V}/${WABA}/subscribed_apps`, { json: { success: true } });

    await client.subscribeApp(WABA);
    expect(fake.last().body.length).to.equal(0);
    await client.subscribeApp(WABA, { callbackUri: 'https://x.test/wa', verifyToken: 'abc' });
    expect(fake.last().json()).to.deep.equal({ override_callback_uri: 'https://x.test/wa', verify_token: 'abc' });
    expect(await client.listSubscribedApps(WABA)).to.deep.equal(apps);
    await client.unsubscribeApp(WABA);
    expect(fake.requests.map((r) => r.method)).to.deep.equal(['POST', 'POST', 'GET', 'DELETE']);
  });

  it('inspects a token with debug_token using the app token instead of its own', async () => {
    const data = {
      app_id: '111',
      type: 'SYSTEM_USER',
      is_valid: true,
      expires_at: 0,
      scopes: ['whatsapp_business_management', 'whatsapp_business_messaging'],
      granular_scopes: [{ scope: 'whatsapp_business_management', target_ids: [WABA] }],
    };
    fake.on('GET', `/${V}/debug_token`, { json: { data } });
    expect(await client.debugToken('EAAB-business', '111|secret')).to.deep.equal(data);
    const req = fake.last();
    expect(req.query).to.deep.equal({ input_token: 'EAAB-business', access_token: '111|secret' });
    expect(req.headers).to.not.have.property('authorization');
  });

  it('exchanges a signup code for a token, accepting access_token or business_token', async () => {
    const answers = [{ access_token: 'EAAB-1', token_type: 'bearer' }, { business_token: 'EAAB-2' }];
    fake.on('GET', `/${V}/oauth/access_token`, () => ({ json: answers.shift() }));
    const base = { baseUrl: fake.url, version: V, appId: '111', appSecret: 's3cret', code: 'AQD-code' };

    expect(await exchangeCode({ ...base, redirectUri: 'https://app.test/cb' })).to.deep.equal({
      accessToken: 'EAAB-1',
      tokenType: 'bearer',
      expiresIn: null,
    });
    expect(fake.last().query).to.deep.equal({
      client_id: '111',
      client_secret: 's3cret',
      code: 'AQD-code',
      redirect_uri: 'https://app.test/cb',
    });
    expect(fake.last().headers).to.not.have.property('authorization');
    expect((await exchangeCode(base)).accessToken).to.equal('EAAB-2');
    expect(fake.last().query).to.not.have.property('redirect_uri');
  });

  it('reports a rejected code as a Graph error that carries no secret', async () => {
    fake.on('GET', `/${V}/oauth/access_token`, graphError(100, 'Invalid verification code format.', { subcode: 36008 }));
    const err = await rejection(exchangeCode({ baseUrl: fake.url, version: V, appId: '1', appSecret: 's3cret', code: 'bad' }));
    expect(err).to.be.instanceOf(GraphApiError);
    expect([err.code, err.subcode, err.retryable]).to.deep.equal([100, 36008, false]);
    expect(`${err.message} ${err.endpoint}`).to.not.include('s3cret');
  });
});

describe('GraphClient: errors', () => {
  const table = [
    { code: 190, status: 401, subcode: 463, category: 'stop-account', retryable: false, type: 'OAuthException' },
    { code: 0, status: 401, category: 'stop-account', retryable: false },
    { code: 100, status: 400, subcode: 2494010, category: 'skip-recipient', retryable: false },
    { code: 131047, status: 400, category: 'skip-recipient', retryable: false },
    { code: 130429, status: 400, category: 'retry', retryable: true, retryAfterMs: 1_000 },
    { code: 131056, status: 400, category: 'retry', retryable: true, retryAfterMs: 6_000 },
    { code: 132000, status: 400, category: 'skip-recipient', retryable: false },
    { code: 368, status: 403, category: 'stop-account', retryable: false },
    { code: 131000, status: 500, category: 'retry', retryable: true, retryAfterMs: 2_000 },
    { code: 80007, status: 400, category: 'retry', retryable: true, retryAfterMs: 60_000 },
  ] as const;

  for (const row of table) {
    it(`maps Graph error ${row.code} to ${row.category}${row.retryable ? ' (retryable)' : ''} with its trace and details`, async () => {
      fake.on(
        'POST',
        `/${V}/${PNID}/messages`,
        graphError(row.code, `(#${row.code}) something`, {
          httpStatus: row.status,
          subcode: 'subcode' in row ? row.subcode : undefined,
          details: `details for ${row.code}`,
          fbtraceId: `trace-${row.code}`,
        }),
      );
      const err = await rejection(client.sendText(PNID, TO, 'hi'));
      expect(err).to.be.instanceOf(GraphApiError);
      expect(err).to.include({
        kind: 'graph',
        code: row.code,
        subcode: 'subcode' in row ? row.subcode : null,
        message: `(#${row.code}) something`,
        details: `details for ${row.code}`,
        fbtraceId: `trace-${row.code}`,
        httpStatus: row.status,
        type: 'OAuthException',
        category: row.category,
        retryable: row.retryable,
        retryAfterMs: 'retryAfterMs' in row ? row.retryAfterMs : null,
        outcomeUnknown: false,
        endpoint: `POST /${PNID}/messages`,
      });
    });
  }

  it('prefers the Retry-After header over the default wait', async () => {
    fake.on(
      'POST',
      `/${V}/${PNID}/messages`,
      graphError(130429, 'Rate limit hit', { httpStatus: 429, headers: { 'retry-after': '7' } }),
    );
    const err = await rejection(client.sendText(PNID, TO, 'hi'));
    expect([err.retryable, err.retryAfterMs]).to.deep.equal([true, 7_000]);
  });

  it('turns an HTML 5xx page into a retryable error without a code', async () => {
    fake.on('POST', `/${V}/${PNID}/messages`, {
      status: 502,
      headers: { 'content-type': 'text/html' },
      body: '<html><body><h1>502 Bad Gateway</h1></body></html>',
    });
    const err = await rejection(client.sendText(PNID, TO, 'hi'));
    expect(err).to.be.instanceOf(GraphApiError);
    expect(err).to.include({
      kind: 'http',
      code: null,
      httpStatus: 502,
      retryable: true,
      category: 'retry',
      outcomeUnknown: false,
    });
    expect(err.details).to.include('502 Bad Gateway');
  });

  it('does not retry a non-JSON 4xx answer', async () => {
    fake.on('GET', `/${V}/${PNID}`, { status: 404, body: 'Not Found' });
    const err = await rejection(client.getPhoneNumber(PNID));
    expect(err).to.include({ kind: 'http', code: null, httpStatus: 404, retryable: false });
  });

  it('reports a refused connection as retryable and the send as certainly not made', async () => {
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const offline = new GraphClient({ baseUrl: `http://127.0.0.1:${port}`, version: V, accessToken: TOKEN });
    const err = await rejection(offline.sendText(PNID, TO, 'hi'));
    expect(err).to.be.instanceOf(GraphApiError);
    expect(err).to.include({ kind: 'network', code: null, retryable: true, category: 'retry', outcomeUnknown: false });
    expect(err.message).to.include('ECONNREFUSED');
  });

  it('reports a timed-out send as outcome unknown and not retryable', async () => {
    fake.on('POST', `/${V}/${PNID}/messages`, () => {}); // never answers
    const slow = new GraphClient({ baseUrl: fake.url, version: V, accessToken: TOKEN, timeoutMs: 200 });
    const err = await rejection(slow.sendText(PNID, TO, 'hi'));
    expect(err).to.be.instanceOf(GraphApiError);
    expect(err).to.include({ kind: 'timeout', outcomeUnknown: true, retryable: false, category: 'outcome-unknown' });
  });

  it('reports a connection dropped after a send went out as outcome unknown', async () => {
    fake.on('POST', `/${V}/${PNID}/messages`, (_req, res) => void res.socket?.destroy());
    const err = await rejection(client.sendText(PNID, TO, 'hi'));
    expect(err).to.include({ kind: 'network', outcomeUnknown: true, retryable: false });
  });

  it('treats a timed-out read as an ordinary retryable failure', async () => {
    fake.on('GET', `/${V}/${PNID}`, () => {});
    const slow = new GraphClient({ baseUrl: fake.url, version: V, accessToken: TOKEN, timeoutMs: 200 });
    const err = await rejection(slow.getPhoneNumber(PNID));
    expect(err).to.include({ kind: 'timeout', outcomeUnknown: false, retryable: true, category: 'retry' });
  });

  it('treats a 200 send without a message id as outcome unknown', async () => {
    fake.on('POST', `/${V}/${PNID}/messages`, { json: { messaging_product: 'whatsapp' } });
    const err = await rejection(client.sendText(PNID, TO, 'hi'));
    expect(err).to.include({ kind: 'invalid_response', outcomeUnknown: true, retryable: false });
  });

  it('classifies codes for the campaign engine', () => {
    const expected: Record<string, number[]> = {
      retry: [1, 2, 4, 80007, 130429, 131000, 131016, 131056, 131057, 133004],
      'stop-account': [0, 3, 10, 190, 200, 299, 368, 131031, 131042, 133010],
      'skip-recipient': [100, 131008, 131009, 131026, 131047, 131049, 131050, 130472, 132000, 132001, 132015, 131051],
    };
    for (const [category, codes] of Object.entries(expected)) {
      for (const code of codes) {
        const c = classifyGraphError(code);
        expect(c.category, `code ${code}`).to.equal(category);
        expect(c.retryable, `code ${code}`).to.equal(category === 'retry');
      }
    }
    expect(classifyGraphError(131000).maxRetries).to.equal(3);
    expect(classifyGraphError(null, { httpStatus: 503 }).category).to.equal('retry');
    expect(classifyGraphError(999999, { isTransient: true }).category).to.equal('retry');
    expect(classifyGraphError(999999).category).to.equal('skip-recipient');
    expect(classifyGraphError(null, { httpStatus: 401 }).category).to.equal('stop-account');
  });
});
