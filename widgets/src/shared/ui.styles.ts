// Shared building blocks for the settings widgets and shells: buttons, fields, tables, dialogs,
// badges and page headers. Everything reads --wa-* tokens so host themes (and dark mode) apply
// without each widget restating colours; widgets add this after `WaElement.styles`.
// Widgets also pass their `theme` to the shared state elements they render: tokens are set on each
// :host, so a theme forced on the widget would not otherwise reach elements inside its shadow root.
import { css } from 'lit';

export const ui = css`
  /* Tables collapse by the widget's own width, not the window's: a widget in a narrow column of a
     wide page needs the card layout as much as one on a phone. */
  :host {
    container-type: inline-size;
  }

  /* Buttons: primary / secondary / danger; "ghost" for low-emphasis row actions. */
  .btn {
    display: inline-flex;
    align-items: center;
    justify-content: center;
    gap: var(--wa-space-2);
    min-height: 36px;
    padding: 0 var(--wa-space-4);
    border: 1px solid var(--wa-color-border);
    border-radius: var(--wa-radius-sm);
    background: var(--wa-color-bg);
    color: var(--wa-color-text);
    font-weight: 500;
    cursor: pointer;
    white-space: nowrap;
    text-decoration: none;
  }
  .btn:hover {
    background: var(--wa-color-surface);
  }
  .btn:focus-visible {
    outline: 2px solid var(--wa-color-focus);
    outline-offset: 2px;
  }
  .btn.primary {
    background: var(--wa-color-primary);
    border-color: var(--wa-color-primary);
    color: var(--wa-color-on-primary);
  }
  .btn.primary:hover {
    background: var(--wa-color-primary-hover);
  }
  .btn.danger {
    background: var(--wa-color-danger);
    border-color: var(--wa-color-danger);
    color: #fff;
  }
  .btn.danger:hover {
    background: color-mix(in srgb, var(--wa-color-danger) 85%, #000);
  }
  .btn.ghost {
    border-color: transparent;
    background: transparent;
    color: var(--wa-color-primary);
  }
  .btn.ghost.danger-text {
    color: var(--wa-color-danger);
  }
  .btn.small {
    min-height: 30px;
    padding: 0 var(--wa-space-3);
    font-size: var(--wa-font-size-sm);
  }
  .btn:disabled,
  .btn[aria-disabled='true'] {
    opacity: 0.55;
    cursor: not-allowed;
  }

  /* Page header: heading + optional actions, wrapping on narrow screens. */
  .page-header {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    justify-content: space-between;
    gap: var(--wa-space-3);
    margin-bottom: var(--wa-space-4);
  }
  .page-header h2 {
    margin: 0;
    font-size: var(--wa-font-size-xl);
    line-height: 1.25;
  }
  .page-header p {
    margin: var(--wa-space-1) 0 0;
    color: var(--wa-color-text-muted);
  }
  .toolbar {
    display: flex;
    flex-wrap: wrap;
    align-items: end;
    gap: var(--wa-space-3);
    margin-bottom: var(--wa-space-4);
  }
  .toolbar .field {
    margin: 0;
    min-width: 0;
    flex: 1 1 160px;
    max-width: 320px;
  }

  /* Form fields: label above control, help or error text below. */
  .field {
    display: flex;
    flex-direction: column;
    gap: var(--wa-space-1);
    margin-bottom: var(--wa-space-3);
    min-width: 0;
  }
  .field label,
  .field .label {
    font-weight: 500;
    font-size: var(--wa-font-size-sm);
  }
  .field input,
  .field select,
  .field textarea,
  select.inline {
    width: 100%;
    min-height: 36px;
    padding: var(--wa-space-1) var(--wa-space-2);
    border: 1px solid var(--wa-color-border);
    border-radius: var(--wa-radius-sm);
    background: var(--wa-color-bg);
    color: var(--wa-color-text);
  }
  select.inline {
    width: auto;
    min-height: 30px;
  }
  .field input:focus-visible,
  .field select:focus-visible,
  .field textarea:focus-visible,
  select.inline:focus-visible {
    border-color: var(--wa-color-primary);
    outline: 2px solid var(--wa-color-focus);
    outline-offset: 2px;
  }
  .field input[aria-invalid='true'] {
    border-color: var(--wa-color-danger);
  }
  .help {
    font-size: var(--wa-font-size-sm);
    color: var(--wa-color-text-muted);
  }
  .error-text,
  .form-error {
    font-size: var(--wa-font-size-sm);
    color: var(--wa-color-danger);
  }
  .form-error {
    padding: var(--wa-space-2) var(--wa-space-3);
    border: 1px solid color-mix(in srgb, var(--wa-color-danger) 40%, transparent);
    border-radius: var(--wa-radius-sm);
    background: color-mix(in srgb, var(--wa-color-danger) 8%, transparent);
    margin-bottom: var(--wa-space-3);
  }
  .form-row {
    display: grid;
    grid-template-columns: repeat(auto-fit, minmax(180px, 1fr));
    gap: 0 var(--wa-space-3);
  }
  .actions {
    display: flex;
    flex-wrap: wrap;
    justify-content: flex-end;
    gap: var(--wa-space-2);
    margin-top: var(--wa-space-3);
  }

  /* Tables: a real table when there is room; below 600 px of widget width each row becomes a card
     whose cells carry their column name (data-label), so nothing scrolls sideways. */
  .table-wrap {
    border: 1px solid var(--wa-color-border);
    border-radius: var(--wa-radius);
    overflow: hidden;
  }
  table.data {
    width: 100%;
    border-collapse: collapse;
  }
  table.data th,
  table.data td {
    padding: var(--wa-space-2) var(--wa-space-3);
    text-align: start;
    vertical-align: middle;
    border-bottom: 1px solid var(--wa-color-border);
    overflow-wrap: anywhere;
  }
  table.data th {
    background: var(--wa-color-surface);
    font-size: var(--wa-font-size-sm);
    font-weight: 600;
    color: var(--wa-color-text-muted);
  }
  table.data tbody tr:last-child td {
    border-bottom: none;
  }
  table.data td.row-actions {
    text-align: end;
    white-space: nowrap;
  }
  .muted {
    color: var(--wa-color-text-muted);
  }
  .mono {
    font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace;
    font-size: var(--wa-font-size-sm);
  }
  @container (max-width: 600px) {
    .table-wrap {
      border: none;
      overflow: visible;
    }
    table.data thead {
      position: absolute;
      width: 1px;
      height: 1px;
      overflow: hidden;
      clip: rect(0 0 0 0);
    }
    table.data,
    table.data tbody,
    table.data tr,
    table.data td {
      display: block;
      width: 100%;
    }
    table.data tr {
      margin-bottom: var(--wa-space-3);
      border: 1px solid var(--wa-color-border);
      border-radius: var(--wa-radius);
      padding: var(--wa-space-2) 0;
    }
    table.data td {
      display: grid;
      grid-template-columns: minmax(80px, 35%) 1fr;
      gap: var(--wa-space-2);
      border: none;
      padding: var(--wa-space-1) var(--wa-space-3);
    }
    table.data td::before {
      content: attr(data-label);
      font-size: var(--wa-font-size-sm);
      font-weight: 600;
      color: var(--wa-color-text-muted);
    }
    table.data td.row-actions {
      display: flex;
      flex-wrap: wrap;
      justify-content: flex-start;
      white-space: normal;
    }
    table.data td.row-actions::before {
      content: none;
    }
  }

  /* Native <dialog>: modal, focus-trapped by the browser, closed with Escape. */
  dialog {
    width: min(480px, calc(100vw - 32px));
    max-height: calc(100vh - 32px);
    padding: var(--wa-space-5);
    border: 1px solid var(--wa-color-border);
    border-radius: var(--wa-radius);
    background: var(--wa-color-bg);
    color: var(--wa-color-text);
    box-shadow: var(--wa-shadow);
  }
  dialog::backdrop {
    background: rgb(0 0 0 / 0.45);
  }
  dialog h3 {
    margin: 0 0 var(--wa-space-3);
    font-size: var(--wa-font-size-lg);
  }
  dialog p {
    margin: 0 0 var(--wa-space-3);
  }

  /* Badges for roles and statuses. */
  .badge {
    display: inline-block;
    padding: 1px var(--wa-space-2);
    border-radius: 999px;
    font-size: var(--wa-font-size-sm);
    font-weight: 600;
    line-height: 1.6;
    background: var(--wa-color-surface-2);
    color: var(--wa-color-text);
    white-space: nowrap;
  }
  .badge.admin,
  .badge.super {
    background: color-mix(in srgb, var(--wa-color-primary) 18%, transparent);
    color: var(--wa-color-primary);
  }
  .badge.manager {
    background: color-mix(in srgb, var(--wa-color-warning) 18%, transparent);
    color: var(--wa-color-warning);
  }
  .badge.active,
  .badge.success {
    background: color-mix(in srgb, var(--wa-color-success) 16%, transparent);
    color: var(--wa-color-success);
  }
  .badge.suspended,
  .badge.revoked,
  .badge.danger {
    background: color-mix(in srgb, var(--wa-color-danger) 14%, transparent);
    color: var(--wa-color-danger);
  }

  .load-more {
    display: flex;
    justify-content: center;
    margin-top: var(--wa-space-4);
  }
  .secret {
    display: block;
    padding: var(--wa-space-2) var(--wa-space-3);
    border: 1px dashed var(--wa-color-border);
    border-radius: var(--wa-radius-sm);
    background: var(--wa-color-surface);
    overflow-wrap: anywhere;
    user-select: all;
  }
`;

/** Plain-words message for an error thrown by the API client (or anything else). */
export function errorMessage(e: unknown): string {
  if (e && typeof e === 'object' && 'message' in e && typeof (e as Error).message === 'string') {
    // The server's messages are already written for people; only network failures need words.
    const err = e as Error;
    if (err.name === 'TypeError') return 'Could not reach the server. Check your connection and try again.';
    return err.message;
  }
  return 'Something went wrong.';
}

/** Local, readable time for ISO strings from the API. */
export function formatTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

/** The caller's role in the API client's current tenant, from /auth/me; null when unknown (embed token). */
export async function callerRole(
  api: { get<T>(p: string, o?: { signal?: AbortSignal }): Promise<T>; tenant?: string | number },
  signal?: AbortSignal,
): Promise<'super_admin' | 'admin' | 'manager' | 'agent' | null> {
  try {
    const me = await api.get<{
      user: { isSuperAdmin: boolean } | null;
      memberships: { tenantId: number; role: 'admin' | 'manager' | 'agent'; tenant: { slug: string } }[];
    }>('/api/v1/auth/me', { signal });
    if (me.user?.isSuperAdmin) return 'super_admin';
    const t = String(api.tenant ?? '');
    const m = me.memberships.find((x) => String(x.tenantId) === t || x.tenant.slug === t) ?? (t ? undefined : me.memberships[0]);
    return m?.role ?? null;
  } catch (e) {
    if ((e as Error).name === 'AbortError') throw e;
    return null;
  }
}
