import { expect } from 'chai';
import type { Locator } from 'playwright-core';
import { useBrowser, waitFor } from '../helpers/browser.ts';
import { ALEX, ME, calls, conversation, fakeInbox, fakeRealtime, notification, openInbox } from './fake-inbox.ts';

const text = async (l: Locator) => ((await l.textContent()) ?? '').replace(/\s+/g, ' ').trim();
const focused = (l: Locator) => l.evaluate((el) => (el.getRootNode() as ShadowRoot).activeElement === el);

describe('<wa-inbox> notifications bell', function () {
  useBrowser();

  it('shows the unread count, lists the newest notifications, and opens one (marking it read)', async function () {
    const fake = fakeInbox({
      conversations: [conversation(1), conversation(2), conversation(5)],
      notifications: [
        notification(1, 26 * 60, { conversationId: 1, readAt: new Date().toISOString() }),
        notification(2, 50, { kind: 'assigned', conversationId: 5, text: 'Conversation with Sofia Rossi' }),
        notification(3, 3, { conversationId: 2, text: '@Ada Agent the parcel is back, can you call?' }),
      ],
    });
    const { inbox, requests, page } = await openInbox(fake);
    const bell = inbox.locator('wa-inbox-notifications button.bell');
    const badge = inbox.locator('wa-inbox-notifications .badge');
    await badge.waitFor();
    expect(await text(badge)).to.equal('2');
    expect(await bell.getAttribute('aria-label')).to.equal('Notifications, 2 unread');
    expect(await bell.getAttribute('aria-expanded')).to.equal('false');

    // The panel: newest first, who and what, relative time, unread ones marked; focus on the first.
    await bell.click();
    const panel = inbox.getByRole('dialog', { name: 'Notifications' });
    await panel.waitFor();
    const items = panel.locator('button.item');
    await waitFor(async () => (await items.count()) === 3, 5000, 'three notifications');
    expect(await items.evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-id'))))).to.deep.equal([3, 2, 1]);
    const first = await text(items.nth(0));
    expect(first).to.contain('Unread: Alex Rivera mentioned you').and.contain('the parcel is back').and.contain('Tom Becker');
    expect(first).to.contain('3m ago');
    const second = await text(items.nth(1));
    expect(second).to.contain('Alex Rivera assigned a conversation to you').and.contain('Conversation with Sofia Rossi');
    expect(second).to.contain('50m ago');
    expect(await text(items.nth(2))).to.not.contain('Unread');
    expect(await items.evaluateAll((els) => els.map((e) => e.classList.contains('unread')))).to.deep.equal([true, true, false]);
    expect(await bell.getAttribute('aria-expanded')).to.equal('true');
    await waitFor(() => focused(items.nth(0)), 2000, 'focus on the first notification');

    // Keyboard: arrows move between notifications, Escape closes and gives focus back to the bell.
    await page.keyboard.press('ArrowDown');
    expect(await focused(items.nth(1))).to.equal(true);
    await page.keyboard.press('Escape');
    await panel.waitFor({ state: 'detached' });
    expect(await focused(bell)).to.equal(true);

    // Picking the assignment opens that conversation and marks it read, here and on the server.
    await bell.press('Enter');
    await items.nth(1).click();
    await panel.waitFor({ state: 'detached' });
    await inbox.locator('.thread-head').getByText('Sofia Rossi').waitFor();
    expect(await inbox.locator('wa-inbox-list button.conv[aria-current="true"]').getAttribute('data-id')).to.equal('5');
    await waitFor(() => calls(requests, 'POST', '/api/v1/notifications/read').length === 1, 5000, 'the read call');
    expect(calls(requests, 'POST', '/api/v1/notifications/read')[0].json).to.deep.equal({ ids: [2] });
    expect(await text(badge)).to.equal('1');
    expect(await bell.getAttribute('aria-label')).to.equal('Notifications, 1 unread');
    expect(fake.state.notifications.find((n) => n.id === 2)!.readAt).to.be.a('string');

    // Mark all read: every one read, no badge.
    await bell.click();
    await waitFor(async () => (await items.count()) === 3, 5000, 'the list again');
    expect(await items.evaluateAll((els) => els.map((e) => e.classList.contains('unread')))).to.deep.equal([true, false, false]);
    await panel.getByRole('button', { name: 'Mark all read' }).click();
    await waitFor(() => calls(requests, 'POST', '/api/v1/notifications/read').length === 2, 5000, 'the mark-all call');
    expect(calls(requests, 'POST', '/api/v1/notifications/read')[1].json).to.deep.equal({});
    expect(await badge.count()).to.equal(0);
    expect(await bell.getAttribute('aria-label')).to.equal('Notifications');
    expect(await panel.locator('button.item.unread').count()).to.equal(0);
    expect(await panel.getByRole('button', { name: 'Mark all read' }).isDisabled()).to.equal(true);
    expect(fake.state.notifications.every((n) => n.readAt)).to.equal(true);

    // A click outside closes the panel.
    await inbox.locator('.bar h2').click();
    await panel.waitFor({ state: 'detached' });
  });

  it('counts a realtime notification on the badge at once, keeps the toast, and lists it', async function () {
    const fake = fakeInbox({
      conversations: [conversation(1), conversation(2)],
      notifications: [notification(1, 10, { conversationId: 1 })],
    });
    const rt = fakeRealtime();
    const { inbox, page, requests } = await openInbox(fake, { realtime: rt });
    const lists = () => calls(requests, 'GET', '/api/v1/notifications').length;
    const badge = inbox.locator('wa-inbox-notifications .badge');
    await badge.waitFor();
    expect(await text(badge)).to.equal('1');
    await waitFor(() => rt.subscribed(`user:${ME.id}`), 5000, 'the user topic');

    fake.state.notifications.push(
      notification(2, 0, { kind: 'assigned', conversationId: 2, text: 'Conversation with Tom Becker', actor: ALEX }),
    );
    const before = lists();
    rt.push(`user:${ME.id}`, 'notification.created', { id: 2, kind: 'assigned', conversationId: 2 });
    await waitFor(async () => (await text(badge)) === '2', 2000, 'the badge to count it');
    // Counted from the event itself; the list is fetched again just after (once for a burst).
    expect(lists()).to.equal(before);
    await waitFor(() => lists() === before + 1, 2000, 'the list fetched again');
    await waitFor(
      () => page.evaluate(() => window.toasts.some((t) => t.message === 'A conversation was assigned to you.')),
      2000,
      'the toast',
    );

    await inbox.locator('wa-inbox-notifications button.bell').click();
    const items = inbox.getByRole('dialog', { name: 'Notifications' }).locator('button.item');
    await waitFor(async () => (await items.count()) === 2, 5000, 'the new notification in the list');
    expect(await text(items.first()))
      .to.contain('assigned a conversation to you')
      .and.contain('just now');
    // The list's own fetch agrees with the count (no double counting).
    expect(await text(badge)).to.equal('2');
    rt.close();
  });
});
