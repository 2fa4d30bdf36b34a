// Only what the shared UI styles don't cover: the optional first-admin fieldset.
import { css } from 'lit';

export const styles = css`
  fieldset {
    margin: 0 0 var(--wa-space-3);
    padding: var(--wa-space-3);
    border: 1px solid var(--wa-color-border);
    border-radius: var(--wa-radius-sm);
    min-width: 0;
  }
  legend {
    padding: 0 var(--wa-space-1);
    font-weight: 600;
  }
  .sub {
    display: block;
    font-size: var(--wa-font-size-sm);
    color: var(--wa-color-text-muted);
  }
`;
