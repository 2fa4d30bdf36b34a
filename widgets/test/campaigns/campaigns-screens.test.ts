// Screenshots of <wa-campaign-composer> against the fake API, in both themes at desktop and phone
// widths, written to test-results/screenshots/ for people to look at.
import { expect } from 'chai';
import fs from 'node:fs';
import path from 'node:path';
import { useBrowser, waitFor } from '../helpers/browser.ts';
import { fakeCampaigns, openCampaigns } from './fake-campaigns.ts';

const SHOTS = path.resolve('test-results/screenshots');

describe('<wa-campaign-composer> screenshots', function () {
  useBrowser();
  before(() => fs.mkdirSync(SHOTS, { recursive: true }));

  for (const theme of ['light', 'dark'] as const) {
    for (const width of [1280, 375]) {
      it(`saves the list, every composer step and the report in ${theme} at ${width} px`, async function () {
        const fake = fakeCampaigns({ balanceMicros: 20_000_000 });
        const { page, campaigns, pageErrors } = await openCampaigns(fake, { theme, viewport: { width, height: 900 } });
        await page.emulateMedia({ colorScheme: theme });
        await page.evaluate((bg) => (document.body.style.background = bg), theme === 'dark' ? '#0b141a' : '#ffffff');
        const shot = (name: string) =>
          page.screenshot({ path: path.join(SHOTS, `campaigns-${name}-${theme}-${width}.png`), fullPage: true });
        const overflow = () => page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
        await campaigns.locator('table.campaigns tbody tr').first().waitFor();
        await page.waitForTimeout(200);
        await shot('list');
        expect(await overflow(), 'list').to.be.at.most(0);

        await campaigns.getByRole('button', { name: 'New campaign' }).first().click();
        const wizard = campaigns.locator('wa-campaign-wizard');
        await wizard.getByLabel('Campaign name').fill('December order updates');
        await wizard.getByLabel('WhatsApp number').selectOption('1');
        await waitFor(async () => (await wizard.getByLabel('Template').locator('option').count()) > 1);
        await wizard.getByLabel('Template').selectOption('order_update|en_US');
        await page.waitForTimeout(150);
        await shot('step-template');
        expect(await overflow(), 'template').to.be.at.most(0);

        await wizard.getByRole('button', { name: 'Next: Audience' }).click();
        await wizard.getByLabel('Segment', { exact: true }).selectOption('2');
        await wizard.locator('.audience-counts dl').waitFor();
        await page.waitForTimeout(150);
        await shot('step-audience');
        expect(await overflow(), 'audience').to.be.at.most(0);

        await wizard.getByRole('button', { name: 'Next: Variables' }).click();
        const row = (label: string) => wizard.getByRole('group', { name: label });
        await row('Header {{1}}').getByLabel('Value from').selectOption('attribute:order_id');
        await row('Body {{1}}').getByLabel('Value from').selectOption('field:first_name');
        await row('Body {{1}}').getByLabel('Fallback when empty').fill('there');
        await row('Body {{2}}').getByLabel('Text').fill('#4411');
        await row('Link of button “Track”').getByLabel('Text').fill('4411');
        await wizard.getByText('Hi Jane, your order #4411 has shipped.').waitFor();
        await page.waitForTimeout(150);
        await shot('step-variables');
        expect(await overflow(), 'variables').to.be.at.most(0);

        await wizard.getByRole('button', { name: 'Next: Schedule' }).click();
        await wizard.getByLabel('Schedule for later').check();
        await wizard.getByLabel(/Respect quiet hours/).check();
        await wizard.getByLabel('Limit the sending rate').check();
        await page.waitForTimeout(150);
        await shot('step-schedule');
        expect(await overflow(), 'schedule').to.be.at.most(0);

        await wizard.getByRole('button', { name: 'Next: Review' }).click();
        await wizard.locator('.insufficient').waitFor();
        await page.waitForTimeout(150);
        await shot('step-review');
        expect(await overflow(), 'review').to.be.at.most(0);

        await wizard.getByRole('button', { name: 'Cancel' }).click();
        await campaigns.locator('button.open', { hasText: 'Spring sale' }).click();
        const report = campaigns.locator('wa-campaign-report');
        await report.locator('svg.chart').waitFor();
        await page.waitForTimeout(150);
        await shot('report');
        expect(await overflow(), 'report').to.be.at.most(0);
        await report.getByRole('button', { name: 'Cancel campaign' }).click();
        await report.getByRole('dialog').waitFor();
        await page.waitForTimeout(150);
        await page.screenshot({ path: path.join(SHOTS, `campaigns-cancel-dialog-${theme}-${width}.png`) });
        expect(pageErrors).to.deep.equal([]);
      });
    }
  }
});
