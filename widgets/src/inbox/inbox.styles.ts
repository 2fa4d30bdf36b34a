// The inbox frame: top bar, the three panes and how they collapse. The layout follows the
// element's own width (the `layout` attribute, set by a ResizeObserver), never the window's: the
// inbox lives in iframes and CRM sidebars as often as on a full page.
import { css } from 'lit';

export const styles = css`
  :host {
    --wa-inbox-link: #0b62c4;
    --wa-inbox-read: #1e88e5;
    display: flex;
    flex-direction: column;
    height: var(--wa-inbox-height, 640px);
    min-height: 360px;
    border: 1px solid var(--wa-color-border);
    border-radius: var(--wa-radius);
    background: var(--wa-color-bg);
    overflow: hidden;
    /* The panes are the containers the parts query; the host is sized from outside. */
    container-type: normal;
  }
  :host([theme='dark']) {
    --wa-inbox-link: #7cc4ff;
    --wa-inbox-read: #53bdeb;
  }
  @media (prefers-color-scheme: dark) {
    :host(:not([theme='light'])) {
      --wa-inbox-link: #7cc4ff;
      --wa-inbox-read: #53bdeb;
    }
  }
  [hidden] {
    display: none !important;
  }
  .bar {
    position: relative;
    display: flex;
    align-items: center;
    gap: var(--wa-space-2);
    min-height: 44px;
    padding: var(--wa-space-1) var(--wa-space-3);
    border-bottom: 1px solid var(--wa-color-border);
    background: var(--wa-color-surface);
  }
  .bar h2 {
    margin: 0;
    font-size: var(--wa-font-size-lg);
  }
  .bar h2:focus {
    outline: none;
  }
  .rt {
    font-size: var(--wa-font-size-sm);
    color: var(--wa-color-warning);
  }
  .spacer {
    flex: 1;
  }
  .presence {
    display: inline-flex;
    align-items: center;
    gap: var(--wa-space-1);
    font-size: var(--wa-font-size-sm);
  }
  .presence select {
    min-height: 28px;
    padding: 0 var(--wa-space-1);
    border: 1px solid var(--wa-color-border);
    border-radius: var(--wa-radius-sm);
    background: var(--wa-color-bg);
    font-size: var(--wa-font-size-sm);
  }
  .dot {
    width: 10px;
    height: 10px;
    border-radius: 50%;
    background: var(--wa-color-text-muted);
  }
  .dot.online {
    background: var(--wa-color-success);
  }
  .dot.away {
    background: var(--wa-color-warning);
  }
  .icon-btn {
    display: inline-grid;
    place-items: center;
    flex: none;
    width: 32px;
    height: 32px;
    border: 1px solid transparent;
    border-radius: 50%;
    background: transparent;
    color: var(--wa-color-text-muted);
    font-weight: 700;
    cursor: pointer;
  }
  .icon-btn:hover {
    background: var(--wa-color-surface-2);
    color: var(--wa-color-text);
  }
  .icon-btn[aria-expanded='true'] {
    background: var(--wa-color-surface-2);
    color: var(--wa-color-text);
  }
  .icon-btn .icon {
    width: 18px;
    height: 18px;
  }
  .help-btn {
    border-color: var(--wa-color-border);
  }
  .help-pop {
    position: absolute;
    top: calc(100% + 4px);
    inset-inline-end: var(--wa-space-3);
    z-index: 20;
    width: min(280px, calc(100% - 24px));
    padding: var(--wa-space-3);
    border: 1px solid var(--wa-color-border);
    border-radius: var(--wa-radius);
    background: var(--wa-color-bg);
    box-shadow: var(--wa-shadow);
  }
  .help-head {
    display: flex;
    align-items: center;
    justify-content: space-between;
    margin-bottom: var(--wa-space-2);
  }
  .help-pop dl {
    margin: 0;
    display: grid;
    gap: var(--wa-space-1);
  }
  .help-pop dl div {
    display: flex;
    gap: var(--wa-space-3);
  }
  .help-pop dt {
    width: 40px;
  }
  .help-pop dd {
    margin: 0;
  }
  .help-pop p {
    margin: var(--wa-space-2) 0 0;
    font-size: var(--wa-font-size-sm);
  }
  kbd {
    display: inline-block;
    min-width: 24px;
    padding: 0 6px;
    border: 1px solid var(--wa-color-border);
    border-bottom-width: 2px;
    border-radius: var(--wa-radius-sm);
    background: var(--wa-color-surface);
    font:
      600 12px/20px ui-monospace,
      SFMono-Regular,
      Menlo,
      Consolas,
      monospace;
    text-align: center;
  }

  .panes {
    position: relative;
    flex: 1;
    min-height: 0;
    display: grid;
    grid-template-columns: 300px minmax(0, 1fr);
  }
  .panes.with-details {
    grid-template-columns: 300px minmax(0, 1fr) 280px;
  }
  :host([layout='medium']) .panes,
  :host([layout='medium']) .panes.with-details {
    grid-template-columns: 280px minmax(0, 1fr);
  }
  :host([layout='narrow']) .panes,
  :host([layout='narrow']) .panes.with-details {
    grid-template-columns: minmax(0, 1fr);
  }
  .pane {
    min-width: 0;
    min-height: 0;
  }
  .pane.list {
    border-inline-end: 1px solid var(--wa-color-border);
    container-type: inline-size;
  }
  :host([layout='narrow']) .pane.list {
    border-inline-end: none;
  }
  .pane.thread {
    display: flex;
    flex-direction: column;
    container-type: inline-size;
  }
  .pane.thread > wa-empty-state {
    margin: auto;
  }
  .pane.thread > wa-inbox-thread {
    flex: 1;
  }
  .pane.details {
    display: flex;
    flex-direction: column;
    border-inline-start: 1px solid var(--wa-color-border);
    background: var(--wa-color-bg);
  }
  .pane.details > wa-inbox-details {
    flex: 1;
    min-height: 0;
  }
  .pane.details.medium {
    position: absolute;
    inset: 0 0 0 auto;
    z-index: 10;
    width: min(320px, 90%);
    box-shadow: var(--wa-shadow);
  }
  .pane.details.narrow {
    border-inline-start: none;
  }
  .details-head {
    display: flex;
    align-items: center;
    gap: var(--wa-space-2);
    min-height: 52px;
    padding: var(--wa-space-2) var(--wa-space-3);
    border-bottom: 1px solid var(--wa-color-border);
  }

  .thread-head {
    display: flex;
    align-items: center;
    gap: var(--wa-space-2);
    min-height: 52px;
    padding: var(--wa-space-2) var(--wa-space-3);
    border-bottom: 1px solid var(--wa-color-border);
    background: var(--wa-color-bg);
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
    width: 36px;
    height: 36px;
    font-size: 14px;
  }
  .mini {
    width: 22px;
    height: 22px;
    font-size: 10px;
    border: 2px solid var(--wa-color-bg);
  }
  .mini + .mini {
    margin-inline-start: -8px;
  }
  .head-text {
    min-width: 0;
    flex: 1 1 auto;
    display: flex;
    flex-direction: column;
  }
  .title {
    margin: 0;
    font-size: var(--wa-font-size);
    font-weight: 600;
    overflow: hidden;
    text-overflow: ellipsis;
    white-space: nowrap;
  }
  .title:focus {
    outline: none;
  }
  .title:focus-visible {
    outline: 2px solid var(--wa-color-focus);
  }
  .sub {
    display: flex;
    flex-wrap: wrap;
    gap: 0 var(--wa-space-2);
    font-size: var(--wa-font-size-sm);
    color: var(--wa-color-text-muted);
  }
  .win.open {
    color: var(--wa-color-success);
  }
  .win.closing {
    color: var(--wa-color-warning);
    font-weight: 600;
  }
  .win.closed {
    color: var(--wa-color-danger);
  }
  .viewers {
    display: inline-flex;
    align-items: center;
    gap: var(--wa-space-1);
    color: var(--wa-color-text-muted);
  }
  .viewers.typing {
    color: var(--wa-color-primary);
    font-weight: 500;
  }
  .thread-head .btn .icon {
    width: 14px;
    height: 14px;
  }
  @container (max-width: 420px) {
    .thread-head .btn .label {
      position: absolute;
      width: 1px;
      height: 1px;
      overflow: hidden;
      clip: rect(0 0 0 0);
    }
  }
  .collision {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: var(--wa-space-2);
    padding: var(--wa-space-2) var(--wa-space-3);
    border-top: 1px solid color-mix(in srgb, var(--wa-color-warning) 50%, transparent);
    background: color-mix(in srgb, var(--wa-color-warning) 14%, var(--wa-color-bg));
  }
  .collision p {
    flex: 1 1 200px;
    margin: 0;
    overflow-wrap: anywhere;
  }
  .collision-actions {
    display: flex;
    gap: var(--wa-space-2);
  }
`;
