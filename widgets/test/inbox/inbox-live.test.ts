import { expect } from 'chai';
import { delay, useBrowser, waitFor } from '../helpers/browser.ts';
import { ALEX, ME, calls, conversation, fakeInbox, fakeRealtime, history, message, openInbox } from './fake-inbox.ts';

const ids = (els: Element[]) => els.map((e) => Number(e.getAttribute('data-id')));

describe('<wa-inbox> live updates', function () {
  useBrowser();

  it("drops a teammate's “typing…” as soon as their message arrives, and keeps them viewing", async function () {
    const fake = fakeInbox({ conversations: [conversation(1), conversation(2)], messages: { 1: history(3) } });
    fake.routes['POST /api/v1/conversations/:id/activity'] = () => ({
      body: { viewers: [{ userId: ALEX.id, name: ALEX.name, typing: false }] },
    });
    const rt = fakeRealtime();
    const { inbox } = await openInbox(fake, { realtime: rt });
    await inbox.locator('wa-inbox-list button.conv').first().click();
    const thread = inbox.locator('wa-inbox-thread');
    const head = inbox.locator('.thread-head');
    await thread.getByText('Message number 3').waitFor();
    await head.getByText('Alex Rivera is viewing').waitFor();
    await waitFor(() => rt.subscribed('conversation:1') && rt.subscribed('inbox'), 5000, 'the topics');
    const typing = () =>
      rt.push('conversation:1', 'conversation.activity', { conversationId: 1, userId: ALEX.id, name: ALEX.name, kind: 'typing' });

    // The customer writing, or me, does not end Alex's typing.
    typing();
    await head.getByText('Alex Rivera is typing…').waitFor();
    fake.state.messages[1].push(message(4, Date.now(), { direction: 'in', text: 'Hello?' }));
    fake.state.messages[1].push(message(5, Date.now(), { direction: 'out', sender: ME, text: 'One moment' }));
    rt.push('inbox', 'message.created', { conversationId: 1, messageId: 5 });
    await thread.locator('.text', { hasText: 'One moment' }).waitFor();
    await delay(200);
    expect(await head.locator('.viewers').textContent()).to.contain('Alex Rivera is typing…');

    // Alex's own message does, at once (typing would otherwise linger up to 6 s).
    const sentAt = Date.now();
    fake.state.messages[1].push(message(6, Date.now(), { direction: 'out', sender: ALEX, text: 'I have got this one' }));
    rt.push('inbox', 'message.created', { conversationId: 1, messageId: 6 });
    await thread.locator('.text', { hasText: 'I have got this one' }).waitFor();
    await head.getByText('Alex Rivera is viewing').waitFor({ timeout: 2000 });
    expect(Date.now() - sentAt).to.be.below(2500);
    expect(await head.getByText('typing…').count()).to.equal(0);

    // Typing again shows again.
    typing();
    await head.getByText('Alex Rivera is typing…').waitFor();
    rt.close();
  });

  it('fills the gap after a burst bigger than a page: older pages until a known message', async function () {
    const fake = fakeInbox({ conversations: [conversation(1), conversation(2)], messages: { 1: history(30) } });
    const rt = fakeRealtime();
    const { inbox, requests } = await openInbox(fake, { realtime: rt });
    await inbox.locator('wa-inbox-list button.conv').first().click();
    const thread = inbox.locator('wa-inbox-thread');
    await thread.getByText('Message number 30', { exact: true }).waitFor();
    await waitFor(() => rt.subscribed('inbox'), 5000, 'the inbox topic');
    const before = calls(requests, 'GET', '/api/v1/conversations/1/messages').length;

    // 45 messages between two events (or while the socket was busy): one event for the lot.
    const now = Date.now();
    for (let id = 31; id <= 75; id++) {
      fake.state.messages[1].push(message(id, now - (75 - id) * 500, { direction: 'in', text: `Burst message ${id}` }));
    }
    rt.push('inbox', 'message.created', { conversationId: 1, messageId: 75 });
    await waitFor(async () => (await thread.locator('li.msg').count()) === 75, 5000, 'all 75 messages');
    const shown = await thread.locator('li.msg').evaluateAll(ids);
    expect(shown).to.deep.equal(Array.from({ length: 75 }, (_, i) => i + 1));
    // The newest 20, then the pages before them until one held a message already shown.
    const fetched = calls(requests, 'GET', '/api/v1/conversations/1/messages').slice(before);
    expect(fetched.map((r) => [r.query.get('limit'), r.query.get('before')])).to.deep.equal([
      ['20', null],
      ['50', 'c20'],
    ]);
    // Nothing older was lost: the start of the conversation is still there.
    await thread.getByText('This is the start of your conversation').waitFor();
    rt.close();
  });

  it('starts over from the newest messages when a burst is too big to bridge', async function () {
    const fake = fakeInbox({ conversations: [conversation(1)], messages: { 1: history(30) } });
    const rt = fakeRealtime();
    const { inbox, requests } = await openInbox(fake, { realtime: rt });
    await inbox.locator('wa-inbox-list button.conv').first().click();
    const thread = inbox.locator('wa-inbox-thread');
    await thread.getByText('Message number 30', { exact: true }).waitFor();
    await waitFor(() => rt.subscribed('inbox'), 5000, 'the inbox topic');
    const before = calls(requests, 'GET', '/api/v1/conversations/1/messages').length;

    const now = Date.now();
    for (let id = 31; id <= 630; id++) {
      fake.state.messages[1].push(message(id, now - (630 - id) * 100, { direction: 'in', text: `Flood ${id}` }));
    }
    rt.push('inbox', 'message.created', { conversationId: 1, messageId: 630 });
    await thread.getByText('Flood 630', { exact: true }).waitFor();
    // The cap: the newest page and ten more, then no more requests.
    await waitFor(
      () => calls(requests, 'GET', '/api/v1/conversations/1/messages').length - before >= 11,
      5000,
      'the catch-up pages',
    );
    await delay(300);
    const catchUp = calls(requests, 'GET', '/api/v1/conversations/1/messages')
      .slice(before)
      .filter((r) => r.query.get('limit') === '50');
    expect(catchUp).to.have.length(10);
    const shown = await thread.locator('li.msg').evaluateAll(ids);
    // One unbroken run ending at the newest (never the old 1..30 with a hole after them).
    expect(shown.at(-1)).to.equal(630);
    expect(shown.every((id, i) => i === 0 || id === shown[i - 1] + 1)).to.equal(true);
    expect(shown[0]).to.be.above(100);
    expect(await thread.getByText('This is the start of your conversation').count()).to.equal(0);
    rt.close();
  });

  it('sends no presence or viewing for a caller that is no user (an embed token), and offers no "Mine"', async function () {
    const fake = fakeInbox({ conversations: [conversation(1), conversation(2)], messages: { 1: history(3) } });
    fake.routes['GET /api/v1/auth/me'] = () => ({
      body: { user: null, principal: { kind: 'embed', label: 'system:demo-embed' }, memberships: [] },
    });
    const userNeeded = () => ({ status: 400, body: { error: { code: 'user_required', message: 'No user.' } } });
    fake.routes['PUT /api/v1/inbox/presence'] = userNeeded;
    fake.routes['POST /api/v1/conversations/:id/activity'] = userNeeded;
    const { inbox, requests, page } = await openInbox(fake);
    const list = inbox.locator('wa-inbox-list');
    await list.locator('button.conv').first().click();
    await inbox.locator('wa-inbox-thread').getByText('Message number 3').waitFor();
    await inbox.getByRole('textbox', { name: 'Reply' }).pressSequentially('Hi', { delay: 30 });
    await page.waitForTimeout(500);
    expect(calls(requests, 'PUT', '/api/v1/inbox/presence')).to.have.length(0);
    expect(calls(requests, 'POST', /\/activity$/)).to.have.length(0);
    expect(requests.filter((r) => r.path.startsWith('/api/') && r.path.includes('notifications'))).to.have.length(0);
    expect(await inbox.getByLabel('Your status').count()).to.equal(0);
    expect(await list.getByRole('button', { name: 'Mine' }).count()).to.equal(0);
    await list.getByRole('button', { name: 'Unassigned' }).waitFor();
  });
});
