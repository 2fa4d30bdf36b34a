// The conversation list: search field, filter bar, rows with avatar, preview, unread badge and tags,
// and the search results that take the list's place while there is a query.
import { css } from 'lit';

export const styles = css`
  :host {
    display: flex;
    flex-direction: column;
    min-height: 0;
    background: var(--wa-color-bg);
  }
  .search {
    position: relative;
    display: flex;
    align-items: center;
    padding: var(--wa-space-2) var(--wa-space-3) 0;
  }
  .search.active {
    padding-bottom: var(--wa-space-2);
    border-bottom: 1px solid var(--wa-color-border);
  }
  .search > .icon {
    position: absolute;
    inset-inline-start: calc(var(--wa-space-3) + 10px);
    color: var(--wa-color-text-muted);
    pointer-events: none;
  }
  .search input {
    flex: 1;
    min-width: 0;
    min-height: 34px;
    padding: 0 34px;
    border: 1px solid var(--wa-color-border);
    border-radius: 999px;
    background: var(--wa-color-surface);
    color: var(--wa-color-text);
    font: inherit;
    font-size: var(--wa-font-size-sm);
  }
  .search input::placeholder {
    color: var(--wa-color-text-muted);
  }
  .search input::-webkit-search-cancel-button {
    appearance: none;
  }
  .search input:focus-visible {
    outline: 2px solid var(--wa-color-focus);
    outline-offset: 0;
    background: var(--wa-color-bg);
  }
  .search .clear {
    position: absolute;
    inset-inline-end: calc(var(--wa-space-3) + 4px);
    display: inline-grid;
    place-items: center;
    width: 26px;
    height: 26px;
    padding: 0;
    border: none;
    border-radius: 50%;
    background: transparent;
    color: var(--wa-color-text-muted);
    cursor: pointer;
  }
  .search .clear:hover {
    background: var(--wa-color-surface-2);
    color: var(--wa-color-text);
  }
  .hint,
  .search-status {
    margin: 0;
    padding: var(--wa-space-2) var(--wa-space-3);
    color: var(--wa-color-text-muted);
    font-size: var(--wa-font-size-sm);
  }
  .hint {
    padding: var(--wa-space-4) var(--wa-space-3);
    text-align: center;
  }
  .search-status {
    border-bottom: 1px solid var(--wa-color-border);
  }
  ul.stale {
    opacity: 0.6;
  }
  .snippet {
    display: -webkit-box;
    -webkit-box-orient: vertical;
    -webkit-line-clamp: 2;
    line-clamp: 2;
    overflow: hidden;
    overflow-wrap: anywhere;
    color: var(--wa-color-text-muted);
    font-size: var(--wa-font-size-sm);
  }
  .snippet .who {
    color: var(--wa-color-text);
    font-weight: 500;
  }
  mark {
    padding: 0 1px;
    border-radius: 2px;
    background: color-mix(in srgb, var(--wa-color-warning) 32%, transparent);
    color: var(--wa-color-text);
    font-weight: 600;
  }
  .filters {
    display: flex;
    flex-direction: column;
    gap: var(--wa-space-2);
    padding: var(--wa-space-2) var(--wa-space-3);
    border-bottom: 1px solid var(--wa-color-border);
  }
  .tabs {
    display: flex;
    gap: 2px;
    border-bottom: 1px solid var(--wa-color-border);
    margin: 0 calc(-1 * var(--wa-space-3));
    padding: 0 var(--wa-space-2);
    overflow-x: auto;
    scrollbar-width: none;
  }
  .tabs button {
    flex: 1 1 auto;
    min-width: 0;
    padding: var(--wa-space-2) var(--wa-space-1);
    border: none;
    border-bottom: 2px solid transparent;
    background: none;
    color: var(--wa-color-text-muted);
    font-weight: 500;
    cursor: pointer;
  }
  .tabs button[aria-pressed='true'] {
    color: var(--wa-color-primary);
    border-bottom-color: var(--wa-color-primary);
    font-weight: 600;
  }
  .row {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: var(--wa-space-2);
  }
  .seg {
    display: inline-flex;
    border: 1px solid var(--wa-color-border);
    border-radius: 999px;
    overflow: hidden;
  }
  .seg button,
  .toggle {
    padding: 3px var(--wa-space-2);
    border: none;
    background: var(--wa-color-bg);
    color: var(--wa-color-text);
    font-size: var(--wa-font-size-sm);
    cursor: pointer;
  }
  .seg button + button {
    border-inline-start: 1px solid var(--wa-color-border);
  }
  .toggle {
    border: 1px solid var(--wa-color-border);
    border-radius: 999px;
  }
  .seg button[aria-pressed='true'],
  .toggle[aria-pressed='true'] {
    background: color-mix(in srgb, var(--wa-color-primary) 16%, var(--wa-color-bg));
    color: var(--wa-color-primary);
    font-weight: 600;
  }
  .seg button:focus-visible,
  .toggle:focus-visible,
  .tabs button:focus-visible {
    outline-offset: -2px;
  }
  details.more {
    font-size: var(--wa-font-size-sm);
  }
  details.more summary {
    cursor: pointer;
    color: var(--wa-color-primary);
    font-weight: 500;
    padding: 3px 0;
  }
  .count {
    display: inline-grid;
    place-items: center;
    min-width: 18px;
    height: 18px;
    border-radius: 999px;
    background: var(--wa-color-primary);
    color: var(--wa-color-on-primary);
    font-size: 11px;
  }
  .more-body {
    display: flex;
    flex-direction: column;
    gap: var(--wa-space-2);
    padding: var(--wa-space-2) 0;
  }
  .more-body label {
    display: grid;
    grid-template-columns: 110px 1fr;
    align-items: center;
    gap: var(--wa-space-2);
  }
  .more-body select {
    width: 100%;
  }
  details[open].more {
    flex-basis: 100%;
  }
  .scroller {
    flex: 1;
    min-height: 0;
    overflow-y: auto;
    overscroll-behavior: contain;
  }
  .pad {
    padding: var(--wa-space-3);
  }
  ul.list {
    list-style: none;
    margin: 0;
    padding: 0;
  }
  button.conv {
    display: flex;
    gap: var(--wa-space-3);
    width: 100%;
    padding: var(--wa-space-3);
    border: none;
    border-bottom: 1px solid var(--wa-color-border);
    border-inline-start: 3px solid transparent;
    background: var(--wa-color-bg);
    color: var(--wa-color-text);
    text-align: start;
    cursor: pointer;
  }
  button.conv:hover {
    background: var(--wa-color-surface);
  }
  button.conv[aria-current='true'] {
    background: color-mix(in srgb, var(--wa-color-primary) 12%, var(--wa-color-bg));
    border-inline-start-color: var(--wa-color-primary);
  }
  button.conv:focus-visible {
    outline-offset: -2px;
  }
  .avatar,
  .mini {
    display: inline-grid;
    place-items: center;
    flex: none;
    border-radius: 50%;
    background: hsl(var(--h) 45% 38%);
    color: #fff;
    font-weight: 600;
  }
  .avatar {
    width: 40px;
    height: 40px;
    font-size: 15px;
  }
  .mini {
    width: 22px;
    height: 22px;
    font-size: 10px;
  }
  .main {
    flex: 1;
    min-width: 0;
    display: flex;
    flex-direction: column;
    gap: 2px;
  }
  .top,
  .bottom,
  .tags {
    display: flex;
    align-items: center;
    gap: var(--wa-space-2);
    min-width: 0;
  }
  .name {
    flex: 1;
    min-width: 0;
    overflow: hidden;
    text-overflow: ellipsis;
    white-space: nowrap;
    font-weight: 500;
  }
  .unread .name {
    font-weight: 700;
  }
  time {
    flex: none;
    font-size: var(--wa-font-size-sm);
    color: var(--wa-color-text-muted);
  }
  .unread time {
    color: var(--wa-color-primary);
    font-weight: 600;
  }
  .preview {
    flex: 1;
    min-width: 0;
    overflow: hidden;
    text-overflow: ellipsis;
    white-space: nowrap;
    color: var(--wa-color-text-muted);
    font-size: var(--wa-font-size-sm);
  }
  .unread .preview {
    color: var(--wa-color-text);
  }
  .unread-badge {
    flex: none;
    min-width: 20px;
    height: 20px;
    padding: 0 6px;
    border-radius: 999px;
    background: var(--wa-color-primary);
    color: var(--wa-color-on-primary);
    font-size: 11px;
    font-weight: 700;
    line-height: 20px;
    text-align: center;
  }
  .tags {
    flex-wrap: wrap;
    gap: var(--wa-space-1);
    margin-top: 2px;
  }
  .tag {
    display: inline-flex;
    align-items: center;
    gap: 3px;
    padding: 0 6px;
    border-radius: 999px;
    background: var(--wa-color-surface-2);
    color: var(--wa-color-text-muted);
    font-size: 11px;
    line-height: 18px;
    white-space: nowrap;
  }
  .tag .icon {
    width: 12px;
    height: 12px;
  }
  .tag.warn {
    background: color-mix(in srgb, var(--wa-color-warning) 18%, transparent);
    color: var(--wa-color-warning);
    font-weight: 600;
  }
  .tag.pri-high,
  .tag.pri-medium {
    background: color-mix(in srgb, var(--wa-color-warning) 16%, transparent);
    color: var(--wa-color-warning);
  }
  .tag.pri-urgent {
    background: color-mix(in srgb, var(--wa-color-danger) 16%, transparent);
    color: var(--wa-color-danger);
    font-weight: 600;
  }
  .dot {
    width: 8px;
    height: 8px;
    border-radius: 50%;
  }
  .spacer {
    flex: 1;
  }
  .more-status {
    display: flex;
    justify-content: center;
    padding: var(--wa-space-3);
    color: var(--wa-color-text-muted);
    font-size: var(--wa-font-size-sm);
  }
`;
