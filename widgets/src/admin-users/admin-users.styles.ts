// Only what the shared UI styles don't cover: membership chips and the e-mail under the name.
import { css } from 'lit';

export const styles = css`
  .sub {
    display: block;
    font-size: var(--wa-font-size-sm);
    color: var(--wa-color-text-muted);
  }
  .chips {
    display: flex;
    flex-wrap: wrap;
    gap: var(--wa-space-1);
    margin: 0;
    padding: 0;
    list-style: none;
  }
  .locked {
    color: var(--wa-color-danger);
    font-weight: 500;
  }
`;
