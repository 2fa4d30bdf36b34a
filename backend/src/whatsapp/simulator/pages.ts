// The two browser pages: the simulated phone (a person chats as a customer with a business number) and
// the stand-in for Meta's Embedded Signup popup. Self-contained HTML with inline CSS/JS under a
// per-response nonce, so they work behind the main app's helmet CSP too. All URLs are relative, so the
// pages work wherever the simulator is mounted.
import crypto from 'node:crypto';
import type { Request, Response } from 'express';
import type { SimContext } from './context.ts';

function send(res: Response, html: (nonce: string) => string, extraHeaders: Record<string, string> = {}): void {
  const nonce = crypto.randomBytes(16).toString('base64');
  res.setHeader(
    'Content-Security-Policy',
    `default-src 'none'; script-src 'nonce-${nonce}'; style-src 'nonce-${nonce}'; img-src 'self' data:; media-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`,
  );
  res.setHeader('Cache-Control', 'no-store');
  for (const [k, v] of Object.entries(extraHeaders)) res.setHeader(k, v);
  res.type('html').send(html(nonce));
}

/** JSON safe to embed in a <script type="application/json"> block. */
function embedJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/>/g, '\\u003e').replace(/&/g, '\\u0026');
}

const BASE_CSS = `
:root { color-scheme: light dark; --bg: #efeae2; --panel: #fff; --ink: #111b21; --muted: #667781; --in: #fff; --out: #d9fdd3; --accent: #008069; }
@media (prefers-color-scheme: dark) { :root { --bg: #0b141a; --panel: #111b21; --ink: #e9edef; --muted: #8696a0; --in: #202c33; --out: #005c4b; --accent: #00a884; } }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.4 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; background: var(--bg); color: var(--ink); }
h1 { font-size: 1.1rem; margin: 0; }
label { display: block; font-size: .8rem; color: var(--muted); margin-top: .5rem; }
select, input, button { font: inherit; }
select, input { width: 100%; padding: .45rem .5rem; border: 1px solid var(--muted); border-radius: 6px; background: var(--panel); color: var(--ink); }
button { padding: .45rem .8rem; border: 0; border-radius: 6px; background: var(--accent); color: #fff; cursor: pointer; }
button.secondary { background: transparent; color: var(--accent); border: 1px solid var(--accent); }
button:focus-visible, input:focus-visible, select:focus-visible, a:focus-visible { outline: 3px solid #53bdeb; outline-offset: 2px; }
.sr-only { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
`;

export function phonePage(res: Response): void {
  send(
    res,
    (nonce) => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Simulated phone · WhatsApp Cloud API simulator</title>
<style nonce="${nonce}">${BASE_CSS}
.phone { max-width: 460px; height: 100vh; margin: 0 auto; display: flex; flex-direction: column; background: var(--bg); }
.top { background: var(--accent); color: #fff; padding: .75rem 1rem; }
.top p { margin: .2rem 0 0; font-size: .8rem; opacity: .9; }
.setup { background: var(--panel); padding: .25rem 1rem .75rem; display: grid; grid-template-columns: 1fr 1fr; gap: 0 .75rem; }
.setup details { grid-column: 1 / -1; margin-top: .5rem; }
.setup details button { margin-top: .5rem; }
#log { list-style: none; margin: 0; padding: .75rem; flex: 1; overflow-y: auto; display: flex; flex-direction: column; gap: .4rem; }
.msg { max-width: 85%; padding: .4rem .6rem; border-radius: 8px; background: var(--in); box-shadow: 0 1px 1px rgba(0,0,0,.15); white-space: pre-wrap; word-wrap: break-word; }
.msg.mine { align-self: flex-end; background: var(--out); }
.msg .hdr { font-weight: 600; }
.msg .ftr, .msg .meta { font-size: .75rem; color: var(--muted); }
.msg .meta { text-align: right; }
.msg img { max-width: 100%; border-radius: 6px; display: block; }
.msg .actions { display: flex; flex-direction: column; gap: .25rem; margin-top: .4rem; }
.msg .actions button, .msg .actions a { background: transparent; color: var(--accent); border: 1px solid var(--accent); text-align: center; text-decoration: none; padding: .3rem; border-radius: 6px; }
#status { font-size: .8rem; color: var(--muted); padding: .25rem 1rem; min-height: 1.5rem; }
#compose { display: flex; gap: .5rem; padding: .5rem; background: var(--panel); }
#compose input { flex: 1; }
.empty { color: var(--muted); text-align: center; margin-top: 2rem; }
</style></head>
<body><div class="phone">
<header class="top"><h1>Simulated phone</h1><p>You are the customer. Messages you send become signed webhooks.</p></header>
<section class="setup" aria-label="Choose a conversation">
  <div><label for="number">Business number</label><select id="number"></select></div>
  <div><label for="customer">You are</label><select id="customer"></select></div>
  <details><summary>Add a customer</summary>
    <label for="new-wa">WhatsApp number (digits only)</label><input id="new-wa" inputmode="numeric" pattern="[0-9]{6,15}" autocomplete="off">
    <label for="new-name">Profile name</label><input id="new-name" autocomplete="off">
    <button type="button" id="add-customer">Add customer</button>
  </details>
</section>
<div id="status" role="status" aria-live="polite"></div>
<ol id="log" aria-label="Conversation" aria-live="polite"></ol>
<form id="compose">
  <label for="text" class="sr-only">Message</label>
  <input id="text" autocomplete="off" placeholder="Message" required>
  <button type="submit">Send</button>
</form>
</div>
<script nonce="${nonce}">
(() => {
  const base = location.pathname.replace(/\\/phone\\/?$/, '/');
  const $ = (id) => document.getElementById(id);
  const api = async (path, body) => {
    const res = await fetch(base + path, body === undefined ? {} : { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const json = await res.json().catch(() => ({}));
    if (!res.ok) throw new Error((json.error && json.error.message) || ('HTTP ' + res.status));
    return json;
  };
  let state = { phoneNumbers: [], customers: [] };
  let lastRender = '';
  const say = (text) => { $('status').textContent = text; };
  const el = (tag, cls, text) => { const e = document.createElement(tag); if (cls) e.className = cls; if (text !== undefined && text !== null) e.textContent = String(text); return e; };
  const fmtNumber = (d) => '+' + d;
  const current = () => ({ phone: state.phoneNumbers.find((p) => p.id === $('number').value), customer: state.customers.find((c) => c.key === $('customer').value) });
  const fill = (select, items, label, value) => {
    const keep = select.value;
    select.replaceChildren(...items.map((i) => { const o = el('option', '', label(i)); o.value = value(i); return o; }));
    if (items.some((i) => value(i) === keep)) select.value = keep;
  };
  async function loadState() {
    state = await api('state');
    fill($('number'), state.phoneNumbers, (p) => p.verifiedName + ' · ' + fmtNumber(p.displayPhoneNumber) + (p.registered ? '' : ' (not registered)'), (p) => p.id);
    fill($('customer'), state.customers, (c) => (c.name || 'Customer') + ' · ' + (c.waId ? fmtNumber(c.waId) : c.userId), (c) => c.key);
  }
  function identity(c) { return c.waId ? { from: c.waId } : { userId: c.userId }; }
  async function customerSays(input) {
    const { phone, customer } = current();
    if (!phone || !customer) { say('Pick a business number and a customer first.'); return; }
    try { await api('customer-says', Object.assign({ phoneNumberId: phone.id }, identity(customer), input)); await poll(); }
    catch (e) { say('Could not send: ' + e.message); }
  }
  function inboundText(m) {
    const t = m.type;
    const o = m[t] || {};
    if (t === 'text') return o.body;
    if (t === 'interactive') { const r = o[o.type] || {}; return r.title || r.body || 'Form sent'; }
    if (t === 'button') return o.text;
    if (t === 'reaction') return 'Reacted ' + (o.emoji || '(removed)');
    if (t === 'location') return '📍 ' + (o.name || (o.latitude + ', ' + o.longitude));
    if (['image', 'video', 'audio', 'document', 'sticker'].includes(t)) return '[' + t + '] ' + (o.caption || o.filename || '');
    return '[' + t + ']';
  }
  function renderOutbound(item, li) {
    const v = item.view || {};
    if (v.header) li.append(el('div', 'hdr', v.header));
    if (v.media) {
      if (v.media.mediaId && (v.media.kind === 'image' || v.media.kind === 'sticker')) {
        const img = el('img'); img.src = base + 'media/' + encodeURIComponent(v.media.mediaId); img.alt = v.media.kind + ' from the business'; li.append(img);
      } else if (v.media.mediaId && (v.media.kind === 'audio' || v.media.kind === 'video')) {
        const m = el(v.media.kind); m.controls = true; m.src = base + 'media/' + encodeURIComponent(v.media.mediaId); m.setAttribute('aria-label', v.media.kind + ' from the business'); li.append(m);
      } else {
        li.append(el('div', 'ftr', '[' + v.media.kind + '] ' + (v.media.filename || v.media.link || v.media.mediaId || '')));
      }
    }
    if (v.location) li.append(el('div', '', '📍 ' + (v.location.name || '') + ' ' + v.location.latitude + ', ' + v.location.longitude));
    if (v.kind === 'reaction') li.append(el('div', '', 'Reacted ' + (v.body || '(removed)')));
    else if (v.body) li.append(el('div', '', v.body));
    if (v.footer) li.append(el('div', 'ftr', v.footer));
    if (v.buttons && v.buttons.length) {
      const box = el('div', 'actions');
      if (v.listButton) box.append(el('div', 'ftr', v.listButton + ':'));
      for (const b of v.buttons) {
        if (b.kind === 'url' && b.url) { const a = el('a', '', '🔗 ' + b.title); a.href = b.url; a.target = '_blank'; a.rel = 'noopener noreferrer'; box.append(a); continue; }
        const btn = el('button', '', b.title + (b.description ? ' — ' + b.description : ''));
        btn.type = 'button';
        const reply = { context: { replyTo: item.wamid } };
        const action = {
          reply: () => customerSays(Object.assign({ type: 'button_reply', id: b.id, title: b.title }, reply)),
          list_row: () => customerSays(Object.assign({ type: 'list_reply', id: b.id, title: b.title, description: b.description }, reply)),
          quick_reply: () => customerSays(Object.assign({ type: 'button', text: b.title, payload: b.payload }, reply)),
          send_location: () => customerSays({ type: 'location', latitude: 37.4847, longitude: -122.1477, name: 'Simulated place', address: '1 Hacker Way, Menlo Park' }),
          flow: () => customerSays(Object.assign({ type: 'nfm_reply', response: { flow_token: b.id || 'flow', completed: true } }, reply)),
        }[b.kind];
        if (action) btn.addEventListener('click', action); else btn.disabled = true;
        box.append(btn);
      }
      li.append(box);
    }
    li.append(el('div', 'meta', new Date(item.at).toLocaleTimeString() + ' · ' + item.status));
  }
  async function poll() {
    const { phone, customer } = current();
    if (!phone || !customer) { $('log').replaceChildren(el('li', 'empty', 'Seed the simulator or add a customer to start.')); return; }
    const conv = await api('conversation?phone_number_id=' + encodeURIComponent(phone.id) + '&customer=' + encodeURIComponent(customer.key));
    say((conv.typing ? phone.verifiedName + ' is typing… · ' : '') + (conv.windowOpen ? 'Service window open' : 'Service window closed: the business can only send templates'));
    const key = JSON.stringify(conv.items);
    if (key !== lastRender) {
      lastRender = key;
      const log = $('log');
      if (!conv.items.length) log.replaceChildren(el('li', 'empty', 'No messages yet. Say hello.'));
      else log.replaceChildren(...conv.items.map((item) => {
        const li = el('li', item.direction === 'inbound' ? 'msg mine' : 'msg');
        if (item.direction === 'inbound') {
          li.append(el('div', '', inboundText(item.message)));
          li.append(el('div', 'meta', new Date(item.at).toLocaleTimeString() + (item.readByBusiness ? ' · read ✓✓' : ' · ✓')));
        } else renderOutbound(item, li);
        return li;
      }));
      log.scrollTop = log.scrollHeight;
    }
    if (document.visibilityState === 'visible' && conv.items.some((i) => i.direction === 'outbound' && i.status === 'delivered')) {
      await api('customer-reads', { phoneNumberId: phone.id, customer: customer.key }).catch(() => undefined);
    }
  }
  $('compose').addEventListener('submit', async (e) => {
    e.preventDefault();
    const text = $('text').value.trim();
    if (!text) return;
    $('text').value = '';
    await customerSays({ type: 'text', text });
  });
  $('add-customer').addEventListener('click', async () => {
    try {
      const c = await api('customers', { waId: $('new-wa').value.trim(), name: $('new-name').value.trim() || undefined });
      await loadState();
      $('customer').value = c.key;
      lastRender = '';
      say('Customer added.');
      await poll();
    } catch (e) { say('Could not add: ' + e.message); }
  });
  for (const id of ['number', 'customer']) $(id).addEventListener('change', () => { lastRender = ''; poll().catch((e) => say(e.message)); });
  loadState().then(poll).catch((e) => say('Simulator unreachable: ' + e.message));
  setInterval(() => { poll().catch((e) => say('Simulator unreachable: ' + e.message)); }, 1000);
  setInterval(() => { loadState().catch(() => undefined); }, 5000);
})();
</script>
</body></html>`,
  );
}

export function embeddedSignupPage(ctx: SimContext, req: Request, res: Response): void {
  const q = req.query as Record<string, unknown>;
  const appId = typeof q.app_id === 'string' ? q.app_id : '';
  const configId = typeof q.config_id === 'string' ? q.config_id : '';
  let origin = '';
  try {
    if (typeof q.origin === 'string') origin = new URL(q.origin).origin;
  } catch {
    origin = '';
  }
  const app = ctx.state.apps.get(appId);
  const problem = !app
    ? `Unknown app_id "${appId}".`
    : !origin
      ? 'The origin parameter (the page that opened this popup) is missing or invalid.'
      : '';
  const cfg = { appId, configId, origin, appName: app?.name ?? '', problem };
  send(
    res,
    (nonce) => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Connect WhatsApp · simulated Embedded Signup</title>
<style nonce="${nonce}">${BASE_CSS}
main { max-width: 420px; margin: 2rem auto; background: var(--panel); padding: 1.5rem; border-radius: 10px; box-shadow: 0 2px 8px rgba(0,0,0,.15); }
p { color: var(--muted); }
.row { display: flex; gap: .5rem; margin-top: 1rem; }
#msg { margin-top: 1rem; min-height: 1.5rem; }
#msg.error { color: #d93025; }
</style></head>
<body><main>
<h1>Connect your WhatsApp Business Account</h1>
<p>Simulated Embedded Signup. <span id="app-line"></span></p>
<form id="form">
  <label for="business">Business name</label><input id="business" value="New Business" autocomplete="organization" required>
  <label for="display">Business phone number (digits, optional)</label><input id="display" inputmode="numeric" pattern="[0-9]{6,15}" autocomplete="off">
  <div class="row"><button type="submit" id="connect">Connect</button><button type="button" class="secondary" id="cancel">Cancel</button></div>
</form>
<div id="msg" role="status" aria-live="polite"></div>
</main>
<script type="application/json" id="cfg">${embedJson(cfg)}</script>
<script nonce="${nonce}">
(() => {
  const cfg = JSON.parse(document.getElementById('cfg').textContent);
  const base = location.pathname.replace(/\\/embedded-signup\\/?$/, '/');
  const $ = (id) => document.getElementById(id);
  const msg = (text, error) => { $('msg').textContent = text; $('msg').className = error ? 'error' : ''; };
  const post = (data) => { if (window.opener && cfg.origin) window.opener.postMessage(JSON.stringify(data), cfg.origin); };
  $('app-line').textContent = cfg.appName ? cfg.appName + ' (app ' + cfg.appId + ') wants to manage a WhatsApp Business Account for you.' : '';
  if (cfg.problem) { msg(cfg.problem, true); $('connect').disabled = true; }
  $('form').addEventListener('submit', async (e) => {
    e.preventDefault();
    $('connect').disabled = true;
    msg('Connecting…');
    try {
      const res = await fetch(base + 'signup', { method: 'POST', headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ appId: cfg.appId, businessName: $('business').value.trim() || undefined, verifiedName: $('business').value.trim() || undefined, displayPhoneNumber: $('display').value.trim() || undefined }) });
      const out = await res.json();
      if (!res.ok) throw new Error((out.error && out.error.message) || ('HTTP ' + res.status));
      post({ type: 'WA_EMBEDDED_SIGNUP', event: 'FINISH', version: 3, data: { phone_number_id: out.phoneNumberId, waba_id: out.wabaId, business_id: out.businessId } });
      post({ type: 'WA_SIMULATED_LOGIN', code: out.code });
      msg('Connected: WABA ' + out.wabaId + ', phone number ' + out.phoneNumberId + '.' + (window.opener ? ' This window will close.' : ' Code: ' + out.code));
      if (window.opener) setTimeout(() => window.close(), 300);
    } catch (err) {
      post({ type: 'WA_EMBEDDED_SIGNUP', event: 'ERROR', version: 3, data: { error_message: String(err.message), error_id: '0', session_id: '', timestamp: Math.floor(Date.now() / 1000) } });
      msg('Could not connect: ' + err.message, true);
      $('connect').disabled = false;
    }
  });
  $('cancel').addEventListener('click', () => {
    post({ type: 'WA_EMBEDDED_SIGNUP', event: 'CANCEL', version: 3, data: { current_step: 'BUSINESS_INFO' } });
    if (window.opener) window.close(); else msg('Cancelled.');
  });
})();
</script>
</body></html>`,
    // The popup must keep its opener to post back; the main app's helmet defaults to same-origin.
    { 'Cross-Origin-Opener-Policy': 'unsafe-none' },
  );
}
