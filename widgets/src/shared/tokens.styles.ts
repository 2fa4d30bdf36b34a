// Design tokens as --wa-* custom properties. They inherit through shadow roots, so a host page can
// theme every widget with `wa-inbox { --wa-color-primary: #0a7 }`. Light by default, dark with
// prefers-color-scheme or theme="dark"; hosts with their own look set data-look on the element.
// Focus is a solid outline in --wa-color-focus (at least 3:1 against the theme's backgrounds), not a
// box-shadow: forced-colors modes (Windows high contrast) drop shadows but keep outlines.
import { css } from 'lit';

export const tokens = css`
  :host {
    --wa-font: var(--wa-font-family, system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif);
    --wa-font-size: 14px;
    --wa-font-size-sm: 12px;
    --wa-font-size-lg: 16px;
    --wa-font-size-xl: 20px;
    --wa-line-height: 1.45;
    --wa-space-1: 4px;
    --wa-space-2: 8px;
    --wa-space-3: 12px;
    --wa-space-4: 16px;
    --wa-space-5: 24px;
    --wa-space-6: 32px;
    --wa-radius: 8px;
    --wa-radius-sm: 4px;
    --wa-z: 2147483000;
    --wa-color-primary: #128c7e;
    --wa-color-primary-hover: #0e7468;
    --wa-color-on-primary: #ffffff;
    --wa-color-accent: #25d366;
    --wa-color-bg: #ffffff;
    --wa-color-surface: #f6f7f8;
    --wa-color-surface-2: #eceff1;
    --wa-color-border: #d5dade;
    --wa-color-text: #111b21;
    --wa-color-text-muted: #54656f;
    --wa-color-danger: #c62828;
    --wa-color-success: #1b7f3b;
    --wa-color-warning: #a15c00;
    --wa-color-focus: #00796b;
    --wa-shadow: 0 2px 8px rgb(0 0 0 / 0.12);
    color-scheme: light;
  }
  :host([data-look='polaris']) {
    --wa-font-size: 13px;
    --wa-radius: 12px;
    --wa-color-primary: #303030;
    --wa-color-primary-hover: #1a1a1a;
    --wa-color-surface: #f1f1f1;
    --wa-color-focus: #005bd3;
  }
  :host([data-look='canvas']) {
    --wa-radius: 3px;
    --wa-color-primary: #ff7a59;
    --wa-color-primary-hover: #e8603f;
    --wa-color-text: #33475b;
    --wa-color-focus: #007a8c;
  }
  :host([theme='dark']) {
    --wa-color-bg: #111b21;
    --wa-color-surface: #1f2c33;
    --wa-color-surface-2: #2a3942;
    --wa-color-border: #36454f;
    --wa-color-text: #e9edef;
    --wa-color-text-muted: #aebac1;
    --wa-color-primary: #00a884;
    --wa-color-primary-hover: #06cf9c;
    --wa-color-on-primary: #0b141a;
    --wa-color-danger: #f15c6d;
    --wa-color-success: #4ed07d;
    --wa-color-warning: #ffbc52;
    --wa-color-focus: #25d366;
    --wa-shadow: 0 2px 10px rgb(0 0 0 / 0.5);
    color-scheme: dark;
  }
  @media (prefers-color-scheme: dark) {
    :host(:not([theme='light'])) {
      --wa-color-bg: #111b21;
      --wa-color-surface: #1f2c33;
      --wa-color-surface-2: #2a3942;
      --wa-color-border: #36454f;
      --wa-color-text: #e9edef;
      --wa-color-text-muted: #aebac1;
      --wa-color-primary: #00a884;
      --wa-color-primary-hover: #06cf9c;
      --wa-color-on-primary: #0b141a;
      --wa-color-danger: #f15c6d;
      --wa-color-success: #4ed07d;
      --wa-color-warning: #ffbc52;
      --wa-color-focus: #25d366;
      --wa-shadow: 0 2px 10px rgb(0 0 0 / 0.5);
      color-scheme: dark;
    }
  }
  @media (forced-colors: active) {
    :host {
      --wa-color-focus: Highlight;
    }
  }
`;

/** Resets inherited host-page styles and gives every widget the same base typography and focus outline. */
export const base = css`
  :host {
    display: block;
    box-sizing: border-box;
    font: var(--wa-font-size) / var(--wa-line-height) var(--wa-font);
    color: var(--wa-color-text);
    text-align: start;
    letter-spacing: normal;
    word-spacing: normal;
  }
  :host([hidden]) {
    display: none;
  }
  *,
  *::before,
  *::after {
    box-sizing: inherit;
  }
  :focus-visible {
    outline: 2px solid var(--wa-color-focus);
    outline-offset: 2px;
  }
  button,
  input,
  select,
  textarea {
    font: inherit;
    color: inherit;
  }
  .visually-hidden {
    position: absolute;
    width: 1px;
    height: 1px;
    overflow: hidden;
    clip: rect(0 0 0 0);
    white-space: nowrap;
  }
`;
