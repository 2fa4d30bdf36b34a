// Screenshots of <wa-contacts> against the fake API, in both themes at desktop and phone widths,
// written to test-results/screenshots/ for people to look at.
import { expect } from 'chai';
import fs from 'node:fs';
import path from 'node:path';
import { useBrowser, waitFor } from '../helpers/browser.ts';
import { fakeContacts, openContacts } from './fake-contacts.ts';

const SHOTS = path.resolve('test-results/screenshots');
const CSV =
  'Phone,Name,Email,City,Notes\n+4915111111111,Ana Silva,ana@example.com,Lisbon,fair\n015122222222,Ben Ode,,Berlin,\n12,Bad Number,,,\n';

describe('<wa-contacts> screenshots', function () {
  useBrowser();
  before(() => fs.mkdirSync(SHOTS, { recursive: true }));

  for (const theme of ['light', 'dark'] as const) {
    for (const width of [1280, 375]) {
      it(`saves the list, segment builder, contact and import wizard in ${theme} at ${width} px`, async function () {
        const fake = fakeContacts();
        fake.state.importSteps = [
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
        const { page, contacts, pageErrors } = await openContacts(fake, { theme, viewport: { width, height: 900 } });
        await page.emulateMedia({ colorScheme: theme });
        await page.evaluate((bg) => (document.body.style.background = bg), theme === 'dark' ? '#0b141a' : '#ffffff');
        const shot = (name: string) =>
          page.screenshot({ path: path.join(SHOTS, `contacts-${name}-${theme}-${width}.png`), fullPage: true });
        const overflow = () => page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
        await contacts.locator('table.contacts tbody tr').first().waitFor();
        await contacts.getByRole('button', { name: 'Opted in', exact: true }).click();
        await contacts.getByText('Consent: Opted in').waitFor();
        await page.waitForTimeout(300);
        await shot('list');
        expect(await overflow(), 'list').to.be.at.most(0);

        await contacts.getByRole('button', { name: 'Build segment' }).click();
        const builder = contacts.locator('wa-contacts-segment-builder');
        await builder.getByLabel('Condition 1 tags (separate with commas)').fill('vip, newsletter');
        await builder.getByRole('button', { name: 'Add condition' }).click();
        await builder.getByLabel('Condition 2 field').selectOption('attribute');
        await builder.getByLabel('Condition 2 attribute').selectOption('orders');
        await builder.getByLabel('Condition 2 operator').selectOption('between');
        await builder.getByLabel('Condition 2 from').fill('2');
        await builder.getByLabel('Condition 2 to').fill('10');
        await builder.getByRole('button', { name: 'Add condition' }).click();
        await builder.getByLabel('Condition 3 field').selectOption('last_seen');
        await builder.getByText('1,234 contacts').waitFor();
        await builder.getByLabel('Segment name').fill('VIPs in Berlin');
        await builder.getByRole('button', { name: 'Save as segment' }).click();
        await builder.getByText('already exists').waitFor();
        await page.waitForTimeout(200);
        await shot('builder');
        expect(await overflow(), 'builder').to.be.at.most(0);
        await builder.getByRole('button', { name: 'Close' }).click();

        await contacts.getByRole('list', { name: 'Active filters' }).getByRole('button', { name: 'Clear filters' }).click();
        await contacts.getByRole('searchbox', { name: 'Search contacts' }).fill('+491511200001');
        await waitFor(async () => (await contacts.locator('table.contacts tbody tr').count()) === 1);
        await contacts.locator('table.contacts button.open', { hasText: 'Maria Garcia' }).click();
        const detail = contacts.locator('wa-contacts-detail');
        await detail.getByRole('list', { name: 'Consent history' }).waitFor();
        await detail.getByText('Prefers calls after 5pm.').waitFor();
        await detail.locator('button.conv').first().waitFor();
        await page.waitForTimeout(300);
        await shot('detail');
        expect(await overflow(), 'detail').to.be.at.most(0);
        await detail.getByRole('button', { name: 'Record opt-out' }).click();
        await detail.getByRole('dialog').waitFor();
        await page.waitForTimeout(200);
        await page.screenshot({ path: path.join(SHOTS, `contacts-consent-dialog-${theme}-${width}.png`) });
        await detail.getByRole('button', { name: 'Cancel' }).click();
        await detail.getByRole('button', { name: '← Back to contacts' }).click();

        await contacts.getByRole('button', { name: 'Import CSV' }).first().click();
        const wizard = contacts.locator('wa-contacts-import');
        await wizard
          .getByLabel('CSV file')
          .setInputFiles({ name: 'customers.csv', mimeType: 'text/csv', buffer: Buffer.from(CSV) });
        await wizard.getByRole('region', { name: 'Preview of the file' }).waitFor();
        await page.waitForTimeout(200);
        await shot('import-mapping');
        expect(await overflow(), 'import mapping').to.be.at.most(0);
        await wizard.getByRole('button', { name: 'Start import' }).click();
        await wizard.getByRole('heading', { name: 'Import finished' }).waitFor({ timeout: 10_000 });
        await page.waitForTimeout(200);
        await shot('import-done');
        expect(await overflow(), 'import done').to.be.at.most(0);
        expect(pageErrors).to.deep.equal([]);
      });
    }
  }
});
