import { expect } from 'chai';
import type { Locator } from 'playwright-core';
import { useBrowser, waitFor } from '../helpers/browser.ts';
import { calls, conversation, fakeInbox, history, openInbox } from './fake-inbox.ts';

const selectedName = (inbox: Locator) => inbox.locator('wa-inbox-list button.conv[aria-current="true"] .name').textContent();

describe('<wa-inbox> keyboard, layout and presence', function () {
  useBrowser();

  it('moves with j/k, focuses the reply with r, resolves with e, opens canned responses with /, and lists the shortcuts on ?', async function () {
    const fake = fakeInbox({
      conversations: Array.from({ length: 4 }, (_, i) => conversation(i + 1)),
      messages: { 1: history(2), 2: history(2, 10), 3: history(2, 20), 4: history(2, 30) },
    });
    const { page, inbox, requests } = await openInbox(fake);
    await inbox.locator('wa-inbox-list button.conv').first().waitFor();
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    await page.keyboard.press('j');
    await waitFor(async () => (await selectedName(inbox)) === 'Maria Garcia');
    await page.keyboard.press('j');
    await waitFor(async () => (await selectedName(inbox)) === 'Tom Becker');
    await inbox.locator('wa-inbox-thread').getByText('Message number 11').waitFor();
    await page.keyboard.press('k');
    await waitFor(async () => (await selectedName(inbox)) === 'Maria Garcia');
    await inbox.locator('wa-inbox-thread').getByText('Message number 2').waitFor();

    await page.keyboard.press('r');
    const reply = inbox.getByRole('textbox', { name: 'Reply' });
    await waitFor(() => reply.evaluate((el) => (el.getRootNode() as ShadowRoot).activeElement === el));
    // Letters typed in the reply box are text, not shortcuts.
    await page.keyboard.type('jake');
    expect(await reply.inputValue()).to.equal('jake');
    expect(await selectedName(inbox)).to.equal('Maria Garcia');
    await reply.fill('');

    // Focus back on a row of the list: e resolves the open conversation.
    await inbox.locator('wa-inbox-list button.conv').first().focus();
    await page.keyboard.press('e');
    await waitFor(() => calls(requests, 'PATCH', '/api/v1/conversations/1').length === 1);
    expect(calls(requests, 'PATCH', '/api/v1/conversations/1')[0].json).to.deep.equal({ status: 'resolved' });
    await waitFor(async () =>
      (await page.evaluate(() => window.toasts.map((t) => t.message))).includes('Conversation with Maria Garcia resolved.'),
    );
    await inbox.locator('wa-inbox-details').getByText('Resolved', { exact: true }).waitFor();

    await inbox.locator('wa-inbox-list button.conv').first().focus();
    await page.keyboard.press('/');
    await inbox.locator('wa-inbox-composer').getByRole('option', { name: /hello/ }).waitFor();
    expect(await reply.inputValue()).to.equal('/');
    await page.keyboard.press('Escape');
    expect(await inbox.locator('wa-inbox-composer').getByRole('option').count()).to.equal(0);

    await inbox.locator('wa-inbox-list button.conv').first().focus();
    await page.keyboard.press('?');
    const help = inbox.getByRole('dialog', { name: 'Keyboard shortcuts' });
    await help.waitFor();
    expect(await help.textContent())
      .to.match(/j\s*Next conversation/)
      .and.match(/e\s*Resolve/);
    await page.keyboard.press('Escape');
    await help.waitFor({ state: 'detached' });
  });

  it('shows one pane at a time in a 375 px host, with back navigation', async function () {
    const fake = fakeInbox({ messages: { 1: history(5) } });
    const { page, inbox } = await openInbox(fake, { width: 375 });
    await waitFor(() => inbox.evaluate((el) => el.getAttribute('layout') === 'narrow'));
    const list = inbox.locator('wa-inbox-list');
    const thread = inbox.locator('section.thread');
    await list.locator('button.conv').first().waitFor();
    expect(await thread.isVisible()).to.equal(false);
    expect(await inbox.locator('aside.details').count()).to.equal(0);

    await list.locator('button.conv').first().click();
    await inbox.locator('wa-inbox-thread').getByText('Message number 5').waitFor();
    expect(await list.isVisible()).to.equal(false);
    expect(await thread.isVisible()).to.equal(true);
    // The whole thread fits the host: nothing sticks out sideways.
    const box = (await inbox.boundingBox())!;
    const composer = (await inbox.locator('wa-inbox-composer').boundingBox())!;
    expect(composer.x + composer.width).to.be.at.most(box.x + box.width + 0.5);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).to.be.at.most(await page.evaluate(() => innerWidth));

    await inbox.getByRole('button', { name: 'Contact details' }).click();
    await inbox.locator('aside.details').getByText('24-hour window').waitFor();
    expect(await thread.isVisible()).to.equal(false);
    await inbox.getByRole('button', { name: 'Back to the conversation' }).click();
    await thread.waitFor();
    await inbox.getByRole('button', { name: 'Back to conversations' }).click();
    await list.waitFor();
    expect(await thread.isVisible()).to.equal(false);
    // Focus returns to the conversation the user came from.
    expect(await list.evaluate((el) => el.shadowRoot!.activeElement?.textContent)).to.contain('Maria Garcia');

    // Growing the host brings the panes back: two at 800 px (details on demand), three at 1200 px.
    await inbox.evaluate((el) => (el.style.width = '800px'));
    await waitFor(() => inbox.evaluate((el) => el.getAttribute('layout') === 'medium'));
    expect(await list.isVisible()).to.equal(true);
    expect(await thread.isVisible()).to.equal(true);
    expect(await inbox.locator('aside.details').count()).to.equal(0);
    await inbox.getByRole('button', { name: 'Contact details' }).click();
    await inbox.locator('aside.details').waitFor();
    await page.keyboard.press('Escape');
    await inbox.locator('aside.details').waitFor({ state: 'detached' });
    await inbox.evaluate((el) => (el.style.width = '1200px'));
    await waitFor(() => inbox.evaluate((el) => el.getAttribute('layout') === 'wide'));
    await inbox.locator('aside.details').waitFor();
  });

  it('keeps presence: online on arrival and every 30 s, the switch sets away', async function () {
    const fake = fakeInbox({ messages: { 1: history(2) } });
    const { page, inbox, requests } = await openInbox(fake);
    await page.clock.install();
    await waitFor(() => calls(requests, 'PUT', '/api/v1/inbox/presence').length >= 1);
    expect(calls(requests, 'PUT', '/api/v1/inbox/presence')[0].json).to.deep.equal({ status: 'online' });
    await inbox.getByLabel('Your status').selectOption('away');
    await waitFor(() =>
      calls(requests, 'PUT', '/api/v1/inbox/presence').some((r) => (r.json as { status: string }).status === 'away'),
    );
    expect(await inbox.locator('.bar .dot.away').count()).to.equal(1);
  });

  it('heartbeats presence and the viewing ping on their intervals', async function () {
    const fake = fakeInbox({ messages: { 1: history(2) } });
    const opened = await openInbox(fake, { attrs: 'hidden' });
    const { page, requests } = opened;
    await page.clock.install();
    await page.evaluate(() => {
      const el = document.querySelector('wa-inbox')!;
      el.remove();
      el.removeAttribute('hidden');
      document.getElementById('root')!.append(el);
    });
    const inbox = page.locator('wa-inbox');
    await inbox.locator('wa-inbox-list button.conv').first().click();
    await inbox.locator('wa-inbox-thread li.msg').last().waitFor();
    const pings = () => calls(requests, 'PUT', '/api/v1/inbox/presence').length;
    const viewing = () =>
      calls(requests, 'POST', '/api/v1/conversations/1/activity').filter((r) => (r.json as { kind: string }).kind === 'viewing')
        .length;
    const p0 = pings();
    const v0 = viewing();
    await page.clock.runFor(30_500);
    await waitFor(() => pings() >= p0 + 1 && viewing() >= v0 + 3, 5000, 'the heartbeats');
  });
});
