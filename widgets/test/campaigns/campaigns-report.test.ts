import { expect } from 'chai';
import type { Locator } from 'playwright-core';
import fs from 'node:fs';
import { useBrowser, waitFor } from '../helpers/browser.ts';
import { fakeRealtime } from '../inbox/fake-inbox.ts';
import { calls, fakeCampaigns, openCampaigns, stats } from './fake-campaigns.ts';

const counter = async (report: Locator, name: string) =>
  (await report.locator(`[data-counter="${name}"] dd`).textContent())!.trim();

describe('<wa-campaign-composer> report', function () {
  useBrowser();

  it('shows status, progress, counters, cost, failures and the chart, and updates on a realtime campaign.progress event', async function () {
    const fake = fakeCampaigns();
    const rt = fakeRealtime();
    const { campaigns, requests } = await openCampaigns(fake, { realtime: rt });
    await campaigns.locator('button.open', { hasText: 'Spring sale' }).click();
    const report = campaigns.locator('wa-campaign-report');
    await report.getByRole('heading', { name: 'Spring sale' }).waitFor();
    expect((await report.locator('.badge.status').textContent())!.trim()).to.equal('Sending');
    expect((await report.locator('.pct').textContent())!.trim()).to.equal('39%');
    expect(await report.getByRole('progressbar').getAttribute('aria-valuenow')).to.equal('39');
    expect(await counter(report, 'queued')).to.equal('600');
    expect(await counter(report, 'sent')).to.equal('380');
    expect(await counter(report, 'delivered')).to.equal('300');
    expect(await counter(report, 'read')).to.equal('120');
    expect(await counter(report, 'replied')).to.equal('12');
    expect(await counter(report, 'failed')).to.equal('8');
    expect(await counter(report, 'skipped')).to.equal('20');
    expect(await counter(report, 'reconciling')).to.equal('0');
    expect(await counter(report, 'cost')).to.equal('$7.50');
    const reasons = await report.locator('table.failed-reasons tbody tr').allTextContents();
    expect(reasons.map((r) => r.replace(/\s+/g, ' ').trim())).to.deep.equal([
      'Message undeliverable 131026 5',
      'The user stopped marketing messages 131050 3',
    ]);
    expect((await report.locator('dl.skipped').textContent())!.replace(/\s+/g, ' ').trim()).to.equal(
      'Opted out: 15 Invalid number: 5',
    );
    const chart = report.getByRole('img', { name: /Messages per minute over 8 minutes/ });
    expect(await chart.getAttribute('aria-label')).to.equal(
      'Messages per minute over 8 minutes: 404 sent, 6 failed; at most 61 in one minute.',
    );
    expect(await chart.locator('rect.sent').count()).to.equal(8);
    expect(await chart.locator('rect.failed').count()).to.equal(8);

    await waitFor(() => rt.subscribed('campaigns'), 5000, 'the campaigns topic');
    const gets = calls(requests, 'GET', '/api/v1/campaigns/3').length;
    rt.push('campaigns', 'campaign.progress', { campaignId: 2, status: 'running', stats: stats({ sent: 1 }) }); // another one
    rt.push('campaigns', 'campaign.progress', {
      campaignId: 3,
      status: 'running',
      stats: stats({
        queued: 100,
        sent: 870,
        delivered: 800,
        read: 400,
        failed: 10,
        reconciling: 2,
        progress: 0.88,
        cost: { currency: 'USD', amountMicros: 20_000_000 },
        timeline: [
          ...(stats().timeline as object[]),
          { at: new Date(Date.UTC(2026, 11, 4, 10, 8)).toISOString(), sent: 90, failed: 2 },
        ],
      }),
    });
    await waitFor(async () => (await counter(report, 'sent')) === '870', 5000, 'the pushed numbers');
    expect((await report.locator('.pct').textContent())!.trim()).to.equal('88%');
    expect(await counter(report, 'reconciling')).to.equal('2');
    expect(await counter(report, 'cost')).to.equal('$20.00');
    expect(await report.locator('svg.chart rect.sent').count()).to.equal(9);
    expect(calls(requests, 'GET', '/api/v1/campaigns/3')).to.have.length(gets);

    // Completing moves the badge, hides Pause, and the list shows the pushed numbers.
    rt.push('campaigns', 'campaign.progress', {
      campaignId: 3,
      status: 'completed',
      stats: stats({ queued: 0, sent: 980, progress: 1 }),
    });
    await waitFor(async () => (await report.locator('.badge.status').textContent())!.trim() === 'Completed');
    expect(await report.getByRole('button', { name: 'Pause' }).count()).to.equal(0);
    await report.getByRole('button', { name: '← All campaigns' }).click();
    await campaigns.locator('tr[data-id="3"]').waitFor();
    rt.close();
  });

  it('pauses, resumes, and cancels after a confirmation, through the API', async function () {
    const fake = fakeCampaigns();
    let refuse = false;
    const pause = fake.routes['POST /api/v1/campaigns/:id/pause'];
    fake.routes['POST /api/v1/campaigns/:id/pause'] = (req) =>
      refuse
        ? { status: 409, body: { error: { code: 'campaign_not_running', message: 'This campaign is not running.' } } }
        : pause(req);
    const { page, campaigns, requests } = await openCampaigns(fake);
    await campaigns.locator('button.open', { hasText: 'Spring sale' }).click();
    const report = campaigns.locator('wa-campaign-report');
    await report.getByRole('heading', { name: 'Spring sale' }).waitFor();

    await report.getByRole('button', { name: 'Pause' }).click();
    await waitFor(async () => (await report.locator('.badge.status').textContent())!.trim() === 'Paused');
    expect(calls(requests, 'POST', '/api/v1/campaigns/3/pause')).to.have.length(1);
    await report.getByRole('button', { name: 'Resume' }).click();
    await waitFor(async () => (await report.locator('.badge.status').textContent())!.trim() === 'Sending');
    expect(calls(requests, 'POST', '/api/v1/campaigns/3/resume')).to.have.length(1);

    // Cancel asks first; "Keep sending" backs out without a request.
    await report.getByRole('button', { name: 'Cancel campaign' }).click();
    const dialog = report.getByRole('dialog', { name: 'Cancel “Spring sale”?' });
    await dialog.waitFor();
    await dialog.getByRole('button', { name: 'Keep sending' }).click();
    await dialog.waitFor({ state: 'hidden' });
    expect(calls(requests, 'POST', '/api/v1/campaigns/3/cancel')).to.have.length(0);
    await report.getByRole('button', { name: 'Cancel campaign' }).click();
    await dialog.waitFor();
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
    await report.getByRole('button', { name: 'Cancel campaign' }).click();
    await dialog.getByRole('button', { name: 'Cancel campaign' }).click();
    await waitFor(async () => (await report.locator('.badge.status').textContent())!.trim() === 'Cancelled');
    expect(calls(requests, 'POST', '/api/v1/campaigns/3/cancel')).to.have.length(1);
    expect(await report.getByRole('button', { name: /Pause|Resume|Cancel campaign/ }).count()).to.equal(0);
    await waitFor(() => page.evaluate(() => window.toasts.some((t) => t.message === '“Spring sale” cancelled.')));

    // A refused action shows the server's words.
    refuse = true;
    await report.getByRole('button', { name: '← All campaigns' }).click();
    await campaigns.locator('button.open', { hasText: 'Black Friday' }).click();
    await report.getByRole('heading', { name: 'Black Friday' }).waitFor();
    await report.getByRole('button', { name: 'Pause' }).click();
    await report
      .getByRole('alert')
      .filter({ hasText: 'The campaign could not be paused: This campaign is not running.' })
      .waitFor();
  });

  it('polls every few seconds while running when no realtime event comes, and exports the recipients as CSV', async function () {
    const fake = fakeCampaigns();
    const { page, campaigns, requests } = await openCampaigns(fake);
    await campaigns.locator('button.open', { hasText: 'Spring sale' }).click();
    const report = campaigns.locator('wa-campaign-report');
    await report.getByRole('heading', { name: 'Spring sale' }).waitFor();
    expect(await report.evaluate((el: HTMLElement & { pollInterval: number }) => el.pollInterval)).to.equal(5000);
    await report.evaluate((el: HTMLElement & { pollInterval: number }) => (el.pollInterval = 200));
    const c = fake.state.campaigns.find((x) => x.id === 3)!;
    c.stats = stats({ sent: 500, progress: 0.5 });
    await waitFor(async () => (await counter(report, 'sent')) === '500', 3000, 'a poll');
    c.status = 'completed';
    c.stats = stats({ sent: 990, queued: 0, progress: 1 });
    await waitFor(async () => (await report.locator('.badge.status').textContent())!.trim() === 'Completed', 5000);
    const polls = calls(requests, 'GET', '/api/v1/campaigns/3').length;
    await page.waitForTimeout(600);
    expect(calls(requests, 'GET', '/api/v1/campaigns/3')).to.have.length(polls); // finished: no more polling

    const link = report.getByRole('link', { name: 'Export recipients (CSV)' });
    expect(await link.getAttribute('href')).to.equal('/api/v1/campaigns/3/recipients.csv');
    const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
    expect(download.suggestedFilename()).to.equal('campaign-3-recipients.csv');
    expect(fs.readFileSync((await download.path())!, 'utf8')).to.contain('+4915112000012,failed,131026');
    expect(calls(requests, 'GET', '/api/v1/campaigns/3/recipients.csv')[0].headers.authorization).to.equal('Bearer test-token');
  });

  it('opens a campaign given by the campaign-id attribute, and explains a stopped campaign', async function () {
    const fake = fakeCampaigns();
    const c = fake.state.campaigns.find((x) => x.id === 3)!;
    c.status = 'stopped';
    c.stopCode = 131031;
    c.stopReason = 'The WhatsApp Business account is restricted';
    const { campaigns } = await openCampaigns(fake, { attrs: 'campaign-id="3"' });
    const report = campaigns.locator('wa-campaign-report');
    await report.getByRole('heading', { name: 'Spring sale' }).waitFor();
    expect((await report.locator('.warning').textContent())!.replace(/\s+/g, ' ').trim()).to.equal(
      'Sending stopped: The WhatsApp Business account is restricted (error 131031). Fix the cause, then resume.',
    );
    await report.getByRole('button', { name: 'Resume' }).waitFor();
  });
});
