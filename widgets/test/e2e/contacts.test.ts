// Contacts in the real console against the real product, as a manager would use them: import a CSV
// file through the wizard (preview, mapping, progress, result, the errors file), find a contact, look
// at its attributes, tags and consent history, record an opt-out, build and save a segment with a
// live count, and re-import the same file without changing anything. Screenshots go to
// test-results/screenshots/contacts-e2e-*.png.
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
const SHOTS = path.resolve('test-results/screenshots');
const FILENAME = 'spring-fair-contacts.csv';
const SEGMENT = 'Berlin, opted in';
/** Generous: CI machines are slow. */
const SLOW = 30_000;

interface Row {
  phone: string;
  name: string;
  email: string;
  city: string;
  tags: string;
  consent: 'yes' | 'no' | '';
}

/** The file: 48 good rows, one bad phone (line 21) and one repeat of an earlier phone (line 42). */
function makeCsv() {
  const first = ['Anna', 'Ben', 'Clara', 'David', 'Emma', 'Felix', 'Hanna', 'Jonas', 'Lena', 'Max', 'Nora', 'Paul'];
  const last = ['Becker', 'Fischer', 'Koch', 'Meyer', 'Richter', 'Schulz', 'Wagner', 'Weber', 'Wolf', 'Zimmermann'];
  const cities = ['Berlin', 'Hamburg', 'Munich', 'Berlin', 'Cologne'];
  const consents: Row['consent'][] = ['yes', 'no', '', 'yes'];
  const tags = ['vip;newsletter', 'newsletter', '', 'wholesale', 'newsletter;wholesale', 'vip'];
  const good: Row[] = [];
  for (let i = 1; i <= 48; i++) {
    const [f, l] = [first[i % first.length], last[Math.floor(i / first.length) % last.length]];
    good.push({
      phone: `+49151123456${String(i).padStart(2, '0')}`,
      name: `${f} ${l}`,
      email: `${f}.${l}${i}@example.com`.toLowerCase(),
      city: cities[i % cities.length],
      tags: tags[i % tags.length],
      consent: consents[i % consents.length],
    });
  }
  // The contact the test follows: in Berlin, opted in, with two tags (and a name no one else has).
  const greta = good[9]; // line 11
  Object.assign(greta, {
    name: 'Greta Hoffmann',
    email: 'greta@example.com',
    city: 'Berlin',
    tags: 'vip;newsletter',
    consent: 'yes',
  });
  const bad: Row = { phone: '12345', name: 'Bad Number', email: '', city: 'Berlin', tags: '', consent: 'yes' };
  // A repeat of line 4's phone, different in every other cell (it must be skipped, not applied).
  const dup: Row = { ...good[2], name: 'Someone Else', email: 'else@example.com', city: 'Berlin', consent: 'yes' };
  const rows = [...good.slice(0, 19), bad, ...good.slice(19, 39), dup, ...good.slice(39)];
  const line = (r: Row) => rows.indexOf(r) + 2; // the header is line 1
  const csv =
    'phone,name,email,city,tags,consent\n' +
    rows.map((r) => [r.phone, r.name, r.email, r.city, r.tags, r.consent].join(',')).join('\n') +
    '\n';
  return {
    csv,
    rows,
    good,
    greta,
    bad,
    dup,
    badLine: line(bad),
    dupLine: line(dup),
    gretaLine: line(greta),
    firstOfDup: line(good[2]),
  };
}

async function waitUntil(what: string, fn: () => Promise<boolean>, ms = SLOW) {
  const end = Date.now() + ms;
  while (!(await fn())) {
    if (Date.now() > end) throw new Error(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The result step's counts, read from its definition list. */
async function counts(wizard: Locator) {
  const out: Record<string, number> = {};
  for (const div of await wizard.locator('dl.counts > div').all()) {
    out[(await div.locator('dt').textContent())!.trim()] = Number((await div.locator('dd').textContent())!.replace(/\D/g, ''));
  }
  return out;
}

describe('contacts in the console, against the real product', function () {
  this.timeout(120_000);
  let p: TestPlatform;
  let browser: Browser;
  let ctx: BrowserContext;
  let page: Page;
  let manager: HttpClient;
  let failed = false;
  const errors: string[] = [];
  const data = makeCsv();
  const started = Date.now();
  const shot = (name: string) => page.screenshot({ path: path.join(SHOTS, `contacts-e2e-${name}.png`), fullPage: true });

  before(async () => {
    if (!fs.existsSync('dist/w')) execFileSync('npx', ['rollup', '-c'], { stdio: 'inherit' });
    p = await startPlatform({
      env: { ADMIN_EMAIL, ADMIN_PASSWORD, DEMO: '1', ...(process.env.REDIS_URL ? { REDIS_URL: process.env.REDIS_URL } : {}) },
    });
    browser = await launchChromium();
    fs.mkdirSync(SHOTS, { recursive: true });

    // A workspace of its own (the demo one has contacts already), with a manager in it.
    const admin = p.client();
    expect((await admin.post('/api/v1/auth/login', { email: ADMIN_EMAIL, password: ADMIN_PASSWORD })).status).to.equal(200);
    const tenant = await admin.post('/api/admin/tenants', { name: 'Spring Fair', slug: 'spring-fair' });
    expect(tenant.status, tenant.text).to.equal(201);
    const added = await admin.tenant(tenant.body.id).post('/api/v1/members', { ...MANAGER, role: 'manager' });
    expect(added.status, added.text).to.equal(201);

    // The manager creates the attribute the file's city column goes to, through the API.
    manager = p.client();
    expect((await manager.post('/api/v1/auth/login', { email: MANAGER.email, password: MANAGER.password })).status).to.equal(200);
    manager.tenant(tenant.body.id);
    const attr = await manager.post('/api/v1/contact-attributes', { key: 'city', label: 'City', type: 'text' });
    expect(attr.status, attr.text).to.equal(201);

    ctx = await browser.newContext({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
    page = await ctx.newPage();
    page.on('pageerror', (e) => errors.push(e.message));
  });

  beforeEach(function () {
    if (failed) this.skip();
  });

  afterEach(function () {
    if (this.currentTest?.state === 'failed') failed = true;
  });

  after(async () => {
    await ctx?.close().catch(() => undefined);
    await browser?.close();
    await p?.stop();
    process.stderr.write(`      (contacts e2e: ${((Date.now() - started) / 1000).toFixed(1)} s in all)\n`);
  });

  const contacts = () => page.locator('wa-contacts');
  const wizard = () => page.locator('wa-contacts-import');

  /** Runs the import wizard on the file up to its result, and returns the counts shown. */
  async function importFile(shots?: { preview: string; done: string }) {
    await contacts().locator('.head-actions').getByRole('button', { name: 'Import CSV' }).click();
    const w = wizard();
    await w.getByRole('heading', { name: 'Import contacts' }).waitFor();
    await w.locator('input#file').setInputFiles({ name: FILENAME, mimeType: 'text/csv', buffer: Buffer.from(data.csv) });

    // Preview: the first ten rows, and each column mapped to the right field.
    await w.locator('#preview-title').getByText(FILENAME).waitFor({ timeout: SLOW });
    expect(await w.locator('table.preview tbody tr').count()).to.equal(10);
    expect(await w.locator('table.preview tbody tr').first().textContent()).to.contain(data.rows[0].phone);
    const expected: Record<string, string> = {
      phone: 'phone',
      name: 'name',
      email: 'email',
      city: 'attribute:city',
      tags: 'tags',
      consent: 'consent',
    };
    for (const [column, target] of Object.entries(expected)) {
      expect(await w.getByLabel(`Column ${column}`, { exact: true }).inputValue(), `column ${column}`).to.equal(target);
    }
    if (shots) await shot(shots.preview);

    await w.getByRole('button', { name: 'Start import' }).click();
    // The progress step (or already the result, on a fast machine), then the result.
    await Promise.race([
      w.locator('progress#import-progress').waitFor({ timeout: SLOW }),
      w.locator('#done-title').waitFor({ timeout: SLOW }),
    ]);
    await w.locator('#done-title').getByText('Import finished').waitFor({ timeout: SLOW });
    await w.getByText(`${FILENAME}: 50 rows processed.`).waitFor();
    expect(await w.locator('ol.steps li[aria-current="step"]').textContent()).to.contain('Result');
    if (shots) await shot(shots.done);
    return counts(w);
  }

  it('lets a manager open Contacts and import a CSV file, with its preview, progress, result and errors file', async () => {
    await page.goto(`${p.url}/app`);
    await page.getByLabel('Email').fill(MANAGER.email);
    await page.getByLabel('Password').fill(MANAGER.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('link', { name: 'Contacts', exact: true }).click();
    expect(new URL(page.url()).pathname).to.equal('/app/contacts');
    await contacts().getByRole('heading', { name: 'Contacts', exact: true }).waitFor({ timeout: SLOW });
    await contacts().getByText('No contacts yet').waitFor({ timeout: SLOW });

    const result = await importFile({ preview: 'import-preview', done: 'import-done' });
    expect(result).to.deep.equal({ Created: 48, Updated: 0, Unchanged: 0, Errors: 2 });

    // The errors file names the bad line and the repeated one.
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      wizard().getByRole('button', { name: 'Download errors' }).click(),
    ]);
    expect(download.suggestedFilename()).to.equal('spring-fair-contacts-errors.csv');
    const text = fs.readFileSync((await download.path())!, 'utf8');
    const lines = text.trim().split(/\r?\n/);
    expect(lines[0]).to.equal('row,column,value,message');
    expect(lines).to.have.length(3);
    expect(lines[1]).to.match(new RegExp(`^${data.badLine},phone,12345,`));
    expect(lines[2]).to.match(new RegExp(`^${data.dupLine},phone,\\${data.dup.phone},.*line ${data.firstOfDup}\\b`));
  });

  it('lists the contacts, finds one by name, shows its attributes, tags and consent history, and records an opt-out', async () => {
    await wizard().getByRole('button', { name: 'Show contacts' }).click();
    const rows = contacts().locator('table.contacts tbody tr');
    await waitUntil('the first page of contacts shows', async () => (await rows.count()) === 25);
    await contacts().getByRole('button', { name: 'Load more' }).waitFor();

    await contacts().getByLabel('Search contacts').fill('Hoffmann');
    await waitUntil('the search leaves one contact', async () => (await rows.count()) === 1);
    const row = rows.first();
    expect(await row.textContent()).to.contain(data.greta.phone);
    expect(await row.locator('.badge.consent').textContent()).to.contain('Opted in');
    await row.getByRole('button', { name: 'Greta Hoffmann' }).click();

    const detail = page.locator('wa-contacts-detail');
    await detail.getByRole('heading', { name: 'Greta Hoffmann' }).waitFor({ timeout: SLOW });
    const badge = detail.locator('header.detail-head .badge.consent');
    expect(await badge.textContent()).to.contain('Opted in');
    expect(await detail.getByLabel('City').inputValue()).to.equal('Berlin');
    expect(await detail.getByLabel('Email').inputValue()).to.equal('greta@example.com');
    const tags = detail.locator('section[aria-labelledby="tags-title"] ul.chips li span:not(.chip-x)');
    expect((await tags.allTextContents()).map((t) => t.trim()).sort()).to.deep.equal(['newsletter', 'vip']);
    // The import's entry in the consent history, with the file and line as proof.
    const timeline = detail.getByRole('list', { name: 'Consent history' });
    await timeline.waitFor({ timeout: SLOW });
    const entries = timeline.locator('li.entry');
    expect(await entries.count()).to.equal(1);
    expect(await entries.first().textContent()).to.match(/Opted in\s*· Import/);
    expect(await entries.first().locator('.proof').textContent()).to.contain(`File ${FILENAME}, row ${data.gretaLine}`);

    // An opt-out through the dialog.
    await detail.getByRole('button', { name: 'Record opt-out' }).click();
    const dialog = detail.locator('dialog#consent-dialog');
    await dialog.getByRole('heading', { name: 'Record an opt-out?' }).waitFor();
    await dialog.getByLabel('Note (optional, kept as proof)').fill('Asked us on the phone to stop the newsletter.');
    await dialog.getByRole('button', { name: 'Record opt-out' }).click();
    await badge.getByText('Opted out').waitFor({ timeout: SLOW });
    await waitUntil('the opt-out is in the history', async () => (await entries.count()) === 2);
    expect(await entries.first().textContent()).to.match(/Opted out\s*· Manual/);
    expect(await entries.first().locator('.proof').textContent()).to.contain('Asked us on the phone');
    expect(await dialog.evaluate((d) => (d as HTMLDialogElement).open)).to.equal(false);
    await shot('contact');

    // The list row follows.
    await detail.getByRole('button', { name: '← Back to contacts' }).click();
    await rows.first().locator('.badge.consent').getByText('Opted out').waitFor({ timeout: SLOW });
  });

  it('builds "city is Berlin and consent is opted in" with a live count, and saves it as a segment', async () => {
    // Berlin and opted in by the file, less Greta who opted out since.
    const expected = data.good.filter((r) => r.city === 'Berlin' && r.consent === 'yes' && r !== data.greta).length;
    await contacts().getByLabel('Search contacts').fill('');
    await contacts().getByLabel('Search contacts').press('Enter');
    await waitUntil('the whole list is back', async () => (await contacts().locator('table.contacts tbody tr').count()) === 25);

    await contacts().getByRole('button', { name: 'Build segment' }).click();
    const builder = page.locator('wa-contacts-segment-builder');
    await builder.getByRole('heading', { name: 'Segment builder' }).waitFor();
    expect(await builder.locator('#match').inputValue()).to.equal('all');
    await builder.getByLabel('Condition 1 field').selectOption('attribute');
    await builder.getByLabel('Condition 1 attribute').selectOption('city');
    await builder.getByLabel('Condition 1 operator').selectOption('eq');
    await builder.getByLabel('Condition 1 value').fill('Berlin');
    await builder.getByRole('button', { name: 'Add condition' }).click();
    await builder.getByLabel('Condition 2 field').selectOption('consent');
    await builder.getByLabel('Condition 2 operator').selectOption('is');
    await builder.getByLabel('Condition 2 consent').selectOption('opted_in');
    const count = builder.locator('p.count.ready');
    await count.getByText(`${expected} contacts match`, { exact: true }).waitFor({ timeout: SLOW });
    await shot('segment-builder');

    await builder.getByLabel('Segment name').fill(SEGMENT);
    await builder.getByRole('button', { name: 'Save as segment' }).click();
    // Saved: the builder closes and the list shows the segment.
    await builder.waitFor({ state: 'detached', timeout: SLOW });
    await contacts().getByRole('list', { name: 'Active filters' }).getByText(`Segment: ${SEGMENT}`).waitFor({ timeout: SLOW });
    const rows = contacts().locator('table.contacts tbody tr');
    await waitUntil(`the list shows the ${expected} contacts of the segment`, async () => (await rows.count()) === expected);
    for (const badge of await rows.locator('.badge.consent').allTextContents()) expect(badge.trim()).to.equal('Opted in');
    const names = (await rows.locator('button.open').allTextContents()).map((n) => n.trim());
    expect(names).not.to.include('Greta Hoffmann');

    const saved = await manager.get('/api/v1/segments');
    expect(saved.status).to.equal(200);
    const seg = saved.body.items.find((s: { name: string }) => s.name === SEGMENT);
    expect(seg.definition).to.deep.equal({
      match: 'all',
      conditions: [
        { field: 'attribute', key: 'city', op: 'eq', value: 'Berlin' },
        { field: 'consent', op: 'is', value: 'opted_in' },
      ],
    });
    const live = await manager.post('/api/v1/segments/count', { definition: seg.definition });
    expect(live.body.count).to.equal(expected);
  });

  it('re-imports the same file without creating or changing anything', async () => {
    const result = await importFile({ preview: 'reimport-preview', done: 'reimport-done' });
    // Greta's opt-out came after the file: the old file's "yes" must not opt her in again.
    const greta = await manager.get(`/api/v1/contacts?q=${encodeURIComponent('Greta Hoffmann')}`);
    const history = await manager.get(`/api/v1/contacts/${greta.body.items[0].id}/consent`);
    const actions = history.body.items.map((e: { action: string; source: string }) => `${e.action} (${e.source})`);
    expect(actions, "Greta's consent history, newest first").to.deep.equal(['opt_out (agent)', 'opt_in (import)']);
    expect(greta.body.items[0].consent.state).to.equal('opted_out');
    expect(result).to.deep.equal({ Created: 0, Updated: 0, Unchanged: 48, Errors: 2 });
    const all = await manager.get('/api/v1/contacts?limit=100');
    expect(all.body.items).to.have.length(48);
    expect(errors).to.deep.equal([]);
  });
});
