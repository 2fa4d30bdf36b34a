// Screenshots of the inbox against the fake API, in both themes at desktop and phone widths,
// written to test-results/screenshots/ for people to look at.
import { expect } from 'chai';
import fs from 'node:fs';
import path from 'node:path';
import { useBrowser } from '../helpers/browser.ts';
import { ALEX, fakeInbox, message, notification, openInbox, richThread } from './fake-inbox.ts';

const SHOTS = path.resolve('test-results/screenshots');

describe('<wa-inbox> screenshots', function () {
  useBrowser();
  before(() => fs.mkdirSync(SHOTS, { recursive: true }));

  for (const theme of ['light', 'dark'] as const) {
    it(`saves the two-pane inbox (800 px) with details, a collision warning and a note in ${theme}`, async function () {
      const fake = fakeInbox({
        messages: { 1: richThread() },
        onSend: (_id, body) =>
          body.force || body.type === 'note'
            ? undefined
            : {
                status: 409,
                body: {
                  error: {
                    code: 'reply_collision',
                    message: 'Alex replied.',
                    details: {
                      message: message(900, Date.now(), { direction: 'out', text: 'I sent the label already.', sender: ALEX }),
                      by: ALEX,
                    },
                  },
                },
              },
      });
      const { page, inbox } = await openInbox(fake, { theme, width: 800, height: 760, viewport: { width: 840, height: 800 } });
      await page.emulateMedia({ colorScheme: theme });
      await inbox.locator('wa-inbox-list button.conv').first().click();
      await inbox.getByText('Yes please, thank you!').waitFor();
      const reply = inbox.getByRole('textbox', { name: 'Reply' });
      await reply.fill('Sending you a return label now.');
      await reply.press('Enter');
      await inbox.locator('.collision').waitFor();
      await inbox.getByRole('button', { name: 'Private note' }).click();
      await inbox.getByRole('textbox', { name: 'Private note' }).fill('Checking with @Al');
      await page.waitForTimeout(300);
      await page.screenshot({ path: path.join(SHOTS, `inbox-collision-${theme}-800.png`) });
      await inbox.getByRole('button', { name: 'Contact details' }).click();
      await inbox.locator('aside.details').waitFor();
      await page.waitForTimeout(200);
      await page.screenshot({ path: path.join(SHOTS, `inbox-details-overlay-${theme}-800.png`) });
    });
  }

  for (const theme of ['light', 'dark'] as const) {
    for (const width of [1280, 375]) {
      it(`saves the inbox in ${theme} at ${width} px`, async function () {
        const fake = fakeInbox({
          messages: { 1: richThread(), 3: richThread().slice(0, 2) },
          notifications: [
            notification(1, 26 * 60, { conversationId: 2, readAt: new Date().toISOString() }),
            notification(2, 50, { kind: 'assigned', conversationId: 5, text: 'Conversation with Sofia Rossi' }),
            notification(3, 3, { conversationId: 1 }),
          ],
        });
        const { page, inbox, pageErrors } = await openInbox(fake, {
          theme,
          viewport: { width, height: 800 },
          height: 800,
        });
        await page.emulateMedia({ colorScheme: theme });
        const shot = (name: string) => page.screenshot({ path: path.join(SHOTS, `inbox-${name}-${theme}-${width}.png`) });
        await inbox.locator('wa-inbox-list button.conv').first().waitFor();
        await shot('list');
        const search = inbox.getByRole('searchbox', { name: 'Search messages' });
        await search.fill('order');
        await inbox.locator('wa-inbox-list button.hit').first().waitFor();
        await shot('search');
        await search.press('Escape');
        await inbox.locator('wa-inbox-list button.conv').first().click();
        await inbox.getByText('Yes please, thank you!').waitFor();
        await page.waitForTimeout(300);
        await shot('thread');
        if (width < 600) {
          await inbox.getByRole('button', { name: 'Contact details' }).click();
          await page.waitForTimeout(200);
          await shot('details');
          await inbox.getByRole('button', { name: 'Back to the conversation' }).click();
        }
        await inbox.locator('wa-inbox-composer textarea.input').fill('/');
        await inbox.locator('wa-inbox-composer [role="option"]').first().waitFor();
        await shot('canned');
        await inbox.locator('wa-inbox-composer textarea.input').fill('');
        if (width < 600) await inbox.getByRole('button', { name: 'Back to conversations' }).click();
        await inbox.locator('wa-inbox-list button.conv').nth(2).click();
        await inbox.getByLabel('Template').selectOption({ index: 1 });
        await inbox.getByLabel('Header {{1}}').fill('#1042');
        await inbox.getByLabel('Body {{1}}').fill('Aisha');
        await page.waitForTimeout(200);
        await shot('template');
        await inbox.getByRole('button', { name: 'Keyboard shortcuts' }).click();
        await shot('help');
        await inbox.getByRole('button', { name: /^Notifications/ }).click();
        await inbox.getByRole('dialog', { name: 'Notifications' }).locator('button.item').nth(2).waitFor();
        await shot('notifications');
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
        expect(overflow).to.be.at.most(0);
        expect(pageErrors).to.deep.equal([]);
      });
    }
  }
});
