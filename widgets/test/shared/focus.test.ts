import { expect } from 'chai';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { defaultEntries, mount, openPage, useBrowser } from '../helpers/browser.ts';

const probeEntry = join(dirname(fileURLToPath(import.meta.url)), 'fixtures/ui-probe.ts');

interface FocusLook {
  control: string;
  outlineStyle: string;
  outlineWidth: number;
  /** Contrast of the outline colour against whatever is painted behind the element. */
  contrast: number;
}

/** Tabs through the page as a keyboard user would and reports how each focused control looks. */
async function tabThrough(page: Page, count: number): Promise<FocusLook[]> {
  const looks: FocusLook[] = [];
  for (let i = 0; i < count; i++) {
    await page.keyboard.press('Tab');
    looks.push(
      await page.evaluate(() => {
        let el = document.activeElement!;
        while (el.shadowRoot?.activeElement) el = el.shadowRoot.activeElement;
        const ctx = document.createElement('canvas').getContext('2d', { willReadFrequently: true })!;
        const rgba = (color: string) => {
          ctx.clearRect(0, 0, 1, 1);
          ctx.fillStyle = color;
          ctx.fillRect(0, 0, 1, 1);
          return Array.from(ctx.getImageData(0, 0, 1, 1).data);
        };
        // The outline sits outside the element, so what is behind it is the nearest painted ancestor.
        let bg = [255, 255, 255, 255];
        for (let n: Element | null = el; n;) {
          n = n.parentElement ?? ((n.getRootNode() as ShadowRoot).host as Element | undefined) ?? null;
          if (!n) break;
          const c = rgba(getComputedStyle(n).backgroundColor);
          if (c[3] > 0) {
            bg = c;
            break;
          }
        }
        const luminance = (c: number[]) => {
          const [r, g, b] = c.slice(0, 3).map((v) => {
            const s = v / 255;
            return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
          });
          return 0.2126 * r + 0.7152 * g + 0.0722 * b;
        };
        const style = getComputedStyle(el);
        const o = rgba(style.outlineColor);
        const a = o[3] / 255;
        const seen = o.slice(0, 3).map((v, i) => v * a + bg[i] * (1 - a));
        const [hi, lo] = [luminance(seen), luminance(bg)].sort((x, y) => y - x);
        return {
          control: `${el.localName}${el.className ? '.' + String(el.className).replace(/ /g, '.') : ''}:${el.textContent?.trim() || el.id}`,
          outlineStyle: style.outlineStyle,
          outlineWidth: parseFloat(style.outlineWidth),
          contrast: Math.round(((hi + 0.05) / (lo + 0.05)) * 100) / 100,
        };
      }),
    );
  }
  return looks;
}

const controls = (theme: 'light' | 'dark') => `
  <wa-error-state theme="${theme}" heading="Could not load things"></wa-error-state>
  <wa-test-ui-probe theme="${theme}"></wa-test-ui-probe>`;

describe('keyboard focus indicator', function () {
  useBrowser();

  it('a keyboard-focused button or field in the light theme shows a solid outline of at least 3:1 contrast', async function () {
    const { page } = await openPage({ entries: [...defaultEntries, probeEntry] });
    await mount(page, controls('light'));
    const looks = await tabThrough(page, 4);
    expect(looks.map((l) => l.control)).to.deep.equal([
      'button:Try again',
      'button.btn:Cancel',
      'button.btn.primary:Save',
      'input:name',
    ]);
    for (const look of looks) {
      expect(look.outlineStyle, look.control).to.not.equal('none');
      expect(look.outlineWidth, look.control).to.be.at.least(2);
      expect(look.contrast, look.control).to.be.at.least(3);
    }
  });

  it('a keyboard-focused button in the dark theme shows an outline of at least 3:1 against the dark background', async function () {
    const { page } = await openPage({ entries: [...defaultEntries, probeEntry] });
    await page.evaluate(() => (document.body.style.background = '#111b21'));
    await mount(page, controls('dark'));
    for (const look of await tabThrough(page, 4)) {
      expect(look.outlineStyle, look.control).to.not.equal('none');
      expect(look.contrast, look.control).to.be.at.least(3);
    }
  });

  it('keeps the focus outline in forced-colors mode (Windows high contrast), where shadows vanish', async function () {
    const { page } = await openPage({ entries: [...defaultEntries, probeEntry] });
    await page.emulateMedia({ forcedColors: 'active' });
    await mount(page, controls('light'));
    for (const look of await tabThrough(page, 4)) {
      expect(look.outlineStyle, look.control).to.equal('solid');
      expect(look.outlineWidth, look.control).to.be.at.least(2);
    }
  });
});
