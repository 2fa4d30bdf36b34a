// Only what the shared UI styles don't cover: the number cards (stacked, one per row, so they fit a
// 360 px phone or a 600 px iframe), their health facts, the webhook copy rows, the two ways to
// connect in the empty state, and the failed-events disclosure. Long ids wrap instead of scrolling.
import { css } from 'lit';

export const styles = css`
  .connect-buttons {
    display: flex;
    flex-wrap: wrap;
    gap: var(--wa-space-2);
  }
  /* Progress, the "not set up" note and errors of a sign-up; takes no room when all are empty. */
  .signup-feedback {
    display: flex;
    flex-direction: column;
  }
  .signup-feedback > * {
    margin: 0 0 var(--wa-space-3);
  }
  .signup-feedback > p[role='status'] {
    margin: 0;
  }
  .signup-feedback > p.active {
    margin-bottom: var(--wa-space-3);
  }
  wa-empty-state .signup-feedback {
    width: 100%;
    max-width: 640px;
    text-align: start;
  }

  .ways {
    display: grid;
    grid-template-columns: repeat(auto-fit, minmax(min(100%, 220px), 1fr));
    gap: var(--wa-space-3);
    width: 100%;
    max-width: 640px;
    margin-top: var(--wa-space-3);
    text-align: start;
  }
  .way {
    display: flex;
    flex-direction: column;
    align-items: flex-start;
    justify-content: space-between;
    gap: var(--wa-space-3);
    padding: var(--wa-space-4);
    border: 1px solid var(--wa-color-border);
    border-radius: var(--wa-radius);
    background: var(--wa-color-surface);
  }
  .way p {
    margin: 0;
    color: var(--wa-color-text-muted);
  }
  .way strong {
    color: var(--wa-color-text);
  }

  .cards {
    display: grid;
    gap: var(--wa-space-4);
    margin: 0;
    padding: 0;
    list-style: none;
  }
  .card {
    min-width: 0;
    padding: var(--wa-space-4);
    border: 1px solid var(--wa-color-border);
    border-radius: var(--wa-radius);
    background: var(--wa-color-bg);
    overflow-wrap: anywhere;
  }
  .card-head {
    display: flex;
    flex-wrap: wrap;
    align-items: flex-start;
    justify-content: space-between;
    gap: var(--wa-space-2) var(--wa-space-3);
  }
  .who {
    min-width: 0;
  }
  .card h3 {
    margin: 0;
    font-size: var(--wa-font-size-lg);
    line-height: 1.3;
  }
  .number {
    margin: var(--wa-space-1) 0 0;
  }
  .badges {
    display: flex;
    flex-wrap: wrap;
    gap: var(--wa-space-1);
  }
  .badge.warning {
    background: color-mix(in srgb, var(--wa-color-warning) 18%, transparent);
    color: var(--wa-color-warning);
  }
  .dot {
    display: inline-block;
    width: 8px;
    height: 8px;
    margin-inline-end: var(--wa-space-1);
    border-radius: 50%;
    background: currentColor;
    vertical-align: 1px;
  }

  .facts,
  .ids {
    display: grid;
    grid-template-columns: repeat(auto-fit, minmax(min(100%, 140px), 1fr));
    gap: var(--wa-space-3);
    margin: var(--wa-space-4) 0 var(--wa-space-2);
  }
  .ids {
    grid-template-columns: repeat(auto-fit, minmax(min(100%, 220px), 1fr));
    margin-top: var(--wa-space-3);
  }
  dt {
    font-size: var(--wa-font-size-sm);
    font-weight: 600;
    color: var(--wa-color-text-muted);
  }
  dd {
    margin: 2px 0 0;
    min-width: 0;
    overflow-wrap: anywhere;
  }
  .checked {
    margin: 0;
  }
  .health-error {
    margin: var(--wa-space-2) 0 0;
  }

  .webhook {
    margin-top: var(--wa-space-3);
    padding-top: var(--wa-space-3);
    border-top: 1px solid var(--wa-color-border);
  }
  .webhook h4 {
    margin: 0 0 var(--wa-space-1);
    font-size: var(--wa-font-size);
  }
  .webhook p {
    margin: 0 0 var(--wa-space-2);
  }
  .webhook p[role='status']:empty {
    margin: 0;
  }
  .copy-row {
    display: grid;
    grid-template-columns: 110px minmax(0, 1fr) auto;
    align-items: center;
    gap: var(--wa-space-2);
    margin-bottom: var(--wa-space-2);
  }
  .copy-row .label {
    font-size: var(--wa-font-size-sm);
    font-weight: 600;
    color: var(--wa-color-text-muted);
  }
  .copy-row .secret {
    min-width: 0;
    padding: var(--wa-space-1) var(--wa-space-2);
  }
  @container (max-width: 480px) {
    .copy-row {
      grid-template-columns: minmax(0, 1fr) auto;
    }
    .copy-row .label {
      grid-column: 1 / -1;
    }
  }

  .card-actions {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: var(--wa-space-2);
    margin-top: var(--wa-space-3);
  }

  .failed {
    margin-top: var(--wa-space-5);
    border: 1px solid var(--wa-color-border);
    border-radius: var(--wa-radius);
    padding: var(--wa-space-3) var(--wa-space-4);
  }
  .failed summary {
    cursor: pointer;
    font-weight: 600;
    color: var(--wa-color-danger);
  }
  .failed summary:focus-visible {
    outline: 2px solid var(--wa-color-focus);
    outline-offset: 2px;
  }
  .failed p {
    margin: var(--wa-space-2) 0;
  }

  /* Dialog forms */
  dialog.wide {
    width: min(560px, calc(100vw - 32px));
  }
  .with-toggle {
    display: flex;
    gap: var(--wa-space-2);
  }
  .with-toggle input {
    flex: 1;
    min-width: 0;
  }
  .check {
    display: flex;
    align-items: center;
    gap: var(--wa-space-2);
    font-weight: 500;
  }
  .check input {
    width: 18px;
    height: 18px;
    margin: 0;
    accent-color: var(--wa-color-primary);
  }
  .check + .help {
    margin: var(--wa-space-1) 0 var(--wa-space-3);
  }
  textarea {
    resize: vertical;
  }
`;
