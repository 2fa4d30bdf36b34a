import { expect } from 'chai';
import { useBrowser, waitFor } from '../helpers/browser.ts';
import { ALEX, calls, conversation, fakeInbox, fakeRealtime, history, message, openInbox, richThread } from './fake-inbox.ts';

describe('<wa-inbox> thread', function () {
  useBrowser();

  it('opens a conversation at the newest message and keeps the reading position while older pages load', async function () {
    const fake = fakeInbox();
    const { page, inbox, requests } = await openInbox(fake);
    await inbox.locator('wa-inbox-list button.conv').first().click();
    const thread = inbox.locator('wa-inbox-thread');
    await thread.getByText('Message number 80').waitFor();
    const first = calls(requests, 'GET', '/api/v1/conversations/1/messages')[0];
    expect(first.query.get('limit')).to.equal('30');
    expect(first.query.has('before')).to.equal(false);
    // Oldest at the top, newest at the bottom, and the view starts at the bottom.
    const texts = await thread.locator('li.msg .text').allTextContents();
    expect(texts[0]).to.equal('Message number 51');
    expect(texts.at(-1)).to.equal('Message number 80');
    const scroller = thread.locator('.scroller');
    const atBottom = await scroller.evaluate((el) => el.scrollHeight - el.scrollTop - el.clientHeight < 2);
    expect(atBottom).to.equal(true);
    // Reading was marked, and the list badge went away.
    await waitFor(() => calls(requests, 'POST', '/api/v1/conversations/1/read').length === 1);
    await waitFor(async () => (await inbox.locator('wa-inbox-list button.conv').first().locator('.unread-badge').count()) === 0);

    // Scroll up: the page before arrives and "Message number 51" stays where it was on screen.
    await scroller.evaluate((el) => (el.scrollTop = 150));
    const anchor = thread.locator('li.msg', { hasText: 'Message number 52' });
    const before = (await anchor.boundingBox())!.y;
    await scroller.evaluate((el) => (el.scrollTop = 100));
    const beforeTop = (await anchor.boundingBox())!.y;
    await waitFor(() => calls(requests, 'GET', '/api/v1/conversations/1/messages').length >= 2, 5000, 'the older page');
    const older = calls(requests, 'GET', '/api/v1/conversations/1/messages')[1];
    expect(older.query.get('before')).to.equal('c30');
    await thread.getByText('Message number 21', { exact: true }).waitFor({ state: 'attached' });
    await page.waitForTimeout(100);
    const after = (await anchor.boundingBox())!.y;
    expect(Math.abs(after - beforeTop), `moved from ${beforeTop} (was ${before}) to ${after}`).to.be.below(4);
    expect(await scroller.evaluate((el) => el.scrollTop)).to.be.above(500);
    // All the way up: the start of the conversation.
    for (let i = 0; i < 10 && (await thread.getByText('This is the start of your conversation').count()) === 0; i++) {
      await scroller.evaluate((el) => (el.scrollTop = 0));
      await page.waitForTimeout(200);
    }
    await thread.getByText('This is the start of your conversation with Maria Garcia.').waitFor();
    expect(await thread.locator('li.msg').count()).to.equal(80);
  });

  it('shows every kind of message: media through object URLs, documents, locations, contacts, notes, replies and reactions', async function () {
    const fake = fakeInbox({ messages: { 1: richThread() } });
    const { page, inbox, requests } = await openInbox(fake, { height: 900 });
    await inbox.locator('wa-inbox-list button.conv').first().click();
    const thread = inbox.locator('wa-inbox-thread');
    await thread.getByText('Yes please, thank you!').waitFor();
    // The header names her as the CRM does, with her WhatsApp name beside it.
    const head = inbox.locator('.thread-head');
    expect(await head.locator('h3').textContent()).to.equal('Maria Garcia');
    expect(await head.locator('.profile-name').textContent()).to.equal('~Mari G.');

    // Image: fetched with the bearer token as a blob, shown from an object URL.
    await thread.locator('li[data-type="image"]').first().scrollIntoViewIfNeeded();
    const img = thread.locator('li[data-type="image"] wa-inbox-media img');
    await img.waitFor();
    expect(await img.getAttribute('src')).to.match(/^blob:/);
    expect(await img.getAttribute('alt')).to.equal('This is what arrived last time');
    expect(await img.evaluate((el) => (el as HTMLImageElement).naturalWidth)).to.equal(2);
    const media = calls(requests, 'GET', '/api/v1/media/501');
    expect(media).to.have.length(1);
    expect(media[0].headers.authorization).to.equal('Bearer test-token');
    await thread.getByText('This is what arrived last time').waitFor();

    // Document: name, size, and a download that goes through the API too.
    const doc = thread.locator('li[data-type="document"]');
    expect((await doc.locator('.file').textContent())!.replace(/\s+/g, ' '))
      .to.contain('invoice-1042.pdf')
      .and.contain('PDF · 47 KB');
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      doc.getByRole('button', { name: 'Download invoice-1042.pdf' }).click(),
    ]);
    expect(download.suggestedFilename()).to.equal('invoice-1042.pdf');

    // Voice note: an audio player on an object URL.
    await thread.locator('li[data-type="audio"]').scrollIntoViewIfNeeded();
    const audio = thread.locator('li[data-type="audio"] audio');
    await audio.waitFor({ state: 'attached' });
    expect(await audio.getAttribute('src')).to.match(/^blob:/);
    expect(await thread.locator('li[data-type="audio"]').textContent()).to.contain('Voice message');

    // Location: coordinates and an OpenStreetMap link.
    const loc = thread.locator('li[data-type="location"]');
    expect((await loc.textContent())!.replace(/\s+/g, ' '))
      .to.contain('Maple & Thread')
      .and.contain('51.50740, -0.12780');
    expect(await loc.getByRole('link', { name: /OpenStreetMap/ }).getAttribute('href')).to.equal(
      'https://www.openstreetmap.org/?mlat=51.5074&mlon=-0.1278#map=16/51.5074/-0.1278',
    );

    // Contact card, buttons sent, a button tapped.
    expect(await thread.locator('li[data-type="contacts"]').textContent())
      .to.contain('Jonas Weber')
      .and.contain('+49 151 2345678');
    const buttons = await thread.locator('li[data-type="interactive"].out .chip').allTextContents();
    expect(buttons.map((b) => b.trim())).to.deep.equal(['Refund', 'Replacement']);
    expect((await thread.locator('li[data-type="interactive"].in').textContent())!.replace(/\s+/g, ' ')).to.contain(
      'Tapped a button Replacement',
    );

    // Reactions sit on the message they react to, not in the flow.
    expect(await thread.locator('li[data-type="reaction"]').count()).to.equal(0);
    const reacted = thread.locator('li.msg', { hasText: 'Let me check that for you.' });
    expect(await reacted.locator('.reaction').textContent()).to.contain('👍');

    // A private note says so; a template says which; a reply quotes; a pending download says so.
    const note = thread.locator('li.note');
    expect((await note.textContent())!.replace(/\s+/g, ' '))
      .to.contain('Private note · Alex Rivera')
      .and.contain('Only your team sees this');
    // A campaign message that joined the thread when the customer replied says which campaign.
    expect((await thread.locator('li[data-type="template"]').textContent())!.replace(/\s+/g, ' '))
      .to.contain('Template · order_update')
      .and.contain('Campaign · Shipping updates');
    expect(await thread.locator('li.msg', { hasText: 'Yes please' }).locator('.quote').textContent()).to.contain(
      'Would you like a refund or a replacement?',
    );
    await thread.getByText('Downloading…').waitFor();

    // Links are real links, and text never becomes markup.
    const link = thread.locator('li.msg').first().getByRole('link', { name: 'https://shop.example/orders/1042' });
    expect(await link.getAttribute('rel')).to.contain('noopener');

    // Ticks: read in blue, delivered, failed with the reason in words.
    expect(await reacted.getByRole('img', { name: 'Read' }).count()).to.equal(1);
    expect(await thread.locator('li[data-type="template"]').getByRole('img', { name: 'Delivered' }).count()).to.equal(1);
    const failed = thread.locator('li.failed');
    expect((await failed.textContent())!.replace(/\s+/g, ' '))
      .to.contain('Not delivered: More than 24 hours have passed since the customer last replied.')
      .and.contain('Send a template instead.');

    // The object URLs are released when the inbox goes away.
    const urls = await thread
      .locator('wa-inbox-media img, wa-inbox-media audio')
      .evaluateAll((els) => els.map((e) => (e as HTMLImageElement).src));
    await page.evaluate(() => document.querySelector('wa-inbox')!.remove());
    const alive = await page.evaluate(
      (list) =>
        Promise.all(
          list.map((u) =>
            fetch(u).then(
              () => true,
              () => false,
            ),
          ),
        ),
      urls,
    );
    expect(alive.every((a) => !a)).to.equal(true);
  });

  it('never renders message text as markup', async function () {
    const evil = '<img src=x onerror="window.pwned=1"><b>bold</b> javascript:alert(1)';
    const fake = fakeInbox({ messages: { 1: [message(1, Date.now() - 1000, { direction: 'in', text: evil })] } });
    const { page, inbox } = await openInbox(fake);
    await inbox.locator('wa-inbox-list button.conv').first().click();
    await inbox.locator('wa-inbox-thread li.msg .text').waitFor();
    expect(await inbox.locator('wa-inbox-thread li.msg .text').textContent()).to.equal(evil);
    expect(
      await inbox.locator('wa-inbox-thread li.msg img, wa-inbox-thread li.msg b, wa-inbox-thread li.msg a').count(),
    ).to.equal(0);
    expect(await page.evaluate(() => (window as unknown as { pwned?: number }).pwned)).to.equal(undefined);
  });

  it('retries a failed message and shows its new status', async function () {
    const failed = message(2, Date.now() - 60_000, {
      direction: 'out',
      text: 'Your parcel is on its way',
      status: 'failed',
      error: { code: 131026, reason: "This number can't receive WhatsApp messages.", hint: null },
    });
    const fake = fakeInbox({ messages: { 1: [message(1, Date.now() - 120_000, { direction: 'in' }), failed] } });
    const { inbox, requests } = await openInbox(fake);
    await inbox.locator('wa-inbox-list button.conv').first().click();
    const li = inbox.locator('wa-inbox-thread li.failed');
    await li.getByText("This number can't receive WhatsApp messages.").waitFor();
    expect(await li.getByRole('img', { name: 'Not delivered' }).count()).to.equal(1);
    await li.getByRole('button', { name: 'Retry' }).click();
    const msg = inbox.locator('wa-inbox-thread li.msg', { hasText: 'Your parcel is on its way' });
    await msg.getByRole('img', { name: 'Sent' }).waitFor();
    expect(await inbox.locator('wa-inbox-thread li.failed').count()).to.equal(0);
    expect(calls(requests, 'POST', '/api/v1/messages/2/retry')).to.have.length(1);
  });

  it('follows the open conversation live: new messages, status ticks, viewers and typing', async function () {
    const fake = fakeInbox({ messages: { 1: history(3) } });
    fake.routes['POST /api/v1/conversations/:id/activity'] = () => ({
      body: { viewers: [{ userId: ALEX.id, name: ALEX.name, typing: false }] },
    });
    const rt = fakeRealtime();
    const { inbox, requests } = await openInbox(fake, { realtime: rt });
    await inbox.locator('wa-inbox-list button.conv').first().click();
    const thread = inbox.locator('wa-inbox-thread');
    await thread.getByText('Message number 3').waitFor();
    // Viewing is announced at once (and every 10 s), and the answer names the others viewing.
    await waitFor(() =>
      calls(requests, 'POST', '/api/v1/conversations/1/activity').some((r) => (r.json as { kind: string }).kind === 'viewing'),
    );
    await inbox.locator('.thread-head').getByText('Alex Rivera is viewing').waitFor();
    await waitFor(() => rt.subscribed('conversation:1') && rt.subscribed('inbox'), 5000, 'the topics');

    rt.push('conversation:1', 'conversation.activity', { conversationId: 1, userId: ALEX.id, name: ALEX.name, kind: 'typing' });
    await inbox.locator('.thread-head').getByText('Alex Rivera is typing…').waitFor();

    fake.state.messages[1].push(message(4, Date.now(), { direction: 'in', text: 'Are you there?' }));
    rt.push('inbox', 'message.created', { conversationId: 1, messageId: 4 });
    await thread.locator('.text', { hasText: 'Are you there?' }).waitFor();
    // ...announced politely to screen readers.
    await waitFor(async () => (await thread.locator('[role="log"]').textContent())!.includes('Maria Garcia: Are you there?'));
    expect(calls(requests, 'GET', '/api/v1/conversations/1/messages').at(-1)!.query.get('limit')).to.equal('20');

    const m2 = fake.state.messages[1][1];
    m2.status = 'delivered';
    rt.push('inbox', 'message.status', { conversationId: 1, messageId: 2, status: 'delivered' });
    await thread.locator('li.msg', { hasText: 'Message number 2' }).getByRole('img', { name: 'Delivered' }).waitFor();

    rt.push('conversation:1', 'conversation.activity', { conversationId: 1, userId: ALEX.id, name: ALEX.name, kind: 'left' });
    await waitFor(async () => (await inbox.locator('.thread-head .viewers').count()) === 0, 5000, 'Alex gone');

    // Switching away says so.
    await inbox.locator('wa-inbox-list button.conv').nth(1).click();
    await waitFor(() =>
      calls(requests, 'POST', '/api/v1/conversations/1/activity').some((r) => (r.json as { kind: string }).kind === 'left'),
    );
    await waitFor(() => !rt.subscribed('conversation:1') && rt.subscribed('conversation:2'), 5000, 'the topic switch');
    rt.close();
  });

  it('resolves, assigns, prioritises and labels from the details pane', async function () {
    const fake = fakeInbox({ conversations: [conversation(1), conversation(2)], messages: { 1: history(2) } });
    const { inbox, requests } = await openInbox(fake);
    await inbox.locator('wa-inbox-list button.conv').first().click();
    const details = inbox.locator('wa-inbox-details');
    await details.getByText('+447700900101').waitFor();
    await details.getByLabel('Assignee').selectOption({ label: 'Alex Rivera · away' });
    await waitFor(() => calls(requests, 'POST', '/api/v1/conversations/1/assign').length === 1);
    expect(calls(requests, 'POST', '/api/v1/conversations/1/assign')[0].json).to.deep.equal({ assigneeUserId: ALEX.id });
    await details.getByRole('button', { name: 'Assign to me' }).click();
    await waitFor(() => calls(requests, 'POST', '/api/v1/conversations/1/assign').length === 2);
    expect(calls(requests, 'POST', '/api/v1/conversations/1/assign')[1].json).to.deep.equal({ assigneeUserId: 7 });
    await details.getByLabel('Priority').selectOption('urgent');
    await waitFor(() => calls(requests, 'PATCH', '/api/v1/conversations/1').length === 1);
    await details.getByLabel('Returns').check();
    await waitFor(() => calls(requests, 'PUT', '/api/v1/conversations/1/labels').length === 1);
    expect(calls(requests, 'PUT', '/api/v1/conversations/1/labels')[0].json).to.deep.equal({ labelIds: [1, 2] });
    await inbox.locator('wa-inbox-list button.conv').first().getByText('Returns').waitFor();
    await details.getByLabel('Snooze').selectOption({ label: 'For 1 hour' });
    await waitFor(() => calls(requests, 'PATCH', '/api/v1/conversations/1').length === 2);
    const snooze = calls(requests, 'PATCH', '/api/v1/conversations/1')[1].json as { status: string; snoozedUntil: string };
    expect(snooze.status).to.equal('snoozed');
    expect(Date.parse(snooze.snoozedUntil) - Date.now()).to.be.within(55 * 60_000, 61 * 60_000);
    // It left the Open list, but stays open in the thread.
    await waitFor(async () => (await inbox.locator('wa-inbox-list button.conv').count()) === 1);
    await details.getByText('Snoozed', { exact: true }).waitFor();
    await details.getByRole('button', { name: 'Unsnooze' }).click();
    await waitFor(() => calls(requests, 'PATCH', '/api/v1/conversations/1').length === 3);
    expect(calls(requests, 'PATCH', '/api/v1/conversations/1')[2].json).to.deep.equal({ status: 'open', snoozedUntil: null });
  });
});
