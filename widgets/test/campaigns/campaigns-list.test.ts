import { expect } from 'chai';
import { useBrowser, waitFor } from '../helpers/browser.ts';
import { fakeRealtime } from '../inbox/fake-inbox.ts';
import { calls, fakeCampaigns, openCampaigns, stats } from './fake-campaigns.ts';

describe('<wa-campaign-composer> list', function () {
  useBrowser();

  it('lists campaigns with status, template, audience, progress, counts and times', async function () {
    const fake = fakeCampaigns();
    const rt = fakeRealtime();
    const { campaigns, requests } = await openCampaigns(fake, { realtime: rt });
    const rows = campaigns.locator('table.campaigns tbody tr');
    await rows.first().waitFor();
    expect(await rows.count()).to.equal(3);
    expect(Object.fromEntries(calls(requests, 'GET', '/api/v1/campaigns')[0].query)).to.deep.equal({ limit: '25' });
    const cells = async (i: number) =>
      (await rows.nth(i).locator('td').allTextContents()).map((t) => t.replace(/\s+/g, ' ').trim());
    const first = await cells(0);
    expect(first.slice(0, 6)).to.deep.equal([
      'Spring sale',
      'Sending',
      'spring_sale marketing · en_US',
      'Segment: VIPs in Berlin',
      '39% of 980',
      'Sent 380 Delivered 300 Read 120 Failed 8',
    ]);
    expect(first[6]).to.match(/^Started .+ Created .+/);
    const second = await cells(1);
    expect(second[1]).to.equal('Scheduled');
    expect(second[6]).to.match(/^Scheduled .*2026.* Created/);
    const third = await cells(2);
    expect(third.slice(1, 6)).to.deep.equal(['Draft', 'order_update utility · en_US', 'Segment: VIPs in Berlin', '—', '—']);
    expect(await rows.nth(0).getByRole('progressbar').getAttribute('aria-valuenow')).to.equal('39');
    expect(await rows.nth(0).locator('.badge').getAttribute('class')).to.contain('st-running');

    // Live: a progress event moves the row without a reload.
    await waitFor(() => rt.subscribed('campaigns'), 5000, 'the campaigns topic');
    rt.push('campaigns', 'campaign.progress', { campaignId: 3, status: 'completed', stats: stats({ sent: 990, progress: 1 }) });
    await waitFor(async () => (await cells(0))[1] === 'Completed', 5000, 'the pushed status');
    expect((await cells(0))[4]).to.equal('100% of 980');
    expect(calls(requests, 'GET', '/api/v1/campaigns')).to.have.length(1);

    // The status filter asks the server.
    await campaigns.getByLabel('Status').selectOption('draft');
    await waitFor(async () => (await rows.count()) === 1, 5000, 'the filtered list');
    expect(calls(requests, 'GET', '/api/v1/campaigns').at(-1)!.query.get('status')).to.equal('draft');
    rt.close();
  });

  it('shows an empty state with a "New campaign" action, and the managers-only state for agents', async function () {
    const fake = fakeCampaigns({ campaigns: [] });
    const { campaigns } = await openCampaigns(fake);
    const empty = campaigns.locator('wa-empty-state');
    await empty.waitFor();
    expect(await empty.getAttribute('heading')).to.equal('No campaigns yet');
    await empty.getByRole('button', { name: 'New campaign' }).click();
    await campaigns.locator('wa-campaign-wizard').getByRole('heading', { name: 'New campaign' }).waitFor();

    const forbidden = fakeCampaigns();
    forbidden.routes['GET /api/v1/campaigns'] = () => ({
      status: 403,
      body: { error: { code: 'forbidden', message: 'Managers and admins only.' } },
    });
    const agent = await openCampaigns(forbidden);
    const state = agent.campaigns.locator('wa-empty-state');
    await state.waitFor();
    expect(await state.getAttribute('heading')).to.equal('Campaigns are for managers and admins');
  });

  it("shows the API's error message with its request id, and retries", async function () {
    const fake = fakeCampaigns();
    let fail = true;
    const list = fake.routes['GET /api/v1/campaigns'];
    fake.routes['GET /api/v1/campaigns'] = (req) =>
      fail
        ? {
            status: 503,
            body: { error: { code: 'db_unavailable', message: 'The database is not reachable right now.' }, requestId: 'req-42' },
          }
        : list(req);
    const { campaigns } = await openCampaigns(fake);
    const error = campaigns.locator('wa-error-state');
    await error.waitFor();
    const text = (await error.evaluate((el) => el.shadowRoot!.textContent!)).replace(/\s+/g, ' ');
    expect(text)
      .to.contain("Couldn't load the campaigns")
      .and.contain('The database is not reachable right now.')
      .and.contain('req-42');
    fail = false;
    await error.getByRole('button', { name: 'Try again' }).click();
    await campaigns.locator('table.campaigns tbody tr').first().waitFor();
  });

  it('is keyboard accessible: Tab reaches "New campaign" and a campaign, Enter opens it, Back returns focus to its row', async function () {
    const fake = fakeCampaigns();
    const { page, campaigns } = await openCampaigns(fake);
    await campaigns.locator('table.campaigns tbody tr').first().waitFor();
    await campaigns.getByRole('button', { name: 'New campaign' }).focus();
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.shadowRoot?.activeElement?.textContent?.trim())).to.equal(
      'Spring sale',
    );
    await page.keyboard.press('Enter');
    const report = campaigns.locator('wa-campaign-report');
    await report.getByRole('heading', { name: 'Spring sale' }).waitFor();
    await report.getByRole('button', { name: '← All campaigns' }).press('Enter');
    await waitFor(
      () => page.evaluate(() => document.activeElement?.shadowRoot?.activeElement?.textContent?.trim() === 'Spring sale'),
      5000,
      'focus back on the row',
    );
  });
});
