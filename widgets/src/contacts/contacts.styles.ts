// Styles of <wa-contacts> and its parts (one sheet: the parts share most of it). Layout follows the
// element's own width through container queries on the host (`ui` makes it an inline-size
// container), never the window's.
import { css } from 'lit';

export const styles = css`
  :host {
    --wa-contacts-chip: var(--wa-color-surface-2);
    min-height: var(--wa-contacts-min-height, 0);
  }
  [hidden] {
    display: none !important;
  }
  h2,
  h3,
  h4,
  h5 {
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
    margin-bottom: var(--wa-space-2);
  }
  h5 {
    font-size: var(--wa-font-size-sm);
    color: var(--wa-color-text-muted);
    margin: var(--wa-space-3) 0 var(--wa-space-2);
    text-transform: uppercase;
    letter-spacing: 0.04em;
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
  .spacer {
    flex: 1;
  }

  /* Title bar and toolbar. */
  .head {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    justify-content: space-between;
    gap: var(--wa-space-3);
    margin-bottom: var(--wa-space-3);
  }
  .head-actions {
    display: flex;
    flex-wrap: wrap;
    gap: var(--wa-space-2);
  }
  .toolbar-row {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: var(--wa-space-2) var(--wa-space-3);
    margin-bottom: var(--wa-space-3);
  }
  .search {
    flex: 1 1 220px;
    min-width: 0;
  }
  .search input,
  .inline-form input,
  input.value {
    width: 100%;
    min-height: 36px;
    padding: var(--wa-space-1) var(--wa-space-2);
    border: 1px solid var(--wa-color-border);
    border-radius: var(--wa-radius-sm);
    background: var(--wa-color-bg);
    color: var(--wa-color-text);
  }
  input.value {
    width: 130px;
    min-height: 30px;
  }
  input.value.wide {
    width: 220px;
    max-width: 100%;
  }
  .select {
    display: inline-flex;
    align-items: center;
    gap: var(--wa-space-1);
    font-size: var(--wa-font-size-sm);
    color: var(--wa-color-text-muted);
    min-width: 0;
  }
  .select select {
    max-width: 180px;
  }
  .chips-group {
    display: inline-flex;
    flex-wrap: wrap;
    gap: var(--wa-space-1);
  }
  .filter-chip {
    min-height: 30px;
    padding: 0 var(--wa-space-3);
    border: 1px solid var(--wa-color-border);
    border-radius: 999px;
    background: var(--wa-color-bg);
    font-size: var(--wa-font-size-sm);
    cursor: pointer;
  }
  .filter-chip:hover {
    background: var(--wa-color-surface);
  }
  .filter-chip[aria-pressed='true'] {
    border-color: var(--wa-color-primary);
    background: color-mix(in srgb, var(--wa-color-primary) 14%, transparent);
    color: var(--wa-color-text);
    font-weight: 600;
  }
  .active-filters,
  .chips {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: var(--wa-space-2);
    margin: 0 0 var(--wa-space-3);
    padding: 0;
    list-style: none;
  }
  .chip {
    display: inline-flex;
    align-items: center;
    gap: var(--wa-space-1);
    max-width: 100%;
    padding: 2px 4px 2px var(--wa-space-2);
    border-radius: 999px;
    background: var(--wa-contacts-chip);
    font-size: var(--wa-font-size-sm);
    overflow-wrap: anywhere;
  }
  .chip-x {
    display: inline-grid;
    place-items: center;
    width: 24px;
    height: 24px;
    border: none;
    border-radius: 50%;
    background: transparent;
    color: var(--wa-color-text-muted);
    font-size: 16px;
    line-height: 1;
    cursor: pointer;
  }
  .chip-x:hover {
    background: var(--wa-color-border);
    color: var(--wa-color-text);
  }

  /* The table. */
  .table-wrap.refreshing {
    opacity: 0.6;
  }
  table.contacts button.open {
    padding: 0;
    border: none;
    background: none;
    color: var(--wa-color-primary);
    font-weight: 600;
    text-align: start;
    cursor: pointer;
    overflow-wrap: anywhere;
  }
  table.contacts button.open:hover {
    text-decoration: underline;
  }
  .tags {
    display: inline-flex;
    flex-wrap: wrap;
    gap: var(--wa-space-1);
  }
  .tag {
    padding: 0 var(--wa-space-2);
    border-radius: var(--wa-radius-sm);
    background: var(--wa-contacts-chip);
    font-size: var(--wa-font-size-sm);
    overflow-wrap: anywhere;
  }
  table.contacts td > .badge {
    justify-self: start;
  }
  .badge.consent.opted_in {
    background: color-mix(in srgb, var(--wa-color-success) 16%, transparent);
    color: var(--wa-color-success);
  }
  .badge.consent.opted_out {
    background: color-mix(in srgb, var(--wa-color-danger) 14%, transparent);
    color: var(--wa-color-danger);
  }
  .badge.consent.unknown {
    color: var(--wa-color-text-muted);
  }

  /* Segment builder and import wizard frames. */
  .builder,
  .wizard {
    margin-bottom: var(--wa-space-4);
    padding: var(--wa-space-4);
    border: 1px solid var(--wa-color-border);
    border-radius: var(--wa-radius);
    background: var(--wa-color-surface);
  }
  .wizard {
    background: var(--wa-color-bg);
  }
  .builder-head {
    display: flex;
    align-items: center;
    justify-content: space-between;
    gap: var(--wa-space-2);
    margin-bottom: var(--wa-space-3);
  }
  .match {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: var(--wa-space-2);
    margin-bottom: var(--wa-space-3);
  }
  .conditions {
    display: grid;
    gap: var(--wa-space-2);
    margin: 0 0 var(--wa-space-3);
    padding: 0;
    list-style: none;
    counter-reset: cond;
  }
  .cond {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: var(--wa-space-2);
    padding: var(--wa-space-2);
    border: 1px solid var(--wa-color-border);
    border-radius: var(--wa-radius-sm);
    background: var(--wa-color-bg);
    counter-increment: cond;
  }
  .cond::before {
    content: counter(cond) '.';
    color: var(--wa-color-text-muted);
    font-size: var(--wa-font-size-sm);
    min-width: 1.5em;
  }
  .cond select.inline {
    max-width: 100%;
  }
  .unit {
    color: var(--wa-color-text-muted);
    font-size: var(--wa-font-size-sm);
  }
  .builder-actions {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: var(--wa-space-3);
  }
  .count {
    margin: 0;
    font-size: var(--wa-font-size-sm);
    color: var(--wa-color-text-muted);
  }
  .count.ready strong,
  .count.loading strong {
    color: var(--wa-color-text);
    font-size: var(--wa-font-size);
  }
  .count.error {
    color: var(--wa-color-danger);
  }
  .save {
    display: flex;
    flex-wrap: wrap;
    align-items: flex-start;
    gap: var(--wa-space-2) var(--wa-space-3);
    margin-top: var(--wa-space-3);
    padding-top: var(--wa-space-3);
    border-top: 1px solid var(--wa-color-border);
  }
  .save .field {
    flex: 1 1 200px;
    max-width: 360px;
    margin: 0;
  }
  .save button {
    margin-top: 22px;
  }

  /* Import wizard. */
  .steps {
    display: flex;
    flex-wrap: wrap;
    gap: var(--wa-space-2) var(--wa-space-4);
    margin: 0 0 var(--wa-space-4);
    padding: 0;
    list-style: none;
    font-size: var(--wa-font-size-sm);
    color: var(--wa-color-text-muted);
  }
  .steps .current {
    color: var(--wa-color-text);
    font-weight: 600;
  }
  .steps .past {
    color: var(--wa-color-success);
  }
  .progress-line {
    display: grid;
    gap: var(--wa-space-1);
    margin: var(--wa-space-3) 0;
  }
  progress {
    width: 100%;
    height: 12px;
    accent-color: var(--wa-color-primary);
  }
  .preview-scroll {
    max-width: 100%;
    overflow-x: auto;
    margin-bottom: var(--wa-space-4);
    border: 1px solid var(--wa-color-border);
    border-radius: var(--wa-radius-sm);
  }
  table.preview {
    border-collapse: collapse;
    min-width: 100%;
    font-size: var(--wa-font-size-sm);
  }
  table.preview th,
  table.preview td {
    padding: var(--wa-space-1) var(--wa-space-2);
    border-bottom: 1px solid var(--wa-color-border);
    text-align: start;
    vertical-align: top;
    white-space: nowrap;
    max-width: 240px;
    overflow: hidden;
    text-overflow: ellipsis;
  }
  table.preview th {
    min-width: 150px;
    overflow: visible;
    background: var(--wa-color-surface);
  }
  table.preview th select {
    width: 100%;
    font-weight: 400;
  }
  .col-name {
    display: block;
    margin-bottom: var(--wa-space-1);
    font-weight: 600;
  }
  .counts {
    display: grid;
    grid-template-columns: repeat(auto-fit, minmax(110px, 1fr));
    gap: var(--wa-space-2);
    margin: var(--wa-space-3) 0;
  }
  .counts div {
    padding: var(--wa-space-2) var(--wa-space-3);
    border: 1px solid var(--wa-color-border);
    border-radius: var(--wa-radius-sm);
  }
  .counts dt {
    font-size: var(--wa-font-size-sm);
    color: var(--wa-color-text-muted);
  }
  .counts dd {
    margin: 0;
    font-size: var(--wa-font-size-xl);
    font-weight: 600;
  }
  .counts .bad dd {
    color: var(--wa-color-danger);
  }
  .actions.start {
    justify-content: flex-start;
  }

  /* Contact detail. */
  .back {
    margin-bottom: var(--wa-space-2);
    padding-inline: 0;
  }
  .detail-head {
    display: flex;
    align-items: flex-start;
    gap: var(--wa-space-3);
    margin-bottom: var(--wa-space-4);
  }
  .detail-head > div {
    flex: 1;
    min-width: 0;
  }
  .detail-head p {
    margin: var(--wa-space-1) 0 0;
    overflow-wrap: anywhere;
  }
  .avatar {
    display: inline-grid;
    place-items: center;
    flex: none;
    width: 44px;
    height: 44px;
    border-radius: 50%;
    background: color-mix(in srgb, var(--wa-color-primary) 20%, var(--wa-color-surface));
    color: var(--wa-color-text);
    font-weight: 700;
    font-size: var(--wa-font-size-lg);
  }
  .detail-grid {
    display: grid;
    gap: var(--wa-space-4);
  }
  @container (min-width: 860px) {
    .detail-grid {
      grid-template-columns: minmax(0, 3fr) minmax(0, 2fr);
      align-items: start;
    }
  }
  .col {
    display: grid;
    gap: var(--wa-space-4);
    min-width: 0;
  }
  .card {
    padding: var(--wa-space-4);
    border: 1px solid var(--wa-color-border);
    border-radius: var(--wa-radius);
    background: var(--wa-color-bg);
    min-width: 0;
  }
  .static {
    display: flex;
    align-items: center;
    min-height: 36px;
  }
  .inline-form {
    display: flex;
    gap: var(--wa-space-2);
  }
  .inline-form input {
    flex: 1;
    min-width: 0;
  }
  .timeline {
    margin: 0;
    padding: 0;
    list-style: none;
  }
  .timeline .entry {
    display: flex;
    gap: var(--wa-space-2);
    padding-bottom: var(--wa-space-3);
    overflow-wrap: anywhere;
  }
  .timeline .dot {
    flex: none;
    width: 10px;
    height: 10px;
    margin-top: 5px;
    border-radius: 50%;
    background: var(--wa-color-success);
  }
  .timeline .opt_out .dot {
    background: var(--wa-color-danger);
  }
  .proof {
    margin-top: 2px;
    font-size: var(--wa-font-size-sm);
  }
  .notes,
  .convs {
    display: grid;
    gap: var(--wa-space-2);
    margin: 0 0 var(--wa-space-3);
    padding: 0;
    list-style: none;
  }
  .notes li {
    padding: var(--wa-space-2) var(--wa-space-3);
    border-radius: var(--wa-radius-sm);
    background: var(--wa-color-surface);
  }
  .note-body {
    margin: 0 0 var(--wa-space-1);
    white-space: pre-wrap;
    overflow-wrap: anywhere;
  }
  button.conv {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: var(--wa-space-2);
    width: 100%;
    padding: var(--wa-space-2) var(--wa-space-3);
    border: 1px solid var(--wa-color-border);
    border-radius: var(--wa-radius-sm);
    background: var(--wa-color-bg);
    text-align: start;
    cursor: pointer;
  }
  button.conv:hover {
    background: var(--wa-color-surface);
  }
  button.conv .preview {
    flex: 1;
    min-width: 0;
    overflow: hidden;
    text-overflow: ellipsis;
    white-space: nowrap;
  }
  .badge.status-open {
    background: color-mix(in srgb, var(--wa-color-primary) 18%, transparent);
    color: var(--wa-color-primary);
  }
  textarea {
    resize: vertical;
  }

  /* Settings views: custom fields and consent keywords. */
  .settings > h3 {
    margin-bottom: var(--wa-space-1);
  }
  .settings > p.muted {
    max-width: 70ch;
    margin-bottom: var(--wa-space-4);
  }
  .settings .table-wrap,
  .empty-note {
    margin-bottom: var(--wa-space-4);
  }
  @container (min-width: 601px) {
    table.fields td.row-actions {
      width: 1%;
    }
  }
  .keyword-grid {
    display: grid;
    gap: var(--wa-space-4);
    margin-bottom: var(--wa-space-4);
  }
  @container (min-width: 760px) {
    .keyword-grid {
      grid-template-columns: minmax(0, 1fr) minmax(0, 1fr);
      align-items: start;
    }
  }
  .keywords {
    display: grid;
    gap: var(--wa-space-2);
    margin: 0 0 var(--wa-space-3);
    padding: 0;
    list-style: none;
  }
  .keyword-row {
    display: flex;
    align-items: flex-end;
    gap: var(--wa-space-2);
  }
  .keyword-row .field {
    flex: 1 1 auto;
    margin: 0;
  }
  .keyword-row .field.lang {
    flex: 0 0 7.5em;
  }
  .keyword-row .chip-x {
    flex: none;
    width: 36px;
    height: 36px;
  }
  .reply-lang {
    margin: 0 0 var(--wa-space-3);
    padding: var(--wa-space-2) var(--wa-space-3) 0;
    border: 1px solid var(--wa-color-border);
    border-radius: var(--wa-radius-sm);
    min-width: 0;
  }
  .reply-lang legend {
    padding: 0 var(--wa-space-1);
    font-weight: 600;
  }

  /* Merging a duplicate. */
  .detail-actions {
    margin: calc(-1 * var(--wa-space-2)) 0 var(--wa-space-3);
  }
  dialog.merge-dialog {
    width: min(560px, calc(100vw - 32px));
  }
  .merge-results {
    display: grid;
    gap: var(--wa-space-1);
    max-height: 260px;
    overflow-y: auto;
    margin: 0 0 var(--wa-space-3);
    padding: 0;
    border: none;
  }
  .merge-option {
    display: flex;
    align-items: flex-start;
    gap: var(--wa-space-2);
    padding: var(--wa-space-2) var(--wa-space-3);
    border: 1px solid var(--wa-color-border);
    border-radius: var(--wa-radius-sm);
    cursor: pointer;
    overflow-wrap: anywhere;
  }
  .merge-option:has(input:checked) {
    border-color: var(--wa-color-primary);
    background: color-mix(in srgb, var(--wa-color-primary) 10%, transparent);
  }
  .merge-option input {
    margin-top: 3px;
    accent-color: var(--wa-color-primary);
  }
  .merge-option > span {
    display: grid;
    min-width: 0;
  }
  .merge-explain {
    padding: var(--wa-space-2) var(--wa-space-3);
    border-radius: var(--wa-radius-sm);
    background: var(--wa-color-surface);
    overflow-wrap: anywhere;
  }

  @container (max-width: 600px) {
    .select {
      flex: 1 1 140px;
    }
    .select select {
      flex: 1;
      max-width: none;
      min-width: 0;
    }
    .save button {
      margin-top: 0;
    }
    input.value,
    input.value.wide {
      width: 100%;
    }
  }
`;
