// The reply box: mode switch, input row, attachment and quote bars, and the popups above it.
import { css } from 'lit';

export const styles = css`
  :host {
    display: block;
    position: relative;
  }
  .composer {
    position: relative;
    display: flex;
    flex-direction: column;
    gap: var(--wa-space-2);
    padding: var(--wa-space-2) var(--wa-space-3) var(--wa-space-3);
    border-top: 1px solid var(--wa-color-border);
    background: var(--wa-color-bg);
  }
  .composer.note {
    background: color-mix(in srgb, var(--wa-color-warning) 10%, var(--wa-color-bg));
  }
  .modes {
    display: flex;
    align-items: center;
    gap: var(--wa-space-1);
    flex-wrap: wrap;
  }
  .modes button {
    display: inline-flex;
    align-items: center;
    gap: 4px;
    padding: 2px var(--wa-space-2);
    border: 1px solid transparent;
    border-radius: 999px;
    background: none;
    color: var(--wa-color-text-muted);
    font-size: var(--wa-font-size-sm);
    font-weight: 500;
    cursor: pointer;
  }
  .modes button[aria-pressed='true'] {
    border-color: var(--wa-color-border);
    background: var(--wa-color-surface);
    color: var(--wa-color-text);
    font-weight: 600;
  }
  .note .modes button[aria-pressed='true'] {
    color: var(--wa-color-warning);
  }
  .modes .hint {
    margin-inline-start: auto;
    font-size: 11px;
    color: var(--wa-color-text-muted);
  }
  @container (max-width: 520px) {
    .modes .hint {
      display: none;
    }
  }
  .note-only {
    display: inline-flex;
    align-items: center;
    gap: 4px;
    font-size: var(--wa-font-size-sm);
    font-weight: 600;
    color: var(--wa-color-warning);
  }
  button.link {
    margin-inline-start: auto;
    border: none;
    background: none;
    color: var(--wa-color-primary);
    text-decoration: underline;
    font-size: var(--wa-font-size-sm);
    cursor: pointer;
  }
  .input-row {
    display: flex;
    align-items: flex-end;
    gap: var(--wa-space-1);
  }
  textarea {
    flex: 1;
    min-width: 0;
    min-height: 40px;
    max-height: 160px;
    padding: 9px var(--wa-space-3);
    border: 1px solid var(--wa-color-border);
    border-radius: 20px;
    background: var(--wa-color-bg);
    color: var(--wa-color-text);
    resize: none;
    line-height: 1.4;
  }
  textarea:focus-visible {
    outline: 2px solid var(--wa-color-focus);
    outline-offset: 1px;
  }
  .icon-btn {
    display: inline-grid;
    place-items: center;
    flex: none;
    width: 36px;
    height: 36px;
    border: none;
    border-radius: 50%;
    background: transparent;
    color: var(--wa-color-text-muted);
    cursor: pointer;
  }
  .icon-btn:hover {
    background: var(--wa-color-surface-2);
    color: var(--wa-color-text);
  }
  label.icon-btn:focus-within {
    outline: 2px solid var(--wa-color-focus);
    outline-offset: 1px;
  }
  .icon-btn .icon,
  .send .icon {
    width: 20px;
    height: 20px;
  }
  .send {
    display: inline-grid;
    place-items: center;
    flex: none;
    width: 40px;
    height: 40px;
    border: none;
    border-radius: 50%;
    background: var(--wa-color-primary);
    color: var(--wa-color-on-primary);
    cursor: pointer;
  }
  .send:hover {
    background: var(--wa-color-primary-hover);
  }
  .send:disabled {
    opacity: 0.5;
    cursor: not-allowed;
  }
  .replying,
  .attachment,
  .upload-error {
    display: flex;
    align-items: center;
    gap: var(--wa-space-2);
    min-width: 0;
    padding: 4px var(--wa-space-2);
    border-radius: var(--wa-radius-sm);
    background: var(--wa-color-surface);
    font-size: var(--wa-font-size-sm);
  }
  .replying {
    border-inline-start: 3px solid var(--wa-color-primary);
  }
  .replying .quote,
  .attachment .file-name {
    flex: 1;
    min-width: 0;
    overflow: hidden;
    text-overflow: ellipsis;
    white-space: nowrap;
  }
  .replying .icon-btn,
  .attachment .icon-btn,
  .upload-error .icon-btn {
    width: 28px;
    height: 28px;
  }
  .attachment progress {
    width: 80px;
  }
  .ready {
    color: var(--wa-color-success);
    font-weight: 600;
  }
  .upload-error {
    color: var(--wa-color-danger);
    background: color-mix(in srgb, var(--wa-color-danger) 8%, transparent);
    border: 1px solid color-mix(in srgb, var(--wa-color-danger) 40%, transparent);
  }
  .upload-error span {
    flex: 1;
  }
  .popup {
    position: absolute;
    bottom: calc(100% - var(--wa-space-1));
    inset-inline: var(--wa-space-3);
    z-index: 5;
    max-height: 280px;
    overflow-y: auto;
    border: 1px solid var(--wa-color-border);
    border-radius: var(--wa-radius);
    background: var(--wa-color-bg);
    box-shadow: var(--wa-shadow);
  }
  .popup-title {
    padding: var(--wa-space-2) var(--wa-space-3) 0;
    font-size: 11px;
    font-weight: 600;
    text-transform: uppercase;
    letter-spacing: 0.04em;
    color: var(--wa-color-text-muted);
  }
  .popup-empty {
    margin: 0;
    padding: var(--wa-space-2) var(--wa-space-3) var(--wa-space-3);
    font-size: var(--wa-font-size-sm);
  }
  .popup ul {
    list-style: none;
    margin: 0;
    padding: var(--wa-space-1);
  }
  .popup li {
    padding: var(--wa-space-2);
    border-radius: var(--wa-radius-sm);
    cursor: pointer;
    overflow: hidden;
    text-overflow: ellipsis;
    white-space: nowrap;
  }
  .popup li[aria-selected='true'] {
    background: color-mix(in srgb, var(--wa-color-primary) 14%, transparent);
  }
  .popup li .muted {
    font-size: var(--wa-font-size-sm);
  }
  .missing {
    padding: var(--wa-space-2) var(--wa-space-3);
    border: 1px solid var(--wa-color-border);
    border-radius: var(--wa-radius);
    background: var(--wa-color-surface);
  }
  .missing p {
    margin: 0 0 var(--wa-space-2);
    font-size: var(--wa-font-size-sm);
  }
  .missing .field {
    margin-bottom: var(--wa-space-2);
  }
  .missing .field label {
    text-transform: capitalize;
  }
  .missing .actions {
    margin-top: 0;
  }
`;
