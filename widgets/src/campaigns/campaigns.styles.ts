// Styles of <wa-campaign-composer> and its parts (one sheet: the parts share most of it). Layout
// follows the element's own width through container queries on the host (`ui` makes it an
// inline-size container), never the window's.
import { css } from 'lit';

export const styles = css`
  :host {
    min-height: var(--wa-campaigns-min-height, 0);
  }
  [hidden] {
    display: none !important;
  }
  h2,
  h3,
  h4 {
    margin: 0;
    line-height: 1.25;
  }
  h2 {
    font-size: var(--wa-font-size-xl);
  }
  h3 {
    font-size: var(--wa-font-size-lg);
  }
  h4 {
    font-size: var(--wa-font-size);
    margin: var(--wa-space-4) 0 var(--wa-space-2);
  }
  h2:focus,
  h3:focus,
  h4:focus {
    outline: none;
  }
  p {
    margin: 0 0 var(--wa-space-2);
  }
  .small {
    font-size: var(--wa-font-size-sm);
  }
  .head {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    justify-content: space-between;
    gap: var(--wa-space-3);
    margin-bottom: var(--wa-space-3);
  }
  .head-actions,
  .row {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: var(--wa-space-2);
  }
  .back {
    padding-inline: 0;
    margin-bottom: var(--wa-space-2);
  }

  /* List. */
  .table-wrap.refreshing {
    opacity: 0.6;
  }
  button.open {
    padding: 0;
    border: none;
    background: none;
    color: var(--wa-color-primary);
    font-weight: 600;
    text-align: start;
    cursor: pointer;
    overflow-wrap: anywhere;
  }
  button.open:hover {
    text-decoration: underline;
  }
  .bar {
    display: block;
    width: 100%;
    min-width: 80px;
    height: 8px;
    border-radius: 999px;
    background: var(--wa-color-surface-2);
    overflow: hidden;
  }
  .bar > span {
    display: block;
    height: 100%;
    background: var(--wa-color-primary);
  }
  .bar.big {
    height: 14px;
  }
  .progress-cell {
    display: grid;
    gap: 2px;
    font-size: var(--wa-font-size-sm);
  }
  .nums {
    display: flex;
    flex-wrap: wrap;
    gap: 2px var(--wa-space-2);
    margin: 0;
    font-size: var(--wa-font-size-sm);
  }
  .nums div {
    display: flex;
    gap: 3px;
  }
  .nums dt {
    color: var(--wa-color-text-muted);
  }
  .nums dd {
    margin: 0;
    font-weight: 600;
  }
  .nums .bad dd {
    color: var(--wa-color-danger);
  }
  .badge.st-running,
  .badge.st-preparing {
    background: color-mix(in srgb, var(--wa-color-primary) 18%, transparent);
    color: var(--wa-color-primary);
  }
  .badge.st-scheduled {
    background: color-mix(in srgb, var(--wa-color-warning) 16%, transparent);
    color: var(--wa-color-warning);
  }
  .badge.st-completed {
    background: color-mix(in srgb, var(--wa-color-success) 16%, transparent);
    color: var(--wa-color-success);
  }
  .badge.st-stopped,
  .badge.st-cancelled {
    background: color-mix(in srgb, var(--wa-color-danger) 14%, transparent);
    color: var(--wa-color-danger);
  }
  .badge.st-paused,
  .badge.st-draft {
    color: var(--wa-color-text-muted);
  }

  /* Composer. */
  .frame {
    padding: var(--wa-space-4);
    border: 1px solid var(--wa-color-border);
    border-radius: var(--wa-radius);
    background: var(--wa-color-bg);
  }
  .steps {
    display: flex;
    flex-wrap: wrap;
    gap: var(--wa-space-1) var(--wa-space-2);
    margin: 0 0 var(--wa-space-4);
    padding: 0;
    list-style: none;
    counter-reset: step;
  }
  .steps button {
    display: inline-flex;
    align-items: center;
    gap: var(--wa-space-1);
    min-height: 32px;
    padding: 0 var(--wa-space-3);
    border: 1px solid var(--wa-color-border);
    border-radius: 999px;
    background: var(--wa-color-bg);
    color: var(--wa-color-text-muted);
    font-size: var(--wa-font-size-sm);
    cursor: pointer;
  }
  .steps button:disabled {
    cursor: default;
    opacity: 0.6;
  }
  .steps button[aria-current='step'] {
    border-color: var(--wa-color-primary);
    background: color-mix(in srgb, var(--wa-color-primary) 14%, transparent);
    color: var(--wa-color-text);
    font-weight: 600;
  }
  .steps .done button {
    color: var(--wa-color-success);
  }
  .two-col {
    display: grid;
    grid-template-columns: minmax(0, 1fr) minmax(220px, 300px);
    gap: var(--wa-space-4);
    align-items: start;
  }
  @container (max-width: 640px) {
    .two-col {
      grid-template-columns: minmax(0, 1fr);
    }
  }
  .choice {
    display: flex;
    flex-wrap: wrap;
    gap: var(--wa-space-2) var(--wa-space-4);
    margin: 0 0 var(--wa-space-3);
    padding: 0;
    border: none;
  }
  .choice legend {
    margin-bottom: var(--wa-space-2);
    padding: 0;
    font-weight: 500;
    font-size: var(--wa-font-size-sm);
  }
  .choice label,
  label.check {
    display: inline-flex;
    align-items: center;
    gap: var(--wa-space-2);
    cursor: pointer;
  }
  .var {
    display: grid;
    grid-template-columns: minmax(0, 1fr) minmax(0, 1fr);
    gap: 0 var(--wa-space-3);
    padding: var(--wa-space-3) var(--wa-space-3) 0;
    margin-bottom: var(--wa-space-2);
    border: 1px solid var(--wa-color-border);
    border-radius: var(--wa-radius-sm);
  }
  .var > .label {
    grid-column: 1 / -1;
    margin-bottom: var(--wa-space-2);
    font-weight: 600;
  }
  @container (max-width: 480px) {
    .var {
      grid-template-columns: minmax(0, 1fr);
    }
  }
  .stats {
    display: grid;
    grid-template-columns: repeat(auto-fit, minmax(120px, 1fr));
    gap: var(--wa-space-2);
    margin: var(--wa-space-3) 0;
  }
  .stats div {
    padding: var(--wa-space-2) var(--wa-space-3);
    border: 1px solid var(--wa-color-border);
    border-radius: var(--wa-radius-sm);
    min-width: 0;
  }
  .stats dt {
    font-size: var(--wa-font-size-sm);
    color: var(--wa-color-text-muted);
  }
  .stats dd {
    margin: 0;
    font-size: var(--wa-font-size-xl);
    font-weight: 600;
    overflow-wrap: anywhere;
  }
  .stats .bad dd {
    color: var(--wa-color-danger);
  }
  .stats .good dd {
    color: var(--wa-color-success);
  }
  .note {
    padding: var(--wa-space-2) var(--wa-space-3);
    border-radius: var(--wa-radius-sm);
    background: var(--wa-color-surface);
    font-size: var(--wa-font-size-sm);
    margin-bottom: var(--wa-space-3);
  }
  .template-info .wa-body {
    margin-top: var(--wa-space-2);
    color: var(--wa-color-text-muted);
  }
  .warning {
    padding: var(--wa-space-2) var(--wa-space-3);
    border: 1px solid color-mix(in srgb, var(--wa-color-warning) 45%, transparent);
    border-radius: var(--wa-radius-sm);
    background: color-mix(in srgb, var(--wa-color-warning) 12%, transparent);
    margin-bottom: var(--wa-space-3);
  }
  .summary {
    display: grid;
    grid-template-columns: max-content minmax(0, 1fr);
    gap: var(--wa-space-1) var(--wa-space-3);
    margin: 0 0 var(--wa-space-3);
  }
  .summary.balance {
    margin-top: var(--wa-space-3);
  }
  .summary dt {
    color: var(--wa-color-text-muted);
  }
  .summary dd {
    margin: 0;
    overflow-wrap: anywhere;
  }
  table.data td.num,
  table.data th.num {
    text-align: end;
  }
  @container (max-width: 600px) {
    table.data td.num {
      text-align: start;
    }
  }
  .spacer {
    flex: 1;
  }
  label.check {
    margin: var(--wa-space-2) 0;
  }
  .summary .total {
    font-weight: 600;
  }
  .footer-actions {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: var(--wa-space-2);
    margin-top: var(--wa-space-4);
    padding-top: var(--wa-space-3);
    border-top: 1px solid var(--wa-color-border);
  }
  .footer-actions .spacer {
    flex: 1;
  }
  progress {
    width: 100%;
    accent-color: var(--wa-color-primary);
  }
  .muted-input {
    max-width: 160px;
  }

  /* The phone-style preview. */
  .phone {
    margin: 0;
    padding: var(--wa-space-2);
    border: 1px solid var(--wa-color-border);
    border-radius: 18px;
    background: var(--wa-color-surface-2);
  }
  .phone figcaption {
    display: flex;
    justify-content: space-between;
    gap: var(--wa-space-2);
    padding: 0 var(--wa-space-2) var(--wa-space-1);
    font-size: 11px;
    font-weight: 600;
    text-transform: uppercase;
    letter-spacing: 0.04em;
    color: var(--wa-color-text-muted);
  }
  .screen {
    display: flex;
    flex-direction: column;
    gap: 4px;
    min-height: 140px;
    padding: var(--wa-space-3);
    border-radius: 12px;
    background: color-mix(in srgb, var(--wa-color-accent) 10%, var(--wa-color-surface));
  }
  .screen.busy {
    opacity: 0.7;
  }
  .wa-bubble {
    max-width: 100%;
    padding: 6px 8px 4px;
    border-radius: 8px;
    border-top-left-radius: 0;
    background: var(--wa-color-bg);
    box-shadow: 0 1px 1px rgb(0 0 0 / 0.1);
    overflow-wrap: anywhere;
  }
  .wa-header {
    font-weight: 700;
    margin-bottom: 4px;
  }
  .wa-media {
    display: flex;
    align-items: center;
    justify-content: center;
    width: 100%;
    aspect-ratio: 16 / 9;
    object-fit: cover;
    border-radius: 6px;
    margin-bottom: 6px;
    background: var(--wa-color-surface-2);
    color: var(--wa-color-text-muted);
    font-size: var(--wa-font-size-sm);
  }
  .wa-body {
    white-space: pre-wrap;
  }
  .wa-footer {
    margin-top: 4px;
    font-size: var(--wa-font-size-sm);
    color: var(--wa-color-text-muted);
  }
  .wa-button {
    padding: 6px;
    border-radius: 8px;
    background: var(--wa-color-bg);
    color: var(--wa-color-primary);
    text-align: center;
    font-weight: 500;
    box-shadow: 0 1px 1px rgb(0 0 0 / 0.1);
  }

  /* Report. */
  .report-head {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: var(--wa-space-2) var(--wa-space-3);
    margin-bottom: var(--wa-space-2);
  }
  .report-head h3 {
    overflow-wrap: anywhere;
  }
  .progress-line {
    display: grid;
    gap: var(--wa-space-1);
    margin: var(--wa-space-3) 0;
  }
  .progress-line .row {
    justify-content: space-between;
  }
  .chart {
    display: block;
    width: 100%;
    height: auto;
    border: 1px solid var(--wa-color-border);
    border-radius: var(--wa-radius-sm);
    background: var(--wa-color-bg);
  }
  .chart .sent {
    fill: var(--wa-color-primary);
  }
  .chart .failed {
    fill: var(--wa-color-danger);
  }
  .chart .axis {
    stroke: var(--wa-color-border);
  }
  .chart text {
    fill: var(--wa-color-text-muted);
    font-size: 10px;
  }
  .legend {
    display: flex;
    gap: var(--wa-space-3);
    font-size: var(--wa-font-size-sm);
    color: var(--wa-color-text-muted);
  }
  .legend i {
    display: inline-block;
    width: 10px;
    height: 10px;
    margin-inline-end: 4px;
    border-radius: 2px;
    background: var(--wa-color-primary);
  }
  .legend i.failed {
    background: var(--wa-color-danger);
  }
  .rt {
    font-size: var(--wa-font-size-sm);
    color: var(--wa-color-text-muted);
  }
`;
