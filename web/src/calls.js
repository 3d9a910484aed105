// calls.js - the programme's public calls (公募): #/calls lists them
// (GET /api/v1/calls, public) and #/calls/<id> shows one: its rounds and
// criteria, and for the programme office (the routes' x-c2c-roles) the
// ranking of its proposals (GET /api/v1/calls/{id}/rank) with the form that
// selects or rejects one (POST /api/v1/decisions; a selected proposal
// becomes atlas data: a partnership and a project).
import { api, fmt, fyLabel, h, name, t } from './core.js';
import { flashNote, writeForm } from './forms.js';
import { canCall, write } from './session.js';

// the API's text fields; anything else (a number where a title should be) is no title
const str = (v) => (typeof v === 'string' && v ? v : null);

export async function callsPage(page) {
  const calls = await api('calls');
  page.append(h('h1', {}, t('calls_h')), h('p', { class: 'intro' }, t('calls_intro')));
  if (!calls.length) {
    page.append(h('p', { class: 'empty-list' }, t('none')));
    return;
  }
  page.append(h('ul', { class: 'calls' }, calls.map((c) => h('li', { 'data-id': c.id },
    h('a', { href: `#/calls/${encodeURIComponent(c.id)}`, class: 'rowlink' }, name(str(c.title_ja), str(c.title_en))),
    h('span', { class: 'meta' }, ` · ${fyLabel(c.fiscal_year)} · ${t('call_proposals')}: ${fmt(c.proposals)} · ${t('call_selected')}: ${fmt(c.selected)}`)))));
}

const SCORE_COLS = ['rank', 'proposal', 'body', 'partner', 'score', 'spread', 'reviews', 'flag', 'status'];
const NUM = new Set(['rank', 'score', 'spread', 'reviews']);

export async function callPage(page, id) {
  page.append(h('p', { class: 'crumbs' }, h('a', { href: '#/calls' }, `← ${t('calls_h')}`)));
  const c = (await api('calls')).find((x) => x.id === id);
  if (!c) {
    page.append(h('h1', {}, t('not_found')), h('p', { class: 'warn', role: 'alert' }, `${t('calls_h')}: ${id}`));
    return;
  }
  page.append(h('h1', { class: 'detail-h' }, name(str(c.title_ja), str(c.title_en))),
    h('p', { class: 'kind' }, `${fyLabel(c.fiscal_year)} · ${t('call_planned')}: ${fmt(c.planned_selections)}`),
    h('h2', {}, t('call_rounds')),
    h('ul', { class: 'rounds' }, (c.rounds || []).map((r) => h('li', {}, `${t('call_round').replace('{n}', r.round)}: ${r.opens_on} – ${r.closes_on}`))),
    h('h2', {}, t('call_criteria')),
    h('ul', { class: 'criteria' }, (c.criteria || []).map((k) => h('li', {}, name(k.name_ja, k.name_en)))));

  if (!(await canCall('GET', '/api/v1/calls/{id}/rank'))) return;
  const ranked = await api(`calls/${encodeURIComponent(id)}/rank`);
  const section = h('section', { class: 'writes', 'aria-labelledby': 'rank-h' }, h('h2', { id: 'rank-h' }, t('rank_h')),
    h('p', { class: 'intro' }, t('rank_intro')), flashNote('decide'));
  page.append(section);
  if (!ranked.length) {
    section.append(h('p', { class: 'empty-list' }, t('rank_none')));
    return;
  }
  const flag = (f) => (f ? t(`flag_${f.replace(/\s+/g, '_')}`) : '');
  section.append(h('div', { class: 'tablewrap', tabindex: '0', role: 'region', 'aria-labelledby': 'rank-h' },
    h('table', { class: 'plist rank', 'data-table': 'rank' },
      h('thead', {}, h('tr', {}, SCORE_COLS.map((k) => h('th', { scope: 'col', class: NUM.has(k) ? 'num' : null }, t(`rank_${k}`))))),
      h('tbody', {}, ranked.map((p) => h('tr', { 'data-id': p.id },
        h('td', { 'data-label': t('rank_rank'), class: 'num' }, p.rank ?? '—'),
        h('th', { scope: 'row', 'data-label': t('rank_proposal') }, h('span', { lang: 'ja' }, p.title_ja), h('br'), h('code', {}, p.id)),
        h('td', { 'data-label': t('rank_body'), lang: 'ja' }, p.body_ja),
        h('td', { 'data-label': t('rank_partner'), lang: 'ja' }, p.partner_ja),
        h('td', { 'data-label': t('rank_score'), class: 'num' }, p.score),
        h('td', { 'data-label': t('rank_spread'), class: 'num' }, p.spread),
        h('td', { 'data-label': t('rank_reviews'), class: 'num' }, fmt(p.reviews)),
        h('td', { 'data-label': t('rank_flag') }, flag(p.flag)),
        h('td', { 'data-label': t('rank_status'), 'data-col': 'status' }, t(`prop_status_${p.status}`))))))));

  const open = ranked.filter((p) => p.status === 'submitted');
  if (!open.length || !(await canCall('POST', '/api/v1/decisions'))) return;
  const today = new Date().toISOString().slice(0, 10);
  section.append(writeForm({
    id: 'decide', title: t('decide_h'), intro: t('decide_intro'), submitLabel: t('decide_button'),
    fields: [
      { name: 'proposal', label: t('f_proposal'), type: 'select', required: true, value: open[0].id,
        options: open.map((p) => [p.id, `${p.rank != null ? `#${p.rank} ` : ''}${p.id} — ${p.title_ja} (${p.body_ja}–${p.partner_ja})`]) },
      { name: 'decision', label: t('f_decision'), type: 'radio', required: true,
        options: [['select', t('decision_select')], ['reject', t('decision_reject_p')]] },
      { name: 'reason', label: t('f_reason'), type: 'textarea', required: true },
      { name: 'on', label: t('f_on'), type: 'date', value: today, hint: t('hint_on') },
    ],
    submit: (v) => {
      const body = { proposal: v.proposal, decision: v.decision, reason: v.reason };
      if (v.on) body.on = v.on;
      return write('POST', 'decisions', body);
    },
    done: (d, v) => (v.decision === 'select' ? t('decide_done_select') : t('decide_done_reject')).replace('{id}', v.proposal),
  }));
}
