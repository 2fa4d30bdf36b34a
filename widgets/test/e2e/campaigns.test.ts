// Broadcast campaigns in the real console against the real product, as a manager sends one: a saved
// segment (contacts tagged through the API, one of them opted out), the five-step composer (template,
// audience with live counts, variables with the phone preview for a real contact, send now, the review
// with its cost lines), then the live report following the built-in simulator's statuses to 100 % and
// every message read, without a reload. The simulator then shows exactly one message per eligible
// contact, with their first name, and none for the opted-out one. An agent gets no Campaigns page.
// Screenshots go to test-results/screenshots/campaigns-e2e-*.png.
import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { startPlatform, type HttpClient, type TestPlatform } from '../../../backend/test/helpers/platform.ts';
import { launchChromium } from '../../../backend/test/helpers/chromium.ts';

const ADMIN_EMAIL = 'owner@example.com';
const ADMIN_PASSWORD = 'correct horse battery staple';
const MANAGER = { email: 'mia.manager@example.com', name: 'Mia Manager', password: 'mia manager password' };
const AGENT = { email: 'ada.agent@example.com', name: 'Ada Agent', password: 'ada agent password' };
const SHOTS = path.resolve('test-results/screenshots');
/** Generous: CI machines are slow. */
const SLOW = 30_000;
// A tag of its own: the demo workspace's contacts already use "vip".
const TAG = 'fair-vip';
const SEGMENT = 'Spring fair VIPs';
const CAMPAIGN = 'Spring fair shipping update';
const ORDER = 'SF-2026';
/** Messages per second: ten take about five seconds, long enough to watch the report move. */
const RATE = 2;
/** UK mobile numbers: utility messages to GB cost $0.022 each. */
const PEOPLE = [
  'Olivia Bennett',
  'Noah Clarke',
  'Amelia Dawson',
  'Leo Fletcher',
  'Isla Graham',
  'Arthur Hughes',
  'Freya Jennings',
  'Oscar Lambert',
  'Ivy Marsh',
  'Theo Norris',
].map((name, i) => ({ name, first: name.split(' ')[0], phone: `+4479111234${String(10 + i)}`, id: 0 }));
const OPTED_OUT = { name: 'Harriet Quinn', first: 'Harriet', phone: '+447911123499', id: 0 };

const digits = (s: string) => s.replace(/\D/g, '');

async function waitUntil(what: string, fn: () => Promise<boolean>, ms = SLOW) {
  const end = Date.now() + ms;
  while (!(await fn())) {
    if (Date.now() > end) throw new Error(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The report's progress and counters (queued, sent, delivered, read, …), read at one instant. */
async function counters(report: Locator): Promise<Record<string, number>> {
  return report.evaluate((el) => {
    const root = el.shadowRoot!;
    const out: Record<string, number> = {
      progress: Number.parseInt(root.querySelector('.progress-line .pct')?.textContent ?? '', 10),
    };
    for (const div of root.querySelectorAll('dl.counters > div[data-counter]')) {
      const key = div.getAttribute('data-counter')!;
      if (key !== 'cost') out[key] = Number((div.querySelector('dd')?.textContent ?? '').replace(/\D/g, ''));
    }
    return out;
  });
}

describe('campaigns in the console, against the real product', function () {
  this.timeout(120_000);
  let p: TestPlatform;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  let page: Page;
  let manager: HttpClient;
  let phoneNumberId: string;
  let channelId: number;
  let segmentId: number;
  let campaignId: number;
  let failed = false;
  const errors: string[] = [];
  const started = Date.now();
  const shot = (pg: Page, name: string) => pg.screenshot({ path: path.join(SHOTS, `campaigns-e2e-${name}.png`), fullPage: true });

  async function open(): Promise<Page> {
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    contexts.push(ctx);
    const pg = await ctx.newPage();
    pg.on('pageerror', (e) => errors.push(e.message));
    return pg;
  }

  async function signIn(pg: Page, who: { email: string; password: string }) {
    await pg.goto(`${p.url}/app`);
    await pg.getByLabel('Email').fill(who.email);
    await pg.getByLabel('Password').fill(who.password);
    await pg.getByRole('button', { name: 'Sign in' }).click();
    await pg.locator('nav#nav').getByRole('link', { name: 'Inbox', exact: true }).waitFor({ timeout: SLOW });
  }

  before(async () => {
    if (!fs.existsSync('dist/w')) execFileSync('npx', ['rollup', '-c'], { stdio: 'inherit' });
    p = await startPlatform({
      env: { ADMIN_EMAIL, ADMIN_PASSWORD, DEMO: '1', ...(process.env.REDIS_URL ? { REDIS_URL: process.env.REDIS_URL } : {}) },
    });
    browser = await launchChromium();
    fs.mkdirSync(SHOTS, { recursive: true });

    // The demo workspace has the simulated number, its approved templates and a prepaid balance.
    const admin = p.client();
    expect((await admin.post('/api/v1/auth/login', { email: ADMIN_EMAIL, password: ADMIN_PASSWORD })).status).to.equal(200);
    const me = await admin.get('/api/v1/auth/me');
    const tenantId = me.body.memberships.find((m: { tenant: { name: string } }) => m.tenant.name === 'Demo Shop').tenantId;
    for (const [who, role] of [
      [MANAGER, 'manager'],
      [AGENT, 'agent'],
    ] as const) {
      const added = await admin.tenant(tenantId).post('/api/v1/members', { ...who, role });
      expect(added.status, added.text).to.equal(201);
    }
    const channel = await p.platform.models.Channel.findOne({ where: { tenantId, kind: 'simulator' } });
    expect(channel, 'the demo workspace has a simulated number').to.not.equal(null);
    phoneNumberId = channel!.phoneNumberId;
    channelId = Number(channel!.id);

    // The manager makes the audience through the API: ten tagged contacts, and one more who opted out.
    manager = p.client();
    expect((await manager.post('/api/v1/auth/login', { email: MANAGER.email, password: MANAGER.password })).status).to.equal(200);
    manager.tenant(tenantId);
    for (const c of [...PEOPLE, OPTED_OUT]) {
      const res = await manager.post('/api/v1/contacts', { name: c.name, phone: c.phone, tags: [TAG] });
      expect(res.status, res.text).to.equal(201);
      c.id = res.body.id;
    }
    const out = await manager.post(`/api/v1/contacts/${OPTED_OUT.id}/consent`, {
      action: 'opt_out',
      source: 'agent',
      proof: { note: 'Asked at the fair not to get messages.' },
    });
    expect(out.status, out.text).to.equal(201);
    const seg = await manager.post('/api/v1/segments', {
      name: SEGMENT,
      definition: { match: 'all', conditions: [{ field: 'tags', op: 'any', tags: [TAG] }] },
    });
    expect(seg.status, seg.text).to.equal(201);
    segmentId = seg.body.id;
    const counted = await manager.post('/api/v1/segments/count', { definition: seg.body.definition });
    expect(counted.body.count).to.equal(PEOPLE.length + 1);
  });

  beforeEach(function () {
    if (failed) this.skip();
  });

  afterEach(async function () {
    if (this.currentTest?.state !== 'failed') return;
    failed = true;
    if (page) await shot(page, 'failed').catch(() => undefined);
  });

  after(async () => {
    for (const c of contexts) await c.close().catch(() => undefined);
    await browser?.close();
    await p?.stop();
    process.stderr.write(`      (campaigns e2e: ${((Date.now() - started) / 1000).toFixed(1)} s in all)\n`);
  });

  const composer = () => page.locator('wa-campaign-composer');
  const wizard = () => page.locator('wa-campaign-wizard');
  const report = () => page.locator('wa-campaign-report');

  it('lets a manager compose a campaign: template, segment with live counts, variables with a phone preview, send now, review with cost', async () => {
    page = await open();
    await signIn(page, MANAGER);
    await page.locator('nav#nav').getByRole('link', { name: 'Campaigns', exact: true }).click();
    expect(new URL(page.url()).pathname).to.equal('/app/campaigns');
    await composer().getByRole('heading', { name: 'Campaigns', exact: true }).waitFor({ timeout: SLOW });
    await composer().getByText('No campaigns yet').waitFor({ timeout: SLOW });
    await shot(page, '1-list-empty');

    await composer().locator('.head-actions').getByRole('button', { name: 'New campaign' }).click();
    const w = wizard();
    await w.getByRole('heading', { name: 'New campaign' }).waitFor({ timeout: SLOW });
    await w.getByText('Step 1 of 5: Template').waitFor();

    // Step 1: name, the simulated number, the template.
    await w.getByLabel('Campaign name').fill(CAMPAIGN);
    const number = w.getByLabel('WhatsApp number');
    await waitUntil('the numbers are loaded', async () => (await number.locator(`option[value="${channelId}"]`).count()) === 1);
    await number.selectOption(String(channelId));
    const template = w.getByLabel('Template', { exact: true });
    await waitUntil(
      'the templates of the number are loaded',
      async () => (await template.locator('option[value="order_update|en_US"]').count()) === 1,
    );
    await template.selectOption('order_update|en_US');
    await w.locator('.template-info').getByText('Hi {{1}}, your order {{2}} has shipped.').waitFor();
    expect((await w.locator('.template-info .badge').textContent())!.trim()).to.equal('UTILITY');
    await shot(page, '2-template');
    await w.getByRole('button', { name: 'Next: Audience' }).click();

    // Step 2: the saved segment, and its live counts (the opted-out contact is left out).
    await w.getByText('Step 2 of 5: Audience').waitFor();
    const segment = w.getByLabel('Segment', { exact: true });
    await waitUntil('the segments are loaded', async () => (await segment.locator(`option[value="${segmentId}"]`).count()) === 1);
    expect((await segment.locator(`option[value="${segmentId}"]`).textContent())!.trim()).to.equal(`${SEGMENT} (11)`);
    await segment.selectOption(String(segmentId));
    const stat = (label: string) =>
      w.locator('.audience-counts dl.stats > div', { has: page.locator('dt', { hasText: label }) }).locator('dd');
    const countsError = w.locator('.form-error', { hasText: 'The counts could not be loaded' });
    await waitUntil(
      'the audience is counted (or its counts fail)',
      async () => (await stat('Will receive it').count()) === 1 || (await countsError.count()) > 0,
    );
    if (await countsError.count()) {
      await shot(page, '3-audience-counts-error');
      expect.fail(`the audience step shows: ${(await countsError.textContent())!.trim()}`);
    }
    await w.locator('.audience-counts[aria-busy="false"]').waitFor({ timeout: SLOW });
    expect((await stat('Matched').textContent())!.trim()).to.equal('11');
    expect((await stat('Will receive it').textContent())!.trim()).to.equal('10');
    expect((await stat('Opted out').textContent())!.trim()).to.equal('1');
    await shot(page, '3-audience');
    await w.getByRole('button', { name: 'Next: Variables' }).click();

    // Step 3: a source per variable; body {{1}} is the contact's first name.
    await w.getByText('Step 3 of 5: Variables').waitFor();
    const slot = (label: string) => w.getByRole('group', { name: label, exact: true });
    await slot('Header {{1}}').getByLabel('Text').fill(ORDER);
    await slot('Body {{1}}').getByLabel('Value from').selectOption('field:first_name');
    await slot('Body {{1}}').getByLabel('Fallback when empty').fill('there');
    await slot('Body {{2}}').getByLabel('Text').fill(ORDER);
    await slot('Link of button “Track”').getByLabel('Text').fill(ORDER);

    // The phone preview for one real contact of the audience.
    const olivia = PEOPLE[0];
    await w.getByLabel('Preview for a contact').fill(olivia.name);
    await w.getByRole('button', { name: 'Find', exact: true }).click();
    const sample = w.getByLabel('Sample contact');
    await waitUntil(
      'the contact search answers',
      async () => (await sample.locator(`option[value="${olivia.id}"]`).count()) === 1,
    );
    await sample.selectOption(String(olivia.id));
    const phone = w.locator('figure.phone');
    await phone.locator('.wa-body').getByText(`Hi ${olivia.first}, your order ${ORDER} has shipped.`).waitFor({ timeout: SLOW });
    expect((await phone.locator('.wa-header').textContent())!.trim()).to.equal(`Order ${ORDER}`);
    expect((await phone.locator('.wa-button').allTextContents()).map((t) => t.trim())).to.deep.equal(['Track']);
    await waitUntil('the preview is up to date', async () => (await phone.getByText('Updating…').count()) === 0);
    await shot(page, '4-variables-preview');
    await w.getByRole('button', { name: 'Next: Schedule' }).click();

    // Step 4: send now (the default), two messages a second so the report has something to follow.
    await w.getByText('Step 4 of 5: Schedule').waitFor();
    await w.getByLabel('Send now').check();
    expect(await w.getByLabel('Send now').isChecked()).to.equal(true);
    await w.getByLabel('Limit the sending rate').check();
    await w.getByLabel('Messages per second').fill(String(RATE));
    await w.getByRole('button', { name: 'Next: Review' }).click();

    // Step 5: the review, with the counts and the cost.
    await w.getByText('Step 5 of 5: Review').waitFor();
    const summary = w.locator('dl.summary').first();
    const dd = (label: string) => summary.locator(`dt:text-is("${label}") + dd`);
    expect((await dd('Name').textContent())!.trim()).to.equal(CAMPAIGN);
    expect((await dd('Template').textContent())!.trim()).to.equal('order_update (en_US) · UTILITY');
    expect((await dd('Audience').textContent())!.trim()).to.equal(`Segment: ${SEGMENT}`);
    expect((await dd('When').textContent())!.trim()).to.equal('Now');
    expect((await dd('Rate').textContent())!.trim()).to.equal(`${RATE} messages per second`);
    await w.locator('.audience-counts[aria-busy="false"]').waitFor({ timeout: SLOW });
    const costRows = w.locator('table.cost tbody tr');
    await costRows.first().waitFor({ timeout: SLOW });
    expect((await stat('Will receive it').textContent())!.trim()).to.equal('10');
    expect((await stat('Opted out').textContent())!.trim()).to.equal('1');
    const lines = [];
    for (const row of await costRows.all()) lines.push((await row.locator('td').allTextContents()).map((t) => t.trim()));
    expect(lines).to.deep.equal([['United Kingdom', 'utility', '10', '$0.022', '$0.22']]);
    expect((await w.locator('dl.balance dd.total').textContent())!.trim()).to.equal('$0.22');
    expect(await w.locator('.insufficient').count()).to.equal(0);
    await shot(page, '5-review');

    // Send: the composer makes way for the live report.
    const navigations: string[] = [];
    page.on('framenavigated', (f) => {
      if (f === page.mainFrame()) navigations.push(f.url());
    });
    await w.getByRole('button', { name: 'Send now' }).click();
    const r = report();
    await r.getByRole('heading', { name: CAMPAIGN }).waitFor({ timeout: SLOW });
    const campaigns = await manager.get('/api/v1/campaigns');
    campaignId = campaigns.body.items.find((c: { name: string }) => c.name === CAMPAIGN).id;

    // The counters follow the simulator's statuses (sent, then delivered, then read) in place.
    const seen: string[] = [];
    let last = '';
    let shotMidway = false;
    await waitUntil(
      'every message is read on the report',
      async () => {
        const c = await counters(r);
        if (Number.isNaN(c.progress)) return false; // still loading
        const now = `${c.progress}% queued=${c.queued} sent=${c.sent} delivered=${c.delivered} read=${c.read}`;
        if (now !== last) seen.push((last = now));
        if (!shotMidway && c.sent > 0 && c.progress < 100) {
          shotMidway = true;
          await shot(page, '6-report-sending');
        }
        return c.progress === 100 && c.sent === PEOPLE.length && c.delivered === PEOPLE.length && c.read === PEOPLE.length;
      },
      SLOW,
    );
    process.stderr.write(`      (the report showed: ${seen.join(' → ')})\n`);
    expect(seen.length, `the report changed while watched: ${seen.join(' → ')}`).to.be.greaterThan(2);
    expect(seen[0], 'the first state seen was not yet all read').to.not.match(/read=10\b/);
    expect(
      seen.some((x) => Number.parseInt(x, 10) < 100),
      'the progress was seen below 100 %',
    ).to.equal(true);
    expect(navigations, 'the page was not reloaded').to.deep.equal([]);
    const c = await counters(r);
    expect(c).to.include({ queued: 0, failed: 0, skipped: 1 });
    await r.locator('.badge.status').getByText('Completed').waitFor({ timeout: SLOW });
    expect(await r.getByRole('progressbar').getAttribute('aria-valuenow')).to.equal('100');
    expect((await r.locator('[data-counter="cost"] dd').textContent())!.trim()).to.equal('$0.22');
    await shot(page, '7-report-done');
    // When it started and finished, as the API has them, without a reload.
    const times = r.locator('dl.summary').first();
    await times.locator('dt', { hasText: 'Started' }).waitFor({ timeout: 10_000 });
    await times.locator('dt', { hasText: 'Finished' }).waitFor({ timeout: 10_000 });
  });

  it('delivered exactly one message with their first name to each eligible contact, and none to the opted-out one', async () => {
    const sim = p.platform.simulator!.control;
    const sent = sim.sentMessages({ phoneNumberId });
    for (const person of PEOPLE) {
      const mine = sent.filter((m) => digits(m.to) === digits(person.phone));
      expect(mine, `messages to ${person.name}`).to.have.length(1);
      expect(mine[0].template?.name).to.equal('order_update');
      expect(mine[0].view.body).to.equal(`Hi ${person.first}, your order ${ORDER} has shipped.`);
      expect(mine[0].view.header).to.equal(`Order ${ORDER}`);
      expect(mine[0].status).to.equal('read');
    }
    expect(
      sent.filter((m) => digits(m.to) === digits(OPTED_OUT.phone)),
      'messages to the opted-out contact',
    ).to.have.length(0);

    const recipients = await manager.get(`/api/v1/campaigns/${campaignId}/recipients?limit=100`);
    expect(recipients.status, recipients.text).to.equal(200);
    const skipped = recipients.body.items.filter((x: { state: string }) => x.state === 'skipped');
    expect(skipped.map((x: { contactId: number; skipReason: string }) => [x.contactId, x.skipReason])).to.deep.equal([
      [OPTED_OUT.id, 'opted_out'],
    ]);
  });

  it('puts the campaign message in the inbox thread when the customer replies', async () => {
    const sim = p.platform.simulator!.control;
    const olivia = PEOPLE[0];
    sim.customerSays({ phoneNumberId, from: digits(olivia.phone), type: 'text', text: 'Thanks! Can I change the address?' });
    await page.goto(`${p.url}/app/inbox`);
    const inbox = page.locator('wa-inbox');
    // (The list names her as WhatsApp does, by her profile name.)
    const row = inbox.locator('wa-inbox-list button.conv', { hasText: 'Thanks! Can I change the address?' });
    await row.waitFor({ timeout: SLOW });
    await row.click();
    const thread = inbox.locator('wa-inbox-thread');
    await thread.getByText('Thanks! Can I change the address?').waitFor({ timeout: SLOW });
    // What she answered: the campaign's message, with her first name, labelled with the campaign, just before.
    const sentOne = thread.locator('li.msg.out[data-type="template"]');
    await sentOne.waitFor({ timeout: SLOW });
    const said = (await sentOne.textContent())!.replace(/\s+/g, ' ');
    expect(said).to.contain(`Campaign · ${CAMPAIGN}`).and.contain(`Hi ${olivia.first}, your order ${ORDER} has shipped.`);
    const order = await thread.locator('li.msg').evaluateAll((els) => els.map((e) => e.className.includes('out')));
    expect(order).to.deep.equal([true, false]);
    await shot(page, '8-reply-in-inbox');
    // Back in its report, the reply counts.
    await page.goto(`${p.url}/app/campaigns`);
    await composer().getByRole('button', { name: CAMPAIGN }).click();
    await report().locator('dl.counters > div[data-counter="replied"] dd', { hasText: '1' }).waitFor({ timeout: SLOW });
  });

  it('shows the campaign in the list, and gives an agent no Campaigns page', async () => {
    await report().getByRole('button', { name: '← All campaigns' }).click();
    const row = composer().locator('table.campaigns tbody tr', { hasText: CAMPAIGN });
    await row.waitFor({ timeout: SLOW });
    await composer().locator('.table-wrap[aria-busy="false"]').waitFor({ timeout: SLOW });
    expect((await row.locator('.badge').textContent())!.trim()).to.equal('Completed');
    expect((await row.getByRole('progressbar').getAttribute('aria-valuenow')) ?? '').to.equal('100');
    await shot(page, '8-list');

    const agent = await open();
    await signIn(agent, AGENT);
    const nav = agent.locator('nav#nav');
    expect(await nav.getByRole('link', { name: 'Campaigns' }).count()).to.equal(0);
    expect(await nav.getByRole('link', { name: 'Contacts' }).count()).to.equal(0);
    // A deep link shows the managers-only state; the widget itself is not even mounted.
    await agent.goto(`${p.url}/app/campaigns`);
    await agent.locator('wa-empty-state[heading="Not available for your role"]').waitFor({ timeout: SLOW });
    expect(await agent.locator('wa-campaign-composer').count()).to.equal(0);
    await shot(agent, '9-agent');

    const api = p.client();
    expect((await api.post('/api/v1/auth/login', { email: AGENT.email, password: AGENT.password })).status).to.equal(200);
    expect((await api.get('/api/v1/campaigns')).status).to.equal(403);
    expect(errors).to.deep.equal([]);
  });
});
