// session.js - who is using the page, and what they may do.
//
// The session cookie is HttpOnly: the page never sees it.  It learns the
// user (name, role, scope) and the session's CSRF token from the reply to
// POST /api/v1/session (log-in) or from GET /api/v1/session on load, keeps
// the token in memory only, and sends it as X-CSRF-Token with every write
// (write() below: a JSON body, Content-Type: application/json).
//
// What a user may do is read, not written down here: the roles of each
// route are its `x-c2c-roles` in /api/v1/openapi.json (canCall), and the
// scope narrows them as the server's auth_in_scope does (inScope; the kinds
// of record each scoped role's scope names are those of docs/auth.md).  The
// server checks both again on every write; the page only avoids offering a
// form that would be refused.
//
// The header's #account box: a "Log in" button that opens the log-in form,
// or "NAME (role)" and a "Log out" button.
import { api, app, early, h, invalidate, lang, langHeaders, t, tf } from './core.js';

const PUBLIC = Object.freeze({ name: null, role: 'public', scope: '', csrf: null });
export let session = PUBLIC;

export async function loadSession() {
  try {
    const r = await (early('session') || fetch('/api/v1/session', { cache: 'no-store', headers: langHeaders() }));
    const s = r.ok ? await r.json() : null;
    session = s && s.role && s.role !== 'public' ? s : PUBLIC;
  } catch {
    session = PUBLIC;
  }
  return session;
}
export const loggedIn = () => session.role !== 'public';

// May the user call this route at all (its roles, from the OpenAPI document)?
// path is the route's template as openapi.json has it: /api/v1/partnerships/{id}
export async function canCall(method, path) {
  const doc = await api('openapi.json');
  const roles = String(doc.paths?.[path]?.[method.toLowerCase()]?.['x-c2c-roles'] || '').split(/\s+/);
  return roles.includes('public') || (loggedIn() && roles.includes(session.role));
}

// The kinds of record a role's scope names (docs/auth.md, "Roles and their
// scopes"); a logged-in role without a scope covers every record of the
// routes it may call.
const SCOPE_KINDS = { municipality: ['place'], partner: ['place'], participant: ['project', 'account'], registrar: ['country'] };
// Is any of ids, records of this kind, in the user's scope?
export function inScope(kind, ...ids) {
  if (!loggedIn()) return false;
  const kinds = SCOPE_KINDS[session.role];
  if (!kinds) return true;
  if (!kinds.includes(kind)) return false;
  const mine = String(session.scope || '').split(',').map((s) => s.trim()).filter(Boolean);
  // a participant's items say their kind ("project:KH003", "account:JP-ENT-1"):
  // the project KH003 covers no account of that name (docs/auth.md)
  const want = session.role === 'participant' ? (id) => `${kind}:${id}` : (id) => String(id);
  return ids.flat().some((id) => id != null && mine.includes(want(id)));
}

// One write: {ok, status, data} or {ok: false, status, error: {message, ...}}.
// A success empties the API cache (the next page reads what was written);
// a 401 means the session ended: the page becomes the public's.
export async function write(method, path, body) {
  const headers = langHeaders({ 'X-CSRF-Token': session.csrf || '' });
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  let r;
  try {
    r = await fetch(`/api/v1/${path}`, { method, headers, cache: 'no-store',
      body: body === undefined ? undefined : JSON.stringify(body) });
  } catch {
    return { ok: false, status: 0, error: { message: t('net_error') } };
  }
  let data = null;
  try { data = await r.json(); } catch { /* an empty or non-JSON reply */ }
  if (r.ok) {
    invalidate();
    return { ok: true, status: r.status, data };
  }
  if (r.status === 401 && path !== 'session') {
    session = PUBLIC;
    invalidate();
    drawAccount();
  }
  return { ok: false, status: r.status, error: data?.error || { message: `HTTP ${r.status}` } };
}

// --- the header's box --------------------------------------------------------
let box = null, drawnFor = '', open = false;

// End the session (a 401, already ended, leaves the same public page).
export async function logout() {
  await write('DELETE', 'session');
  session = PUBLIC;
  open = false;
  invalidate();
  drawAccount();
}

// A page's "log in" offer (one that needs a log-in or another role): the
// header's log-in form opened, the user name focused; a logged-in user is
// logged out first, and the page drawn again for the public.
export async function openLogin() {
  if (loggedIn()) {
    await logout();
    await app.rerender();
  }
  open = true;
  drawAccount(true);
  document.getElementById('login-name')?.focus();
}

export function mountAccount(el) {
  box = el;
  drawAccount();
}

// "retry after 840 seconds" (the 429's detail) as the page's words
function retryText(detail) {
  const m = /retry after (\d+) second/.exec(detail || '');
  if (!m) return '';
  const s = Number(m[1]);
  const at = new Date(Date.now() + s * 1000).toLocaleTimeString(lang === 'ja' ? 'ja-JP' : 'en-GB', { hour: '2-digit', minute: '2-digit' });
  const n = s < 60 ? s : Math.ceil(s / 60);
  const unit = s < 60 ? t(n === 1 ? 'second' : 'seconds') : t(n === 1 ? 'minute' : 'minutes');
  return lang === 'ja' ? `${n}${unit}後（${at}以降）にもう一度お試しください。` : `Try again in ${n} ${unit} (after ${at}).`;
}

// error.tries_left of a wrong log-in (failures left before a 15-minute lock)
// as the page's words; '' when the reply has none
function triesText(n) {
  if (!Number.isInteger(n)) return '';
  if (n === 0) return t('login_tries_none');
  return n === 1 ? t('login_tries_one') : tf('login_tries_left', { n });
}

// Draw the box for the current user and language; force redraws it even when
// neither changed (a form being typed in is otherwise left alone).
export function drawAccount(force = false) {
  if (!box) return;
  const key = `${lang}|${session.name}|${session.role}`;
  if (!force && key === drawnFor) return;
  drawnFor = key;
  box.classList.toggle('signed-in', loggedIn());
  if (loggedIn()) {
    // "Logged in as NAME (role)"; in Japanese "NAME（role）としてログイン中"
    const label = h('span', { class: 'who-label' }, t('logged_in_as'));
    const nm = h('strong', { class: 'who-name' }, session.name);
    const role = h('span', { class: 'who-role', 'data-role': session.role },
      lang === 'ja' ? `（${t(`role_${session.role}`)}）` : `(${t(`role_${session.role}`)})`);
    const who = h('p', { class: 'who', id: 'who', tabindex: '-1' },
      ...(lang === 'ja' ? [nm, role, label] : [label, ' ', nm, ' ', role]));
    // the page of the user's own work, for the roles that have one
    // (a partner city's: its workspace, cityspace.js)
    const mine = { municipality: ['#/workspace', 'ws_link', 'my-work'], reviewer: ['#/reviews', 'rv_link', 'my-work'],
      partner: ['#/city-workspace', 'cw_menu', 'my-city'] }[session.role];
    const own = mine ? h('a', { href: mine[0], class: 'acct-link', id: mine[2] }, t(mine[1])) : null;
    const out = h('button', { type: 'button', class: 'acct-btn', id: 'logout' }, t('logout'));
    out.addEventListener('click', async () => {
      out.disabled = true;
      await logout();
      await app.rerender();
      document.getElementById('login-open')?.focus();
    });
    box.replaceChildren(...[who, own, out].filter(Boolean));
    return;
  }
  const toggle = h('button', { type: 'button', class: 'acct-btn', id: 'login-open', 'aria-expanded': String(open), 'aria-controls': 'login-form' },
    t('login'));
  const nameIn = h('input', { id: 'login-name', name: 'username', autocomplete: 'username', autocapitalize: 'none', spellcheck: 'false',
    required: true, 'aria-describedby': 'login-error' });
  const pwIn = h('input', { id: 'login-password', name: 'password', type: 'password', autocomplete: 'current-password', required: true,
    'aria-describedby': 'login-error' });
  const err = h('p', { class: 'form-alert', id: 'login-error', role: 'alert' });
  const submit = h('button', { type: 'submit', class: 'primary' }, t('login'));
  const cancel = h('button', { type: 'button', class: 'secondary' }, t('cancel'));
  const form = h('form', { id: 'login-form', class: 'login', novalidate: true, 'aria-labelledby': 'login-h', hidden: !open },
    h('p', { class: 'login-h', id: 'login-h' }, t('login_h')),
    h('div', { class: 'field' }, h('label', { for: 'login-name' }, t('user_name')), nameIn),
    h('div', { class: 'field' }, h('label', { for: 'login-password' }, t('password')), pwIn),
    err,
    h('div', { class: 'actions' }, submit, cancel));
  const setOpen = (v) => {
    open = v;
    form.hidden = !v;
    toggle.setAttribute('aria-expanded', String(v));
    if (v) nameIn.focus(); else toggle.focus();
  };
  toggle.addEventListener('click', () => setOpen(!open));
  cancel.addEventListener('click', () => setOpen(false));
  form.addEventListener('keydown', (e) => { if (e.key === 'Escape') setOpen(false); });
  const fail = (msg, first) => {
    err.textContent = msg;
    for (const i of [nameIn, pwIn]) i.setAttribute('aria-invalid', 'true');
    pwIn.value = '';
    first.focus();
  };
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    err.textContent = '';
    for (const i of [nameIn, pwIn]) i.removeAttribute('aria-invalid');
    const name = nameIn.value.trim(), password = pwIn.value;
    if (!name || !password) {
      err.textContent = t('login_missing');
      const first = name ? pwIn : nameIn;
      first.setAttribute('aria-invalid', 'true');
      first.focus();
      return;
    }
    submit.disabled = true;
    form.setAttribute('aria-busy', 'true');
    let r, data = null;
    try {
      r = await fetch('/api/v1/session', { method: 'POST', cache: 'no-store', headers: langHeaders({ 'Content-Type': 'application/json' }),
        body: JSON.stringify({ name, password }) });
      try { data = await r.json(); } catch { /* not JSON */ }
    } catch {
      r = null;
    }
    submit.disabled = false;
    form.removeAttribute('aria-busy');
    if (r && r.ok && data?.role) {
      session = data;
      open = false;
      invalidate();
      drawAccount();
      await app.rerender();
      document.getElementById('who')?.focus();
      return;
    }
    if (!r) fail(t('net_error'), nameIn);
    else if (r.status === 401) fail(`${t('login_wrong')}${lang === 'ja' ? '' : ' '}${triesText(data?.error?.tries_left)}`.trim(), nameIn);
    else if (r.status === 429) fail(`${t('login_limited')} ${retryText(data?.error?.detail)}`.trim(), nameIn);
    else fail(data?.error?.message || `HTTP ${r.status}`, nameIn);
  });
  box.replaceChildren(toggle, form);
}
