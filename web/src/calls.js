// calls.js - the programme's public calls (公募): #/calls lists them
// (GET /api/v1/calls, public) and #/calls/<id> shows one: its rounds and
// criteria, and for the programme office (the routes' x-c2c-roles) the
// ranking of its proposals (GET /api/v1/calls/{id}/rank) with the form that
// selects or rejects one (POST /api/v1/decisions; a selected proposal
// becomes atlas data: a partnership and a project).  The office also opens
// a call here (POST /api/v1/calls), closes it (…/close) and assigns
// proposals to reviewers (POST /api/v1/assignments); a municipality submits
// a proposal, joint with other bodies and places, with a saved readiness
// check attached.
import { api, downloads, fmt, fyLabel, h, name, name1, t, tf } from './core.js';
import { flashNote, writeForm } from './forms.js';
import { canCall, session, write } from './session.js';

// the API's text fields; anything else (a number where a title should be) is no title
const str = (v) => (typeof v === 'string' && v ? v : null);

export async function callsPage(page) {
  const calls = await api('calls');
  page.append(h('h1', {}, t('calls_h')), h('p', { class: 'intro' }, t('calls_intro')));
  if (await canCall('POST', '/api/v1/calls')) page.append(openForm());
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
    // the closing form is gone once the call is closed: what it did is said here
    ...(c.closed_on ? [h('p', { class: 'warn', id: 'call-closed' }, tf('call_closed_on', { on: c.closed_on })),
      flashNote('close-call')].filter(Boolean) : []),
    h('h2', {}, t('call_rounds')),
    h('ul', { class: 'rounds' }, (c.rounds || []).map((r) => h('li', { 'data-state': r.state },
      `${tf('call_round', { n: r.round })}: ${r.opens_on} – ${r.closes_on} `,
      h('span', { class: `round-state ${r.state}` }, t(`round_${r.state}`))))),
    h('h2', {}, t('call_criteria')),
    h('ul', { class: 'criteria' }, (c.criteria || []).map((k) => h('li', {}, name(k.name_ja, k.name_en),
      ` (${tf('pg_weight', { w: k.weight })})`))));

  // the server dates a proposal: the form is there only while a round is
  // open, and the page says when the next one opens otherwise
  if (session.role === 'municipality' && (await canCall('POST', '/api/v1/proposals'))) {
    const next = (c.rounds || []).find((r) => r.state === 'upcoming');
    if ((c.rounds || []).some((r) => r.state === 'open')) page.append(await proposalForm(c));
    else page.append(h('p', { class: 'empty-list', id: 'propose-closed' },
      next ? tf('propose_upcoming', { on: next.opens_on }) : t('propose_closed')));
  }
  if (!c.closed_on && (await canCall('POST', '/api/v1/calls/{id}/close'))) page.append(closeForm(c));
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
        h('td', { 'data-label': t('rank_body'), lang: 'ja' }, (p.bodies || []).map((b) => b.name_ja).join('・') || p.body_ja),
        h('td', { 'data-label': t('rank_partner'), lang: 'ja' }, (p.partners || []).map((b) => b.name_ja).join('・') || p.partner_ja),
        h('td', { 'data-label': t('rank_score'), class: 'num' }, p.score),
        h('td', { 'data-label': t('rank_spread'), class: 'num' }, p.spread),
        h('td', { 'data-label': t('rank_reviews'), class: 'num' }, fmt(p.reviews)),
        h('td', { 'data-label': t('rank_flag') }, flag(p.flag)),
        h('td', { 'data-label': t('rank_status'), 'data-col': 'status' }, t(`prop_status_${p.status}`))))))),
    downloads(`calls/${encodeURIComponent(id)}/rank`));

  const open = ranked.filter((p) => p.status === 'submitted');
  if (open.length && (await canCall('POST', '/api/v1/assignments'))) section.append(await assignForm(open));
  if (open.length && (await canCall('POST', '/api/v1/scores'))) section.append(await scoreForm(c, open));
  if (!open.length || !(await canCall('POST', '/api/v1/decisions'))) return;
  section.append(writeForm({
    id: 'decide', explain: explainRefusal, title: t('decide_h'), intro: t('decide_intro'), submitLabel: t('decide_button'),
    fields: [
      { name: 'proposal', label: t('f_proposal'), type: 'select', required: true, value: open[0].id,
        options: open.map((p) => [p.id, propLabel(p)]) },
      { name: 'decision', label: t('f_decision'), type: 'radio', required: true,
        options: [['select', t('decision_select')], ['reject', t('decision_reject_p')]] },
      { name: 'reason', label: t('f_reason'), type: 'textarea', required: true, hint: t('hint_decided_today') },
    ],
    // the server dates the decision
    submit: (v) => write('POST', 'decisions', { proposal: v.proposal, decision: v.decision, reason: v.reason }),
    done: (d, v) => tf(v.decision === 'select' ? 'decide_done_select' : 'decide_done_reject', { id: v.proposal }),
  }));
}

// The programme's refusals in the page's language (writeForm's explain):
// the domain's English messages, matched; one the table does not know is
// shown as the server wrote it.
const REFUSALS = [
  [/closes \(\S+\) before it opens/, 'pe_round_order'],
  [/opens \(\S+\) before round \d+ closes/, 'pe_round_overlap'],
  [/is not YYYY-MM-DD\.\.YYYY-MM-DD|is not a (real )?date/, 'pe_round_dates'],
  [/^call \S+ exists already/, 'pe_call_exists'],
  [/cannot (review|score) a proposal of their own body/, 'pe_own_body'],
  [/is assigned to \S+ already/, 'pe_assigned'],
  [/has scored proposal \S+ already/, 'pe_scored'],
  [/is outside every round|is outside round|was closed on \S+: it takes no proposal/, 'pe_closed'],
  [/is in Japan, not a partner place/, 'pe_partner_jp'],
  [/is not a Japanese body/, 'pe_body_abroad'],
  [/a municipality proposes as one of the bodies/, 'pe_own_missing'],
  [/points is not 1 to 5/, 'pe_points'],
  [/yen/, 'pe_budget'],
  [/is not one of institution_building/, 'pe_outputs'],
  [/is not ID:NAME:WEIGHT|weight '.*' of .* is not 1 to 100|appears twice/, 'pe_criteria'],
  [/is not ranked/, 'pe_not_ranked'],
];
export function explainRefusal(e) {
  const hit = REFUSALS.find(([re]) => re.test(e.message || ''));
  return hit ? t(hit[1]) : null;
}

const joined = (list, one) => (list || []).map((x) => x.name_ja).join('・') || one;
const propLabel = (p) => `${p.rank != null ? `#${p.rank} ` : ''}${p.title_ja} (${joined(p.bodies, p.body_ja)}–${joined(p.partners, p.partner_ja)})`;
const reviewerLabel = (r) => `${r.name}${r.body_ja ? ` (${r.body_ja})` : r.affiliation ? ` (${r.affiliation})` : ''}`;

// The office opens a call: rounds as dates (a second round is optional),
// criteria as "id:名前:weight" lines; the server checks both and names the
// field at fault.
function openForm() {
  return h('section', { class: 'writes', 'aria-labelledby': 'open-h2' }, h('h2', { id: 'open-h2' }, t('open_h2')), writeForm({
    id: 'open-call', explain: explainRefusal, title: t('open_h'), intro: t('open_intro'), submitLabel: t('open_button'),
    fields: [
      { name: 'id', label: t('f_call_id'), required: true, hint: t('hint_call_id') },
      { name: 'fiscal_year', label: t('f_fiscal_year'), type: 'number', min: 1990, max: 2100, required: true },
      { name: 'title_ja', label: t('f_title_ja'), required: true },
      { name: 'title_en', label: t('f_title_en') },
      { name: 'planned_selections', label: t('call_planned'), type: 'number', min: 1, max: 1000, required: true },
      { name: 'min_reviews', label: t('f_min_reviews'), type: 'number', min: 1, max: 50, value: 2, hint: t('hint_min_reviews') },
      { name: 'r1_opens', label: tf('f_round_opens', { n: 1 }), type: 'date', required: true, field: 'rounds' },
      { name: 'r1_closes', label: tf('f_round_closes', { n: 1 }), type: 'date', required: true },
      { name: 'r2_opens', label: tf('f_round_opens', { n: 2 }), type: 'date' },
      { name: 'r2_closes', label: tf('f_round_closes', { n: 2 }), type: 'date' },
      { name: 'criteria', label: t('call_criteria'), type: 'textarea', hint: t('hint_criteria') },
    ],
    submit: (v) => {
      const rounds = [`${v.r1_opens}..${v.r1_closes}`];
      if (v.r2_opens || v.r2_closes) rounds.push(`${v.r2_opens}..${v.r2_closes}`);
      const body = { id: v.id, fiscal_year: v.fiscal_year, title_ja: v.title_ja, planned_selections: v.planned_selections,
        rounds: rounds.join(',') };
      if (v.title_en) body.title_en = v.title_en;
      if (v.min_reviews !== '') body.min_reviews = v.min_reviews;
      // one criterion a line (or ',')
      if (v.criteria) body.criteria = v.criteria.split(/[\n,]+/).map((x) => x.trim()).filter(Boolean).join(',');
      return write('POST', 'calls', body);
    },
    done: (d, v) => h('span', {}, tf('open_done', { id: v.id }), ' ', h('a', { href: `#/calls/${encodeURIComponent(v.id)}` }, t('open_see'))),
  }));
}

// The office closes the call today: no proposal is taken after.
function closeForm(c) {
  return h('section', { class: 'writes' }, writeForm({
    id: 'close-call', explain: explainRefusal, title: t('close_h'), intro: t('close_intro'), submitLabel: t('close_button'), fields: [],
    submit: () => write('POST', `calls/${encodeURIComponent(c.id)}/close`),
    done: (d) => tf('close_done', { on: d?.closed_on || '' }),
  }));
}

// A proposal still open and a reviewer: the first fields of an assignment
// and of a score sheet.
const whoWhat = (open, reviewers) => [
  { name: 'proposal', label: t('f_proposal'), type: 'select', required: true, value: open[0].id, options: open.map((p) => [p.id, propLabel(p)]) },
  { name: 'reviewer', label: t('f_reviewer_pick'), type: 'select', required: true, placeholder: t('choose'),
    options: reviewers.map((r) => [r.id, reviewerLabel(r)]) },
];

// The office gives a proposal to a reviewer (never one of its own body: the
// server refuses it at the reviewer field).
async function assignForm(open) {
  const reviewers = await api('reviewers');
  return writeForm({
    id: 'assign', explain: explainRefusal, title: t('assign_h'), intro: t('assign_intro'), submitLabel: t('assign_button'),
    fields: [
      ...whoWhat(open, reviewers),
    ],
    submit: (v) => write('POST', 'assignments', v),
    done: (d, v) => tf('assign_done', { reviewer: reviewerLabel(reviewers.find((r) => r.id === v.reviewer) || { name: v.reviewer }) }),
  });
}

// One reviewer's score sheet entered by the office (a paper sheet): a
// proposal, the reviewer and every criterion of the call once, 1 to 5
// points (POST /api/v1/scores).  A reviewer user scores on #/reviews.
async function scoreForm(c, open) {
  const crit = c.criteria || [];
  const reviewers = await api('reviewers');
  return writeForm({
    id: 'score', explain: explainRefusal, title: t('score_h'), intro: t('score_intro'), submitLabel: t('score_button'),
    fields: [
      ...whoWhat(open, reviewers),
      ...crit.map((k) => ({ name: k.id, label: name1(k.name_ja, k.name_en), type: 'number', min: 1, max: 5, required: true, hint: t('hint_points') })),
    ],
    submit: (v) => write('POST', 'scores', { proposal: v.proposal, reviewer: v.reviewer,
      points: Object.fromEntries(crit.map((k) => [k.id, v[k.id]])) }),
    done: (d, v) => tf('score_done', { id: propLabel(open.find((p) => p.id === v.proposal) || { title_ja: v.proposal }),
      reviewer: reviewerLabel(reviewers.find((r) => r.id === v.reviewer) || { name: v.reviewer }) }),
  });
}

const OUTPUTS = ['institution_building', 'capacity_building', 'project_formation', 'jcm_equipment'];

// A municipality's proposal to this call, for its own body (the server's
// default): the partner place (any place outside Japan), titles, sector (the
// projects table's, from the OpenAPI document), outputs, budget, lead and
// members; the server dates it, into the round open today.
async function proposalForm(c) {
  const [places, doc, checks] = await Promise.all([api('places'), api('openapi.json'), api('readiness')]);
  const partners = places.filter((p) => p.country && p.country !== 'JP')
    .map((p) => [p.id, `${name1(p.name_ja, p.name_en)} (${p.country})`]).sort((a, b) => a[1].localeCompare(b[1]));
  // other Japanese bodies a joint proposal may name (seed 003: 東京都・さいたま市)
  const others = places.filter((p) => p.country === 'JP' && p.id !== session.scope && p.kind !== 'country')
    .map((p) => [p.id, name1(p.name_ja, p.name_en)]).sort((a, b) => a[1].localeCompare(b[1]));
  const props = doc.paths?.['/api/v1/projects/{id}']?.patch?.requestBody?.content?.['application/json']?.schema?.properties || {};
  const sectors = props.sector?.enum || ['renewable_energy', 'energy_efficiency', 'energy_use', 'waste', 'transport', 'water', 'urban_planning', 'agriculture', 'other'];
  const section = h('section', { class: 'writes', 'aria-labelledby': 'propose-h2' }, h('h2', { id: 'propose-h2' }, t('propose_h2')));
  section.append(writeForm({
    id: 'propose', explain: explainRefusal, title: t('propose_h'), intro: t('propose_intro'), submitLabel: t('propose_button'),
    fields: [
      { name: 'partners', field: 'partner', label: t('f_partners'), type: 'select', multiple: true, required: true, options: partners, hint: t('hint_multi') },
      { name: 'bodies', field: 'body', label: t('f_other_bodies'), type: 'select', multiple: true, options: others, hint: t('hint_other_bodies') },
      { name: 'title_ja', label: t('f_title_ja'), required: true },
      { name: 'title_en', label: t('f_title_en') },
      { name: 'sector', label: t('f_sector'), type: 'select', required: true, placeholder: t('choose'),
        options: sectors.filter(Boolean).map((s) => [s, t(`v_sector:${s}`)]) },
      { name: 'technology', label: t('f_technology') },
      { name: 'outputs', label: t('f_outputs'), type: 'select', multiple: true, required: true, hint: t('hint_multi'),
        options: OUTPUTS.map((o) => [o, t(`pg_output:${o}`)]) },
      { name: 'budget_jpy', label: t('f_budget_jpy'), type: 'number', min: 1, required: true, hint: t('hint_budget') },
      { name: 'lead', label: t('f_lead'), required: true },
      { name: 'members', label: t('f_members'), hint: t('hint_members') },
      { name: 'readiness', label: t('f_readiness'), type: 'select', placeholder: t('f_readiness_none'),
        options: checks.map((r) => [r.id, `${r.saved_on} — ${r.overall} / 100 (${t(`rd_level:${r.level}`)})`]),
        value: checks[0]?.id || '', hint: t('hint_readiness') },
    ],
    submit: (v) => {
      const body = { call: c.id };
      for (const [k, x] of Object.entries(v)) if (x !== '') body[k] = k === 'budget_jpy' ? String(x) : x;
      // a joint proposal: its own body first (the lead), then the others;
      // alone, the server takes the municipality's own body
      if (v.bodies) body.body = [session.scope, ...v.bodies.split(';')].join(';');
      delete body.bodies;
      body.partner = v.partners;
      delete body.partners;
      return write('POST', 'proposals', body);
    },
    done: (d, v) => tf('propose_done', { id: d?.id || d?.proposal || v.title_ja }),
  }));
  return section;
}
