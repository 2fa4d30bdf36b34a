// The few icons the inbox draws, inline (no icon font, nothing fetched). All decorative: the button
// or text next to each one carries the accessible name.
import { html, type TemplateResult } from 'lit';

const icon = (d: string, view = '0 0 24 24'): TemplateResult =>
  html`<svg class="icon" viewBox=${view} width="16" height="16" aria-hidden="true" focusable="false">
    <path fill="currentColor" d=${d}></path>
  </svg>`;

export const icons = {
  back: icon('M20 11H7.8l5.6-5.6L12 4l-8 8 8 8 1.4-1.4L7.8 13H20z'),
  info: icon('M11 7h2v2h-2zm0 4h2v6h-2zm1-9a10 10 0 100 20 10 10 0 000-20zm0 18a8 8 0 110-16 8 8 0 010 16z'),
  check: icon('M9 16.2 4.8 12l-1.4 1.4L9 19 21 7l-1.4-1.4z'),
  checks: icon('M.4 13.4 6 19l1.4-1.4L1.8 12zM22.2 5.6 11.6 16.2 7.4 12 6 13.4l5.6 5.6 12-12zM18 7l-1.4-1.4-6.4 6.4 1.4 1.4z'),
  clock: icon('M12 2a10 10 0 100 20 10 10 0 000-20zm0 18a8 8 0 110-16 8 8 0 010 16zm.5-13H11v6l5.2 3.2.8-1.3-4.5-2.7z'),
  alert: icon('M12 2a10 10 0 100 20 10 10 0 000-20zm1 15h-2v-2h2zm0-4h-2V7h2z'),
  clip: icon(
    'M16.5 6v11.5a4 4 0 01-8 0V5a2.5 2.5 0 015 0v10.5a1 1 0 01-2 0V6H10v9.5a2.5 2.5 0 005 0V5a4 4 0 00-8 0v12.5a5.5 5.5 0 0011 0V6z',
  ),
  send: icon('M2 21l21-9L2 3v7l15 2-15 2z'),
  smile: icon(
    'M12 2a10 10 0 100 20 10 10 0 000-20zm0 18a8 8 0 110-16 8 8 0 010 16zm3.5-9a1.5 1.5 0 100-3 1.5 1.5 0 000 3zm-7 0a1.5 1.5 0 100-3 1.5 1.5 0 000 3zm3.5 6.5c2.3 0 4.3-1.5 5.1-3.5H6.9c.8 2 2.8 3.5 5.1 3.5z',
  ),
  reply: icon('M10 9V5l-7 7 7 7v-4.1c5 0 8.5 1.6 11 5.1-1-5-4-10-11-11z'),
  close: icon('M19 6.4 17.6 5 12 10.6 6.4 5 5 6.4 10.6 12 5 17.6 6.4 19 12 13.4 17.6 19 19 17.6 13.4 12z'),
  download: icon('M5 20h14v-2H5zm14-9h-4V3H9v8H5l7 7z'),
  doc: icon('M14 2H6a2 2 0 00-2 2v16a2 2 0 002 2h12a2 2 0 002-2V8zm-1 7V3.5L18.5 9z'),
  pin: icon('M12 2a7 7 0 00-7 7c0 5.3 7 13 7 13s7-7.7 7-13a7 7 0 00-7-7zm0 9.5a2.5 2.5 0 110-5 2.5 2.5 0 010 5z'),
  person: icon('M12 12a4 4 0 100-8 4 4 0 000 8zm0 2c-2.7 0-8 1.3-8 4v2h16v-2c0-2.7-5.3-4-8-4z'),
  lock: icon(
    'M18 8h-1V6A5 5 0 007 6v2H6a2 2 0 00-2 2v10a2 2 0 002 2h12a2 2 0 002-2V10a2 2 0 00-2-2zM9 6a3 3 0 016 0v2H9zm3 11a2 2 0 110-4 2 2 0 010 4z',
  ),
  template: icon('M4 4h16v2H4zm0 4h10v2H4zm0 4h16v2H4zm0 4h10v2H4z'),
  buttons: icon('M3 5h18v4H3zm0 6h18v4H3zm0 6h18v4H3z'),
  bell: icon(
    'M12 22a2 2 0 002-2h-4a2 2 0 002 2zm6-6v-5c0-3.1-1.6-5.6-4.5-6.3V4a1.5 1.5 0 00-3 0v.7C7.6 5.4 6 7.9 6 11v5l-2 2v1h16v-1z',
  ),
  search: icon(
    'M15.5 14h-.8l-.3-.3A6.5 6.5 0 109.5 16a6.5 6.5 0 004.2-1.6l.3.3v.8l5 5 1.5-1.5zm-6 0a4.5 4.5 0 110-9 4.5 4.5 0 010 9z',
  ),
};
