import { expect } from 'chai';
import { useBrowser, waitFor } from '../helpers/browser.ts';
import { ALEX, calls, conversation, fakeInbox, fakeRealtime, openInbox } from './fake-inbox.ts';

describe('<wa-inbox> conversation list', function () {
  useBrowser();

  it('renders the list from the API and pages with nextCursor as the list scrolls', async function () {
    const fake = fakeInbox();
    const { inbox, requests } = await openInbox(fake);
    const rows = inbox.locator('wa-inbox-list button.conv');
    await waitFor(async () => (await rows.count()) === 25, 5000, 'the first page');
    const first = (await rows.first().textContent())!.replace(/\s+/g, ' ');
    expect(first).to.contain('Maria Garcia').and.contain('Is my order #1042 on its way?');
    expect(first).to.contain('1 unread').and.contain('Assigned to Ada Agent').and.contain('VIP');
    const second = (await rows.nth(1).textContent())!.replace(/\s+/g, ' ');
    expect(second).to.contain('Urgent').and.contain('min left'); // the window closes in 40 minutes
    const third = (await rows.nth(2).textContent())!.replace(/\s+/g, ' ');
    expect(third).to.contain('Window closed').and.contain('Returns').and.contain('Wholesale');
    const list = calls(requests, 'GET', '/api/v1/conversations');
    expect(list[0].query.get('status')).to.equal('open');
    expect(list[0].query.get('limit')).to.equal('25');
    expect(list[0].query.has('cursor')).to.equal(false);

    await inbox.locator('wa-inbox-list .scroller').evaluate((el) => (el.scrollTop = el.scrollHeight));
    await waitFor(async () => (await rows.count()) === 50, 5000, 'the second page');
    expect(calls(requests, 'GET', '/api/v1/conversations')[1].query.get('cursor')).to.equal('c25');
    await inbox.locator('wa-inbox-list .scroller').evaluate((el) => (el.scrollTop = el.scrollHeight));
    await waitFor(async () => (await rows.count()) === 60, 5000, 'the last page');
    await inbox.locator('wa-inbox-list .scroller').evaluate((el) => (el.scrollTop = el.scrollHeight));
    await new Promise((r) => setTimeout(r, 300));
    expect(calls(requests, 'GET', '/api/v1/conversations')).to.have.length(3);
  });

  it('filters by status, assignee, unread and window, and shows the empty state', async function () {
    const fake = fakeInbox({ conversations: [] });
    const { inbox, requests } = await openInbox(fake);
    await inbox.getByText('No conversations yet').waitFor();
    await inbox.getByText('Messages your customers send to your WhatsApp number appear here.').waitFor();
    fake.state.conversations = [conversation(1), conversation(2, { status: 'pending' })];
    await inbox.getByRole('button', { name: 'Pending' }).click();
    await inbox.locator('wa-inbox-list button.conv').first().waitFor();
    expect(await inbox.locator('wa-inbox-list button.conv').count()).to.equal(1);
    await inbox.getByRole('button', { name: 'Mine' }).click();
    await inbox.getByText('No conversation matches these filters.').waitFor();
    await inbox.getByRole('button', { name: 'Unread' }).click();
    await inbox.locator('wa-inbox-list summary').click();
    await inbox.locator('wa-inbox-list').getByLabel('24-hour window').selectOption('closed');
    await waitFor(() => calls(requests, 'GET', '/api/v1/conversations').some((r) => r.query.get('window') === 'closed'));
    const last = calls(requests, 'GET', '/api/v1/conversations').at(-1)!;
    expect(Object.fromEntries(last.query)).to.include({ status: 'pending', assignee: 'me', unread: 'true', window: 'closed' });
    await inbox.getByRole('button', { name: 'Clear filters' }).click();
    await inbox.locator('wa-inbox-list button.conv').first().waitFor();
    expect(Object.fromEntries(calls(requests, 'GET', '/api/v1/conversations').at(-1)!.query)).to.deep.equal({
      status: 'open',
      limit: '25',
    });
  });

  it('shows an error with a retry when the list fails to load', async function () {
    let fail = true;
    const fake = fakeInbox();
    const list = fake.routes['GET /api/v1/conversations'];
    fake.routes['GET /api/v1/conversations'] = (req) =>
      fail
        ? { status: 500, body: { error: { code: 'internal_error', message: 'Database unavailable.' }, requestId: 'req-9' } }
        : list(req);
    const { inbox } = await openInbox(fake);
    await inbox.getByText("Couldn't load the conversations").waitFor();
    await inbox.getByText('Database unavailable.').waitFor();
    await inbox.getByText('req-9').waitFor();
    fail = false;
    await inbox.getByRole('button', { name: 'Try again' }).click();
    await inbox.locator('wa-inbox-list button.conv').first().waitFor();
  });

  it('keeps the list live: an update moves the conversation to the top, a 404 drops it', async function () {
    const fake = fakeInbox({ conversations: Array.from({ length: 5 }, (_, i) => conversation(i + 1)) });
    const rt = fakeRealtime();
    const { inbox } = await openInbox(fake, { realtime: rt });
    const names = () => inbox.locator('wa-inbox-list .name').allTextContents();
    await waitFor(async () => (await names()).length === 5);
    await waitFor(() => rt.subscribed('inbox'), 5000, 'the inbox topic');
    const c5 = fake.state.conversations[4];
    c5.lastMessageAt = new Date().toISOString();
    c5.preview = 'Just arrived!';
    c5.unreadCount = 1;
    rt.push('inbox', 'message.created', { conversationId: 5, messageId: 99 });
    await waitFor(async () => (await names())[0] === c5.customer.name, 5000, 'conversation 5 on top');
    expect(await inbox.locator('wa-inbox-list button.conv').first().textContent()).to.contain('Just arrived!');

    fake.state.conversations = fake.state.conversations.filter((c) => c.id !== 2);
    rt.push('inbox', 'conversation.updated', { conversationId: 2 });
    await waitFor(async () => !(await names()).includes('Tom Becker'), 5000, 'conversation 2 gone');

    // Assigned away while the list shows "Mine": it leaves the list.
    await inbox.getByRole('button', { name: 'Mine' }).click();
    await waitFor(async () => (await names()).includes('Maria Garcia'));
    fake.state.conversations[0].assignee = ALEX;
    rt.push('inbox', 'conversation.updated', { conversationId: 1 });
    await waitFor(async () => !(await names()).includes('Maria Garcia'), 5000, 'conversation 1 gone from Mine');
    rt.close();
  });
});
