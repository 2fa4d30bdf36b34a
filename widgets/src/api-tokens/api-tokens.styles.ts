// Only what the shared UI styles don't cover: the one-time secret box.
import { css } from 'lit';

export const styles = css`
  .once {
    display: flex;
    flex-direction: column;
    gap: var(--wa-space-2);
  }
  .warning {
    margin: 0;
    padding: var(--wa-space-2) var(--wa-space-3);
    border-radius: var(--wa-radius-sm);
    background: color-mix(in srgb, var(--wa-color-warning) 14%, transparent);
    color: var(--wa-color-text);
    font-weight: 500;
  }
`;
