// The message log: bubbles (incoming on the start side, outgoing on the end side, private notes in
// the warning tint), day separators, status ticks, reactions and the per-message actions.
import { css } from 'lit';

export const styles = css`
  :host {
    position: relative;
    display: flex;
    flex-direction: column;
    min-height: 0;
    background: var(--wa-color-surface);
  }
  .loading-wrap {
    padding: var(--wa-space-4);
  }
  .scroller {
    flex: 1;
    min-height: 0;
    overflow-y: auto;
    overscroll-behavior: contain;
    padding: var(--wa-space-3) var(--wa-space-3) var(--wa-space-4);
  }
  .start {
    margin: var(--wa-space-2) auto var(--wa-space-3);
    max-width: 40ch;
    text-align: center;
    font-size: var(--wa-font-size-sm);
    color: var(--wa-color-text-muted);
  }
  ol.messages {
    list-style: none;
    margin: 0;
    padding: 0;
    display: flex;
    flex-direction: column;
    gap: 6px;
  }
  li.day {
    align-self: center;
    margin: var(--wa-space-2) 0;
  }
  li.day span {
    display: inline-block;
    padding: 2px var(--wa-space-3);
    border-radius: 999px;
    background: var(--wa-color-bg);
    border: 1px solid var(--wa-color-border);
    font-size: var(--wa-font-size-sm);
    color: var(--wa-color-text-muted);
  }
  li.msg {
    position: relative;
    display: flex;
    flex-direction: column;
    align-self: flex-start;
    align-items: flex-start;
    max-width: min(78%, 560px);
  }
  li.msg.out {
    align-self: flex-end;
    align-items: flex-end;
  }
  .bubble {
    position: relative;
    max-width: 100%;
    min-width: 80px;
    padding: 6px 10px 4px;
    border-radius: var(--wa-radius);
    border: 1px solid var(--wa-color-border);
    background: var(--wa-color-bg);
    overflow-wrap: anywhere;
    box-shadow: 0 1px 1px rgb(0 0 0 / 0.04);
  }
  li.out .bubble {
    background: color-mix(in srgb, var(--wa-color-primary) 14%, var(--wa-color-bg));
    border-color: color-mix(in srgb, var(--wa-color-primary) 30%, var(--wa-color-border));
  }
  li.note .bubble {
    background: color-mix(in srgb, var(--wa-color-warning) 14%, var(--wa-color-bg));
    border: 1px dashed color-mix(in srgb, var(--wa-color-warning) 60%, var(--wa-color-border));
  }
  li.sticker .bubble {
    background: transparent;
    border-color: transparent;
    box-shadow: none;
  }
  li.failed .bubble {
    border-color: var(--wa-color-danger);
  }
  li.flash .bubble {
    outline: 2px solid var(--wa-color-focus);
    outline-offset: 2px;
  }
  .text {
    white-space: pre-wrap;
  }
  .text a,
  .location a {
    color: var(--wa-inbox-link);
    text-decoration: underline;
  }
  .sender,
  .note-label,
  .kind {
    display: flex;
    align-items: center;
    gap: var(--wa-space-1);
    font-size: var(--wa-font-size-sm);
    font-weight: 600;
    color: var(--wa-color-text-muted);
    margin-bottom: 2px;
  }
  .note-label {
    color: var(--wa-color-warning);
    flex-wrap: wrap;
  }
  .note-label .muted {
    font-weight: 400;
    color: var(--wa-color-text-muted);
  }
  .quote {
    display: block;
    width: 100%;
    margin: 2px 0 4px;
    padding: 4px 8px;
    border: none;
    border-inline-start: 3px solid var(--wa-color-primary);
    border-radius: var(--wa-radius-sm);
    background: color-mix(in srgb, var(--wa-color-text) 6%, transparent);
    color: var(--wa-color-text-muted);
    font-size: var(--wa-font-size-sm);
    text-align: start;
    cursor: pointer;
    overflow: hidden;
    text-overflow: ellipsis;
    white-space: nowrap;
  }
  .meta {
    display: flex;
    justify-content: flex-end;
    align-items: center;
    gap: 4px;
    margin-top: 2px;
    font-size: 11px;
    color: var(--wa-color-text-muted);
  }
  .tick {
    display: inline-flex;
    color: var(--wa-color-text-muted);
  }
  .tick.read {
    color: var(--wa-inbox-read);
  }
  .tick.failed {
    color: var(--wa-color-danger);
  }
  .icon {
    flex: none;
  }
  .location,
  .contact {
    display: flex;
    gap: var(--wa-space-2);
    align-items: flex-start;
    padding: 2px 0;
  }
  .contact + .contact {
    border-top: 1px solid var(--wa-color-border);
    padding-top: var(--wa-space-2);
  }
  .loc-icon {
    display: grid;
    place-items: center;
    width: 32px;
    height: 32px;
    border-radius: 50%;
    background: color-mix(in srgb, var(--wa-color-primary) 16%, transparent);
    color: var(--wa-color-primary);
    flex: none;
  }
  .coords {
    font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace;
    font-size: var(--wa-font-size-sm);
    color: var(--wa-color-text-muted);
  }
  .chips {
    display: flex;
    flex-wrap: wrap;
    gap: var(--wa-space-1);
    margin-top: var(--wa-space-1);
  }
  .chip {
    padding: 2px var(--wa-space-2);
    border: 1px solid color-mix(in srgb, var(--wa-color-primary) 50%, transparent);
    border-radius: 999px;
    color: var(--wa-color-primary);
    font-size: var(--wa-font-size-sm);
    font-weight: 500;
  }
  ul.rows {
    margin: var(--wa-space-1) 0 0;
    padding-inline-start: var(--wa-space-4);
    font-size: var(--wa-font-size-sm);
  }
  .footer {
    font-size: var(--wa-font-size-sm);
  }
  .reactions {
    position: absolute;
    bottom: -12px;
    inset-inline-start: 8px;
    display: flex;
    gap: 2px;
  }
  li.msg:has(.reactions) {
    margin-bottom: 12px;
  }
  .reaction {
    display: inline-flex;
    align-items: center;
    gap: 2px;
    padding: 0 5px;
    border: 1px solid var(--wa-color-border);
    border-radius: 999px;
    background: var(--wa-color-bg);
    font-size: 13px;
    line-height: 20px;
  }
  .reaction.mine {
    border-color: var(--wa-color-primary);
  }
  .reaction small {
    font-size: 11px;
    color: var(--wa-color-text-muted);
  }
  .actions {
    position: absolute;
    top: 2px;
    inset-inline-start: calc(100% + 4px);
    display: flex;
    flex-wrap: nowrap;
    gap: 2px;
    opacity: 0;
    transition: opacity 120ms;
  }
  li.out .actions {
    inset-inline-start: auto;
    inset-inline-end: calc(100% + 4px);
  }
  li.msg:hover .actions,
  li.msg:focus-within .actions {
    opacity: 1;
  }
  @media (hover: none) {
    .actions {
      opacity: 0.7;
    }
  }
  .act {
    display: inline-grid;
    place-items: center;
    width: 28px;
    height: 28px;
    border: 1px solid var(--wa-color-border);
    border-radius: 50%;
    background: var(--wa-color-bg);
    color: var(--wa-color-text-muted);
    cursor: pointer;
  }
  .act:hover {
    color: var(--wa-color-text);
  }
  .picker {
    z-index: 2;
    display: flex;
    flex-wrap: wrap;
    gap: 2px;
    margin-top: var(--wa-space-1);
    padding: 4px;
    border: 1px solid var(--wa-color-border);
    border-radius: 999px;
    background: var(--wa-color-bg);
    box-shadow: var(--wa-shadow);
  }
  .picker button {
    min-width: 32px;
    height: 32px;
    border: none;
    border-radius: 999px;
    background: transparent;
    font-size: 18px;
    cursor: pointer;
  }
  .picker button[aria-pressed='true'] {
    background: color-mix(in srgb, var(--wa-color-primary) 20%, transparent);
  }
  .picker .remove {
    font-size: var(--wa-font-size-sm);
    padding: 0 var(--wa-space-2);
    color: var(--wa-color-danger);
  }
  .failure {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    justify-content: flex-end;
    gap: var(--wa-space-2);
    margin-top: var(--wa-space-1);
    font-size: var(--wa-font-size-sm);
    color: var(--wa-color-danger);
    text-align: end;
  }
  .failure .hint {
    color: var(--wa-color-text-muted);
  }
  .unsupported {
    font-style: italic;
  }
  .mono {
    font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace;
    font-weight: 400;
  }
  .older {
    position: absolute;
    top: var(--wa-space-2);
    left: 50%;
    transform: translateX(-50%);
    padding: 2px var(--wa-space-3);
    border-radius: 999px;
    background: var(--wa-color-bg);
    border: 1px solid var(--wa-color-border);
    box-shadow: var(--wa-shadow);
    font-size: var(--wa-font-size-sm);
  }
  .jump {
    position: absolute;
    bottom: var(--wa-space-3);
    inset-inline-end: var(--wa-space-4);
    display: inline-flex;
    align-items: center;
    gap: var(--wa-space-1);
    padding: 4px var(--wa-space-3);
    border: 1px solid var(--wa-color-border);
    border-radius: 999px;
    background: var(--wa-color-bg);
    color: var(--wa-color-text);
    box-shadow: var(--wa-shadow);
    cursor: pointer;
  }
  .jump .icon {
    transform: rotate(-90deg);
  }
  @media (prefers-reduced-motion: reduce) {
    .actions {
      transition: none;
    }
  }
`;
