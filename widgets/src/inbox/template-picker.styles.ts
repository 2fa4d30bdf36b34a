// The template picker: explanation, fields, and a phone-like preview of the filled template.
import { css } from 'lit';

export const styles = css`
  :host {
    display: block;
    border-top: 1px solid var(--wa-color-border);
    background: var(--wa-color-bg);
    max-height: 62%;
    flex: none;
    overflow-y: auto;
  }
  .picker {
    padding: var(--wa-space-3);
  }
  .intro {
    display: flex;
    flex-wrap: wrap;
    align-items: flex-start;
    gap: var(--wa-space-2);
    padding: var(--wa-space-2) var(--wa-space-3);
    margin-bottom: var(--wa-space-3);
    border-radius: var(--wa-radius-sm);
    background: color-mix(in srgb, var(--wa-color-warning) 12%, transparent);
    color: var(--wa-color-text);
    font-size: var(--wa-font-size-sm);
  }
  .intro .icon {
    color: var(--wa-color-warning);
    margin-top: 2px;
  }
  .intro p {
    flex: 1 1 240px;
    margin: 0;
  }
  button.link {
    border: none;
    background: none;
    padding: 0;
    color: var(--wa-color-primary);
    text-decoration: underline;
    font-size: var(--wa-font-size-sm);
    cursor: pointer;
  }
  .grid {
    display: grid;
    grid-template-columns: minmax(0, 1fr);
    gap: var(--wa-space-4);
  }
  @container (min-width: 620px) {
    .grid {
      grid-template-columns: minmax(0, 1fr) 280px;
      align-items: start;
    }
  }
  .fields .btn {
    width: 100%;
  }
  .fields .btn .icon {
    width: 16px;
    height: 16px;
  }
  progress {
    width: 100%;
  }
  .phone {
    margin: 0;
    padding: var(--wa-space-2);
    border: 1px solid var(--wa-color-border);
    border-radius: 18px;
    background: var(--wa-color-surface-2);
  }
  .phone figcaption {
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
    padding: var(--wa-space-3);
    border-radius: 12px;
    background: color-mix(in srgb, var(--wa-color-accent) 10%, var(--wa-color-surface));
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
    display: block;
    width: 100%;
    aspect-ratio: 16 / 9;
    object-fit: cover;
    border-radius: 6px;
    margin-bottom: 6px;
  }
  .wa-media.placeholder {
    display: flex;
    align-items: center;
    justify-content: center;
    gap: var(--wa-space-1);
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
  .wa-time {
    text-align: end;
    font-size: 11px;
    color: var(--wa-color-text-muted);
  }
  .wa-button {
    padding: 6px;
    border-radius: 8px;
    background: var(--wa-color-bg);
    color: var(--wa-inbox-link);
    text-align: center;
    font-weight: 500;
    box-shadow: 0 1px 1px rgb(0 0 0 / 0.1);
  }
  mark {
    padding: 0 2px;
    border-radius: 3px;
    background: color-mix(in srgb, var(--wa-color-warning) 30%, transparent);
    color: inherit;
  }
`;
