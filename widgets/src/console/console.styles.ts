// Layout of both shells (workspace console and admin console): header, side navigation that
// collapses into a menu below 700 px, sign-in card. Colours come from the --wa-* tokens only.
import { css } from 'lit';

export const shellStyles = css`
  :host {
    /* The document scrolls, not an inner pane, so the background follows the content. */
    min-height: 100vh;
    background: var(--wa-color-bg);
    /* The shared UI styles make hosts size containers; the shell must not be one, or its fixed
       toast region could be placed against the shell instead of the viewport. */
    container-type: normal;
  }
  a {
    color: var(--wa-color-primary);
  }
  .skip {
    position: absolute;
    left: var(--wa-space-2);
    top: -100px;
    z-index: 100;
    padding: var(--wa-space-2) var(--wa-space-3);
    border-radius: var(--wa-radius-sm);
    background: var(--wa-color-primary);
    color: var(--wa-color-on-primary);
  }
  .skip:focus {
    top: var(--wa-space-2);
  }

  header.top {
    position: sticky;
    top: 0;
    z-index: 20;
    display: flex;
    align-items: center;
    gap: var(--wa-space-3);
    min-height: 56px;
    padding: var(--wa-space-2) var(--wa-space-4);
    border-bottom: 1px solid var(--wa-color-border);
    background: var(--wa-color-surface);
  }
  .brand {
    display: flex;
    align-items: center;
    gap: var(--wa-space-2);
    font-weight: 700;
    font-size: var(--wa-font-size-lg);
    white-space: nowrap;
    color: var(--wa-color-text);
    text-decoration: none;
  }
  .logo {
    display: inline-grid;
    place-items: center;
    width: 28px;
    height: 28px;
    border-radius: 50%;
    background: var(--wa-color-primary);
    color: var(--wa-color-on-primary);
    font-size: 13px;
    flex: none;
  }
  .spacer {
    flex: 1;
  }
  .tools {
    display: flex;
    align-items: center;
    gap: var(--wa-space-3);
    min-width: 0;
  }
  .tools .who {
    color: var(--wa-color-text-muted);
    font-size: var(--wa-font-size-sm);
    max-width: 200px;
    overflow: hidden;
    text-overflow: ellipsis;
    white-space: nowrap;
  }
  .tool {
    display: flex;
    align-items: center;
    gap: var(--wa-space-2);
    font-size: var(--wa-font-size-sm);
  }
  .tool select {
    min-height: 32px;
    max-width: 220px;
    padding: 0 var(--wa-space-2);
    border: 1px solid var(--wa-color-border);
    border-radius: var(--wa-radius-sm);
    background: var(--wa-color-bg);
  }
  .tool select:focus-visible {
    outline: 2px solid var(--wa-color-focus);
    outline-offset: 2px;
  }
  .menu-btn {
    display: none;
  }

  .layout {
    display: grid;
    grid-template-columns: 220px minmax(0, 1fr);
    min-height: calc(100vh - 56px);
  }
  nav.side {
    padding: var(--wa-space-3);
    border-inline-end: 1px solid var(--wa-color-border);
    background: var(--wa-color-surface);
  }
  nav.side ul {
    list-style: none;
    margin: 0;
    padding: 0;
  }
  nav.side li + li {
    margin-top: 2px;
  }
  nav.side a {
    display: block;
    padding: var(--wa-space-2) var(--wa-space-3);
    border-radius: var(--wa-radius-sm);
    color: var(--wa-color-text);
    text-decoration: none;
  }
  nav.side a:hover {
    background: var(--wa-color-surface-2);
  }
  nav.side a[aria-current='page'] {
    background: color-mix(in srgb, var(--wa-color-primary) 16%, transparent);
    color: var(--wa-color-primary);
    font-weight: 600;
  }
  nav.side a:focus-visible {
    outline: 2px solid var(--wa-color-focus);
    outline-offset: 2px;
  }
  .group {
    margin: var(--wa-space-4) var(--wa-space-3) var(--wa-space-1);
    font-size: var(--wa-font-size-sm);
    font-weight: 600;
    color: var(--wa-color-text-muted);
    text-transform: uppercase;
    letter-spacing: 0.04em;
  }
  .panel-tools {
    display: none;
  }
  main {
    min-width: 0;
    padding: var(--wa-space-5);
  }
  main:focus {
    outline: none;
  }
  .page-title {
    margin: 0 0 var(--wa-space-4);
    font-size: var(--wa-font-size-xl);
  }
  /* The inbox fills the page below the header instead of growing with its content. */
  main > wa-inbox {
    height: calc(100vh - 56px - 2 * var(--wa-space-5));
    height: calc(100dvh - 56px - 2 * var(--wa-space-5));
    min-height: 420px;
  }

  /* Below 700 px the navigation (and the header's tools) fold into a menu panel. */
  @media (max-width: 699px) {
    header.top {
      padding: var(--wa-space-2) var(--wa-space-3);
      gap: var(--wa-space-2);
    }
    .menu-btn {
      display: inline-flex;
    }
    header .tools {
      display: none;
    }
    .layout {
      display: block;
    }
    nav.side {
      display: none;
      position: sticky;
      top: 56px;
      z-index: 15;
      max-height: calc(100vh - 56px);
      overflow-y: auto;
      border-inline-end: none;
      border-bottom: 1px solid var(--wa-color-border);
      box-shadow: var(--wa-shadow);
    }
    nav.side.open {
      display: block;
    }
    .panel-tools {
      display: flex;
      flex-direction: column;
      align-items: stretch;
      gap: var(--wa-space-3);
      margin-top: var(--wa-space-4);
      padding-top: var(--wa-space-3);
      border-top: 1px solid var(--wa-color-border);
    }
    .panel-tools .tool {
      justify-content: space-between;
    }
    .panel-tools .tool select {
      flex: 1;
      max-width: none;
    }
    main {
      padding: var(--wa-space-4) var(--wa-space-3);
    }
    main > wa-inbox {
      height: calc(100vh - 56px - 2 * var(--wa-space-4));
      height: calc(100dvh - 56px - 2 * var(--wa-space-4));
    }
  }

  /* Sign-in */
  .signin {
    display: grid;
    place-items: center;
    min-height: 100vh;
    padding: var(--wa-space-4);
    background: var(--wa-color-surface);
  }
  .card {
    width: min(400px, 100%);
    padding: var(--wa-space-6) var(--wa-space-5);
    border: 1px solid var(--wa-color-border);
    border-radius: var(--wa-radius);
    background: var(--wa-color-bg);
    box-shadow: var(--wa-shadow);
  }
  .card h1 {
    margin: var(--wa-space-4) 0 var(--wa-space-1);
    font-size: var(--wa-font-size-xl);
  }
  .card > p {
    margin: 0 0 var(--wa-space-4);
    color: var(--wa-color-text-muted);
  }
  .card .btn.primary {
    width: 100%;
    margin-top: var(--wa-space-2);
  }
  .card-foot {
    display: flex;
    justify-content: space-between;
    align-items: center;
    gap: var(--wa-space-2);
    margin-top: var(--wa-space-4);
  }
  .loading {
    display: grid;
    place-items: center;
    min-height: 100vh;
    color: var(--wa-color-text-muted);
  }
`;
