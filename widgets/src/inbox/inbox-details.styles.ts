// The contact details pane: customer header, window countdown, status, assignment and labels.
import { css } from 'lit';

export const styles = css`
  :host {
    display: block;
    overflow-y: auto;
    padding: var(--wa-space-4);
    background: var(--wa-color-bg);
  }
  section {
    padding: var(--wa-space-3) 0;
    border-bottom: 1px solid var(--wa-color-border);
  }
  section:last-child {
    border-bottom: none;
  }
  h3 {
    margin: 0;
    font-size: var(--wa-font-size-lg);
    overflow-wrap: anywhere;
  }
  h4 {
    margin: 0 0 var(--wa-space-2);
    font-size: var(--wa-font-size-sm);
    font-weight: 600;
    text-transform: uppercase;
    letter-spacing: 0.04em;
    color: var(--wa-color-text-muted);
  }
  p {
    margin: 0 0 var(--wa-space-1);
  }
  .customer {
    display: flex;
    align-items: center;
    gap: var(--wa-space-3);
    padding-top: 0;
  }
  .avatar {
    display: inline-grid;
    place-items: center;
    flex: none;
    width: 48px;
    height: 48px;
    border-radius: 50%;
    background: hsl(var(--h) 45% 38%);
    color: #fff;
    font-weight: 600;
    font-size: 18px;
  }
  .who {
    min-width: 0;
  }
  .number {
    display: flex;
    align-items: center;
    gap: var(--wa-space-1);
    color: var(--wa-color-text-muted);
  }
  .window.closing strong {
    color: var(--wa-color-warning);
  }
  .window.closed strong {
    color: var(--wa-color-danger);
  }
  .window.open strong {
    color: var(--wa-color-success);
  }
  .countdown {
    font-variant-numeric: tabular-nums;
  }
  .bar {
    height: 6px;
    margin: var(--wa-space-1) 0 var(--wa-space-2);
    border-radius: 999px;
    background: var(--wa-color-surface-2);
    overflow: hidden;
  }
  .bar span {
    display: block;
    height: 100%;
    background: var(--wa-color-success);
  }
  .closing .bar span {
    background: var(--wa-color-warning);
  }
  .status-line {
    display: flex;
    align-items: center;
    gap: var(--wa-space-2);
  }
  .badge.status-open {
    background: color-mix(in srgb, var(--wa-color-success) 16%, transparent);
    color: var(--wa-color-success);
  }
  .badge.status-pending,
  .badge.status-snoozed {
    background: color-mix(in srgb, var(--wa-color-warning) 16%, transparent);
    color: var(--wa-color-warning);
  }
  .status-actions {
    display: flex;
    flex-wrap: wrap;
    gap: var(--wa-space-2);
    margin-top: var(--wa-space-2);
  }
  .status-actions .icon {
    width: 14px;
    height: 14px;
  }
  .field .self {
    align-self: flex-start;
    padding: 0;
  }
  ul.labels {
    list-style: none;
    margin: 0;
    padding: 0;
    display: flex;
    flex-direction: column;
    gap: var(--wa-space-1);
  }
  ul.labels label {
    display: flex;
    align-items: center;
    gap: var(--wa-space-2);
    cursor: pointer;
  }
  .dot {
    width: 10px;
    height: 10px;
    border-radius: 50%;
    flex: none;
  }
`;
