// admin.js - the administrator's page (#/admin): the users with their role,
// scope (as the names of the places, countries, projects and accounts it
// covers) and state; the forms to add a user, change its role and scope,
// disable or enable it, create an API token (shown once) and revoke one; and
// the log of every write, newest first, a page at a time, each said in words.
//
// Every write is one of the admin's routes (GET/POST /api/v1/users…), made
// with the session's CSRF token by session.js write(); the server writes the
// audit row in the same transaction.  The server's refusals come back with
// the field they concern and are said here in the page's language (explainer),
// beside that field.  Anyone but an administrator sees what the page is for
// and is offered the log-in.
import { api, busy, countryNames, downloads, fmt, h, lang, langHeaders, name1, t, tf } from './core.js';
import { writeForm } from './forms.js';
import { loggedIn, openLogin, session, write } from './session.js';

const ROLES = ['admin', 'office', 'municipality', 'partner', 'participant', 'verifier', 'registrar'];
const roleName = (r) => t(`role_${r}`);

// --- the server's messages in the page's language ------------------------------
// auth/'s messages (the CLI's), each matched once; what they quote is kept.
const MESSAGES = [
  [/^user name is empty/, 'adm_e_name_empty'],
  [/^user name '.*' is longer than (?<max>\d+)/, 'adm_e_name_long'],
  [/^user name '.*' must start with/, 'adm_e_name_start'],
  [/^user name '.*' has a character other/, 'adm_e_name_chars'],
  [/^user '(?<name>[^']*)' exists already/, 'adm_e_name_taken'],
  [/^no user '(?<name>[^']*)'/, 'adm_e_no_user'],
  [/^password is too short: (?<n>\d+) characters, at least (?<min>\d+)/, 'adm_e_pw_short'],
  [/^password is longer than/, 'adm_e_pw_long'],
  [/^password has a control character/, 'adm_e_pw_control'],
  [/^role '(?<role>[^']*)' is not known/, 'adm_e_role_unknown'],
  [/^role public is the visitor/, 'adm_e_role_public'],
  [/^role (?<role>\w+) takes no scope/, 'adm_e_scope_none'],
  [/^role (?<role>\w+) needs a scope/, 'adm_e_scope_needed'],
  [/^scope '(?<scope>[^']*)' is not an atlas place/, 'adm_e_scope_place'],
  [/^scope '(?<scope>[^']*)' \((?<name>.*)\) is a place in \w+, not a Japanese body/, 'adm_e_scope_not_jp'],
  [/^scope '(?<scope>[^']*)' \((?<name>.*)\) is a Japanese body, not a partner place/, 'adm_e_scope_jp'],
  [/^scope '(?<scope>[^']*)' is not an ISO 3166-1/, 'adm_e_scope_country'],
  [/^scope item '(?<scope>[^']*)' is (neither|not a project|not a registry account)/, 'adm_e_scope_item'],
  [/^scope lists '(?<scope>[^']*)' twice/, 'adm_e_scope_twice'],
  [/^scope '.*' has an empty item/, 'adm_e_scope_empty'],
  [/^'(?<name>[^']*)' is the last enabled admin/, 'adm_e_last_admin'],
  [/^user '(?<name>[^']*)' is not disabled/, 'adm_e_not_disabled'],
  [/^user '(?<name>[^']*)' is disabled: it gets no token/, 'adm_e_disabled_token'],
  [/^user '(?<name>[^']*)' has a token labelled '(?<label>[^']*)' already/, 'adm_e_label_taken'],
  [/^user '(?<name>[^']*)' has no live token labelled '(?<label>[^']*)'/, 'adm_e_label_none'],
  [/^token label must be 1 to/, 'adm_e_label_len'],
  [/^token label '.*' has a character other/, 'adm_e_label_chars'],
];
// A role named in a message is said by its label, a place by its name in
// the page's language (sn: scopeNames()); anything else as quoted.
const explainer = (sn) => (error) => {
  const msg = String(error?.message || '');
  for (const [re, key] of MESSAGES) {
    const m = re.exec(msg);
    if (!m) continue;
    const vars = { ...m.groups };
    if (vars.role && ROLES.includes(vars.role)) vars.role = roleName(vars.role);
    if (vars.name && vars.scope) vars.name = sn?.place(vars.scope) || vars.name;
    return tf(key, vars);
  }
  return null;
};

// --- scopes as names ---------------------------------------------------------------
// What a scope may name, each id with its name in the page's language:
// places (a municipality's Japanese body, a partner city's place),
// countries (a registrar's), projects and accounts (a participant's).
async function scopeNames() {
  const [places, countries, projects, mrv, accounts] = await Promise.all([
    api('places'), countryNames(), api('projects'),
    api('mrv/projects').catch(() => []), api('registry/accounts').catch(() => [])]);
  const byId = new Map();
  for (const p of places) byId.set(`place:${p.id}`, name1(p.name_ja, p.name_en));
  for (const [code, c] of Object.entries(countries)) byId.set(`country:${code}`, name1(c.name_ja, c.name_en));
  // a participant's items say their kind: project:KH003, account:JP-ENT-1
  for (const p of projects) byId.set(`project:${p.id}`, name1(p.name_ja, p.name_en));
  for (const p of mrv) if (!byId.has(`project:${p.id}`)) byId.set(`project:${p.id}`, p.title || p.id);
  for (const a of accounts) byId.set(`account:${a.id}`, a.holder);
  const suggest = {
    municipality: places.filter((p) => p.country === 'JP').map((p) => [p.id, byId.get(`place:${p.id}`)]),
    partner: places.filter((p) => p.country !== 'JP').map((p) => [p.id, byId.get(`place:${p.id}`)]),
    registrar: Object.keys(countries).sort().map((c) => [c, byId.get(`country:${c}`)]),
    participant: [...projects.map((p) => `project:${p.id}`), ...mrv.map((p) => `project:${p.id}`),
      ...accounts.map((a) => `account:${a.id}`)]
      .filter((id, i, all) => all.indexOf(id) === i).map((id) => [id, byId.get(id)]),
  };
  // a scope's items as names: "jp-toyama-city" -> 富山市;
  // "project:KH003,account:JP-ENT-1" -> two names (an item typed without
  // its kind, as the form allows, is looked up as either)
  const key = (role, id) => (role === 'registrar' ? [`country:${id}`] : role !== 'participant' ? [`place:${id}`]
    : /^(project|account):/.test(id) ? [id] : [`project:${id}`, `account:${id}`]);
  const names = (role, scope) => String(scope || '').split(',').map((s) => s.trim()).filter(Boolean)
    .map((item) => ({ id: role === 'participant' ? item.replace(/^(project|account):/, '') : item,
      name: key(role, item).map((k) => byId.get(k)).find(Boolean) || null }));
  return { suggest, names, place: (id) => byId.get(`place:${id}`) };
}

// A scope in the table: the names, or the id where nothing names it.
function scopeCell(sn, u) {
  const items = sn.names(u.role, u.scope);
  if (!items.length) return h('span', { class: 'note' }, t('adm_scope_none'));
  // one element: a phone lays each cell out as a grid of label and value
  return h('span', {}, items.map((x, i) => [i ? ', ' : null, x.name ? h('span', { 'data-scope': x.id }, x.name)
    : h('span', { class: 'raw-value', 'data-scope': x.id }, x.id)]));
}

function usersTable(users, sn) {
  const cols = ['name', 'role', 'scope', 'state', 'tokens', 'created'];
  const date = (iso) => new Date(iso).toLocaleDateString(lang === 'ja' ? 'ja-JP' : 'en-GB', { dateStyle: 'medium' });
  return h('div', { class: 'tablewrap', tabindex: '0', role: 'region', 'aria-labelledby': 'adm-users-h' },
    h('table', { class: 'plist users', 'data-table': 'users' },
      h('thead', {}, h('tr', {}, cols.map((c) => h('th', { scope: 'col' }, t(`adm_col_${c}`))))),
      h('tbody', {}, users.map((u) => h('tr', { 'data-user': u.name, class: u.disabled ? 'disabled' : null },
        h('th', { scope: 'row', 'data-label': t('adm_col_name') }, u.name),
        h('td', { 'data-label': t('adm_col_role'), 'data-col': 'role' }, roleName(u.role)),
        h('td', { 'data-label': t('adm_col_scope'), 'data-col': 'scope' }, scopeCell(sn, u)),
        h('td', { 'data-label': t('adm_col_state'), 'data-col': 'state' },
          u.disabled ? h('strong', { class: 'warn' }, t('adm_disabled')) : t('adm_enabled')),
        h('td', { 'data-label': t('adm_col_tokens'), 'data-col': 'tokens' },
          u.tokens.length ? u.tokens.join(', ') : h('span', { class: 'note' }, t('adm_no_tokens'))),
        h('td', { 'data-label': t('adm_col_created') }, date(u.created_at)))))));
}

// --- the forms ---------------------------------------------------------------------
// The scope input of a form: suggestions (ids with their names) for the
// role chosen, and the names of what is typed said under it as it is typed.
function wireScope(form, sn, roleOf) {
  const input = form.querySelector(`#${form.id}-scope`);
  const list = h('datalist', { id: `${form.id}-scopes` });
  const said = h('p', { class: 'hint scope-names', id: `${form.id}-scope-names`, 'aria-live': 'polite' });
  input.setAttribute('list', list.id);
  input.setAttribute('aria-describedby', `${input.getAttribute('aria-describedby')} ${said.id}`);
  input.after(list, said);
  const update = () => {
    const role = roleOf();
    list.replaceChildren(...(sn.suggest[role] || []).map(([id, nm]) => h('option', { value: id }, nm)));
    const items = sn.names(role, input.value);
    said.textContent = items.length && items.every((x) => x.name) ? `= ${items.map((x) => x.name).join(', ')}` : '';
  };
  input.addEventListener('input', update);
  form.querySelector(`#${form.id}-role`)?.addEventListener('change', update);
  update();
  return update;
}

const userOptions = (users, pred = () => true) => users.filter(pred).map((u) =>
  [u.name, `${u.name} — ${roleName(u.role)}${u.disabled ? ` (${t('adm_disabled')})` : ''}`]);
const roleField = (value) => ({ name: 'role', label: t('adm_f_role'), type: 'select', required: true, value,
  placeholder: t('choose'), options: ROLES.map((r) => [r, roleName(r)]) });
const scopeField = (value) => ({ name: 'scope', label: t('adm_f_scope'), hint: t('adm_hint_scope'), value });

function addForm(sn) {
  const form = writeForm({
    id: 'user-add', title: t('adm_add_h'), intro: t('adm_add_intro'), submitLabel: t('adm_add_button'), explain: explainer(sn),
    fields: [
      { name: 'name', label: t('adm_f_name'), required: true, hint: t('adm_hint_name'), autocomplete: 'off' },
      roleField(''), scopeField(''),
      { name: 'password', label: t('adm_f_password'), type: 'password', required: true, hint: t('adm_hint_password'),
        autocomplete: 'new-password' },
    ],
    submit: (v) => write('POST', 'users', { name: v.name, role: v.role, ...(v.scope ? { scope: v.scope } : {}), password: v.password }),
    done: (u) => tf('adm_add_done', { name: u.name, role: roleName(u.role) }),
  });
  wireScope(form, sn, () => form.querySelector('#user-add-role').value);
  return form;
}

function roleForm(users, sn) {
  const first = users[0];
  const form = writeForm({
    id: 'user-role', title: t('adm_role_h'), intro: t('adm_role_intro'), submitLabel: t('adm_role_button'), explain: explainer(sn),
    fields: [
      { name: 'name', label: t('adm_f_user'), type: 'select', required: true, value: first.name, options: userOptions(users) },
      roleField(first.role), scopeField(first.scope),
    ],
    submit: (v) => write('POST', `users/${encodeURIComponent(v.name)}/role`, { role: v.role, ...(v.scope ? { scope: v.scope } : {}) }),
    done: (u) => tf('adm_role_done', { name: u.name, role: roleName(u.role) }),
  });
  const pick = form.querySelector('#user-role-name'), role = form.querySelector('#user-role-role');
  const update = wireScope(form, sn, () => role.value);
  // the user chosen: its role and scope as they are, to be changed
  pick.addEventListener('change', () => {
    const u = users.find((x) => x.name === pick.value);
    role.value = u.role;
    form.querySelector('#user-role-scope').value = u.scope;
    update();
  });
  return form;
}

function stateForm(users) {
  const first = users[0];
  const form = writeForm({
    id: 'user-state', title: t('adm_state_h'), intro: t('adm_state_intro'), submitLabel: t('adm_state_button'), explain: explainer(),
    fields: [
      { name: 'name', label: t('adm_f_user'), type: 'select', required: true, value: first.name, options: userOptions(users) },
      { name: 'action', label: t('adm_f_action'), type: 'radio', required: true, value: first.disabled ? 'enable' : 'disable',
        options: [['disable', t('adm_disable')], ['enable', t('adm_enable')]] },
    ],
    submit: (v) => write('POST', `users/${encodeURIComponent(v.name)}/${v.action}`),
    done: (u, v) => tf(v.action === 'disable' ? 'adm_disable_done' : 'adm_enable_done', { name: u.name }),
  });
  // a disabled user is offered its enabling, an enabled one its disabling
  const pick = form.querySelector('#user-state-name');
  pick.addEventListener('change', () => {
    const u = users.find((x) => x.name === pick.value);
    form.querySelector(`#user-state-action-${u.disabled ? 1 : 0}`).checked = true;
  });
  return form;
}

function tokenForm(users) {
  const live = users.filter((u) => !u.disabled);
  return writeForm({
    id: 'token-add', title: t('adm_token_h'), intro: t('adm_token_intro'), submitLabel: t('adm_token_button'), explain: explainer(),
    fields: [
      { name: 'name', label: t('adm_f_user'), type: 'select', required: true, value: live[0]?.name, options: userOptions(live) },
      { name: 'label', label: t('adm_f_label'), required: true, hint: t('adm_hint_label') },
    ],
    submit: (v) => write('POST', `users/${encodeURIComponent(v.name)}/tokens`, { label: v.label }),
    // the token, this once: only its hash is kept
    done: (r) => h('span', {}, tf('adm_token_done', { name: r.user, label: r.label }), ' ',
      h('code', { class: 'new-token', id: 'new-token' }, r.token), ' ', h('span', { class: 'copy-hint' }, t('adm_token_copy'))),
  });
}

function revokeForm(users) {
  const tokens = users.flatMap((u) => u.tokens.map((label) => [`${u.name}/${label}`, `${label} — ${u.name}`]));
  if (!tokens.length) return h('p', { class: 'note', id: 'token-revoke-none' }, t('adm_revoke_none'));
  return writeForm({
    id: 'token-revoke', title: t('adm_revoke_h'), intro: t('adm_revoke_intro'), submitLabel: t('adm_revoke_button'), explain: explainer(),
    fields: [{ name: 'token', field: 'label', label: t('adm_f_token'), type: 'select', required: true, value: tokens[0][0], options: tokens }],
    submit: (v) => {
      const [name, label] = v.token.split('/');
      return write('POST', `users/${encodeURIComponent(name)}/tokens/revoke`, { label });
    },
    done: (r) => tf('adm_revoke_done', { name: r.user, label: r.label }),
  });
}

// --- the log of writes -------------------------------------------------------------
// A logged route as words: [method, path pattern, key]; the pattern's
// groups fill the key's {placeholders}.  A route not here shows as it is.
const WORDS = [
  ['POST', /^\/api\/v1\/session$/, 'aw_login'],
  ['DELETE', /^\/api\/v1\/session$/, 'aw_logout'],
  ['POST', /^\/api\/v1\/users$/, 'aw_user_add'],
  ['POST', /^\/api\/v1\/users\/(?<user>[^/]+)\/role$/, 'aw_user_role'],
  ['POST', /^\/api\/v1\/users\/(?<user>[^/]+)\/disable$/, 'aw_user_disable'],
  ['POST', /^\/api\/v1\/users\/(?<user>[^/]+)\/enable$/, 'aw_user_enable'],
  ['POST', /^\/api\/v1\/users\/(?<user>[^/]+)\/tokens$/, 'aw_token_add'],
  ['POST', /^\/api\/v1\/users\/(?<user>[^/]+)\/tokens\/revoke$/, 'aw_token_revoke'],
  ['PATCH', /^\/api\/v1\/(?<table>[a-z_]+)\/(?<id>[^/]+)$/, 'aw_edit'],
  ['POST', /^\/api\/v1\/registry\/(?<op>[a-z-]+)$/, 'aw_registry'],
  ['POST', /^\/api\/v1\/mrv\/reports\/(?<id>[^/]+)\/verification$/, 'aw_verify'],
  ['POST', /^\/api\/v1\/proposals$/, 'aw_proposal'],
  ['POST', /^\/api\/v1\/scores$/, 'aw_score'],
  ['POST', /^\/api\/v1\/decisions$/, 'aw_decision'],
  ['POST', /^\/api\/v1\/city\/observations$/, 'aw_observation'],
  ['POST', /^\/api\/v1\/readiness\/score$/, 'aw_readiness'],
];
// the registry's operations by the titles of their forms (registry.js)
const REGISTRY_OPS = { 'account-open': 'open_acct_h', 'account-close': 'close_acct_h', issue: 'issue_h', allocate: 'allocate_h',
  authorize: 'authorize_h', transfer: 'transfer_h', cancel: 'cancel_h', retire: 'retire_h', 'four-eyes': 'fe_set_h',
  propose: 'fe_audit_propose', approve: 'fe_audit_approve', reject: 'fe_audit_reject' };
export function auditWords(method, path) {
  for (const [m, re, key] of WORDS) {
    const x = m === method && re.exec(path);
    if (!x) continue;
    const vars = { ...x.groups };
    if (vars.table) vars.table = t(`t_${vars.table}`);
    if (vars.op) vars.op = REGISTRY_OPS[vars.op] ? t(REGISTRY_OPS[vars.op]) : vars.op;
    for (const k of Object.keys(vars)) try { vars[k] = decodeURIComponent(vars[k]); } catch { /* as written */ }
    return tf(key, vars);
  }
  return h('code', {}, `${method} ${path}`);
}

const PAGE = 20;
// One page of the log, newest first: `back` pages back from the newest.
// The API lists it oldest first; X-Total-Count says how long it is.
async function auditRows(back) {
  const count = await fetch('/api/v1/audit?limit=0', { cache: 'no-store', headers: langHeaders() });
  if (!count.ok) throw new Error(`${count.status} /api/v1/audit`);
  const total = Number(count.headers.get('X-Total-Count') || 0);
  const end = Math.max(0, total - back * PAGE), start = Math.max(0, end - PAGE);
  const r = end > start ? await fetch(`/api/v1/audit?offset=${start}&limit=${end - start}`, { cache: 'no-store', headers: langHeaders() }) : null;
  if (r && !r.ok) throw new Error(`${r.status} /api/v1/audit`);
  return { total, start, end, rows: r ? (await r.json()).reverse() : [] };
}

async function auditSection(page) {
  const section = h('section', { class: 'audit', 'aria-labelledby': 'adm-audit-h' },
    h('h2', { id: 'adm-audit-h' }, t('adm_audit_h')), h('p', { class: 'intro' }, t('adm_audit_intro')));
  const body = h('div', { id: 'audit-body' });
  section.append(body);
  page.append(section);
  const when = (iso) => new Date(iso).toLocaleString(lang === 'ja' ? 'ja-JP' : 'en-GB',
    { dateStyle: 'medium', timeStyle: 'medium' });
  const draw = async (back, focus) => {
    const { total, start, end, rows } = await auditRows(back);
    if (!total) {
      body.replaceChildren(h('p', { class: 'empty-list' }, t('adm_audit_empty')));
      return;
    }
    const cols = ['when', 'who', 'what', 'from'];
    const older = h('button', { type: 'button', class: 'secondary', id: 'audit-older', disabled: start === 0 }, t('adm_older'));
    const newer = h('button', { type: 'button', class: 'secondary', id: 'audit-newer', disabled: back === 0 }, t('adm_newer'));
    older.addEventListener('click', () => busy(page, () => draw(back + 1, 'audit-older')));
    newer.addEventListener('click', () => busy(page, () => draw(back - 1, 'audit-newer')));
    body.replaceChildren(
      h('p', { class: 'status', id: 'audit-range', role: 'status' },
        tf('adm_audit_range', { from: fmt(total - end + 1), to: fmt(total - start), total: fmt(total) })),
      h('div', { class: 'tablewrap', tabindex: '0', role: 'region', 'aria-labelledby': 'adm-audit-h' },
        h('table', { class: 'plist audit', 'data-table': 'audit' },
          h('thead', {}, h('tr', {}, cols.map((c) => h('th', { scope: 'col' }, t(`adm_col_${c}`))))),
          h('tbody', {}, rows.map((e) => h('tr', { 'data-seq': e.seq, 'data-user': e.user },
            h('td', { 'data-label': t('adm_col_when') }, h('time', { datetime: e.at }, when(e.at))),
            h('td', { 'data-label': t('adm_col_who') }, h('span', {}, e.user, lang === 'ja' ? '' : ' ', h('span', { class: 'note' },
              lang === 'ja' ? `（${roleName(e.role)}）` : `(${roleName(e.role)})`))),
            h('td', { 'data-label': t('adm_col_what'), 'data-col': 'what' }, auditWords(e.method, e.path)),
            h('td', { 'data-label': t('adm_col_from') }, e.client || '—')))))),
      h('div', { class: 'pager' }, newer, older), downloads('audit'));
    // the button pressed keeps the focus, or the other one when it has run out
    if (focus) (document.getElementById(focus)?.disabled ? document.getElementById(focus === 'audit-older' ? 'audit-newer' : 'audit-older')
      : document.getElementById(focus))?.focus();
  };
  await draw(0);
}

// --- the page ------------------------------------------------------------------------
export async function adminPage(page) {
  page.append(h('h1', {}, t('adm_h')), h('p', { class: 'intro' }, t('adm_intro')));
  if (session.role !== 'admin') {
    const say = loggedIn() ? tf('adm_need_admin', { name: session.name, role: roleName(session.role) }) : t('adm_need_login');
    const button = h('button', { type: 'button', class: 'primary', id: 'admin-login' }, t('adm_login_button'));
    button.addEventListener('click', () => openLogin());
    page.append(h('div', { class: 'need-login', role: 'note' }, h('p', { id: 'admin-need' }, say), button));
    return;
  }
  const [users, sn] = await Promise.all([api('users'), scopeNames()]);
  page.append(h('h2', { id: 'adm-users-h' }, t('adm_users_h')), usersTable(users, sn), downloads('users'));
  const forms = h('section', { class: 'writes', 'aria-labelledby': 'adm-forms-h' }, h('h2', { id: 'adm-forms-h' }, t('adm_forms_h')),
    addForm(sn), roleForm(users, sn), stateForm(users), tokenForm(users), revokeForm(users));
  page.append(forms);
  await auditSection(page);
}
