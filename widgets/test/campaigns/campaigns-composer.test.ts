import { expect } from 'chai';
import { useBrowser, waitFor } from '../helpers/browser.ts';
import { calls, fakeCampaigns, openCampaigns } from './fake-campaigns.ts';

const LIST =
  'Name;Mobile;City\nAna;+49 151 11111111;Lisbon\nBen;+4915122222222;Berlin\nAna again;+49 151 11111111;Lisbon\nNo number;;Paris\n';

describe('<wa-campaign-composer> composer', function () {
  useBrowser();

  it('walks through the five steps and schedules: template, segment with counts, variables, schedule, cost review', async function () {
    const fake = fakeCampaigns();
    const { page, campaigns, requests } = await openCampaigns(fake);
    await campaigns.locator('table.campaigns tbody tr').first().waitFor();
    await campaigns.getByRole('button', { name: 'New campaign' }).first().click();
    const wizard = campaigns.locator('wa-campaign-wizard');
    await wizard.getByRole('heading', { name: 'New campaign' }).waitFor();

    // (1) Template: nothing chosen yet is caught before moving on.
    await wizard.getByRole('button', { name: 'Next: Audience' }).click();
    await wizard.getByRole('alert').filter({ hasText: 'Give the campaign a name.' }).waitFor();
    expect(await wizard.getByLabel('Campaign name').getAttribute('aria-invalid')).to.equal('true');
    await wizard.getByLabel('Campaign name').fill('Order updates December');
    const numbers = await wizard.getByLabel('WhatsApp number').locator('option').allTextContents();
    expect(numbers.map((t) => t.trim())).to.deep.equal([
      'Choose a number…',
      'Acme Store (+1 555 0100)',
      'Acme Support (+1 555 0199)',
    ]);
    await wizard.getByLabel('WhatsApp number').selectOption('1');
    await waitFor(async () => (await wizard.getByLabel('Template').locator('option').count()) > 1, 5000, 'templates');
    const names = (await wizard.getByLabel('Template').locator('option').allTextContents()).map((t) => t.trim());
    expect(names).to.deep.equal(['Choose a template…', 'order_update (en_US)', 'spring_sale (en_US)', 'hello_world (en_US)']);
    expect(calls(requests, 'GET', '/api/v1/channels/1/templates')).to.have.length(1);
    await wizard.getByLabel('Template').selectOption('order_update|en_US');
    expect(await wizard.locator('.template-info .badge').textContent()).to.equal('UTILITY');
    await wizard.getByRole('button', { name: 'Next: Audience' }).click();

    // (2) Audience: a saved segment, with live counts.
    await wizard.getByRole('heading', { name: 'Step 2 of 5: Audience' }).waitFor();
    await wizard.getByLabel('Segment', { exact: true }).selectOption('1');
    await wizard.locator('.audience-counts dl').waitFor();
    const counts = (await wizard.locator('.audience-counts').textContent())!.replace(/\s+/g, ' ');
    expect(counts).to.contain('Matched 1,200').and.contain('Will receive it 1,130').and.contain('Opted out 60');
    const previewBody = calls(requests, 'POST', '/api/v1/campaigns/preview').at(-1)!.json as Record<string, unknown>;
    expect(previewBody.audience).to.deep.equal({ type: 'segment', segmentId: 1 });
    expect(previewBody.template).to.deep.equal({ name: 'order_update', language: 'en_US' });
    await wizard.getByRole('button', { name: 'Next: Variables' }).click();

    // (3) Variables: one row per {{n}} of the header, body and the URL button.
    await wizard.getByRole('heading', { name: 'Step 3 of 5: Variables' }).waitFor();
    const groups = (await wizard.locator('.var > .label').allTextContents()).map((t) => t.trim());
    expect(groups).to.deep.equal(['Header {{1}}', 'Body {{1}}', 'Body {{2}}', 'Link of button “Track”']);
    await wizard.getByRole('button', { name: 'Next: Schedule' }).click();
    await wizard.getByRole('alert').filter({ hasText: 'Fill in a value for Header {{1}}' }).waitFor();
    const row = (label: string) => wizard.getByRole('group', { name: label });
    await row('Header {{1}}').getByLabel('Value from').selectOption('attribute:order_id');
    await row('Header {{1}}').getByLabel('Fallback when empty').fill('update');
    await row('Body {{1}}').getByLabel('Value from').selectOption('field:first_name');
    await row('Body {{1}}').getByLabel('Fallback when empty').fill('there');
    await row('Body {{2}}').getByLabel('Text').fill('#4411');
    await row('Link of button “Track”').getByLabel('Text').fill('4411');
    const phone = wizard.getByRole('figure', { name: 'Preview of the message' });
    await phone.getByText('Hi Jane, your order #4411 has shipped.').waitFor();
    await phone.getByText('Order A-1001').waitFor();
    await wizard.getByRole('button', { name: 'Next: Schedule' }).click();

    // (4) Schedule: a wall time in a chosen zone, quiet hours and a rate.
    await wizard.getByRole('heading', { name: 'Step 4 of 5: Schedule' }).waitFor();
    await wizard.getByLabel('Schedule for later').check();
    expect(await wizard.getByLabel('Time zone', { exact: true }).inputValue()).to.equal(
      await page.evaluate(() => Intl.DateTimeFormat().resolvedOptions().timeZone),
    );
    await wizard.getByLabel('Date').fill('2026-12-24');
    await wizard.getByLabel('Time', { exact: true }).fill('09:30');
    await wizard.getByLabel('Time zone', { exact: true }).selectOption('America/New_York');
    await wizard.getByLabel(/Respect quiet hours/).check();
    await wizard.getByLabel('Quiet from').fill('22:00');
    await wizard.getByLabel('Until').fill('07:30');
    await wizard.getByLabel('Limit the sending rate').check();
    await wizard.getByLabel('Messages per second').fill('5000');
    await wizard.getByRole('button', { name: 'Next: Review' }).click();
    await wizard.getByRole('alert').filter({ hasText: 'The rate must be a whole number from 1 to 1,000' }).waitFor();
    await wizard.getByLabel('Messages per second').fill('50');
    await wizard.getByRole('button', { name: 'Next: Review' }).click();

    // (5) Review: counts, cost by country and category, balance before and after.
    await wizard.getByRole('heading', { name: 'Step 5 of 5: Review' }).waitFor();
    await wizard.locator('table.cost tbody tr').first().waitFor();
    const lines = await wizard.locator('table.cost tbody tr').allTextContents();
    expect(lines.map((l) => l.replace(/\s+/g, ' ').trim())).to.deep.equal([
      'Germany marketing 848 $0.025 $21.20',
      'United States marketing 282 $0.0085 $2.40',
    ]);
    expect((await wizard.locator('dd.total').textContent())!.trim()).to.equal('$23.60');
    const balance = (await wizard.locator('dl.balance').textContent())!.replace(/\s+/g, ' ');
    expect(balance).to.contain('Balance now $500.00').and.contain('After this campaign $476.40');
    expect(await wizard.locator('.insufficient').count()).to.equal(0);
    const summary = (await wizard.locator('dl.summary').first().textContent())!.replace(/\s+/g, ' ');
    expect(summary).to.contain('Segment: VIPs in Berlin').and.contain('2026-12-24 09:30 (America/New York)');

    await wizard.getByRole('button', { name: 'Schedule', exact: true }).click();
    const report = campaigns.locator('wa-campaign-report');
    await report.getByRole('heading', { name: 'Order updates December' }).waitFor();
    expect((await report.locator('.badge.status').textContent())!.trim()).to.equal('Scheduled');

    const created = calls(requests, 'POST', '/api/v1/campaigns')[0].json;
    expect(created).to.deep.equal({
      name: 'Order updates December',
      channelId: 1,
      template: { name: 'order_update', language: 'en_US' },
      audience: { type: 'segment', segmentId: 1 },
      variables: {
        header: [{ source: 'attribute', key: 'order_id', fallback: 'update' }],
        body: [
          { source: 'field', field: 'first_name', fallback: 'there' },
          { source: 'text', value: '#4411' },
        ],
        buttons: [{ source: 'text', value: '4411' }],
      },
      quietHours: { start: '22:00', end: '07:30' },
      ratePerSecond: 50,
    });
    expect(calls(requests, 'POST', '/api/v1/campaigns/101/launch')[0].json).to.deep.equal({
      when: 'schedule',
      at: '2026-12-24T09:30',
      timezone: 'America/New_York',
    });
    expect(calls(requests, 'PATCH', /\/api\/v1\/campaigns\//)).to.have.length(0);
    expect(await page.evaluate(() => window.launched)).to.deep.equal([{ campaignId: 101, status: 'scheduled' }]);
    await waitFor(() => page.evaluate(() => window.toasts.some((t) => t.message === '“Order updates December” is scheduled.')));
  });

  it('counts an uploaded list in the browser and warns (and holds the send) when the balance is not enough', async function () {
    const fake = fakeCampaigns({ balanceMicros: 10_000 });
    const { campaigns, requests } = await openCampaigns(fake);
    await campaigns.getByRole('button', { name: 'New campaign' }).first().click();
    const wizard = campaigns.locator('wa-campaign-wizard');
    await wizard.getByLabel('Campaign name').fill('Fair visitors');
    await wizard.getByLabel('WhatsApp number').selectOption('2');
    await waitFor(async () => (await wizard.getByLabel('Template').locator('option').count()) > 1);
    await wizard.getByLabel('Template').selectOption('hello_world|en_US');
    await wizard.getByRole('button', { name: 'Next: Audience' }).click();
    await wizard.getByLabel('An uploaded list of numbers').check();
    await wizard
      .getByLabel('File with phone numbers')
      .setInputFiles({ name: 'fair.csv', mimeType: 'text/csv', buffer: Buffer.from(LIST) });
    const found = wizard.locator('.list-found');
    await found.waitFor();
    expect((await found.textContent())!.replace(/\s+/g, ' ').trim()).to.equal(
      '3 phone numbers found in fair.csv (Mobile); 1 row without a number skipped.',
    );
    await wizard.locator('.audience-counts dl').waitFor();
    expect((await wizard.locator('.audience-counts').textContent())!.replace(/\s+/g, ' '))
      .to.contain('Matched 3')
      .and.contain('Duplicates 1');
    const sent = calls(requests, 'POST', '/api/v1/campaigns/preview').at(-1)!.json as { audience: unknown };
    expect(sent.audience).to.deep.equal({ type: 'phones', phones: ['+4915111111111', '+4915122222222', '+4915111111111'] });

    // A file without numbers is explained.
    await wizard
      .getByLabel('File with phone numbers')
      .setInputFiles({ name: 'names.txt', mimeType: 'text/plain', buffer: Buffer.from('Ana\nBen\n') });
    await wizard.getByText('No phone numbers were found in names.txt').waitFor();
    await wizard
      .getByLabel('File with phone numbers')
      .setInputFiles({ name: 'fair.csv', mimeType: 'text/csv', buffer: Buffer.from(LIST) });
    await found.waitFor();

    await wizard.getByRole('button', { name: 'Next: Variables' }).click();
    await wizard.getByText('This template has no variables.').waitFor();
    await wizard.getByRole('button', { name: 'Next: Schedule' }).click();
    await wizard.getByRole('button', { name: 'Next: Review' }).click();
    const warning = wizard.locator('.insufficient');
    await warning.waitFor();
    expect((await warning.textContent())!.replace(/\s+/g, ' ').trim()).to.equal(
      'Your balance is not enough for this campaign. It needs $0.05 and the balance is $0.01. Top up the balance, or choose a smaller audience.',
    );
    expect(await warning.getAttribute('role')).to.equal('alert');
    expect((await wizard.locator('dl.balance').textContent())!.replace(/\s+/g, ' ')).to.contain('After this campaign -$0.04');
    expect(await wizard.getByRole('button', { name: 'Send now' }).isDisabled()).to.equal(true);
    expect(calls(requests, 'POST', '/api/v1/campaigns')).to.have.length(0);
  });

  it('maps variables to contact fields and shows the phone preview for a chosen sample contact, with fallbacks', async function () {
    const fake = fakeCampaigns();
    const { campaigns, requests } = await openCampaigns(fake);
    await campaigns.getByRole('button', { name: 'New campaign' }).first().click();
    const wizard = campaigns.locator('wa-campaign-wizard');
    await wizard.getByLabel('Campaign name').fill('Sale');
    await wizard.getByLabel('WhatsApp number').selectOption('1');
    await waitFor(async () => (await wizard.getByLabel('Template').locator('option').count()) > 1);
    await wizard.getByLabel('Template').selectOption('spring_sale|en_US');
    expect(await wizard.locator('.template-info .badge').textContent()).to.equal('MARKETING');
    await wizard.getByRole('button', { name: 'Next: Audience' }).click();
    await wizard.getByLabel('Segment', { exact: true }).selectOption('2');
    await wizard.getByRole('button', { name: 'Next: Variables' }).click();

    const phone = wizard.getByRole('figure', { name: 'Preview of the message' });
    const row = (label: string) => wizard.getByRole('group', { name: label });
    await row('Body {{2}}').getByLabel('Text').fill('25%');
    await phone.getByText('our spring sale starts today: 25% off everything').waitFor();
    await row('Body {{1}}').getByLabel('Value from').selectOption('field:name');
    await phone.getByText('Hi Jane Doe, our spring sale').waitFor();
    await row('Body {{1}}').getByLabel('Value from').selectOption('field:first_name');
    await row('Body {{1}}').getByLabel('Fallback when empty').fill('friend');
    await phone.getByText('Hi Jane, our spring sale').waitFor();
    expect(await phone.locator('.wa-button').allTextContents()).to.deep.equal(['Show me', 'Stop promotions']);

    // A real contact: Maria has a name; the contact without one gets the fallback, and the preview says so.
    await wizard.getByLabel('Preview for a contact').fill('4915112');
    await wizard.getByRole('button', { name: 'Find' }).click();
    await waitFor(async () => (await wizard.getByLabel('Sample contact').locator('option').count()) === 3);
    await wizard.getByLabel('Sample contact').selectOption('11');
    await phone.getByText('Hi Maria, our spring sale').waitFor();
    await wizard.getByLabel('Sample contact').selectOption('12');
    await phone.getByText('Hi friend, our spring sale').waitFor();
    await phone.getByText('This contact has no value for body {{1}}: the fallback is used.').waitFor();
    const render = calls(requests, 'POST', '/api/v1/campaigns/render').at(-1)!.json;
    expect(render).to.deep.equal({
      channelId: 1,
      template: { name: 'spring_sale', language: 'en_US' },
      variables: {
        body: [
          { source: 'field', field: 'first_name', fallback: 'friend' },
          { source: 'text', value: '25%' },
        ],
      },
      contactId: 12,
    });

    // The image header must be uploaded (raw bytes, like the inbox composer) before moving on.
    await wizard.getByRole('button', { name: 'Next: Schedule' }).click();
    await wizard.getByRole('alert').filter({ hasText: 'Upload the header file the template needs.' }).waitFor();
    const png = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');
    await wizard.getByLabel('Header image').setInputFiles({ name: 'sale banner.png', mimeType: 'image/png', buffer: png });
    await wizard.getByText('sale banner.png uploaded.').waitFor();
    const upload = calls(requests, 'POST', '/api/v1/media')[0];
    expect(upload.headers['content-type']).to.equal('image/png');
    expect(upload.headers['x-filename']).to.equal('sale%20banner.png');
    expect(upload.raw.equals(png)).to.equal(true);
    await waitFor(
      () => (calls(requests, 'POST', '/api/v1/campaigns/render').at(-1)!.json as { headerMediaId?: number }).headerMediaId === 77,
      5000,
      'a render with the header media',
    );
    await wizard.getByRole('button', { name: 'Next: Schedule' }).click();
    await wizard.getByRole('button', { name: 'Next: Review' }).click();
    await wizard.locator('table.cost').waitFor();
    await wizard.getByRole('button', { name: 'Send now' }).click();
    await campaigns.locator('wa-campaign-report').getByRole('heading', { name: 'Sale' }).waitFor();
    const created = calls(requests, 'POST', '/api/v1/campaigns')[0].json as Record<string, unknown>;
    expect(created.headerMediaId).to.equal(77);
    expect(created.quietHours).to.equal(null);
    expect(created.ratePerSecond).to.equal(null);
    expect(calls(requests, 'POST', '/api/v1/campaigns/101/launch')[0].json).to.deep.equal({ when: 'now' });
  });

  it("shows the API's error when the launch is refused, keeps the saved draft and PATCHes it on the next try", async function () {
    const fake = fakeCampaigns();
    let refuse = true;
    const launch = fake.routes['POST /api/v1/campaigns/:id/launch'];
    fake.routes['POST /api/v1/campaigns/:id/launch'] = (req) =>
      refuse
        ? {
            status: 422,
            body: {
              error: { code: 'no_eligible_recipients', message: 'Nobody in this audience can receive the campaign.' },
              requestId: 'req-1',
            },
          }
        : launch(req);
    const { campaigns, requests } = await openCampaigns(fake);
    // The draft in the list opens in the composer, with its choices.
    await campaigns.locator('button.open', { hasText: 'Welcome back' }).click();
    const wizard = campaigns.locator('wa-campaign-wizard');
    await wizard.getByRole('heading', { name: 'Edit draft: Welcome back' }).waitFor();
    expect(await wizard.getByLabel('Campaign name').inputValue()).to.equal('Welcome back');
    await waitFor(async () => (await wizard.getByLabel('Template').inputValue()) === 'order_update|en_US', 5000, 'the template');
    await wizard.getByRole('button', { name: '2. Audience' }).click();
    expect(await wizard.getByLabel('Segment', { exact: true }).inputValue()).to.equal('1');
    await wizard.getByRole('button', { name: '5. Review' }).click();
    // Jumping ahead stops at the first step that is not done: the variables.
    await wizard.getByRole('heading', { name: 'Step 3 of 5: Variables' }).waitFor();
    for (const label of ['Header {{1}}', 'Body {{1}}', 'Body {{2}}', 'Link of button “Track”']) {
      await wizard.getByRole('group', { name: label }).getByLabel('Text').fill('x');
    }
    await wizard.getByRole('button', { name: '5. Review' }).click();
    await wizard.locator('table.cost').waitFor();
    await wizard.getByRole('button', { name: 'Send now' }).click();
    const alert = wizard.locator('.form-error');
    await alert.waitFor();
    expect((await alert.textContent())!.trim()).to.equal(
      'The campaign could not be sent: Nobody in this audience can receive the campaign.',
    );
    expect(await alert.getAttribute('role')).to.equal('alert');
    expect(calls(requests, 'PATCH', '/api/v1/campaigns/1')).to.have.length(1);
    expect(calls(requests, 'POST', '/api/v1/campaigns')).to.have.length(0);

    refuse = false;
    await wizard.getByRole('button', { name: 'Send now' }).click();
    await campaigns.locator('wa-campaign-report').getByRole('heading', { name: 'Welcome back' }).waitFor();
    expect(calls(requests, 'PATCH', '/api/v1/campaigns/1')).to.have.length(2);
    expect(calls(requests, 'POST', '/api/v1/campaigns/1/launch')).to.have.length(2);
  });

  it('saves a draft, and says why it cannot be saved yet', async function () {
    const fake = fakeCampaigns();
    const { page, campaigns, requests } = await openCampaigns(fake);
    await campaigns.getByRole('button', { name: 'New campaign' }).first().click();
    const wizard = campaigns.locator('wa-campaign-wizard');
    await wizard.getByRole('button', { name: 'Save draft' }).click();
    await wizard.getByText("The draft can't be saved yet: Give the campaign a name.").waitFor();
    await wizard.getByLabel('Campaign name').fill('Later');
    await wizard.getByLabel('WhatsApp number').selectOption('1');
    await waitFor(async () => (await wizard.getByLabel('Template').locator('option').count()) > 1);
    await wizard.getByLabel('Template').selectOption('hello_world|en_US');
    await wizard.getByRole('button', { name: 'Next: Audience' }).click();
    await wizard.getByLabel('Segment', { exact: true }).selectOption('2');
    await wizard.getByRole('button', { name: 'Save draft' }).click();
    await waitFor(() => page.evaluate(() => window.toasts.some((t) => t.message === 'Draft saved.')));
    await wizard.getByRole('heading', { name: 'Edit draft: Later' }).waitFor();
    await wizard.getByRole('button', { name: 'Save draft' }).click();
    await waitFor(() => calls(requests, 'PATCH', '/api/v1/campaigns/101').length === 1);
    expect(calls(requests, 'POST', '/api/v1/campaigns')).to.have.length(1);
    await wizard.getByRole('button', { name: 'Cancel' }).click();
    await campaigns.locator('button.open', { hasText: 'Later' }).waitFor();
  });
});
