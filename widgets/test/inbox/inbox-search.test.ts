import { expect } from 'chai';
import { delay, useBrowser, waitFor } from '../helpers/browser.ts';
import { calls, conversation, fakeInbox, history, message, openInbox } from './fake-inbox.ts';

/** Five conversations; "refund" said in three of them (once as markup), once too far back to be loaded. */
function searchable() {
  const now = Date.now();
  const c1 = history(80);
  c1[59] = { ...c1[59], text: 'Where is my refund for order #1042?' };
  c1[4] = { ...c1[4], text: 'An old refund question' };
  return fakeInbox({
    conversations: Array.from({ length: 5 }, (_, i) => conversation(i + 1)),
    messages: {
      1: c1,
      2: [
        message(201, now - 30 * 60_000, { direction: 'in', text: 'Hello' }),
        message(202, now - 20 * 60_000, { direction: 'in', text: 'The REFUND arrived, thank you so much for sorting it out' }),
      ],
      3: [message(301, now - 10 * 60_000, { direction: 'in', text: '<img src=x onerror="window.pwned=1">refund <b>now</b>' })],
      4: history(3, 400),
    },
  });
}

describe('<wa-inbox> message search', function () {
  useBrowser();

  it('searches once typing pauses, highlights the match, opens the conversation at the message, and Escape returns to the list', async function () {
    const fake = searchable();
    const { page, inbox, requests } = await openInbox(fake);
    const list = inbox.locator('wa-inbox-list');
    await list.locator('button.conv').first().waitFor();

    // A labelled field in a search landmark.
    const region = list.getByRole('search');
    const box = region.getByRole('searchbox', { name: 'Search messages' });
    await box.pressSequentially('refun', { delay: 60 });
    const hits = list.locator('button.hit');
    await waitFor(async () => (await hits.count()) === 4, 5000, 'four results');
    // Debounced: one request for the whole word, none for its first letters.
    const asked = calls(requests, 'GET', '/api/v1/messages/search');
    expect(asked.map((r) => r.query.get('q'))).to.deep.equal(['refun']);
    expect(Number(asked[0].query.get('limit'))).to.be.within(1, 50);
    // The results take the list's place, newest first, with the filters out of the way.
    expect(await list.getByRole('button', { name: 'Pending' }).count()).to.equal(0);
    expect(await list.getByRole('list', { name: 'Messages found' }).count()).to.equal(1);
    await list.getByRole('status').getByText('4 messages, newest first').waitFor();
    const names = await hits.locator('.name').allTextContents();
    expect(names).to.deep.equal(['Aisha Khan', 'Tom Becker', 'Maria Garcia', 'Maria Garcia']);
    expect(await hits.locator('mark').allTextContents()).to.deep.equal(['refun', 'REFUN', 'refun', 'refun']);
    expect((await hits.nth(1).locator('.snippet').textContent())!.replace(/\s+/g, ' ')).to.contain(
      'The REFUND arrived, thank you',
    );
    expect(await hits.nth(1).locator('time').getAttribute('datetime')).to.equal(fake.state.messages[2][1].occurredAt);
    // What customers wrote stays text.
    expect(await hits.nth(0).locator('.snippet').textContent()).to.contain('<img src=x onerror="window.pwned=1">');
    expect(await list.locator('button.hit img, button.hit b').count()).to.equal(0);
    expect(await page.evaluate(() => (window as unknown as { pwned?: number }).pwned)).to.equal(undefined);

    // Keyboard: down from the field into the results, Enter opens one.
    await box.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    const thread = inbox.locator('wa-inbox-thread');
    await inbox.locator('.thread-head .title').getByText('Maria Garcia').waitFor();
    // The message is in the newest page: scrolled to and outlined.
    const hit = thread.locator('li.msg[data-id="60"]');
    await thread.locator('li.msg.flash[data-id="60"]').waitFor();
    const [inView, scroller] = [await hit.boundingBox(), await thread.locator('.scroller').boundingBox()];
    expect(inView!.y).to.be.within(scroller!.y, scroller!.y + scroller!.height - inView!.height);
    expect(await hits.nth(2).getAttribute('aria-current')).to.equal('true');
    // The results stay for the next pick; one too far back says so.
    await hits.nth(3).click();
    await waitFor(async () =>
      (await page.evaluate(() => window.toasts.map((t) => t.message))).some((m) => m.includes('further back')),
    );
    await hits.nth(1).click();
    await inbox.locator('.thread-head .title').getByText('Tom Becker').waitFor();
    await thread.locator('li.msg.flash[data-id="202"]').waitFor();

    // Escape from a result: back to the list, the field empty and focused.
    await hits.nth(1).focus();
    await page.keyboard.press('Escape');
    await list.locator('button.conv:not(.hit)').first().waitFor();
    expect(await list.locator('button.hit').count()).to.equal(0);
    expect(await box.inputValue()).to.equal('');
    expect(await box.evaluate((el) => (el.getRootNode() as ShadowRoot).activeElement === el)).to.equal(true);
    await list.getByRole('button', { name: 'Pending' }).waitFor();
    // The conversation stays open.
    await inbox.locator('.thread-head .title').getByText('Tom Becker').waitFor();
  });

  it('does not ask the server about a query shorter than two characters', async function () {
    const fake = searchable();
    const { inbox, requests } = await openInbox(fake);
    const list = inbox.locator('wa-inbox-list');
    await list.locator('button.conv').first().waitFor();
    const box = list.getByRole('searchbox', { name: 'Search messages' });
    await box.fill('r');
    await list.getByText('Type at least 2 characters to search messages.').waitFor();
    await box.fill(' r ');
    await delay(700);
    expect(calls(requests, 'GET', '/api/v1/messages/search')).to.have.length(0);
    // Escape in the field ends it too.
    await box.press('Escape');
    await list.locator('button.conv').first().waitFor();
    expect(await box.inputValue()).to.equal('');
    expect(calls(requests, 'GET', '/api/v1/messages/search')).to.have.length(0);
  });

  it('shows the empty state, the error with a retry, and clears with the button', async function () {
    const fake = searchable();
    let fail = true;
    const search = fake.routes['GET /api/v1/messages/search'];
    fake.routes['GET /api/v1/messages/search'] = async (req) => {
      if (req.query.get('q') === 'slow') await delay(800);
      if (req.query.get('q') === 'refund' && fail) {
        return { status: 500, body: { error: { code: 'internal_error', message: 'Search is down.' }, requestId: 'req-7' } };
      }
      return search(req);
    };
    const { inbox, requests } = await openInbox(fake);
    const list = inbox.locator('wa-inbox-list');
    await list.locator('button.conv').first().waitFor();
    const box = list.getByRole('searchbox', { name: 'Search messages' });

    await box.fill('parcel');
    await list.getByText('No messages match “parcel”').first().waitFor();

    // A loading indicator while the answer is on its way.
    await box.fill('slow');
    await list.getByRole('status').getByText('Searching…').waitFor();
    await list.getByText('No messages match “slow”').first().waitFor();

    await box.fill('refund');
    await list.getByText("Couldn't search the messages").waitFor();
    await list.getByText('Search is down.').waitFor();
    fail = false;
    await list.getByRole('button', { name: 'Try again' }).click();
    await waitFor(async () => (await list.locator('button.hit').count()) === 4, 5000, 'results after the retry');
    expect(calls(requests, 'GET', '/api/v1/messages/search').filter((r) => r.query.get('q') === 'refund')).to.have.length(2);

    await list.getByRole('button', { name: 'Clear search' }).click();
    await list.locator('button.conv').first().waitFor();
    expect(await list.locator('button.hit').count()).to.equal(0);
    expect(await box.inputValue()).to.equal('');
  });
});
