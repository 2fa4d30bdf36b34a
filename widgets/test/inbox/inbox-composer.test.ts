import { expect } from 'chai';
import { useBrowser, waitFor } from '../helpers/browser.ts';
import { ALEX, calls, conversation, fakeInbox, fakeRealtime, history, message, openInbox } from './fake-inbox.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

async function openFirst(fake: ReturnType<typeof fakeInbox>, opts: Parameters<typeof openInbox>[1] = {}) {
  const opened = await openInbox(fake, opts);
  await opened.inbox.locator('wa-inbox-list button.conv').first().click();
  await opened.inbox.locator('wa-inbox-thread li.msg').last().waitFor();
  const reply = opened.inbox.getByRole('textbox', { name: 'Reply' });
  return { ...opened, reply };
}

describe('<wa-inbox> composer', function () {
  useBrowser();

  it('shows a sent message at once with a clock, then the server message and its ticks', async function () {
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    const fake = fakeInbox({ messages: { 1: history(4) } });
    const rt = fakeRealtime();
    const post = fake.routes['POST /api/v1/conversations/:id/messages'];
    fake.routes['POST /api/v1/conversations/:id/messages'] = async (req) => {
      await held;
      return post(req);
    };
    const { inbox, reply, requests } = await openFirst(fake, { realtime: rt });
    await reply.fill('Your parcel left the warehouse.');
    await reply.press('Enter');
    const mine = inbox.locator('wa-inbox-thread li.msg', { hasText: 'Your parcel left the warehouse.' });
    await mine.getByRole('img', { name: 'Sending' }).waitFor();
    expect(await reply.inputValue()).to.equal('');
    const sent = calls(requests, 'POST', '/api/v1/conversations/1/messages')[0].json as Record<string, unknown>;
    expect(sent.type).to.equal('text');
    expect(sent.text).to.equal('Your parcel left the warehouse.');
    expect(sent.clientRef).to.match(UUID);
    expect(sent.afterMessageId).to.equal(4);
    release();
    await mine.getByRole('img', { name: 'Sent' }).waitFor();
    expect(await inbox.locator('wa-inbox-thread li.msg', { hasText: 'Your parcel left the warehouse.' }).count()).to.equal(1);
    // The list shows it as the latest activity.
    expect(await inbox.locator('wa-inbox-list button.conv').first().textContent()).to.contain('Your parcel left the warehouse.');

    // Delivered, then read, arrive over the socket.
    await waitFor(() => rt.subscribed('inbox'));
    const stored = fake.state.messages[1].at(-1)!;
    stored.status = 'delivered';
    rt.push('inbox', 'message.status', { conversationId: 1, messageId: stored.id, status: 'delivered' });
    await mine.getByRole('img', { name: 'Delivered' }).waitFor();
    stored.status = 'read';
    rt.push('inbox', 'message.status', { conversationId: 1, messageId: stored.id, status: 'read' });
    await mine.getByRole('img', { name: 'Read' }).waitFor();
    expect(await mine.locator('.tick.read').count()).to.equal(1);
    // Shift+Enter is a new line, not a send.
    await reply.press('a');
    await reply.press('Shift+Enter');
    await reply.press('b');
    expect(await reply.inputValue()).to.equal('a\nb');
    expect(calls(requests, 'POST', '/api/v1/conversations/1/messages')).to.have.length(1);
    rt.close();
  });

  it('shows a send WhatsApp refused with its reason, and retries it; a network failure retries with the same clientRef', async function () {
    let mode: 'refuse' | 'offline' | 'ok' = 'refuse';
    const fake = fakeInbox({ messages: { 1: history(2) } });
    const post = fake.routes['POST /api/v1/conversations/:id/messages'];
    fake.routes['POST /api/v1/conversations/:id/messages'] = async (req) => {
      if (mode === 'offline')
        return { status: 503, body: { error: { code: 'unavailable', message: 'The server is busy, try again.' } } };
      const res = await post(req);
      if (mode === 'refuse') {
        Object.assign(res.body as object, {
          status: 'failed',
          error: { code: 131026, reason: "This number can't receive WhatsApp messages.", hint: null },
        });
      }
      return res;
    };
    const { inbox, reply, requests } = await openFirst(fake);
    await reply.fill('Hello?');
    await reply.press('Enter');
    const failed = inbox.locator('wa-inbox-thread li.failed', { hasText: 'Hello?' });
    await failed.getByText("This number can't receive WhatsApp messages.").waitFor();
    mode = 'ok';
    await failed.getByRole('button', { name: 'Retry' }).click();
    await inbox.locator('wa-inbox-thread li.msg', { hasText: 'Hello?' }).getByRole('img', { name: 'Sent' }).waitFor();
    expect(calls(requests, 'POST', /^\/api\/v1\/messages\/\d+\/retry$/)).to.have.length(1);

    mode = 'offline';
    await reply.fill('Second try');
    await reply.press('Enter');
    const local = inbox.locator('wa-inbox-thread li.failed', { hasText: 'Second try' });
    await local.getByText('The server is busy, try again.').waitFor();
    mode = 'ok';
    await local.getByRole('button', { name: 'Retry' }).click();
    await inbox.locator('wa-inbox-thread li.msg', { hasText: 'Second try' }).getByRole('img', { name: 'Sent' }).waitFor();
    const posts = calls(requests, 'POST', '/api/v1/conversations/1/messages').slice(-2);
    expect((posts[0].json as { clientRef: string }).clientRef).to.equal((posts[1].json as { clientRef: string }).clientRef);
  });

  it('warns when a teammate just replied, and "Send anyway" sends with force', async function () {
    const fake = fakeInbox({ messages: { 1: history(2) } });
    const theirs = message(3, Date.now() - 1000, { direction: 'out', text: 'I already sent the refund.', sender: ALEX });
    const post = fake.routes['POST /api/v1/conversations/:id/messages'];
    fake.routes['POST /api/v1/conversations/:id/messages'] = (req) => {
      if (!(req.json as { force?: boolean }).force) {
        return {
          status: 409,
          body: {
            error: {
              code: 'reply_collision',
              message: 'Alex Rivera replied after the newest message you had seen.',
              details: { message: theirs, by: ALEX },
            },
          },
        };
      }
      return post(req);
    };
    const { inbox, reply, requests } = await openFirst(fake);
    await reply.fill('Let me send you a refund.');
    await reply.press('Enter');
    const warning = inbox.locator('.collision');
    await warning.waitFor();
    expect((await warning.textContent())!.replace(/\s+/g, ' ')).to.contain(
      'Alex Rivera just replied: “I already sent the refund.”',
    );
    // Their message is in the thread too.
    await inbox.locator('wa-inbox-thread li.msg', { hasText: 'I already sent the refund.' }).waitFor();
    await warning.getByRole('button', { name: 'Send anyway' }).click();
    await inbox
      .locator('wa-inbox-thread li.msg', { hasText: 'Let me send you a refund.' })
      .getByRole('img', { name: 'Sent' })
      .waitFor();
    const [first, second] = calls(requests, 'POST', '/api/v1/conversations/1/messages').map(
      (r) => r.json as Record<string, unknown>,
    );
    expect(first.force).to.equal(undefined);
    expect(second.force).to.equal(true);
    expect(second.clientRef).to.equal(first.clientRef);
    expect(await inbox.locator('.collision').count()).to.equal(0);

    // Cancel puts the text back in the box.
    await reply.fill('Another one');
    await reply.press('Enter');
    await warning.getByRole('button', { name: 'Cancel' }).click();
    expect(await reply.inputValue()).to.equal('Another one');
    expect(await inbox.locator('wa-inbox-thread li.msg', { hasText: 'Another one' }).count()).to.equal(0);
  });

  it('switches to the template picker when the window closed meanwhile, and sends a template with a live preview', async function () {
    const fake = fakeInbox({ conversations: [conversation(1)], messages: { 1: history(2) } });
    const post = fake.routes['POST /api/v1/conversations/:id/messages'];
    fake.routes['POST /api/v1/conversations/:id/messages'] = (req) => {
      if ((req.json as { type: string }).type === 'text') {
        fake.state.conversations[0].window = { open: false, expiresAt: new Date(Date.now() - 1000).toISOString() };
        return {
          status: 409,
          body: { error: { code: 'service_window_closed', message: 'The customer service window is closed.' } },
        };
      }
      return post(req);
    };
    const { page, inbox, reply, requests } = await openFirst(fake);
    await reply.fill('Are you still there?');
    await reply.press('Enter');
    const picker = inbox.locator('wa-inbox-template-picker');
    await picker.getByText('The 24-hour window is closed.').waitFor();
    expect(await page.evaluate(() => window.toasts.map((t) => t.message).join(' '))).to.contain(
      'Send an approved template instead',
    );
    expect(await inbox.locator('wa-inbox-thread li.msg', { hasText: 'Are you still there?' }).count()).to.equal(0);
    expect(await inbox.locator('.thread-head').textContent()).to.contain('Window closed');

    // Only approved templates are offered.
    await picker.getByLabel('Template').locator('option').nth(1).waitFor({ state: 'attached' });
    const options = await picker.getByLabel('Template').locator('option').allTextContents();
    expect(options.map((o) => o.trim())).to.deep.equal([
      'Choose a template…',
      'order_update (en_US) · utility',
      'photo_offer (en_US) · marketing',
    ]);
    await picker.getByLabel('Template').selectOption('order_update|en_US');
    const preview = picker.locator('figure.phone');
    expect((await preview.textContent())!.replace(/\s+/g, ' '))
      .to.contain('Order {{1}}')
      .and.contain('Hi {{1}}, your order {{2}} has shipped')
      .and.contain('Maple & Thread')
      .and.contain('Track parcel');
    // Sending with gaps points at them.
    await picker.getByRole('button', { name: 'Send template' }).click();
    expect(await picker.locator('[aria-invalid="true"]').count()).to.equal(5);
    await picker.getByLabel('Header {{1}}').fill('#1042');
    await picker.getByLabel('Body {{1}}').fill('Maria');
    await picker.getByLabel('Body {{2}}').fill('1042');
    await picker.getByLabel('Body {{3}}').fill('on Friday');
    await picker.getByLabel('Link of “Track parcel”').fill('TRK-9');
    expect((await preview.textContent())!.replace(/\s+/g, ' '))
      .to.contain('Order #1042')
      .and.contain('Hi Maria, your order 1042 has shipped and arrives on Friday.');
    expect(await preview.locator('mark').count()).to.equal(0);
    await picker.getByRole('button', { name: 'Send template' }).click();
    const sent = calls(requests, 'POST', '/api/v1/conversations/1/messages').at(-1)!.json as Record<string, unknown>;
    expect(sent.type).to.equal('template');
    expect(sent.template).to.deep.equal({
      name: 'order_update',
      language: 'en_US',
      headerParams: ['#1042'],
      bodyParams: ['Maria', '1042', 'on Friday'],
      buttonParams: ['TRK-9'],
    });
    await inbox
      .locator('wa-inbox-thread li[data-type="template"]', { hasText: 'Hi Maria, your order 1042 has shipped' })
      .getByRole('img', { name: 'Sent' })
      .waitFor();

    // A media header is uploaded first and sent as headerMediaId.
    await picker.getByLabel('Template').selectOption('photo_offer|en_US');
    await picker.getByLabel('Header image').setInputFiles({
      name: 'linen-shirt.png',
      mimeType: 'image/png',
      buffer: Buffer.from('89504e470d0a1a0a', 'hex'),
    });
    await picker.getByText('linen-shirt.png uploaded.').waitFor();
    expect(await preview.locator('img').getAttribute('src')).to.match(/^blob:/);
    await picker.getByLabel('Body {{1}}').fill('linen shirts');
    await picker.getByRole('button', { name: 'Send template' }).click();
    const upload = calls(requests, 'POST', '/api/v1/media')[0];
    expect(upload.headers['content-type']).to.equal('image/png');
    expect(upload.headers['x-filename']).to.equal('linen-shirt.png');
    const withMedia = calls(requests, 'POST', '/api/v1/conversations/1/messages').at(-1)!.json as {
      template: Record<string, unknown>;
    };
    expect(withMedia.template).to.deep.include({ name: 'photo_offer', bodyParams: ['linen shirts'] });
    expect(withMedia.template.headerMediaId).to.be.a('number');

    // Notes are still possible outside the window.
    await picker.getByRole('button', { name: 'Write a private note instead' }).click();
    const note = inbox.getByRole('textbox', { name: 'Private note' });
    await note.fill('Customer went quiet; follow up Monday.');
    await note.press('Enter');
    await waitFor(
      () => (calls(requests, 'POST', '/api/v1/conversations/1/messages').at(-1)!.json as { type: string }).type === 'note',
    );
    await inbox.locator('wa-inbox-thread li.note', { hasText: 'follow up Monday' }).waitFor();
  });

  it('inserts a canned response, asking for a variable the server could not fill', async function () {
    const fake = fakeInbox({ messages: { 1: history(2) } });
    const { inbox, reply, requests } = await openFirst(fake);
    await reply.fill('Thanks! /ref');
    const composer = inbox.locator('wa-inbox-composer');
    const option = composer.getByRole('option', { name: /refund/ });
    await option.waitFor();
    expect(await composer.getByRole('option').count()).to.equal(1);
    expect(await reply.getAttribute('aria-controls')).to.equal('popup');
    await reply.press('Enter');
    const amount = inbox.locator('wa-inbox-composer').getByLabel('amount');
    await amount.waitFor();
    const renders = calls(requests, 'POST', '/api/v1/canned-responses/2/render');
    expect(renders[0].json).to.deep.equal({ conversationId: 1 });
    await amount.fill('€25.00');
    await amount.press('Enter');
    await waitFor(async () => (await reply.inputValue()) === 'Thanks! Your refund of €25.00 will arrive in 5 days.');
    expect(calls(requests, 'POST', '/api/v1/canned-responses/2/render')[1].json).to.deep.equal({
      conversationId: 1,
      values: { amount: '€25.00' },
    });
    // A response the server fills completely goes straight in; Escape closes the popup.
    await reply.fill('/');
    await composer.getByRole('option').first().waitFor();
    await reply.press('Escape');
    expect(await composer.getByRole('option').count()).to.equal(0);
    await reply.fill('/hel');
    await composer.getByRole('option', { name: /hello/ }).click();
    await waitFor(async () => (await reply.inputValue()) === 'Hello Maria Garcia!');
  });

  it('writes a private note with an @mention and sends the mentioned ids', async function () {
    const fake = fakeInbox({ messages: { 1: history(2) } });
    const { inbox, requests } = await openFirst(fake);
    await inbox.getByRole('button', { name: 'Private note' }).click();
    const note = inbox.getByRole('textbox', { name: 'Private note' });
    await note.pressSequentially('Can @al');
    await inbox
      .locator('wa-inbox-composer')
      .getByRole('option', { name: /Alex Rivera/ })
      .waitFor();
    await note.press('Enter');
    await note.pressSequentially('check the courier?');
    expect(await note.inputValue()).to.equal('Can @Alex Rivera check the courier?');
    await note.press('Enter');
    await inbox.locator('wa-inbox-thread li.note', { hasText: 'check the courier?' }).waitFor();
    const sent = calls(requests, 'POST', '/api/v1/conversations/1/messages')[0].json as Record<string, unknown>;
    expect(sent).to.deep.include({ type: 'note', text: 'Can @Alex Rivera check the courier?', mentions: [ALEX.id] });
    expect(sent.afterMessageId).to.equal(undefined);
    expect(await inbox.locator('wa-inbox-thread li.note').textContent()).to.contain('Only your team sees this');
  });

  it('uploads an attachment with its type and name, sends it with a caption, and explains a refused file', async function () {
    const fake = fakeInbox({ messages: { 1: history(2) } });
    const media = fake.routes['POST /api/v1/media'];
    fake.routes['POST /api/v1/media'] = (req) =>
      String(req.headers['content-type']).startsWith('application/x-msdownload')
        ? { status: 415, body: { error: { code: 'unsupported_media_type', message: 'Not allowed.' } } }
        : String(req.headers['x-filename']).includes('huge')
          ? { status: 413, body: { error: { code: 'payload_too_large', message: 'Too large.' } } }
          : media(req);
    const { inbox, reply, requests } = await openFirst(fake);
    const file = inbox.locator('wa-inbox-composer input[type="file"]');
    await file.setInputFiles({ name: 'setup.exe', mimeType: 'application/x-msdownload', buffer: Buffer.from('MZ') });
    await inbox.getByText("WhatsApp can't send this kind of file (application/x-msdownload)").waitFor();
    await file.setInputFiles({ name: 'huge photo.png', mimeType: 'image/png', buffer: Buffer.from('89504e47', 'hex') });
    await inbox.getByText('huge photo.png is too large to send').waitFor();
    await inbox.getByRole('button', { name: 'Dismiss' }).click();

    await file.setInputFiles({
      name: 'receipt photo.png',
      mimeType: 'image/png',
      buffer: Buffer.from('89504e470d0a1a0a', 'hex'),
    });
    await inbox.getByText('Ready to send').waitFor();
    const upload = calls(requests, 'POST', '/api/v1/media').at(-1)!;
    expect(upload.headers['x-filename']).to.equal('receipt%20photo.png');
    expect(upload.raw.toString('hex')).to.equal('89504e470d0a1a0a');
    await reply.fill('Here is the receipt');
    await reply.press('Enter');
    const sent = calls(requests, 'POST', '/api/v1/conversations/1/messages')[0].json as Record<string, unknown>;
    expect(sent).to.deep.include({ type: 'image', caption: 'Here is the receipt' });
    expect(sent.mediaId).to.be.a('number');
    await inbox.locator('wa-inbox-thread li[data-type="image"]', { hasText: 'Here is the receipt' }).waitFor();
  });

  it('keeps a draft per conversation, across switches and reloads', async function () {
    const fake = fakeInbox({ messages: { 1: history(2), 2: history(2, 100) } });
    const { page, inbox, reply } = await openFirst(fake);
    await reply.fill('Half-written answer for Maria');
    await inbox.locator('wa-inbox-list button.conv').nth(1).click();
    await inbox.locator('wa-inbox-thread').getByText('Message number 101').waitFor();
    expect(await reply.inputValue()).to.equal('');
    await reply.fill('Note for Tom');
    await inbox.locator('wa-inbox-list button.conv').first().click();
    await waitFor(async () => (await reply.inputValue()) === 'Half-written answer for Maria');
    const stored = await page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('wa-inbox-draft:')));
    expect(stored.sort()).to.deep.equal(['wa-inbox-draft:default:1', 'wa-inbox-draft:default:2']);
    // A fresh inbox finds it again; sending clears it.
    await page.evaluate(() => {
      const old = document.querySelector('wa-inbox')!;
      const again = old.cloneNode() as HTMLElement;
      old.replaceWith(again);
    });
    await inbox.locator('wa-inbox-list button.conv').nth(1).click();
    await waitFor(async () => (await reply.inputValue()) === 'Note for Tom');
    await reply.press('Enter');
    await inbox.locator('wa-inbox-thread li.msg', { hasText: 'Note for Tom' }).waitFor();
    expect(await page.evaluate(() => localStorage.getItem('wa-inbox-draft:default:2'))).to.equal(null);
  });

  it('replies to a quoted message, reacts with an emoji, and builds a buttons message', async function () {
    const fake = fakeInbox({ messages: { 1: history(3) } });
    const { inbox, reply, requests } = await openFirst(fake);
    const target = inbox.locator('wa-inbox-thread li.msg[data-id="3"]');
    await target.hover();
    await target.getByRole('button', { name: 'Reply to this message' }).click();
    await inbox.locator('wa-inbox-composer .replying').getByText('Message number 3').waitFor();
    expect(await reply.evaluate((el) => el === (el.getRootNode() as ShadowRoot).activeElement)).to.equal(true);
    await reply.fill('Quoting you');
    await reply.press('Enter');
    await inbox
      .locator('wa-inbox-thread li.msg', { hasText: 'Quoting you' })
      .locator('.quote')
      .getByText('Message number 3')
      .waitFor();
    expect(
      (calls(requests, 'POST', '/api/v1/conversations/1/messages')[0].json as Record<string, unknown>).replyToMessageId,
    ).to.equal(3);

    await target.hover();
    await target.getByRole('button', { name: 'React to this message' }).click();
    await target.getByRole('button', { name: 'React with ❤️' }).click();
    await target.locator('.reaction', { hasText: '❤️' }).waitFor();
    // The reaction shows at once (optimistically): wait for the request itself.
    await waitFor(() => calls(requests, 'POST', '/api/v1/conversations/1/messages').length >= 2, 5000, 'the reaction request');
    expect(calls(requests, 'POST', '/api/v1/conversations/1/messages')[1].json).to.deep.include({
      type: 'reaction',
      messageId: 3,
      emoji: '❤️',
    });

    await inbox.getByRole('button', { name: 'Message with buttons' }).click();
    const dialog = inbox.locator('wa-inbox-composer dialog#builder');
    await dialog.getByLabel('Message', { exact: true }).fill('Which size do you need?');
    await dialog.getByLabel('Button 1').fill('Small');
    await dialog.getByLabel('Button 2 (optional)').fill('Large');
    await dialog.getByRole('button', { name: 'Send' }).click();
    const built = calls(requests, 'POST', '/api/v1/conversations/1/messages')[2].json as Record<string, unknown>;
    expect(built.interactive).to.deep.equal({
      kind: 'buttons',
      body: 'Which size do you need?',
      buttons: [
        { id: 'btn-1', title: 'Small' },
        { id: 'btn-2', title: 'Large' },
      ],
    });
    expect(await dialog.evaluate((d) => (d as HTMLDialogElement).open)).to.equal(false);
  });

  it('announces typing at most every 3 seconds', async function () {
    const fake = fakeInbox({ messages: { 1: history(2) } });
    const { page, reply, requests } = await openFirst(fake);
    await reply.pressSequentially('typing quickly here', { delay: 20 });
    await page.waitForTimeout(200);
    const typing = () =>
      calls(requests, 'POST', '/api/v1/conversations/1/activity').filter((r) => (r.json as { kind: string }).kind === 'typing');
    expect(typing()).to.have.length(1);
  });
});
