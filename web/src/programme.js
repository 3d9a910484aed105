// programme.js - the programme's pages of one role each (issue 15):
// #/workspace, a municipality's own work (its partnerships, agreements,
// projects with their stages, proposals with their status, saved readiness
// checks, events), and #/reviews, a reviewer's desk (the proposals the
// office assigned to it, each whole, with the call's criteria and a score
// sheet).  Both are reached from the account box (session.js).  The server
// decides what each user sees (a municipality's own proposals, a reviewer's
// own assignments); the page only lays it out.
import { api, downloads, fmt, fyLabel, h, lang, name1, t, tf } from './core.js';
import { explainRefusal } from './calls.js';
import { writeForm } from './forms.js';
import { loggedIn, openLogin, session, write } from './session.js';

// "log in as a … to use this page", with the log-in button (admin.js's way)
function needLogin(page, role, id) {
  const say = loggedIn() ? tf('pg_need_role', { name: session.name, role: t(`role_${role}`) }) : tf('pg_need_login', { role: t(`role_${role}`) });
  const button = h('button', { type: 'button', class: 'primary', id: `${id}-login` }, t('pg_login_button'));
  button.addEventListener('click', () => openLogin());
  page.append(h('div', { class: 'need-login', role: 'note' }, h('p', { id: `${id}-need` }, say), button));
}

const places = (list) => (list || []).map((p) => name1(p.name_ja, p.name_en)).join(lang === 'ja' ? '・' : ', ');

// A small table: cols [key, label, cell(row)]; rows link where a page exists.
function table(id, cols, rows) {
  if (!rows.length) return h('p', { class: 'empty-list' }, t('pg_none'));
  return h('div', { class: 'tablewrap', tabindex: '0', role: 'region', 'aria-labelledby': `${id}-h` },
    h('table', { class: 'plist', 'data-table': id },
      h('thead', {}, h('tr', {}, cols.map(([, label]) => h('th', { scope: 'col' }, label)))),
      h('tbody', {}, rows.map((r) => h('tr', { 'data-id': r.id },
        cols.map(([k, label, cell], i) => h(i ? 'td' : 'th', { scope: i ? null : 'row', 'data-label': label, 'data-col': k },
          cell(r))))))));
}

function section(id, title, ...kids) {
  return h('section', { class: 'ws-part', 'aria-labelledby': `${id}-h` }, h('h2', { id: `${id}-h` }, title), ...kids);
}

const link = (table_, id, text) => h('a', { href: `#/${table_}/${encodeURIComponent(id)}` }, text);

export async function workspacePage(page) {
  page.append(h('h1', {}, t('ws_h')));
  if (session.role !== 'municipality') {
    needLogin(page, 'municipality', 'ws');
    return;
  }
  const me = session.scope;
  const q = encodeURIComponent(me);
  const [all, parts, agreements, projects, proposals, checks, events] = await Promise.all([
    api('places'), api(`partnerships?body=${q}`), api(`agreements?body_id=${q}`), api(`projects?body_id=${q}`),
    api('proposals'), api('readiness'), api(`events?body_id=${q}`)]);
  const calls = await api('calls');
  const callName = (id) => { const c = calls.find((x) => x.id === id); return c ? name1(c.title_ja, c.title_en) : id; };
  const place = all.find((p) => p.id === me) || {};
  page.append(h('p', { class: 'intro' }, tf('ws_intro', { body: name1(place.name_ja, place.name_en) })));
  // each project's life (GET /api/v1/projects/{id}); its stages come in
  // their order, so the last is where the project stands now
  const lives = await Promise.all(projects.map((p) => api(`projects/${encodeURIComponent(p.id)}`).catch(() => null)));
  const last = new Map(projects.map((p, i) => [p.id, (lives[i]?.stages || []).at(-1)]));
  page.append(
    section('ws-proposals', t('ws_proposals'), table('ws-proposals', [
      ['title', t('rank_proposal'), (p) => name1(p.title_ja, p.title_en)],
      ['call', t('calls_h'), (p) => link('calls', p.call_id, callName(p.call_id))],
      ['bodies', t('pg_bodies'), (p) => places(p.bodies)],
      ['partners', t('pg_partners'), (p) => places(p.partners)],
      ['submitted', t('pg_submitted'), (p) => p.submitted_on],
      ['status', t('rank_status'), (p) => h('span', { 'data-status': p.status }, t(`prop_status_${p.status}`),
        p.decided_on ? ` (${p.decided_on})` : '')],
    ], proposals), proposals.length ? downloads('proposals') : null),
    section('ws-readiness', t('ws_readiness'), table('ws-readiness', [
      ['saved', t('pg_saved_on'), (r) => r.saved_on],
      ['overall', t('pg_overall'), (r) => `${r.overall} / 100`],
      ['level', t('pg_level'), (r) => t(`rd_level:${r.level}`)],
    ], checks), checks.length ? downloads('readiness') : null, h('p', { class: 'more' }, h('a', { href: '#/readiness' }, `${t('ws_readiness_new')} →`))),
    section('ws-partnerships', t('ws_partnerships'), table('ws-partnerships', [
      ['partner', t('pg_partners'), (p) => link('partnerships', p.id, places(p.partners) || p.partner_label_ja)],
      ['years', t('pg_years'), (p) => (p.fiscal_years || []).map(fyLabel).join(', ')],
    ], parts), parts.length ? downloads(`partnerships?body=${q}`) : null),
    section('ws-agreements', t('ws_agreements'), table('ws-agreements', [
      ['with', t('pg_counterparty'), (a) => link('agreements', a.id, a.counterparty_ja)],
      ['kind', t('pg_kind'), (a) => t(`v_agreements.kind:${a.kind}`)],
      ['signed', t('pg_signed'), (a) => a.signed_on || '—'],
    ], agreements), agreements.length ? downloads(`agreements?body_id=${q}`) : null),
    section('ws-projects', t('ws_projects'), table('ws-projects', [
      ['name', t('pg_project'), (p) => link('projects', p.id, name1(p.name_ja, p.name_en))],
      ['kind', t('pg_kind'), (p) => t(`v_projects.kind:${p.kind}`)],
      ['stage', t('pg_stage'), (p) => (last.get(p.id) ? t(`stage:${last.get(p.id).stage}`) : '—')],
    ], projects), projects.length ? downloads(`projects?body_id=${q}`) : null),
    section('ws-events', t('ws_events'), table('ws-events', [
      ['title', t('pg_event'), (e) => link('events', e.id, name1(e.title_ja, e.title_en))],
      ['kind', t('pg_kind'), (e) => t(`v_events.kind:${e.kind}`)],
      ['on', t('pg_date'), (e) => e.starts_on || '—'],
    ], events), events.length ? downloads(`events?body_id=${q}`) : null));
}

// The whole proposal, as a reviewer reads it.
function proposalFacts(p) {
  const row = (k, v) => (v == null || v === '' ? null : h('div', { class: 'kv' }, h('dt', {}, t(k)), h('dd', {}, v)));
  return h('dl', { class: 'facts' },
    row('pg_bodies', places(p.bodies)), row('pg_partners', places(p.partners)),
    row('f_sector', t(`v_sector:${p.sector}`)), row('f_technology', p.technology),
    row('f_outputs', String(p.outputs || '').split(';').map((o) => t(`pg_output:${o}`)).join('、')),
    row('f_budget_jpy', `${fmt(p.budget_jpy)} ${t('pg_yen')}`), row('f_lead', p.lead_consultant),
    row('f_members', p.members), row('pg_local_members', p.local_members), row('pg_submitted', p.submitted_on),
    row('pg_readiness', p.readiness ? `${p.readiness.overall} / 100 — ${t(`rd_level:${p.readiness.level}`)} (${p.readiness.saved_on})` : t('pg_readiness_none')));
}

export async function reviewsPage(page) {
  page.append(h('h1', {}, t('rv_h')));
  if (session.role !== 'reviewer') {
    needLogin(page, 'reviewer', 'rv');
    return;
  }
  const desk = await api('reviews');
  page.append(h('p', { class: 'intro' }, t('rv_intro')));
  if (!desk.length) {
    page.append(h('p', { class: 'empty-list' }, t('rv_none')));
    return;
  }
  for (const p of desk) {
    const fid = `rv-${p.id}`;
    const sheet = p.my_sheet;
    page.append(h('article', { class: 'review', 'data-id': p.id, 'aria-labelledby': `${fid}-h` },
      h('h2', { id: `${fid}-h` }, name1(p.title_ja, p.title_en)),
      h('p', { class: 'kind' }, `${name1(p.call_title_ja, p.call_title_en)} · `, h('span', { 'data-status': p.status }, t(`prop_status_${p.status}`))),
      proposalFacts(p),
      h('h3', {}, t('call_criteria')),
      h('ul', { class: 'criteria' }, (p.criteria || []).map((k) => h('li', {}, `${name1(k.name_ja, k.name_en)} (${tf('pg_weight', { w: k.weight })})`))),
      sheet ? h('p', { class: 'good', 'data-sheet': '' }, tf('rv_scored', { pts: (p.criteria || []).map((k) => `${name1(k.name_ja, k.name_en)} ${sheet[k.id]}`).join(', ') })) : null,
      p.status === 'submitted' ? writeForm({
        id: fid, explain: explainRefusal, title: sheet ? t('rv_sheet_again') : t('score_h'), intro: t('score_intro'), submitLabel: t('score_button'),
        fields: (p.criteria || []).map((k) => ({ name: k.id, label: name1(k.name_ja, k.name_en), type: 'number', min: 1, max: 5,
          required: true, value: sheet ? sheet[k.id] : '', hint: t('hint_points') })),
        submit: (v) => write('POST', 'scores', { proposal: p.id, points: Object.fromEntries((p.criteria || []).map((k) => [k.id, v[k.id]])),
          ...(sheet ? { replace: 1 } : {}) }),
        done: () => tf('rv_done', { title: name1(p.title_ja, p.title_en) }),
      }) : null));
  }
}
