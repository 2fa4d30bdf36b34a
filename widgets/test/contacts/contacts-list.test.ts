import { expect } from 'chai';
import { delay, useBrowser, waitFor } from '../helpers/browser.ts';
import { calls, contact, fakeContacts, openContacts } from './fake-contacts.ts';

describe('<wa-contacts> list', function () {
  useBrowser();

  it('lists contacts with their columns and pages with nextCursor through "Load more"', async function () {
    const fake = fakeContacts();
    const { contacts, requests } = await openContacts(fake);
    const rows = contacts.locator('table.contacts tbody tr');
    await waitFor(async () => (await rows.count()) === 25, 5000, 'the first page');
    const first = (await rows.first().textContent())!.replace(/\s+/g, ' ');
    // Newest first: contact 60 (even → no email, tags newsletter/wholesale, opted out since 60 % 4 = 0).
    expect(first).to.contain('Lucas Martin').and.contain('+491511200060').and.contain('Opted out');
    const second = (await rows.nth(1).textContent())!.replace(/\s+/g, ' ');
    expect(second).to.contain('vip').and.contain('Opted in').and.contain('2 days ago');
    const list = calls(requests, 'GET', '/api/v1/contacts');
    expect(list[0].query.get('limit')).to.equal('25');
    expect(list[0].query.has('cursor')).to.equal(false);

    await contacts.getByRole('button', { name: 'Load more' }).click();
    await waitFor(async () => (await rows.count()) === 50, 5000, 'the second page');
    expect(calls(requests, 'GET', '/api/v1/contacts')[1].query.get('cursor')).to.equal('36');
    await contacts.getByRole('button', { name: 'Load more' }).click();
    await waitFor(async () => (await rows.count()) === 60, 5000, 'the last page');
    expect(await contacts.getByRole('button', { name: 'Load more' }).count()).to.equal(0);
  });

  it('searches after typing pauses (one request, not one per key) and says when nothing matches', async function () {
    const fake = fakeContacts();
    const { contacts, requests } = await openContacts(fake);
    await contacts.locator('table.contacts tbody tr').first().waitFor();
    const before = calls(requests, 'GET', '/api/v1/contacts').length;
    await contacts.getByRole('searchbox', { name: 'Search contacts' }).pressSequentially('aisha', { delay: 30 });
    await waitFor(() => calls(requests, 'GET', '/api/v1/contacts').length > before, 5000, 'the search');
    await delay(500);
    const searches = calls(requests, 'GET', '/api/v1/contacts').slice(before);
    expect(searches.map((r) => r.query.get('q'))).to.deep.equal(['aisha']);
    await waitFor(async () => (await contacts.locator('table.contacts tbody tr').count()) === 8, 5000, 'the matches');
    const names = await contacts.locator('table.contacts button.open').allTextContents();
    expect(new Set(names.map((n) => n.trim()))).to.deep.equal(new Set(['Aisha Khan']));

    await contacts.getByRole('searchbox', { name: 'Search contacts' }).fill('nobody at all');
    await contacts.getByText('No contact matches').waitFor();
    await contacts.getByRole('button', { name: 'Clear filters' }).first().click();
    await waitFor(async () => (await contacts.locator('table.contacts tbody tr').count()) === 25);
  });

  it('filters by consent chip, tag and saved segment, shows them as removable chips, and clears them', async function () {
    const fake = fakeContacts();
    const { contacts, requests } = await openContacts(fake);
    await contacts.locator('table.contacts tbody tr').first().waitFor();
    const optedOut = contacts.getByRole('button', { name: 'Opted out', exact: true });
    await optedOut.click();
    expect(await optedOut.getAttribute('aria-pressed')).to.equal('true');
    await waitFor(() => calls(requests, 'GET', '/api/v1/contacts').at(-1)!.query.get('consent') === 'opted_out');
    await waitFor(async () => (await contacts.locator('table.contacts tbody tr').count()) === 15, 5000, 'opted-out contacts');

    await contacts.getByLabel('Tag', { exact: true }).selectOption('newsletter');
    await waitFor(() => calls(requests, 'GET', '/api/v1/contacts').at(-1)!.query.get('tag') === 'newsletter');
    await contacts.getByLabel('Segment', { exact: true }).selectOption({ label: 'VIPs in Berlin' });
    await waitFor(() => calls(requests, 'GET', '/api/v1/contacts').at(-1)!.query.get('segment') === '1');
    const last = Object.fromEntries(calls(requests, 'GET', '/api/v1/contacts').at(-1)!.query);
    expect(last).to.include({ consent: 'opted_out', tag: 'newsletter', segment: '1' });
    await contacts.getByText('Segment: VIPs in Berlin').waitFor();

    await contacts.getByRole('button', { name: 'Remove filter Tag: newsletter' }).click();
    await waitFor(() => !calls(requests, 'GET', '/api/v1/contacts').at(-1)!.query.has('tag'));
    await contacts.getByRole('list', { name: 'Active filters' }).getByRole('button', { name: 'Clear filters' }).click();
    await waitFor(async () => (await contacts.locator('table.contacts tbody tr').count()) === 25);
    expect(Object.fromEntries(calls(requests, 'GET', '/api/v1/contacts').at(-1)!.query)).to.deep.equal({ limit: '25' });
  });

  it('shows the empty state with an import action when there are no contacts', async function () {
    const fake = fakeContacts({ contacts: [] });
    const { contacts } = await openContacts(fake);
    await contacts.getByText('No contacts yet').waitFor();
    await contacts.locator('wa-empty-state').getByRole('button', { name: 'Import CSV' }).click();
    await contacts.getByRole('heading', { name: 'Import contacts' }).waitFor();
  });

  it('shows an error with the request id and a retry when the list fails to load', async function () {
    let fail = true;
    const fake = fakeContacts();
    const list = fake.routes['GET /api/v1/contacts'];
    fake.routes['GET /api/v1/contacts'] = (req) =>
      fail
        ? { status: 500, body: { error: { code: 'internal_error', message: 'Database unavailable.' }, requestId: 'req-77' } }
        : list(req);
    const { contacts } = await openContacts(fake);
    await contacts.getByText("Couldn't load the contacts").waitFor();
    await contacts.getByText('Database unavailable.').waitFor();
    await contacts.getByText('req-77').waitFor();
    fail = false;
    await contacts.getByRole('button', { name: 'Try again' }).click();
    await contacts.locator('table.contacts tbody tr').first().waitFor();
  });

  it('never renders contact text as markup', async function () {
    const evil = '<img src=x onerror="window.pwned=1"><b>bold</b>';
    const fake = fakeContacts({
      contacts: [
        contact(1, { name: evil, email: '<script>window.pwned=2</script>', tags: ['<i>vip</i>'], attributes: { city: evil } }),
      ],
    });
    fake.state.notes[1] = [{ id: 1, body: evil, author: { id: 1, name: '<u>Ada</u>' }, createdAt: new Date().toISOString() }];
    fake.state.consent[1] = [
      {
        id: 1,
        seq: 1,
        contactId: 1,
        action: 'opt_in',
        source: 'form',
        proof: { note: evil, url: 'javascript:alert(1)' },
        actor: '<b>x</b>',
        occurredAt: new Date().toISOString(),
      },
    ];
    fake.state.conversations[1] = [
      { id: 5, channelId: 1, status: 'open', lastMessageAt: new Date().toISOString(), preview: evil, unreadCount: 0 },
    ];
    const { page, contacts } = await openContacts(fake);
    const open = contacts.locator('table.contacts button.open');
    await open.waitFor();
    expect((await open.textContent())!.trim()).to.equal(evil);
    expect(
      await contacts.locator('table.contacts img, table.contacts b, table.contacts i, table.contacts script').count(),
    ).to.equal(0);
    await open.click();
    await contacts.locator('wa-contacts-detail .note-body').waitFor();
    await contacts.locator('wa-contacts-detail .timeline .proof').waitFor();
    await contacts.locator('wa-contacts-detail button.conv').waitFor();
    expect(await contacts.locator('wa-contacts-detail').locator('img, b, i, u, script').count()).to.equal(0);
    expect(await contacts.locator('wa-contacts-detail h3.name').textContent()).to.equal(evil);
    expect(await contacts.locator('wa-contacts-detail #attr-city').inputValue()).to.equal(evil);
    expect(await page.evaluate(() => (window as unknown as { pwned?: number }).pwned)).to.equal(undefined);
  });
});
