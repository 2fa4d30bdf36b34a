// The notifications bell in the top bar: the button with its unread badge, and the panel below the
// bar (placed against the bar, like the shortcuts popup) with the newest notifications.
import { css } from 'lit';

export const styles = css`
  /* No container here (the shared ui styles make hosts one): the panel is placed against the bar. */
  :host {
    flex: none;
    container-type: normal;
  }
  .bell {
    position: relative;
    display: inline-grid;
    place-items: center;
    width: 32px;
    height: 32px;
    padding: 0;
    border: 1px solid transparent;
    border-radius: 50%;
    background: transparent;
    color: var(--wa-color-text-muted);
    cursor: pointer;
  }
  .bell:hover,
  .bell[aria-expanded='true'] {
    background: var(--wa-color-surface-2);
    color: var(--wa-color-text);
  }
  .bell .icon {
    width: 18px;
    height: 18px;
  }
  .badge {
    position: absolute;
    top: -3px;
    inset-inline-end: -5px;
    min-width: 18px;
    height: 18px;
    padding: 0 5px;
    border-radius: 999px;
    background: var(--wa-color-primary);
    box-shadow: 0 0 0 2px var(--wa-color-surface);
    color: var(--wa-color-on-primary);
    font-size: 11px;
    font-weight: 700;
    line-height: 18px;
    text-align: center;
  }
  .panel {
    position: absolute;
    top: calc(100% + 4px);
    inset-inline-end: var(--wa-space-3);
    z-index: 20;
    display: flex;
    flex-direction: column;
    width: min(360px, calc(100% - 24px));
    max-height: 440px;
    border: 1px solid var(--wa-color-border);
    border-radius: var(--wa-radius);
    background: var(--wa-color-bg);
    box-shadow: var(--wa-shadow);
    overflow: hidden;
  }
  .panel:focus {
    outline: none;
  }
  .head {
    display: flex;
    align-items: center;
    justify-content: space-between;
    gap: var(--wa-space-2);
    padding: var(--wa-space-1) var(--wa-space-1) var(--wa-space-1) var(--wa-space-3);
    border-bottom: 1px solid var(--wa-color-border);
  }
  .head h3 {
    margin: 0;
    font-size: var(--wa-font-size);
  }
  .items {
    margin: 0;
    padding: 0;
    list-style: none;
    overflow-y: auto;
    overscroll-behavior: contain;
  }
  .item {
    display: flex;
    align-items: flex-start;
    gap: var(--wa-space-2);
    width: 100%;
    padding: var(--wa-space-2) var(--wa-space-3);
    border: none;
    border-bottom: 1px solid var(--wa-color-border);
    border-inline-start: 3px solid transparent;
    background: var(--wa-color-bg);
    color: var(--wa-color-text);
    text-align: start;
    cursor: pointer;
  }
  li:last-child .item {
    border-bottom: none;
  }
  .item:hover {
    background: var(--wa-color-surface);
  }
  .item:focus-visible {
    outline-offset: -2px;
  }
  .item.unread {
    border-inline-start-color: var(--wa-color-primary);
    background: color-mix(in srgb, var(--wa-color-primary) 8%, var(--wa-color-bg));
  }
  .item.unread:hover {
    background: color-mix(in srgb, var(--wa-color-primary) 14%, var(--wa-color-bg));
  }
  .avatar {
    display: inline-grid;
    place-items: center;
    flex: none;
    width: 28px;
    height: 28px;
    border-radius: 50%;
    background: hsl(var(--h) 45% 38%);
    color: #fff;
    font-size: 11px;
    font-weight: 600;
  }
  .avatar.system {
    background: var(--wa-color-surface-2);
    color: var(--wa-color-text-muted);
  }
  .main {
    flex: 1;
    min-width: 0;
    display: flex;
    flex-direction: column;
    gap: 2px;
  }
  .what strong {
    font-weight: 600;
  }
  .text {
    overflow: hidden;
    text-overflow: ellipsis;
    white-space: nowrap;
    color: var(--wa-color-text-muted);
    font-size: var(--wa-font-size-sm);
  }
  .unread .text {
    color: var(--wa-color-text);
  }
  .meta {
    color: var(--wa-color-text-muted);
    font-size: var(--wa-font-size-sm);
  }
  .unread time {
    color: var(--wa-color-primary);
    font-weight: 600;
  }
  .dot {
    flex: none;
    width: 8px;
    height: 8px;
    margin-top: 6px;
    border-radius: 50%;
    background: var(--wa-color-primary);
  }
  .note {
    margin: 0;
    padding: var(--wa-space-4) var(--wa-space-3);
    color: var(--wa-color-text-muted);
    font-size: var(--wa-font-size-sm);
    text-align: center;
  }
  .note p {
    margin: 0 0 var(--wa-space-2);
  }
  wa-skeleton {
    display: block;
    padding: var(--wa-space-3);
  }
`;
