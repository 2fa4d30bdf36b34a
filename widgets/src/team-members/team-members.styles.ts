// Only what the shared UI styles don't already cover for the member list.
import { css } from 'lit';

export const styles = css`
  .who {
    display: flex;
    flex-direction: column;
    min-width: 0;
  }
  .who .muted {
    font-size: var(--wa-font-size-sm);
  }
`;
