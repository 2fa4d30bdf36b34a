import { expect } from 'chai';
import { useBrowser, waitFor } from '../helpers/browser.ts';
import { calls, contact, fakeContacts, openContacts } from './fake-contacts.ts';

describe('<wa-contacts> contact detail', function () {
  useBrowser();

  it('edits the profile and attributes per type, sending only what changed, and adds and removes tags', async function () {
    const fake = fakeContacts({ contacts: [1, 2, 3, 4, 5].map((id) => contact(id)) });
    const { page, contacts, requests } = await openContacts(fake, { attrs: 'contact-id="1"' });
    const detail = contacts.locator('wa-contacts-detail');
    await detail.getByRole('heading', { name: 'Maria Garcia' }).waitFor();
    expect(await detail.getByLabel('City').inputValue()).to.equal('Berlin');
    expect(await detail.getByLabel('Orders').inputValue()).to.equal('2');
    expect(await detail.getByLabel('Orders').getAttribute('type')).to.equal('number');
    expect(await detail.getByLabel('Birthday').getAttribute('type')).to.equal('date');
    expect(await detail.getByLabel('Tier').locator('option').allTextContents()).to.deep.equal(['—', 'bronze', 'silver', 'gold']);

    await detail.getByLabel('Orders').fill('5');
    await detail.getByLabel('Birthday').fill('1990-04-01');
    await detail.getByLabel('Wholesale customer').selectOption('true');
    await detail.getByLabel('Tier').selectOption('gold');
    await detail.getByLabel('City').fill('');
    await detail.getByRole('button', { name: 'Save changes' }).click();
    await waitFor(() => calls(requests, 'PATCH', '/api/v1/contacts/1').length === 1);
    expect(calls(requests, 'PATCH', '/api/v1/contacts/1')[0].json).to.deep.equal({
      attributes: { city: null, orders: 5, birthday: '1990-04-01', wholesale: true, tier: 'gold' },
    });
    await waitFor(() => page.evaluate(() => window.toasts.some((t) => t.message === 'Contact saved.')));
    expect(fake.state.contacts[0].attributes).to.deep.equal({ orders: 5, birthday: '1990-04-01', wholesale: true, tier: 'gold' });

    await detail.getByLabel('Name').fill('Maria García López');
    await detail.getByRole('button', { name: 'Save changes' }).click();
    await detail.getByRole('heading', { name: 'Maria García López' }).waitFor();
    expect(calls(requests, 'PATCH', '/api/v1/contacts/1')[1].json).to.deep.equal({ name: 'Maria García López' });

    // Tags: add two at once, remove one.
    await detail.getByLabel('Add a tag').fill('returns, spring-fair');
    await detail.getByRole('button', { name: 'Add tag' }).click();
    await detail.getByRole('button', { name: 'Remove tag spring-fair' }).waitFor();
    expect(calls(requests, 'POST', '/api/v1/contacts/1/tags')[0].json).to.deep.equal({ tags: ['returns', 'spring-fair'] });
    await detail.getByRole('button', { name: 'Remove tag vip' }).click();
    await waitFor(async () => (await detail.getByRole('button', { name: 'Remove tag vip' }).count()) === 0);
    expect(calls(requests, 'DELETE', '/api/v1/contacts/1/tags/vip')).to.have.length(1);

    // Back to the list: the row shows the new name and tags, and focus returns to it.
    await detail.getByRole('button', { name: '← Back to contacts' }).click();
    const row = contacts.locator('table.contacts tbody tr', { hasText: 'Maria García López' });
    await row.waitFor();
    expect((await row.textContent())!.replace(/\s+/g, ' '))
      .to.contain('returns')
      .and.contain('spring-fair')
      .and.not.contain('vip');
  });

  it('shows the consent timeline and records an opt-out after confirming, with a note as proof', async function () {
    const fake = fakeContacts();
    const { page, contacts, requests } = await openContacts(fake);
    await contacts.locator('table.contacts button.open', { hasText: 'Maria Garcia' }).first().waitFor();
    // Contact 1 is on the last page; open it directly from a search.
    await contacts.getByRole('searchbox', { name: 'Search contacts' }).fill('+491511200001');
    await waitFor(async () => (await contacts.locator('table.contacts tbody tr').count()) === 1);
    await contacts.locator('table.contacts button.open').click();
    const detail = contacts.locator('wa-contacts-detail');
    const timeline = detail.getByRole('list', { name: 'Consent history' });
    await timeline.waitFor();
    const entries = (await timeline.locator('li').allTextContents()).map((t) => t.replace(/\s+/g, ' ').trim());
    expect(entries[0])
      .to.contain('Opted in')
      .and.contain('Keyword message')
      .and.contain('Message “START”')
      .and.contain('The customer');
    expect(entries[1])
      .to.contain('Opted out')
      .and.contain('Import')
      .and.contain('File fair.csv, row 12')
      .and.contain('Teammate #7');

    await detail.getByRole('button', { name: 'Record opt-out' }).click();
    const dialog = detail.getByRole('dialog', { name: 'Record an opt-out?' });
    await dialog.waitFor();
    await dialog.getByLabel('Note (optional, kept as proof)').fill('Asked on the phone to stop offers.');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'hidden' });
    expect(calls(requests, 'POST', '/api/v1/contacts/1/consent')).to.have.length(0);

    await detail.getByRole('button', { name: 'Record opt-out' }).click();
    await dialog.getByRole('button', { name: 'Record opt-out' }).click();
    await dialog.waitFor({ state: 'hidden' });
    expect(calls(requests, 'POST', '/api/v1/contacts/1/consent')[0].json).to.deep.equal({
      action: 'opt_out',
      source: 'agent',
      proof: { note: 'Asked on the phone to stop offers.' },
    });
    await waitFor(async () => (await timeline.locator('li').count()) === 3, 5000, 'the new entry');
    expect((await timeline.locator('li').first().textContent())!.replace(/\s+/g, ' '))
      .to.contain('Opted out')
      .and.contain('Asked on the phone to stop offers.');
    await detail.locator('header .badge', { hasText: 'Opted out' }).waitFor();
    await waitFor(() => page.evaluate(() => window.toasts.some((t) => t.message === 'Opt-out recorded.')));
  });

  it('lists notes and adds one, and opens a conversation in the inbox through wa-open-conversation', async function () {
    const fake = fakeContacts();
    const { page, contacts, requests } = await openContacts(fake, { attrs: 'contact-id="1"' });
    const detail = contacts.locator('wa-contacts-detail');
    await detail.getByText('Prefers calls after 5pm.').waitFor();
    await detail.getByLabel('New note').fill('Sent the spring catalogue.');
    await detail.getByRole('button', { name: 'Add note' }).click();
    await detail.getByText('Sent the spring catalogue.', { exact: true }).waitFor();
    expect(calls(requests, 'POST', '/api/v1/contacts/1/notes')[0].json).to.deep.equal({ body: 'Sent the spring catalogue.' });

    const conv = detail.getByRole('button', { name: /Is my order on its way\?/ });
    await conv.waitFor();
    expect((await conv.textContent())!.replace(/\s+/g, ' '))
      .to.contain('open')
      .and.contain('1 unread');
    await conv.focus();
    await page.keyboard.press('Enter');
    await waitFor(() => page.evaluate(() => window.openedConversations.length === 1));
    expect(await page.evaluate(() => window.openedConversations)).to.deep.equal([{ conversationId: 41 }]);
  });

  it('shows an error with a retry when the contact cannot be loaded', async function () {
    let fail = true;
    const fake = fakeContacts();
    const get = fake.routes['GET /api/v1/contacts/:id'];
    fake.routes['GET /api/v1/contacts/:id'] = (req) =>
      fail ? { status: 503, body: { error: { code: 'unavailable', message: 'Try again in a moment.' } } } : get(req);
    const { contacts } = await openContacts(fake, { attrs: 'contact-id="2"' });
    const detail = contacts.locator('wa-contacts-detail');
    await detail.getByText("Couldn't load this contact").waitFor();
    fail = false;
    await detail.getByRole('button', { name: 'Try again' }).click();
    await detail.getByRole('heading', { name: 'Tom Becker' }).waitFor();
  });
});
