// Media in the inbox: agents' uploads checked against what WhatsApp carries, files sent out through the
// simulator byte for byte, customers' files copied into our store by the download job (and refused with
// a reason when too large or of the wrong type), served back only to their tenant and never as a page.
import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { startPlatform, type TestPlatform } from '../helpers/platform.ts';
import { createTenantGraph, type TenantGraph } from '../factories/tenant-graph.ts';
import { waitFor } from '../channels/helpers.ts';
import type { Simulator } from '../../src/whatsapp/simulator/index.ts';
import type { RealtimeEvent } from '../../src/realtime/index.ts';
import {
  MP4,
  OGG,
  PDF,
  PNG,
  WEBP,
  connectSimNumber,
  customerWrites,
  download,
  messagesOf,
  sendTo,
  stored,
  upload,
  type SimNumber,
} from './sending-helpers.ts';

const MB = 1024 * 1024;

describe('media in the inbox', function () {
  this.timeout(60_000);
  let tp: TestPlatform;
  let sim: Simulator;
  let a: TenantGraph;
  let b: TenantGraph;
  let na: SimNumber;
  let seq = 0;
  const customer = () => `4479001${String(Date.now() % 100000).padStart(5, '0')}${String(++seq).padStart(2, '0')}`.slice(0, 15);

  before(async () => {
    tp = await startPlatform();
    sim = tp.platform.simulator!;
    a = await createTenantGraph(tp, 'Alpha');
    b = await createTenantGraph(tp, 'Beta');
    na = await connectSimNumber(tp, a, 'Alpha media');
  });
  after(async () => tp?.stop());

  it('stores an upload and serves the same bytes back with safe headers', async () => {
    const res = await upload(a.users.agent.client, PNG, 'image/png', 'Straße café.png');
    expect(res.status, res.text).to.equal(201);
    expect(res.body).to.deep.include({ mime: 'image/png', size: PNG.length, filename: 'Straße café.png' });
    const got = await download(a.users.agent.client, `/api/v1/media/${res.body.id}`);
    expect(got.status).to.equal(200);
    expect(got.bytes.equals(PNG)).to.equal(true);
    expect(got.headers.get('content-type')).to.equal('image/png');
    expect(got.headers.get('x-content-type-options')).to.equal('nosniff');
    expect(got.headers.get('content-disposition')).to.equal(
      `inline; filename="Stra_e caf_.png"; filename*=UTF-8''${encodeURIComponent('Straße café.png')}`,
    );
    expect(got.headers.get('cache-control')).to.match(/^private/);

    // Documents are always downloads, never rendered in the page.
    const pdf = await upload(a.users.agent.client, PDF, 'application/pdf', '../../etc/invoice.pdf');
    expect(pdf.body.filename).to.equal('invoice.pdf');
    const pdfGot = await download(a.users.agent.client, `/api/v1/media/${pdf.body.id}`);
    expect(pdfGot.headers.get('content-disposition')).to.match(/^attachment; filename="invoice.pdf"/);
    // A file without a name gets one from its type.
    const noName = await upload(a.users.agent.client, OGG, 'audio/ogg; codecs=opus');
    expect(noName.body).to.deep.include({ mime: 'audio/ogg', filename: null });
    const oggGot = await download(a.users.agent.client, `/api/v1/media/${noName.body.id}`);
    expect(oggGot.headers.get('content-disposition')).to.match(/filename="audio-\d+\.ogg"/);
  });

  it('refuses uploads WhatsApp would not carry: 415 for the type, 413 for the size, 400 when empty', async () => {
    const c = a.users.agent.client;
    for (const mime of ['text/html', 'image/svg+xml', 'image/gif', 'application/octet-stream', 'application/json']) {
      const res = await upload(c, Buffer.from(mime === 'application/json' ? '{}' : '<svg onload=alert(1)>'), mime);
      expect(res.status, mime).to.equal(415);
      expect(res.body.error.code).to.equal('unsupported_media_type');
    }
    const bigImage = await upload(c, Buffer.alloc(5 * MB + 1), 'image/jpeg');
    expect(bigImage.status).to.equal(413);
    expect(bigImage.body.error).to.deep.include({ code: 'media_too_large' });
    expect(bigImage.body.error.message).to.match(/5 MB/);
    const bigSticker = await upload(c, Buffer.alloc(500 * 1024 + 1), 'image/webp');
    expect(bigSticker.status).to.equal(413);
    // Without a Content-Length the stream is cut off at the limit all the same.
    const chunked = await fetch(`${c.base}/api/v1/media`, {
      method: 'POST',
      headers: { ...c.headers, cookie: c.cookie!, 'content-type': 'image/png' },
      body: new ReadableStream({
        start(controller) {
          for (let i = 0; i < 6; i++) controller.enqueue(new Uint8Array(MB));
          controller.close();
        },
      }),
      duplex: 'half',
    } as RequestInit);
    expect(chunked.status).to.equal(413);
    const empty = await upload(c, Buffer.alloc(0), 'application/pdf');
    expect(empty.status).to.equal(400);
    expect(empty.body.error.code).to.equal('empty_file');
    const badName = await fetch(`${c.base}/api/v1/media`, {
      method: 'POST',
      headers: { ...c.headers, cookie: c.cookie!, 'content-type': 'application/pdf', 'x-filename': '%E0%A4%A' },
      body: PDF,
    });
    expect(badName.status).to.equal(400);
    // Nothing half-written is left behind.
    const blobs = await tp.platform.models.Blob.count({ where: { tenantId: a.tenantId, size: 0 } });
    expect(blobs).to.equal(0);
    const tmp = path.join(tp.db.dataDir, 'media', '.tmp');
    expect(fs.existsSync(tmp) ? fs.readdirSync(tmp) : []).to.deep.equal([]);
  });

  it('sends every media type: uploaded to WhatsApp and received byte for byte', async () => {
    const from = customer();
    const c = await customerWrites(tp, na, from, 'Send me the photos and the invoice');
    const files = [
      { type: 'image', bytes: PNG, mime: 'image/png', caption: 'The blue one' },
      { type: 'video', bytes: MP4, mime: 'video/mp4', caption: 'In motion' },
      { type: 'audio', bytes: OGG, mime: 'audio/ogg' },
      { type: 'document', bytes: PDF, mime: 'application/pdf', caption: 'Your invoice', filename: 'invoice-42.pdf' },
      { type: 'sticker', bytes: WEBP, mime: 'image/webp' },
    ];
    for (const f of files) {
      const up = await upload(a.users.agent.client, f.bytes, f.mime, f.filename);
      const res = await sendTo(a.users.agent.client, c.conversationId, {
        type: f.type,
        mediaId: up.body.id,
        ...(f.caption ? { caption: f.caption } : {}),
      });
      expect(res.status, res.text).to.equal(201);
      expect(res.body.status, JSON.stringify(res.body.error)).to.not.equal('failed');
      expect(res.body.media).to.deep.include({ id: up.body.id, state: 'stored', url: `/api/v1/media/${up.body.id}` });
      const onPhone = sim.control.sentMessages({ phoneNumberId: na.phoneNumberId }).find((m) => m.wamid === res.body.wamid)!;
      expect(onPhone.type).to.equal(f.type);
      const content = onPhone.payload[f.type] as { id: string; caption?: string; filename?: string };
      expect(sim.state.media.get(content.id)!.bytes.equals(f.bytes), f.type).to.equal(true);
      if (f.caption) expect(content.caption).to.equal(f.caption);
      if (f.filename) expect(content.filename).to.equal(f.filename);
    }
    // A file must fit the type it is sent as.
    const png = await upload(a.users.agent.client, PNG, 'image/png');
    const asSticker = await sendTo(a.users.agent.client, c.conversationId, { type: 'sticker', mediaId: png.body.id });
    expect(asSticker.status).to.equal(400);
    expect(asSticker.body.error.code).to.equal('media_type_mismatch');
    const asDocument = await sendTo(a.users.agent.client, c.conversationId, { type: 'document', mediaId: png.body.id });
    expect(asDocument.status).to.equal(201);
    const missing = await sendTo(a.users.agent.client, c.conversationId, { type: 'image', mediaId: 99999999 });
    expect(missing.status).to.equal(404);
  });

  it('copies every kind of customer file into our store, announces it, and serves the same bytes', async () => {
    const from = customer();
    await customerWrites(tp, na, from, 'here come my files');
    const events: RealtimeEvent[] = [];
    const unsubscribe = tp.platform.bus.subscribe((e) => events.push(e));
    const sent = [
      { type: 'image' as const, media: { data: PNG, mimeType: 'image/jpeg' }, caption: 'my receipt' },
      { type: 'video' as const, media: { data: MP4, mimeType: 'video/mp4' } },
      { type: 'audio' as const, media: { data: OGG, mimeType: 'audio/ogg; codecs=opus' }, voice: true },
      { type: 'document' as const, media: { data: PDF, mimeType: 'application/pdf' }, filename: 'order.pdf' },
      { type: 'sticker' as const, media: { data: WEBP, mimeType: 'image/webp' } },
    ];
    for (const s of sent) {
      const said = sim.control.customerSays({ phoneNumberId: na.phoneNumberId, from, ...s } as never);
      const { conversationId, messageId } = await stored(tp, said.wamid);
      const message = await waitFor(
        async () => {
          const m = (await messagesOf(a.users.agent.client, conversationId)).find((x) => x.id === messageId);
          return m?.media?.state === 'stored' ? m : null;
        },
        15_000,
        `${s.type} download`,
      );
      expect(message.media).to.deep.include({ mime: s.media.mimeType.split(';')[0], size: s.media.data.length });
      if (s.type === 'document') expect(message.media.filename).to.equal('order.pdf');
      if (s.type === 'image') expect(message.text).to.equal('my receipt');
      const got = await download(a.users.agent.client, message.media.url);
      expect(got.status).to.equal(200);
      expect(got.bytes.equals(s.media.data), s.type).to.equal(true);
      expect(
        events.some((e) => e.type === 'message.updated' && (e.data as { messageId: number }).messageId === messageId),
      ).to.equal(true);
      // The other tenant cannot fetch it.
      expect((await download(b.users.admin.client, message.media.url)).status).to.equal(404);
    }
    unsubscribe();
  });

  it('refuses a customer file that is too large or of the wrong type, with the reason', async () => {
    const from = customer();
    const cases = [
      {
        type: 'image' as const,
        media: { data: Buffer.alloc(5 * MB + 10, 1), mimeType: 'image/jpeg' },
        expect: /larger than WhatsApp allows/,
      },
      {
        type: 'image' as const,
        media: { data: Buffer.from('<html><script>x</script></html>'), mimeType: 'text/html' },
        expect: /text\/html/,
      },
      { type: 'sticker' as const, media: { data: Buffer.alloc(600 * 1024, 1), mimeType: 'image/webp' }, expect: /larger than/ },
    ];
    for (const cse of cases) {
      const said = sim.control.customerSays({ phoneNumberId: na.phoneNumberId, from, type: cse.type, media: cse.media });
      const { conversationId, messageId } = await stored(tp, said.wamid);
      const message = await waitFor(
        async () => {
          const m = (await messagesOf(a.users.agent.client, conversationId)).find((x) => x.id === messageId);
          return m?.media?.state === 'failed' ? m : null;
        },
        15_000,
        'failed download',
      );
      expect(message.media.error).to.match(cse.expect);
      expect(message.media.url).to.equal(null);
    }
    expect(await tp.platform.models.Blob.count({ where: { tenantId: a.tenantId, mime: 'text/html' } })).to.equal(0);
  });

  it('lets an agent limited to their own conversations fetch a file only through one they can see', async () => {
    const from = customer();
    await customerWrites(tp, na, from, 'a photo follows');
    const said = sim.control.customerSays({
      phoneNumberId: na.phoneNumberId,
      from,
      type: 'image',
      media: { data: PNG, mimeType: 'image/jpeg' },
    } as never);
    const { conversationId, messageId } = await stored(tp, said.wamid);
    const message = await waitFor(
      async () => {
        const m = (await messagesOf(a.users.admin.client, conversationId)).find((x) => x.id === messageId);
        return m?.media?.state === 'stored' ? m : null;
      },
      15_000,
      'image download',
    );
    expect((await a.users.admin.client.patch('/api/v1/inbox/settings', { agentVisibility: 'mine' })).status).to.equal(200);
    try {
      expect((await download(a.users.agent.client, message.media.url)).status).to.equal(404);
      // Their own upload stays theirs to see.
      const own = await upload(a.users.agent.client, PNG, 'image/png', 'mine.png');
      expect(own.status, own.text).to.equal(201);
      expect((await download(a.users.agent.client, `/api/v1/media/${own.body.id}`)).status).to.equal(200);
      // Once the conversation is theirs, so is its file.
      const assigned = await a.users.admin.client.post(`/api/v1/conversations/${conversationId}/assign`, {
        assigneeUserId: a.users.agent.id,
      });
      expect(assigned.status, assigned.text).to.equal(200);
      const got = await download(a.users.agent.client, message.media.url);
      expect(got.status).to.equal(200);
      expect(got.bytes.equals(PNG)).to.equal(true);
    } finally {
      await a.users.admin.client.patch('/api/v1/inbox/settings', { agentVisibility: 'mine_team_unassigned' });
    }
  });

  it("keeps blobs to their tenant: B cannot read A's file or send it", async () => {
    const up = await upload(a.users.agent.client, PNG, 'image/png', 'private.png');
    expect((await download(b.users.admin.client, `/api/v1/media/${up.body.id}`)).status).to.equal(404);
    expect((await download(a.users.agent.client, `/api/v1/media/${up.body.id}`)).status).to.equal(200);
    expect((await download(b.users.admin.client, '/api/v1/media/0')).status).to.equal(400);
    const anonymous = tp.client().tenant(a.tenantId);
    expect((await download(anonymous, `/api/v1/media/${up.body.id}`)).status).to.equal(401);
    expect((await upload(anonymous, PNG, 'image/png')).status).to.equal(401);
  });
});
