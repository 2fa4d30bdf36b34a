// Only what the shared UI styles don't cover: the five sections as cards, the visibility radios and
// switches, presence dots, the team and canned-response lists, label chips and variable chips.
// Everything wraps (no sideways scrolling at 360 px or in a 600 px iframe).
import { css } from 'lit';

export const styles = css`
  section {
    margin-bottom: var(--wa-space-5);
    padding: var(--wa-space-4);
    border: 1px solid var(--wa-color-border);
    border-radius: var(--wa-radius);
    background: var(--wa-color-bg);
    min-width: 0;
  }
  section h3 {
    margin: 0;
    font-size: var(--wa-font-size-lg);
    line-height: 1.3;
  }
  .section-head {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    justify-content: space-between;
    gap: var(--wa-space-2);
    margin-bottom: var(--wa-space-3);
  }
  .section-help {
    margin: var(--wa-space-1) 0 var(--wa-space-3);
    color: var(--wa-color-text-muted);
  }
  .note {
    margin: 0 0 var(--wa-space-4);
    padding: var(--wa-space-2) var(--wa-space-3);
    border-radius: var(--wa-radius-sm);
    background: var(--wa-color-surface);
    color: var(--wa-color-text-muted);
  }
  section wa-empty-state {
    border: 1px dashed var(--wa-color-border);
    border-radius: var(--wa-radius);
  }

  /* Radios and switches: the whole row is the label, so it is a large target. */
  fieldset {
    margin: 0;
    padding: 0;
    border: none;
    min-width: 0;
  }
  .radios {
    display: grid;
    gap: var(--wa-space-2);
    margin-bottom: var(--wa-space-4);
  }
  .radio,
  .switch-row {
    display: flex;
    align-items: flex-start;
    gap: var(--wa-space-3);
    cursor: pointer;
  }
  .radio {
    padding: var(--wa-space-2) var(--wa-space-3);
    border: 1px solid var(--wa-color-border);
    border-radius: var(--wa-radius-sm);
  }
  .radio:has(input:checked) {
    border-color: var(--wa-color-primary);
    background: color-mix(in srgb, var(--wa-color-primary) 8%, transparent);
  }
  fieldset:disabled .radio,
  .switch-row:has(input:disabled) {
    cursor: default;
  }
  .radio input {
    margin: 3px 0 0;
    accent-color: var(--wa-color-primary);
  }
  .radio > span,
  .switch-row > span {
    display: flex;
    flex-direction: column;
    min-width: 0;
  }
  .switch-row {
    margin-bottom: var(--wa-space-3);
  }
  section > .switch-row:last-child {
    margin-bottom: 0;
  }
  input.switch {
    appearance: none;
    flex: none;
    position: relative;
    width: 36px;
    height: 20px;
    margin: 1px 0 0;
    border: 1px solid var(--wa-color-border);
    border-radius: 999px;
    background: var(--wa-color-surface-2);
    cursor: pointer;
    transition: background 0.15s;
  }
  input.switch::before {
    content: '';
    position: absolute;
    top: 2px;
    left: 2px;
    width: 14px;
    height: 14px;
    border-radius: 50%;
    background: var(--wa-color-text-muted);
    transition: transform 0.15s;
  }
  input.switch:checked {
    border-color: var(--wa-color-primary);
    background: var(--wa-color-primary);
  }
  input.switch:checked::before {
    transform: translateX(16px);
    background: var(--wa-color-on-primary);
  }
  input.switch:disabled {
    opacity: 0.6;
    cursor: default;
  }
  @media (prefers-reduced-motion: reduce) {
    input.switch,
    input.switch::before {
      transition: none;
    }
  }
  @media (forced-colors: active) {
    input.switch {
      appearance: auto;
    }
  }

  /* Agents table. */
  .who {
    display: flex;
    flex-direction: column;
    min-width: 0;
  }
  .presence {
    display: inline-flex;
    align-items: center;
    gap: var(--wa-space-1);
    font-size: var(--wa-font-size-sm);
    color: var(--wa-color-text-muted);
  }
  .presence .dot {
    width: 8px;
    height: 8px;
    border-radius: 50%;
    background: var(--wa-color-text-muted);
  }
  .presence.online .dot {
    background: var(--wa-color-success);
  }
  .presence.away .dot {
    background: var(--wa-color-warning);
  }
  .presence.offline .dot {
    background: transparent;
    border: 1.5px solid var(--wa-color-text-muted);
  }
  .capacity {
    display: flex;
    flex-direction: column;
    gap: var(--wa-space-1);
    min-width: 0;
  }
  .capacity-input {
    width: 96px;
    min-height: 32px;
    padding: var(--wa-space-1) var(--wa-space-2);
    border: 1px solid var(--wa-color-border);
    border-radius: var(--wa-radius-sm);
    background: var(--wa-color-bg);
  }
  .capacity-input[aria-invalid='true'] {
    border-color: var(--wa-color-danger);
  }
  .capacity-input::placeholder {
    color: var(--wa-color-text-muted);
  }

  /* Teams and canned responses. */
  .items {
    display: grid;
    margin: 0;
    padding: 0;
    list-style: none;
    border: 1px solid var(--wa-color-border);
    border-radius: var(--wa-radius);
  }
  .item {
    display: flex;
    flex-wrap: wrap;
    align-items: flex-start;
    justify-content: space-between;
    gap: var(--wa-space-2) var(--wa-space-3);
    padding: var(--wa-space-3);
    border-bottom: 1px solid var(--wa-color-border);
    min-width: 0;
  }
  .item:last-child {
    border-bottom: none;
  }
  .item-main {
    flex: 1 1 240px;
    min-width: 0;
    overflow-wrap: anywhere;
  }
  .item-main p {
    margin: var(--wa-space-1) 0 0;
  }
  .item-title {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: var(--wa-space-2);
  }
  .item-actions {
    display: flex;
    gap: var(--wa-space-1);
  }
  .shortcode {
    color: var(--wa-color-primary);
  }
  .preview {
    display: -webkit-box;
    -webkit-line-clamp: 2;
    -webkit-box-orient: vertical;
    overflow: hidden;
    white-space: pre-line;
    color: var(--wa-color-text-muted);
  }

  /* Label chips: a colour swatch next to the name (the name carries the meaning, not the colour). */
  .chips,
  .vars {
    display: flex;
    flex-wrap: wrap;
    gap: var(--wa-space-2);
    margin: 0;
    padding: 0;
    list-style: none;
  }
  .label-chip {
    display: inline-flex;
    align-items: center;
    border: 1px solid var(--wa-color-border);
    border-radius: 999px;
    background: var(--wa-color-surface);
    max-width: 100%;
  }
  .chip-main,
  .chip-remove {
    display: inline-flex;
    align-items: center;
    gap: var(--wa-space-2);
    min-height: 30px;
    padding: 0 var(--wa-space-3);
    border: none;
    border-radius: 999px;
    background: transparent;
    color: var(--wa-color-text);
    overflow-wrap: anywhere;
  }
  button.chip-main,
  .chip-remove {
    cursor: pointer;
  }
  button.chip-main:hover,
  .chip-remove:hover {
    background: var(--wa-color-surface-2);
  }
  .chip-remove {
    padding: 0 var(--wa-space-2);
    min-width: 30px;
    justify-content: center;
    color: var(--wa-color-text-muted);
    font-size: var(--wa-font-size-lg);
    line-height: 1;
  }
  .swatch {
    flex: none;
    width: 12px;
    height: 12px;
    border-radius: 50%;
    box-shadow: inset 0 0 0 1px rgb(0 0 0 / 0.2);
  }
  .vars {
    gap: var(--wa-space-1);
    margin-top: var(--wa-space-2);
  }
  .var {
    padding: 0 var(--wa-space-2);
    border-radius: 999px;
    font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace;
    font-size: var(--wa-font-size-sm);
    line-height: 1.7;
    overflow-wrap: anywhere;
  }
  .var.auto {
    background: color-mix(in srgb, var(--wa-color-primary) 14%, transparent);
    color: var(--wa-color-text);
  }
  .var.ask {
    border: 1px dashed var(--wa-color-warning);
    color: var(--wa-color-text);
  }

  /* Dialogs. */
  dialog.wide {
    width: min(640px, calc(100vw - 32px));
  }
  .members {
    display: grid;
    grid-template-columns: repeat(auto-fill, minmax(min(100%, 180px), 1fr));
    gap: var(--wa-space-1) var(--wa-space-3);
    max-height: 240px;
    overflow: auto;
    margin-top: var(--wa-space-2);
  }
  .members legend {
    margin-bottom: var(--wa-space-2);
    font-weight: 500;
    font-size: var(--wa-font-size-sm);
  }
  .check {
    display: flex;
    align-items: center;
    gap: var(--wa-space-2);
    min-height: 30px;
    overflow-wrap: anywhere;
    cursor: pointer;
  }
  .check input {
    accent-color: var(--wa-color-primary);
  }
  .color-field {
    max-width: 120px;
  }
  .color-field input[type='color'] {
    padding: 2px;
    cursor: pointer;
  }
  .field textarea {
    resize: vertical;
  }
  code {
    font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace;
  }
  .detected {
    min-height: 0;
  }
  .detected .vars {
    margin-bottom: var(--wa-space-2);
  }
`;
