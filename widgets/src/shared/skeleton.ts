// A loading placeholder shaped like the content to come, so the layout does not jump when data
// arrives and the wait reads as progress rather than a blank panel.
import { html, css } from 'lit';
import { WaElement } from './base-element.ts';

export type SkeletonVariant = 'text' | 'rows' | 'block';

/**
 * Placeholder shown while a widget loads its data.
 *
 * The wrapper is a `role="status"` element with `aria-busy="true"` and an accessible label, so
 * assistive technology hears "Loading" once instead of a row of empty shapes. The shimmer animation
 * is switched off under `prefers-reduced-motion: reduce`.
 *
 * @tag wa-skeleton
 *
 * @property {number} lines - How many text lines (variant `text`) or rows (variant `rows`); default 3.
 * @property {'text'|'rows'|'block'} variant - `text`: lines of copy; `rows`: list rows with an avatar
 *   and two lines; `block`: one rectangle (height from `--wa-skeleton-height`). Default `text`.
 * @property {string} label - Accessible name; default "Loading".
 * @property {'light'|'dark'} theme - Colour theme (inherited from WaElement).
 *
 * @csspart base - The wrapper (`role="status"`, `aria-busy="true"`).
 * @csspart line - Each line-shaped placeholder.
 * @csspart row - Each row (variant `rows`).
 * @csspart avatar - The round placeholder in a row.
 * @csspart block - The rectangle (variant `block`).
 *
 * @cssproperty --wa-skeleton-color - Base colour of the shapes (default `--wa-color-surface-2`).
 * @cssproperty --wa-skeleton-highlight - Colour of the shimmer (default `--wa-color-surface`).
 * @cssproperty --wa-skeleton-height - Height of the `block` variant (default 120px).
 */
export class WaSkeleton extends WaElement {
  static override styles = [
    WaElement.styles,
    css`
      .base {
        display: flex;
        flex-direction: column;
        gap: var(--wa-space-2);
      }
      .shape {
        display: block;
        border-radius: var(--wa-radius-sm);
        background:
          linear-gradient(90deg, transparent 0%, var(--wa-skeleton-highlight, var(--wa-color-surface)) 50%, transparent 100%) 0
            0 / 200% 100% no-repeat,
          var(--wa-skeleton-color, var(--wa-color-surface-2));
        animation: wa-skeleton-shimmer 1.4s ease-in-out infinite;
      }
      .line {
        height: 0.9em;
      }
      .line:last-child:not(:first-child) {
        width: 60%;
      }
      .row {
        display: flex;
        align-items: center;
        gap: var(--wa-space-3);
        padding-block: var(--wa-space-1);
      }
      .row .lines {
        flex: 1;
        display: flex;
        flex-direction: column;
        gap: var(--wa-space-2);
      }
      .row .line:last-child {
        width: 40%;
      }
      .avatar {
        flex: none;
        width: 32px;
        height: 32px;
        border-radius: 50%;
      }
      .block {
        height: var(--wa-skeleton-height, 120px);
        border-radius: var(--wa-radius);
      }
      @keyframes wa-skeleton-shimmer {
        from {
          background-position:
            200% 0,
            0 0;
        }
        to {
          background-position:
            -100% 0,
            0 0;
        }
      }
      @media (prefers-reduced-motion: reduce) {
        .shape {
          animation: none;
        }
      }
    `,
  ];

  static override properties = {
    ...WaElement.properties,
    lines: { type: Number },
    variant: { type: String, reflect: true },
    label: { type: String },
  };

  declare lines: number;
  declare variant: SkeletonVariant;
  declare label: string;

  constructor() {
    super();
    this.lines = 3;
    this.variant = 'text';
    this.label = 'Loading';
  }

  override render() {
    // Bound so a typo or a huge number cannot render thousands of nodes.
    const count = Math.min(50, Math.max(1, Math.floor(Number(this.lines) || 1)));
    const items = Array.from({ length: count }, (_, i) => i);
    let body;
    if (this.variant === 'block') {
      body = html`<span part="block" class="shape block"></span>`;
    } else if (this.variant === 'rows') {
      body = items.map(
        () =>
          html`<div part="row" class="row">
            <span part="avatar" class="shape avatar"></span>
            <div class="lines"><span part="line" class="shape line"></span><span part="line" class="shape line"></span></div>
          </div>`,
      );
    } else {
      body = items.map(() => html`<span part="line" class="shape line"></span>`);
    }
    return html`<div part="base" class="base" role="status" aria-busy="true" aria-label=${this.label || 'Loading'}>
      <div class="shapes base" aria-hidden="true">${body}</div>
    </div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'wa-skeleton': WaSkeleton;
  }
}
