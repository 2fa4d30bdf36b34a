// Only what the shared UI styles don't cover: sections, the allowed-sites list, the key row and
// the snippet block (which wraps instead of scrolling sideways inside narrow hosts).
import { css } from 'lit';

export const styles = css`
  section {
    padding: var(--wa-space-4) 0;
    border-top: 1px solid var(--wa-color-border);
  }
  section:first-of-type {
    border-top: 0;
    padding-top: 0;
  }
  h3 {
    margin: 0 0 var(--wa-space-1);
    font-size: 1rem;
  }
  .origins {
    list-style: none;
    margin: var(--wa-space-3) 0;
    padding: 0;
    border: 1px solid var(--wa-color-border);
    border-radius: var(--wa-radius);
  }
  .origins li {
    display: flex;
    align-items: center;
    justify-content: space-between;
    gap: var(--wa-space-2);
    padding: var(--wa-space-2) var(--wa-space-3);
    overflow-wrap: anywhere;
  }
  .origins li + li {
    border-top: 1px solid var(--wa-color-border);
  }
  .add-origin {
    display: flex;
    flex-wrap: wrap;
    align-items: flex-start;
    gap: var(--wa-space-2) var(--wa-space-3);
    margin-top: var(--wa-space-3);
  }
  .add-origin .field {
    flex: 1 1 240px;
    margin: 0;
  }
  .add-origin .btn {
    margin-top: 1.6rem;
  }
  .key-row {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: var(--wa-space-2);
    margin-top: var(--wa-space-3);
  }
  .key-row .secret {
    flex: 1 1 260px;
  }
  .snippet {
    margin: var(--wa-space-3) 0 0;
    padding: var(--wa-space-3);
    border-radius: var(--wa-radius-sm);
    background: var(--wa-color-surface);
    border: 1px solid var(--wa-color-border);
    white-space: pre-wrap;
    overflow-wrap: anywhere;
    font-size: 0.85rem;
  }
  .actions.start {
    justify-content: flex-start;
  }
`;
