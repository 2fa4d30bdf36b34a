// Only what the shared UI styles don't cover: compact details in the log table.
import { css } from 'lit';

export const styles = css`
  .details {
    margin: 0;
    font-size: var(--wa-font-size-sm);
    color: var(--wa-color-text-muted);
    white-space: pre-wrap;
    overflow-wrap: anywhere;
  }
  .action {
    font-weight: 600;
  }
  time {
    white-space: nowrap;
  }
`;
