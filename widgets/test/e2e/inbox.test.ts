// The inbox in the real console against the real product: a simulated customer writes to the demo
// number, the message appears live, the agent replies and sees the ticks move, and screenshots of
// the live inbox are written to test-results/screenshots/.
import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { startPlatform, type TestPlatform } from '../../../backend/test/helpers/platform.ts';
import { launchChromium } from '../../../backend/test/helpers/chromium.ts';

const ADMIN_EMAIL = 'owner@example.com';
const ADMIN_PASSWORD = 'correct horse battery staple';
const SHOTS = path.resolve('test-results/screenshots');

describe('the inbox in the console, against the real product', function () {
  this.timeout(180_000);
  let p: TestPlatform;
  let browser: Browser;
  let phoneNumberId: string;

  before(async function () {
    if (!fs.existsSync('dist/w')) execFileSync('npx', ['rollup', '-c'], { stdio: 'inherit' });
    p = await startPlatform({ env: { ADMIN_EMAIL, ADMIN_PASSWORD, DEMO: '1' } });
    browser = await launchChromium();
    fs.mkdirSync(SHOTS, { recursive: true });
    const channel = await p.platform.models.Channel.findOne({ where: { kind: 'simulator' } });
    phoneNumberId = channel!.phoneNumberId;
  });

  after(async () => {
    await browser?.close();
    await p?.stop();
  });

  it('shows a customer message live, opens it, replies and follows the ticks', async function () {
    const sim = p.platform.simulator!.control;
    sim.customerSays({
      phoneNumberId,
      from: '447700900123',
      name: 'Maria Garcia',
      type: 'text',
      text: 'Hello! Is my order on its way?',
    });

    for (const theme of ['light', 'dark'] as const) {
      for (const width of [1280, 375]) {
        const ctx = await browser.newContext({ viewport: { width, height: 800 }, colorScheme: theme });
        await ctx.addInitScript((t) => localStorage.setItem('wa-theme', t), theme);
        const page = await ctx.newPage();
        const errors: string[] = [];
        page.on('pageerror', (e) => errors.push(e.message));
        await page.goto(`${p.url}/app/inbox`);
        await page.getByLabel('Email').fill(ADMIN_EMAIL);
        await page.getByLabel('Password').fill(ADMIN_PASSWORD);
        await page.getByRole('button', { name: 'Sign in' }).click();
        const inbox = page.locator('wa-inbox');
        const row = inbox.locator('wa-inbox-list button.conv', { hasText: 'Maria Garcia' });
        await row.waitFor({ timeout: 20_000 });
        if (theme === 'light' && width === 1280) await row.getByText('Hello! Is my order on its way?').waitFor();
        await row.click();
        await inbox.locator('wa-inbox-thread').getByText('Hello! Is my order on its way?').waitFor();

        if (theme === 'light' && width === 1280) {
          // A reply goes out through the simulator and comes back with its ticks.
          const reply = inbox.getByRole('textbox', { name: 'Reply' });
          await reply.fill('Hi Maria, it ships today.');
          await reply.press('Enter');
          const mine = inbox.locator('wa-inbox-thread li.msg', { hasText: 'Hi Maria, it ships today.' });
          await mine.waitFor();
          await mine.getByRole('img', { name: /Sent|Delivered|Read/ }).waitFor({ timeout: 20_000 });
          // A new customer message arrives while the conversation is open.
          sim.customerSays({ phoneNumberId, from: '447700900123', type: 'text', text: 'Great, thank you!' });
          await inbox.locator('wa-inbox-thread .text', { hasText: 'Great, thank you!' }).waitFor({ timeout: 20_000 });
        }
        await page.waitForTimeout(300);
        await page.screenshot({ path: path.join(SHOTS, `app-inbox-conversation-${theme}-${width}.png`) });
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
        expect(overflow).to.be.at.most(0);
        expect(errors).to.deep.equal([]);
        await ctx.close();
      }
    }
  });
});
