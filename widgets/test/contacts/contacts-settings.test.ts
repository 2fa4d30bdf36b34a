// The settings behind <wa-contacts> and merging duplicates: custom fields (attribute definitions),
// merging a contact into another from its detail, and the STOP/START consent keywords.
import { expect } from 'chai';
import fs from 'node:fs';
import path from 'node:path';
import { useBrowser, waitFor } from '../helpers/browser.ts';
import { duplicateOption, parseOptions, suggestKey } from '../../src/contacts/contacts.types.ts';
import { calls, contact, fakeContacts, openContacts } from './fake-contacts.ts';

const SHOTS = path.resolve('test-results/screenshots');
const flat = (s: string | null) => (s ?? '').replace(/\s+/g, ' ').trim();

/** Five contacts and a duplicate of Maria Garcia (id 6) with its own tag, note and conversation. */
function withDuplicate() {
  const fake = fakeContacts({
    contacts: [
      ...[1, 2, 3, 4, 5].map((id) => contact(id)),
      contact(6, { name: 'María García', phone: '+4915199999999', email: 'mg@example.org', tags: ['spring-fair'] }),
    ],
  });
  fake.state.notes[6] = [{ id: 60, body: 'Met at the spring fair.', author: null, createdAt: new Date().toISOString() }];
  fake.state.conversations[6] = [
    {
      id: 77,
      channelId: 1,
      status: 'resolved',
      lastMessageAt: new Date().toISOString(),
      preview: 'Do you ship to Madrid?',
      unreadCount: 0,
    },
  ];
  return fake;
}

describe('<wa-contacts> settings and merging', function () {
  useBrowser();

  describe('helpers', function () {
    it('suggests lower_snake_case keys from labels and reads options one per line or comma-separated', function () {
      expect(suggestKey('Shoe size (EU)')).to.equal('shoe_size_eu');
      expect(suggestKey('Größe der Bestellung')).to.equal('grosse_der_bestellung');
      expect(suggestKey('2nd phone')).to.equal('field_2nd_phone');
      expect(suggestKey(' !! ')).to.equal('');
      expect(suggestKey('x'.repeat(80))).to.have.length(64);
      expect(parseOptions('bronze, silver ,gold,')).to.deep.equal(['bronze', 'silver', 'gold']);
      expect(parseOptions('Small, cheap\nLarge\n\n')).to.deep.equal(['Small, cheap', 'Large']);
      expect(duplicateOption(['Gold', 'silver', 'gold'])).to.equal('gold');
      expect(duplicateOption(['a', 'b'])).to.equal(null);
    });
  });

  it('lists the fields and creates one with a key suggested from its label, showing refusals inline', async function () {
    const fake = fakeContacts();
    const { page, contacts, requests } = await openContacts(fake);
    await contacts.getByRole('button', { name: 'Fields' }).click();
    const view = contacts.locator('wa-contacts-fields');
    await view.getByRole('heading', { name: 'Custom fields', level: 3 }).waitFor();
    const rows = view.locator('table.fields tbody tr');
    await waitFor(async () => (await rows.count()) === 5);
    expect(flat(await rows.nth(4).textContent()))
      .to.contain('Tier')
      .and.contain('tier')
      .and.contain('List')
      .and.contain('bronze');

    // The key follows the label until it is typed in.
    await view.getByLabel('Label').fill('Shoe size (EU)');
    expect(await view.getByLabel('Key').inputValue()).to.equal('shoe_size_eu');
    await view.getByLabel('Type').selectOption('list');
    // A list without options is refused before asking the server.
    await view.getByRole('button', { name: 'Create field' }).click();
    await view.getByRole('alert').getByText('A list field needs at least one option.').waitFor();
    await view.getByLabel('Options').fill('38, 39, 40, 39');
    await view.getByRole('button', { name: 'Create field' }).click();
    await view.getByRole('alert').getByText('“39” is listed twice').waitFor();
    expect(calls(requests, 'POST', '/api/v1/contact-attributes')).to.have.length(0);
    await view.getByLabel('Options').fill('38\n39\n40');
    await view.getByRole('button', { name: 'Create field' }).click();
    await waitFor(async () => (await rows.count()) === 6);
    expect(calls(requests, 'POST', '/api/v1/contact-attributes')[0].json).to.deep.equal({
      key: 'shoe_size_eu',
      label: 'Shoe size (EU)',
      type: 'list',
      options: ['38', '39', '40'],
    });
    expect(await view.getByLabel('Label').inputValue(), 'the form is emptied').to.equal('');
    await waitFor(() => page.evaluate(() => window.toasts.some((t) => t.message === 'Field “Shoe size (EU)” created.')));

    // A key typed by hand stays when the label changes; a taken key is the server's 409, shown inline.
    await view.getByLabel('Key').fill('city');
    await view.getByLabel('Label').fill('Home town');
    expect(await view.getByLabel('Key').inputValue()).to.equal('city');
    await view.getByRole('button', { name: 'Create field' }).click();
    await view.getByRole('alert').getByText('An attribute with the key "city" exists already.').waitFor();
    expect(await rows.count()).to.equal(6);
    // A bad key is explained without a request.
    await view.getByLabel('Key').fill('Home Town');
    expect(await view.getByLabel('Key').getAttribute('aria-invalid')).to.equal('true');
    await view.getByRole('button', { name: 'Create field' }).click();
    await view.getByRole('alert').getByText('Keys are lower_snake_case').waitFor();
    expect(calls(requests, 'POST', '/api/v1/contact-attributes')).to.have.length(2);
  });

  it("renames a field and edits a list's options, saying the type is fixed and showing option_in_use", async function () {
    const fake = fakeContacts({ contacts: [contact(1, { attributes: { tier: 'bronze' } }), contact(2)] });
    const { contacts, requests } = await openContacts(fake);
    await contacts.getByRole('button', { name: 'Fields' }).click();
    const view = contacts.locator('wa-contacts-fields');
    await view.getByRole('button', { name: 'Edit Tier' }).click();
    const dialog = view.getByRole('dialog', { name: 'Edit the field “Tier”' });
    await dialog.waitFor();
    expect(flat(await dialog.textContent())).to.contain('The key and type cannot change');
    expect(await dialog.getByLabel('Options').inputValue()).to.equal('bronze\nsilver\ngold');
    await dialog.getByLabel('Label').fill('Loyalty tier');
    await dialog.getByLabel('Options').fill('silver\ngold\nplatinum');
    await dialog.getByRole('button', { name: 'Save' }).click();
    await dialog
      .getByRole('alert')
      .getByText('1 contact(s) still have "bronze"; change them before removing the option.')
      .waitFor();
    expect(await dialog.isVisible(), 'the dialog stays open').to.equal(true);

    await dialog.getByLabel('Options').fill('bronze, silver, gold, platinum');
    await dialog.getByRole('button', { name: 'Save' }).click();
    await dialog.waitFor({ state: 'hidden' });
    const patches = calls(requests, 'PATCH', '/api/v1/contact-attributes/5');
    expect(patches.map((p) => p.json)).to.deep.equal([
      { label: 'Loyalty tier', options: ['silver', 'gold', 'platinum'] },
      { label: 'Loyalty tier', options: ['bronze', 'silver', 'gold', 'platinum'] },
    ]);
    await view.locator('table.fields tbody tr', { hasText: 'Loyalty tier' }).getByText('platinum').waitFor();

    // A text field has no options to edit; an unchanged dialog sends nothing.
    await view.getByRole('button', { name: 'Edit City' }).click();
    const city = view.getByRole('dialog', { name: 'Edit the field “City”' });
    expect(await city.getByLabel('Options').count()).to.equal(0);
    await city.getByRole('button', { name: 'Save' }).click();
    await city.waitFor({ state: 'hidden' });
    expect(calls(requests, 'PATCH', /contact-attributes/)).to.have.length(2);
  });

  it('deletes a field after a confirm that says the values on contacts go too', async function () {
    const fake = fakeContacts();
    const { contacts, requests } = await openContacts(fake);
    await contacts.getByRole('button', { name: 'Fields' }).click();
    const view = contacts.locator('wa-contacts-fields');
    await view.getByRole('button', { name: 'Delete Birthday' }).click();
    const dialog = view.getByRole('dialog', { name: 'Delete the field “Birthday”?' });
    await dialog.waitFor();
    expect(flat(await dialog.textContent())).to.contain("Every contact's Birthday value is removed with it");
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'hidden' });
    expect(calls(requests, 'DELETE', /contact-attributes/)).to.have.length(0);

    await view.getByRole('button', { name: 'Delete Birthday' }).click();
    await dialog.getByRole('button', { name: 'Delete field' }).click();
    await dialog.waitFor({ state: 'hidden' });
    expect(calls(requests, 'DELETE', '/api/v1/contact-attributes/3')).to.have.length(1);
    await waitFor(async () => (await view.getByRole('button', { name: 'Delete Birthday' }).count()) === 0);
  });

  it("after a change, the contact's inputs and the segment builder's attributes use the new definitions", async function () {
    const fake = fakeContacts({ contacts: [1, 2, 3].map((id) => contact(id)) });
    const { contacts, requests } = await openContacts(fake);
    await contacts.getByRole('button', { name: 'Fields' }).click();
    const view = contacts.locator('wa-contacts-fields');
    await view.getByLabel('Label').fill('Shoe size');
    await view.getByLabel('Type').selectOption('number');
    await view.getByRole('button', { name: 'Create field' }).click();
    await view.getByRole('button', { name: 'Edit Shoe size' }).waitFor();
    await view.getByRole('button', { name: 'Delete Birthday' }).click();
    await view.getByRole('dialog').getByRole('button', { name: 'Delete field' }).click();
    await waitFor(async () => (await view.getByRole('button', { name: 'Delete Birthday' }).count()) === 0);
    await waitFor(() => calls(requests, 'GET', '/api/v1/contact-attributes').length >= 3, 5000, 'the definitions reloaded');

    await view.getByRole('button', { name: '← Back to contacts' }).click();
    await contacts.getByRole('button', { name: 'Build segment' }).click();
    const builder = contacts.locator('wa-contacts-segment-builder');
    await builder.getByLabel('Condition 1 field').selectOption('attribute');
    const options = await builder.getByLabel('Condition 1 attribute').locator('option').allTextContents();
    expect(options.map((o) => o.trim()))
      .to.include('Shoe size')
      .and.not.include('Birthday');
    await builder.getByRole('button', { name: 'Close' }).click();

    await contacts.locator('table.contacts button.open', { hasText: 'Maria Garcia' }).click();
    const detail = contacts.locator('wa-contacts-detail');
    await detail.getByRole('heading', { name: 'Maria Garcia' }).waitFor();
    expect(await detail.getByLabel('Shoe size').getAttribute('type')).to.equal('number');
    expect(await detail.getByLabel('Birthday').count()).to.equal(0);
  });

  it('merges a duplicate found by search after saying what happens, then shows the result and refreshes the list', async function () {
    const fake = withDuplicate();
    const { page, contacts, requests } = await openContacts(fake);
    await contacts.locator('table.contacts button.open', { hasText: 'María García' }).waitFor();
    await contacts.locator('table.contacts button.open', { hasText: 'Maria Garcia' }).click();
    const detail = contacts.locator('wa-contacts-detail');
    await detail.getByRole('heading', { name: 'Maria Garcia' }).waitFor();
    await detail.getByRole('button', { name: 'Merge with another contact…' }).click();
    const dialog = detail.getByRole('dialog', { name: 'Merge a duplicate into Maria Garcia' });
    await dialog.waitFor();
    const search = dialog.getByRole('searchbox', { name: 'Find the duplicate' });
    expect(await search.evaluate((el) => el.matches(':focus'))).to.equal(true);
    expect(await dialog.getByRole('button', { name: 'Merge' }).isDisabled()).to.equal(true);

    await page.keyboard.type('garc');
    const pick = dialog.getByRole('radio', { name: /María García/ });
    await pick.waitFor();
    // The contact itself is never offered.
    expect(await dialog.getByRole('radio').count()).to.equal(1);
    const searches = calls(requests, 'GET', '/api/v1/contacts').filter((r) => r.query.get('q') !== null);
    expect(searches.at(-1)!.query.get('q')).to.equal('garc');
    await pick.check();
    expect(flat(await dialog.locator('.merge-explain').textContent())).to.equal(
      'María García will be merged into Maria Garcia: its conversations, tags, notes and consent history move here; ' +
        'María García is kept only as history. Details Maria Garcia lacks (phone, email, fields) are taken from it. ' +
        'This cannot be undone.',
    );
    const listLoads = calls(requests, 'GET', '/api/v1/contacts').length;
    await dialog.getByRole('button', { name: 'Merge into Maria Garcia' }).click();
    await dialog.waitFor({ state: 'hidden' });
    expect(calls(requests, 'POST', '/api/v1/contacts/1/merge')[0].json).to.deep.equal({ otherId: 6 });

    // The detail shows the merged contact: the duplicate's tag, note and conversation are here now.
    await detail.getByRole('button', { name: 'Remove tag spring-fair' }).waitFor();
    await detail.getByText('Met at the spring fair.').waitFor();
    await detail.getByRole('button', { name: /Do you ship to Madrid\?/ }).waitFor();
    await waitFor(() =>
      page.evaluate(() => window.toasts.some((t) => t.message === 'María García was merged into Maria Garcia.')),
    );
    await waitFor(() => calls(requests, 'GET', '/api/v1/contacts').length > listLoads, 5000, 'the list reloaded');

    await detail.getByRole('button', { name: '← Back to contacts' }).click();
    await contacts.locator('table.contacts button.open', { hasText: 'Maria Garcia' }).waitFor();
    expect(await contacts.locator('table.contacts button.open', { hasText: 'María García' }).count()).to.equal(0);
    expect(flat(await contacts.locator('table.contacts tbody tr', { hasText: 'Maria Garcia' }).textContent())).to.contain(
      'spring-fair',
    );
  });

  it('shows a refused merge (409) in words and keeps the dialog open', async function () {
    const fake = withDuplicate();
    fake.routes['POST /api/v1/contacts/:id/merge'] = () => ({
      status: 409,
      body: { error: { code: 'already_merged', message: 'Contact 6 was merged into contact 3 already.' } },
    });
    const { contacts } = await openContacts(fake, { attrs: 'contact-id="1"' });
    const detail = contacts.locator('wa-contacts-detail');
    await detail.getByRole('button', { name: 'Merge with another contact…' }).click();
    const dialog = detail.getByRole('dialog');
    await dialog.getByRole('searchbox', { name: 'Find the duplicate' }).fill('+4915199');
    await dialog.getByRole('radio', { name: /María García/ }).check();
    await dialog.getByRole('button', { name: 'Merge into Maria Garcia' }).click();
    await dialog
      .getByRole('alert')
      .getByText('María García was already merged into another contact. Search again and pick another one.')
      .waitFor();
    expect(await dialog.isVisible()).to.equal(true);
    // Escape closes it (from the picked contact: in a filled search box Escape first clears it); nothing changed.
    await dialog.getByRole('radio', { name: /María García/ }).focus();
    await dialog.page().keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
    expect(await detail.getByRole('button', { name: 'Remove tag spring-fair' }).count()).to.equal(0);
  });

  it('edits the consent keywords and replies per language and shows keyword_conflict inline', async function () {
    const fake = fakeContacts();
    const { page, contacts, requests } = await openContacts(fake);
    await contacts.getByRole('button', { name: 'Consent keywords' }).click();
    const view = contacts.locator('wa-contacts-keywords');
    await view.getByRole('heading', { name: 'Consent keywords', level: 3 }).waitFor();
    await view.getByText('These are the defaults.').waitFor();
    const outList = view.getByRole('list', { name: 'Opt-out keywords' });
    const inList = view.getByRole('list', { name: 'Opt-in keywords' });
    expect(await outList.getByRole('textbox', { name: 'Keyword' }).count()).to.equal(3);
    expect(await outList.getByLabel('Keyword', { exact: true }).nth(2).inputValue()).to.equal('BAJA');
    expect(await outList.getByLabel('Language').nth(2).inputValue()).to.equal('es');
    expect(await view.getByLabel('Reply after opting out (es)').inputValue()).to.contain('Te has dado de baja');
    expect(await view.getByLabel('Reply after opting in (es)').inputValue()).to.equal('');

    // STOP as an opt-in keyword too: the server refuses, the message shows above the form.
    await view.getByRole('button', { name: 'Add opt-in keyword' }).click();
    // The new row's keyword input takes the focus.
    await waitFor(
      () =>
        inList
          .getByLabel('Keyword', { exact: true })
          .nth(2)
          .evaluate((el) => el.matches(':focus')),
      5000,
      'focus',
    );
    expect(await inList.getByLabel('Language').nth(2).inputValue(), 'the last language is suggested').to.equal('es');
    await page.keyboard.type('stop');
    await view.getByRole('button', { name: 'Save keywords' }).click();
    await view
      .getByRole('alert')
      .getByText('"stop" cannot both opt a customer out and opt them in; remove it from one of the lists.')
      .waitFor();
    expect(fake.state.consentSettings.isDefault).to.equal(true);

    // A bad language is caught before sending.
    await inList.getByLabel('Language').nth(2).fill('French');
    await view.getByRole('button', { name: 'Save keywords' }).click();
    await view.getByRole('alert').getByText('“stop” needs a language code such as en, es, de or pt_BR.').waitFor();
    expect(await inList.getByLabel('Language').nth(2).getAttribute('aria-invalid')).to.equal('true');
    const puts = () => calls(requests, 'PUT', '/api/v1/consent/settings');
    expect(puts()).to.have.length(1);

    await inList.getByLabel('Keyword', { exact: true }).nth(2).fill('DÉMARRER');
    await inList.getByLabel('Language').nth(2).fill('fr');
    await view.getByLabel('Reply after opting in (fr)').fill('Vous êtes de nouveau inscrit(e).');
    await view.getByLabel('Reply after opting in (es)').fill('Te has suscrito de nuevo.');
    await view.getByRole('button', { name: 'Remove opt-out keyword UNSUBSCRIBE' }).click();
    await view.getByRole('button', { name: 'Save keywords' }).click();
    await waitFor(() => puts().length === 2);
    expect(puts()[1].json).to.deep.equal({
      optOutKeywords: [
        { keyword: 'STOP', language: 'en' },
        { keyword: 'BAJA', language: 'es' },
      ],
      optInKeywords: [
        { keyword: 'START', language: 'en' },
        { keyword: 'ALTA', language: 'es' },
        { keyword: 'DÉMARRER', language: 'fr' },
      ],
      optOutReplies: {
        en: 'You have been unsubscribed. Reply START to subscribe again.',
        es: 'Te has dado de baja. Responde ALTA para volver a suscribirte.',
      },
      optInReplies: {
        en: 'You are subscribed again. Reply STOP to unsubscribe.',
        es: 'Te has suscrito de nuevo.',
        fr: 'Vous êtes de nouveau inscrit(e).',
      },
    });
    await waitFor(() => page.evaluate(() => window.toasts.some((t) => t.message === 'Consent keywords saved.')));
    await waitFor(async () => (await view.getByText('These are the defaults.').count()) === 0);
    expect(await view.getByRole('alert').count()).to.equal(0);
  });

  it('never renders field labels, options, keywords, replies or contact names from the server as markup', async function () {
    const evil = '<img src=x onerror="window.pwned=1">';
    const fake = withDuplicate();
    fake.state.attributes = [{ id: 9, key: 'evil', label: `<b>Bold</b>${evil}`, type: 'list', options: [`<i>x</i>`] }];
    fake.state.consentSettings.optOutKeywords = [{ keyword: '<b>STOP</b>', language: 'en' }];
    fake.state.consentSettings.optOutReplies = { en: `${evil} bye` };
    fake.state.contacts[5].name = `<b>Dup</b>${evil}`;
    const { page, contacts } = await openContacts(fake);
    await contacts.getByRole('button', { name: 'Fields' }).click();
    const view = contacts.locator('wa-contacts-fields');
    await view.getByText('<b>Bold</b>', { exact: false }).waitFor();
    await view.getByText('<i>x</i>').waitFor();
    expect(await view.locator('table b, table i, table img').count()).to.equal(0);
    await view.getByRole('button', { name: '← Back to contacts' }).click();

    await contacts.getByRole('button', { name: 'Consent keywords' }).click();
    const keywords = contacts.locator('wa-contacts-keywords');
    expect(await keywords.getByLabel('Keyword', { exact: true }).first().inputValue()).to.equal('<b>STOP</b>');
    expect(await keywords.getByLabel('Reply after opting out (en)').inputValue()).to.equal(`${evil} bye`);
    await keywords.getByRole('button', { name: '← Back to contacts' }).click();

    await contacts.locator('table.contacts button.open', { hasText: 'Maria Garcia' }).click();
    const detail = contacts.locator('wa-contacts-detail');
    await detail.getByRole('button', { name: 'Merge with another contact…' }).click();
    const dialog = detail.getByRole('dialog');
    await dialog.getByRole('searchbox').fill('+4915199');
    await dialog.getByRole('radio', { name: /<b>Dup<\/b>/ }).check();
    expect(flat(await dialog.locator('.merge-explain').textContent())).to.contain('<b>Dup</b><img src=x');
    expect(await dialog.locator('.merge-explain img, .merge-results img').count()).to.equal(0);
    expect(await page.evaluate(() => (window as unknown as { pwned?: number }).pwned)).to.equal(undefined);
  });

  describe('screenshots', function () {
    before(() => fs.mkdirSync(SHOTS, { recursive: true }));
    for (const theme of ['light', 'dark'] as const) {
      for (const width of [1280, 375]) {
        it(`saves the Fields view, the keywords view and the merge dialog in ${theme} at ${width} px`, async function () {
          const fake = withDuplicate();
          const { page, contacts, pageErrors } = await openContacts(fake, { theme, viewport: { width, height: 900 } });
          await page.emulateMedia({ colorScheme: theme });
          await page.evaluate((bg) => (document.body.style.background = bg), theme === 'dark' ? '#0b141a' : '#ffffff');
          const overflow = () => page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);

          await contacts.locator('table.contacts tbody tr').first().waitFor();
          await contacts.getByRole('button', { name: 'Fields' }).click();
          const view = contacts.locator('wa-contacts-fields');
          await view.locator('table.fields tbody tr').first().waitFor();
          await view.getByLabel('Label').fill('City');
          await view.getByLabel('Type').selectOption('list');
          await view.getByLabel('Options').fill('Berlin\nHamburg\nMunich');
          await view.getByRole('button', { name: 'Create field' }).click();
          await view.getByRole('alert').waitFor();
          await page.waitForTimeout(200);
          await page.screenshot({ path: path.join(SHOTS, `contacts-fields-${theme}-${width}.png`), fullPage: true });
          expect(await overflow(), 'fields').to.be.at.most(0);
          await view.getByRole('button', { name: 'Edit Tier' }).click();
          await view.getByRole('dialog').waitFor();
          await page.waitForTimeout(200);
          await page.screenshot({ path: path.join(SHOTS, `contacts-field-edit-${theme}-${width}.png`) });
          await page.keyboard.press('Escape');
          await view.getByRole('button', { name: '← Back to contacts' }).click();

          await contacts.getByRole('button', { name: 'Consent keywords' }).click();
          const keywords = contacts.locator('wa-contacts-keywords');
          await keywords.getByLabel('Reply after opting out (en)').waitFor();
          await page.waitForTimeout(200);
          await page.screenshot({ path: path.join(SHOTS, `contacts-keywords-${theme}-${width}.png`), fullPage: true });
          expect(await overflow(), 'keywords').to.be.at.most(0);
          await keywords.getByRole('button', { name: '← Back to contacts' }).click();

          await contacts.locator('table.contacts button.open', { hasText: 'Maria Garcia' }).click();
          const detail = contacts.locator('wa-contacts-detail');
          await detail.getByRole('button', { name: 'Merge with another contact…' }).click();
          const dialog = detail.getByRole('dialog');
          await dialog.getByRole('searchbox', { name: 'Find the duplicate' }).fill('a');
          await dialog.getByRole('radio', { name: /María García/ }).check();
          await dialog.locator('.merge-explain').waitFor();
          await page.waitForTimeout(200);
          await page.screenshot({ path: path.join(SHOTS, `contacts-merge-dialog-${theme}-${width}.png`) });
          expect(await overflow(), 'merge dialog').to.be.at.most(0);
          expect(pageErrors).to.deep.equal([]);
        });
      }
    }
  });
});
