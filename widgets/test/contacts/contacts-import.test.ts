import { expect } from 'chai';
import fs from 'node:fs';
import { useBrowser, waitFor } from '../helpers/browser.ts';
import { fakeRealtime } from '../inbox/fake-inbox.ts';
import { calls, fakeContacts, openContacts } from './fake-contacts.ts';

const CSV =
  'Phone,Name,Email,City,Notes\n+4915111111111,Ana Silva,ana@example.com,Lisbon,fair\n015122222222,Ben Ode,,Berlin,\n12,Bad Number,,,\n';

describe('<wa-contacts> import and export', function () {
  useBrowser();

  it('imports a CSV end to end: upload progress, mapping, start, polling to done, errors download and a list refresh', async function () {
    const fake = fakeContacts();
    let release!: () => void;
    const held = new Promise<void>((ok) => (release = ok));
    const upload = fake.routes['POST /api/v1/contacts/imports'];
    fake.routes['POST /api/v1/contacts/imports'] = async (req) => {
      await held;
      return upload(req);
    };
    fake.state.importSteps = [
      { status: 'running', totalRows: 3, processedRows: 1, createdCount: 1 },
      { status: 'running', totalRows: 3, processedRows: 2, createdCount: 1, updatedCount: 1 },
      {
        status: 'done',
        totalRows: 3,
        processedRows: 3,
        createdCount: 1,
        updatedCount: 1,
        errorCount: 1,
        finishedAt: new Date().toISOString(),
      },
    ];
    const { page, contacts, requests } = await openContacts(fake);
    await contacts.locator('table.contacts tbody tr').first().waitFor();
    await contacts.getByRole('button', { name: 'Import CSV' }).click();
    const wizard = contacts.locator('wa-contacts-import');
    await wizard.getByLabel('CSV file').setInputFiles({ name: 'customers.csv', mimeType: 'text/csv', buffer: Buffer.from(CSV) });

    // The bytes are sent while the server has not answered yet: the bar reaches 100 %.
    const bar = wizard.locator('progress#upload-progress');
    await bar.waitFor();
    await waitFor(async () => (await bar.evaluate((el: HTMLProgressElement) => el.value)) === 100, 5000, 'the upload to be sent');
    await wizard.getByText('Uploading… 100%').waitFor();
    release();

    const sent = calls(requests, 'POST', '/api/v1/contacts/imports')[0];
    expect(sent.headers['content-type']).to.equal('text/csv');
    expect(sent.headers['x-filename']).to.equal('customers.csv');
    expect(sent.raw.toString('utf8')).to.equal(CSV);

    // Preview with the suggested mapping; the user maps Notes to tags and picks a country and tags.
    await wizard.getByRole('region', { name: 'Preview of the file' }).waitFor();
    expect(await wizard.locator('table.preview tbody tr').count()).to.equal(3);
    expect(await wizard.locator('table.preview tbody tr').first().textContent()).to.contain('Ana Silva');
    expect(await wizard.getByLabel('Column Phone').inputValue()).to.equal('phone');
    expect(await wizard.getByLabel('Column City').inputValue()).to.equal('attribute:city');
    expect(await wizard.getByLabel('Column Notes').inputValue()).to.equal('ignore');
    const targets = await wizard.getByLabel('Column Notes').locator('option').allTextContents();
    expect(targets.map((t) => t.trim())).to.include.members([
      'Phone',
      'Tags',
      'Consent',
      'Attribute: Tier',
      'Ignore this column',
    ]);
    await wizard.getByLabel('Column Notes').selectOption('tags');
    await wizard.getByLabel('Default country').selectOption('DE');
    await wizard.getByLabel('Tags for every imported contact').fill('spring-fair, 2026');
    await wizard.getByRole('button', { name: 'Start import' }).click();

    await wizard
      .getByText(/rows processed|Waiting to start/)
      .first()
      .waitFor();
    expect(calls(requests, 'POST', '/api/v1/contacts/imports/1/start')[0].json).to.deep.equal({
      mapping: { Phone: 'phone', Name: 'name', Email: 'email', City: 'attribute:city', Notes: 'tags' },
      defaultCountry: 'DE',
      tags: ['spring-fair', '2026'],
    });
    await wizard.getByText('1 of 3 rows processed').waitFor();
    await wizard.getByRole('heading', { name: 'Import finished' }).waitFor({ timeout: 10_000 });
    const polls = calls(requests, 'GET', '/api/v1/contacts/imports/1');
    expect(polls).to.have.length(3);
    const counts = (await wizard.locator('dl.counts').textContent())!.replace(/\s+/g, '');
    expect(counts).to.contain('Created1').and.contain('Updated1').and.contain('Unchanged0').and.contain('Errors1');

    // The rows that failed, as a CSV through the API client.
    const listBefore = calls(requests, 'GET', '/api/v1/contacts').length;
    expect(listBefore).to.be.at.least(2); // the list reloaded when the import finished
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      wizard.getByRole('button', { name: 'Download errors' }).click(),
    ]);
    expect(download.suggestedFilename()).to.equal('customers-errors.csv');
    expect(fs.readFileSync((await download.path())!, 'utf8')).to.equal(
      'row,column,value,message\n3,phone,12,Not a phone number\n',
    );
    expect(calls(requests, 'GET', '/api/v1/contacts/imports/1/errors.csv')[0].headers.authorization).to.equal(
      'Bearer test-token',
    );

    await wizard.getByRole('button', { name: 'Show contacts' }).click();
    await contacts.locator('table.contacts tbody tr').first().waitFor();
  });

  it('follows realtime import.progress events without waiting for the next poll', async function () {
    const fake = fakeContacts();
    fake.state.importSteps = [{ status: 'running', totalRows: 100, processedRows: 40 }];
    const rt = fakeRealtime();
    const { contacts, requests } = await openContacts(fake, { realtime: rt });
    await contacts.getByRole('button', { name: 'Import CSV' }).click();
    const wizard = contacts.locator('wa-contacts-import');
    await wizard.evaluate((el: HTMLElement & { pollInterval: number }) => (el.pollInterval = 60_000));
    await wizard.getByLabel('CSV file').setInputFiles({ name: 'big.csv', mimeType: 'text/csv', buffer: Buffer.from(CSV) });
    await wizard.getByRole('button', { name: 'Start import' }).click();
    await waitFor(() => rt.subscribed('contacts'), 5000, 'the contacts topic');
    expect(calls(requests, 'GET', '/api/v1/contacts/imports/1')).to.have.length(0);
    rt.push('contacts', 'import.progress', { importId: 99 }); // another import: ignored
    rt.push('contacts', 'import.progress', { importId: 1 });
    await wizard.getByText('40 of 100 rows processed').waitFor();
    expect(calls(requests, 'GET', '/api/v1/contacts/imports/1')).to.have.length(1);
    rt.close();
  });

  it('explains a file the server refuses (422) in its words and lets the user pick another', async function () {
    const fake = fakeContacts();
    const { contacts } = await openContacts(fake);
    await contacts.getByRole('button', { name: 'Import CSV' }).click();
    const wizard = contacts.locator('wa-contacts-import');
    await wizard.getByLabel('CSV file').setInputFiles({
      name: 'customers.xlsx',
      mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      buffer: Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x00, 0x00]),
    });
    const alert = wizard.getByRole('alert');
    await alert.waitFor();
    expect((await alert.textContent())!.trim()).to.equal(
      "customers.xlsx can't be imported: This looks like a binary file (a spreadsheet?), not a CSV. Save it as CSV and try again.",
    );
    expect(await wizard.getByLabel('CSV file').isEnabled()).to.equal(true);
    // Starting without a phone column is caught before the server is asked.
    await wizard
      .getByLabel('CSV file')
      .setInputFiles({ name: 'names.csv', mimeType: 'text/csv', buffer: Buffer.from('Name,City\nAna,Lisbon\n') });
    await wizard.getByRole('button', { name: 'Start import' }).click();
    await wizard.getByText('Choose the column that holds the phone numbers').waitFor();
  });

  it('exports the current segment or filter as a CSV download', async function () {
    const fake = fakeContacts();
    const { page, contacts, requests } = await openContacts(fake);
    await contacts.locator('table.contacts tbody tr').first().waitFor();
    const day = new Date().toISOString().slice(0, 10);

    const [all] = await Promise.all([
      page.waitForEvent('download'),
      contacts.getByRole('button', { name: 'Export CSV' }).click(),
    ]);
    expect(all.suggestedFilename()).to.equal(`contacts-${day}.csv`);
    expect(fs.readFileSync((await all.path())!, 'utf8')).to.contain('+4915112000001,Maria Garcia');
    expect(Object.fromEntries(calls(requests, 'GET', '/api/v1/contacts/export.csv')[0].query)).to.deep.equal({});

    await contacts.getByRole('button', { name: 'Opted in', exact: true }).click();
    await contacts.getByLabel('Tag', { exact: true }).selectOption('vip');
    const [filtered] = await Promise.all([
      page.waitForEvent('download'),
      contacts.getByRole('button', { name: 'Export CSV' }).click(),
    ]);
    expect(filtered.suggestedFilename()).to.equal(`contacts-${day}.csv`);
    const filter = JSON.parse(calls(requests, 'GET', '/api/v1/contacts/export.csv')[1].query.get('filter')!) as unknown;
    expect(filter).to.deep.equal({
      match: 'all',
      conditions: [
        { field: 'tags', op: 'any', tags: ['vip'] },
        { field: 'consent', op: 'is', value: 'opted_in' },
      ],
    });

    await contacts.getByLabel('Segment', { exact: true }).selectOption({ label: 'VIPs in Berlin' });
    const [seg] = await Promise.all([
      page.waitForEvent('download'),
      contacts.getByRole('button', { name: 'Export CSV' }).click(),
    ]);
    expect(seg.suggestedFilename()).to.equal(`contacts-vips-in-berlin-${day}.csv`);
    expect(Object.fromEntries(calls(requests, 'GET', '/api/v1/contacts/export.csv')[2].query)).to.deep.equal({ segment: '1' });
    await waitFor(() => page.evaluate(() => window.toasts.filter((t) => t.message === 'Export downloaded.').length === 3));
  });
});
