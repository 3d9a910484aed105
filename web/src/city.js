// city.js - cities' greenhouse-gas work (#/cities): a partner city's
// zero-carbon scenario (emissions by sector for base year, BaU and the
// countermeasure case; the reduction split between the measures by the rule
// chosen), its GHG inventories (GPC: BASIC and BASIC+ totals, sectors I–VI,
// the rows) and its indicators against their targets.  Every figure is the
// server's (/api/v1/city/...): the page adds nothing up but the check that the
// measures' parts make the total, which it states.
//
// The choices live in the hash (#/cities?scenario=ID&attribution=sequential&
// inventory=PLACE@YEAR&place=ID), so a view can be bookmarked and Back undoes
// the last choice; a choice redraws its own section in place.
import { barChart } from './chart.js';
import { api, busy, downloads, fmt, h, has, lang, name, name1, t, tf, withCode } from './core.js';
import { writeForm } from './forms.js';
import { canCall, inScope, write } from './session.js';

const RULES = ['shapley', 'sequential'];
const SECTORS = ['I', 'II', 'III', 'IV', 'V', 'VI'];

// a label from i18n.js when there is one, else the code itself (scenario
// sectors and measures are named by whoever wrote the scenario)
const coded = (prefix, v) => (has(`${prefix}:${v}`) ? t(`${prefix}:${v}`) : v);
const num = (v) => (v == null ? '—' : fmt(v));
const placeName = (places, id) => { const p = places.get(id); return p ? name1(p.name_ja, p.name_en) : id; };
const placeLink = (places, id) => {
  const p = places.get(id);
  return h('a', { href: `#/places/${encodeURIComponent(id)}` }, p ? name(p.name_ja, p.name_en) : id);
};
const select = (id, options, value) => {
  const s = h('select', { id, name: id }, options);
  if (value != null) s.value = value;
  return s;
};
const field = (id, label, sel) => h('div', { class: 'field' }, h('label', { for: id }, label), sel);
const emptyState = (key, what) => h('p', { class: 'empty-state', role: 'note', 'data-empty': what }, withCode(t(key)));
// a section's content drawn again; a part that is not there (null) is left out
const put = (box, ...kids) => box.replaceChildren(...kids.filter((k) => k != null && k !== false));
const head = (keys, nums = []) => h('thead', {}, h('tr', {}, keys.map((k) =>
  h('th', { scope: 'col', class: nums.includes(k) ? 'num' : null }, t(k)))));

// --- scenarios ------------------------------------------------------------------

// "model", "stated reduction", or "MRV-verified: N approved reports of …"
// (c2c city scenario link --mrv-project; the detail stays in English)
const basisState = (b) => (b === 'model' ? 'model' : /^stated/.test(b || '') ? 'stated'
  : /^MRV-verified/.test(b || '') ? 'mrv' : 'other');
const basisLabel = (b) => {
  const s = basisState(b);
  if (s === 'other') return h('span', { lang: 'en' }, b);
  if (s === 'mrv') return [t('cy_basis_mrv'), ' ', h('span', { class: 'basis-detail', lang: 'en' }, `(${b.replace(/^MRV-verified: /, '')})`)];
  return t(`cy_basis_${s}`);
};
const sectorLabel = (s) => coded('cy_sector', s.sector);

function sectorsTable(run) {
  const cols = ['cy_base', 'cy_bau', 'cy_cm', 'cy_reduction'];
  const fig = (x) => [x.base_t, x.bau_t, x.cm_t, x.reduction_t].map((v) => h('td', { class: 'num' }, num(v)));
  return h('div', { class: 'tablewrap' }, h('table', { class: 'plist cy-sectors', 'aria-labelledby': 'cy-sectors-cap' },
    h('caption', { id: 'cy-sectors-cap' }, `${t('cy_sectors_chart')} (${t('cy_t')})`),
    head(['cy_sector', 'cy_gpc', ...cols], cols),
    h('tbody', {}, run.sectors.map((s) => h('tr', { 'data-key': s.sector },
      h('th', { scope: 'row' }, sectorLabel(s)), h('td', {}, s.gpc || '—'), fig(s)))),
    h('tfoot', {}, h('tr', { 'data-key': 'total' }, h('th', { scope: 'row' }, t('cy_total')), h('td', {}), fig(run.totals)))));
}

function measuresTable(run, sum) {
  return h('div', { class: 'tablewrap' }, h('table', { class: 'plist cy-measures', 'aria-labelledby': 'cy-measures-cap' },
    h('caption', { id: 'cy-measures-cap' }, `${t('cy_measures_chart')} (${t('cy_t')})`),
    head(['cy_measure', 'cy_kind', 'cy_project', 'cy_reduction', 'cy_share', 'cy_basis'], ['cy_reduction', 'cy_share']),
    h('tbody', {}, run.measures.map((m) => h('tr', { 'data-key': m.measure, 'data-basis': basisState(m.basis) },
      h('th', { scope: 'row' }, h('code', {}, m.measure)),
      h('td', {}, coded('cy_kind', m.kind)),
      h('td', {}, m.project ? h('a', { href: `#/projects/${encodeURIComponent(m.project)}` }, m.project) : '—'),
      h('td', { class: 'num' }, num(m.reduction_t)),
      h('td', { class: 'num' }, m.share_pct == null ? '—' : `${fmt(m.share_pct)}%`),
      h('td', {}, basisLabel(m.basis))))),
    h('tfoot', {}, h('tr', { 'data-key': 'total' }, h('th', { scope: 'row' }, t('cy_total')), h('td', {}), h('td', {}),
      h('td', { class: 'num' }, num(sum)), h('td', {}), h('td', {})))));
}

// The button that draws the scenario's project measures from the JCM projects
// of its place (POST /api/v1/city/scenarios/{id}/sync): for the office and
// admin, and for the place's own city; null for anyone else.
async function syncForm(run) {
  const id = run.scenario.id;
  if (!(await canCall('POST', '/api/v1/city/scenarios/{id}/sync')) || !inScope('place', run.scenario.place_id)) return null;
  return writeForm({
    id: 'cy-sync', title: t('cy_sync_h'), intro: t('cy_sync_intro'), submitLabel: t('cy_sync_submit'), fields: [],
    submit: () => write('POST', `city/scenarios/${encodeURIComponent(id)}/sync`),
    done: (d) => tf('cy_sync_done', { n: d.measures.length, skipped: d.skipped.length }),
  });
}

export async function drawScenario(box, state, places) {
  const run = await api(`city/scenarios/${encodeURIComponent(state.scenario)}/run?attribution=${state.attribution}`);
  const sync = await syncForm(run);
  const tot = run.totals;
  const pct = tot.bau_t ? Math.round((1000 * tot.reduction_t) / tot.bau_t) / 10 : 0;
  const sum = run.measures.reduce((s, m) => s + m.reduction_t, 0);
  const addsUp = Math.abs(sum - tot.reduction_t) < 0.5; // the server's parts are whole kg, rounded to add up
  const legend = [['base', 'cy_base'], ['bau', 'cy_bau'], ['cm', 'cy_cm']].map(([s, k]) => ({ state: s, label: t(k) }));
  const bases = [...new Set(run.measures.map((m) => basisState(m.basis)))];
  const rule = run.attribution?.method || state.attribution;
  put(box,
    h('h3', { class: 'cy-scen-name' }, run.scenario.name || run.scenario.id),
    h('p', { class: 'meta' }, tf('cy_scen_meta', { place: placeName(places, run.scenario.place_id),
      base: run.scenario.base_year, target: run.scenario.target_year,
      efb: fmt(run.grid_ef_t_per_mwh?.base ?? 0), efc: fmt(run.grid_ef_t_per_mwh?.cm ?? 0) }), ' · ',
    placeLink(places, run.scenario.place_id)),
    h('p', { class: 'cy-summary', 'data-bau': String(tot.bau_t), 'data-cm': String(tot.cm_t), 'data-reduction': String(tot.reduction_t) },
      tf('cy_scen_sum', { bau: fmt(tot.bau_t), cm: fmt(tot.cm_t), red: fmt(tot.reduction_t), pct: fmt(pct) })),
    barChart({ id: 'scenario-sectors', orient: 'v', grouped: true, table: false, title: t('cy_sectors_chart'),
      note: t('cy_sectors_note'), unit: t('cy_t'), keyHead: t('cy_sector'), legend,
      bars: run.sectors.map((s) => ({ key: s.sector, label: sectorLabel(s), full: `${sectorLabel(s)} (${s.gpc})`, value: s.bau_t,
        parts: [{ state: 'base', value: s.base_t }, { state: 'bau', value: s.bau_t }, { state: 'cm', value: s.cm_t }] })) }),
    sectorsTable(run),
    barChart({ id: 'scenario-measures', orient: 'h', table: false, title: t('cy_measures_chart'), unit: t('cy_t'),
      keyHead: t('cy_measure'), total: true,
      legend: bases.map((b) => ({ state: `basis-${b}`, label: b === 'other' ? t('cy_basis') : t(`cy_basis_${b}`) })),
      bars: run.measures.map((m) => ({ key: m.measure, label: m.measure, full: `${m.measure} (${coded('cy_kind', m.kind)})`,
        value: m.reduction_t, parts: [{ state: `basis-${basisState(m.basis)}`, value: m.reduction_t }] })) }),
    measuresTable(run, sum),
    h('p', { class: addsUp ? 'good cy-adds-up' : 'warn cy-adds-up', 'data-ok': String(addsUp) },
      tf(addsUp ? 'cy_adds_up' : 'cy_adds_not', { sum: fmt(sum), red: fmt(tot.reduction_t) })),
    h('p', { class: 'cy-rule', 'data-rule': rule }, h('strong', {}, `${t('cy_rule_used')}: `),
      tf(`cy_rule_${rule === 'sequential' ? 'sequential' : 'shapley'}`, { order: (run.attribution?.order || []).join(' → ') })),
    downloads(`city/scenarios/${encodeURIComponent(state.scenario)}/run?attribution=${encodeURIComponent(state.attribution)}`),
    sync);
}

function scenarioSection(state, scens, places, update) {
  const sec = h('section', { class: 'cy-scenarios', 'aria-labelledby': 'cy-scen-h' }, h('h2', { id: 'cy-scen-h' }, t('cy_scen_h')));
  if (!scens.length) {
    sec.append(emptyState('cy_scen_none', 'scenarios'));
    return [sec, null];
  }
  const sSel = select('cy-scenario', scens.map((s) => h('option', { value: s.id },
    `${s.id} — ${placeName(places, s.place_id)} ${s.base_year}→${s.target_year}`)), state.scenario);
  const rSel = select('cy-attribution', RULES.map((r) => h('option', { value: r }, t(`cy_rule_opt_${r}`))), state.attribution);
  const box = h('div', { class: 'cy-scen-box' });
  const draw = () => drawScenario(box, state, places);
  sSel.addEventListener('change', () => { state.scenario = sSel.value; update(draw); });
  rSel.addEventListener('change', () => { state.attribution = rSel.value; update(draw); });
  sec.append(h('form', { class: 'filters', onsubmit: (e) => e.preventDefault() },
    field('cy-scenario', t('cy_scen_pick'), sSel), field('cy-attribution', t('cy_rule_pick'), rSel)), box);
  return [sec, draw];
}

// --- inventories ----------------------------------------------------------------

const filled = (r) => r.co2e_t != null || r.notation_key;

function rowsTable(rows) {
  const ef = (r) => [r.ef_co2, r.ef_ch4, r.ef_n2o].map((v) => (v == null ? '—' : fmt(v))).join(' / ') + (r.ef_unit ? ` ${r.ef_unit}` : '');
  return h('div', { class: 'tablewrap' }, h('table', { class: 'plist cy-rows', 'aria-labelledby': 'cy-rows-h' },
    head(['cy_gpc', 'cy_scope', 'cy_level', 'cy_notation', 'cy_activity', 'cy_ef', 'c_source', 'cy_co2e', 'cy_explanation'], ['cy_co2e']),
    h('tbody', {}, rows.map((r) => h('tr', { 'data-ref': r.gpc_ref },
      h('th', { scope: 'row' }, r.gpc_ref, r.name ? h('span', { class: 'other-line', lang: 'en' }, r.name) : null),
      h('td', {}, r.scope ?? '—'),
      h('td', {}, coded('cy_level', r.level)),
      h('td', {}, r.notation_key || '—'),
      h('td', {}, r.activity_value == null ? '—' : `${fmt(r.activity_value)} ${r.activity_unit || ''}`),
      h('td', {}, r.activity_value == null ? '—' : ef(r)),
      h('td', {}, r.ef_source || '—'),
      h('td', { class: 'num' }, num(r.co2e_t)),
      h('td', {}, r.explanation || '—'))))));
}

async function drawInventory(box, state, places) {
  const [place, year] = state.inventory.split('@');
  const inv = await api(`city/inventory?place=${encodeURIComponent(place)}&year=${encodeURIComponent(year)}`);
  const tot = inv.totals;
  const figs = [['basic', 'cy_basic', tot.basic_t], ['basic_plus', 'cy_basic_plus', tot.basic_plus_t],
    ['scope1', 'cy_scope1', tot.scope1_t], ['scope2', 'cy_scope2', tot.scope2_t], ['scope3', 'cy_scope3', tot.scope3_t],
    ['rows_filled', 'cy_rows_filled', tot.rows_filled], ['rows_keyed', 'cy_rows_keyed', tot.rows_keyed],
    ['basic_missing', 'cy_basic_missing', tot.basic_rows_missing]];
  const shown = inv.rows.filter(filled), empty = inv.rows.filter((r) => !filled(r));
  put(box,
    h('h3', {}, placeLink(places, place), ` ${year}`),
    h('p', { class: 'meta' }, tf('cy_inv_meta', { gwp: inv.inventory.gwp }), ' ', h('span', { lang: 'en' }, `(${inv.inventory.gwp_source || ''})`)),
    h('ul', { class: 'cards cy-totals' }, figs.map(([k, label, v], i) => h('li', { class: 'card', 'data-key': k, 'data-value': String(v ?? '') },
      h('span', { class: 'value' }, num(v)), h('span', { class: 'label' }, label ? t(label) : ''),
      i < 5 ? h('span', { class: 'published' }, t('cy_t')) : null))),
    barChart({ id: 'inventory-sectors', orient: 'h', title: t('cy_inv_chart'), note: t('cy_inv_chart_note'), unit: t('cy_t'),
      keyHead: t('cy_sector'),
      bars: SECTORS.map((k) => ({ key: k, label: t(`cy_gpc:${k}`), full: t(`cy_gpc:${k}`), value: tot.by_sector_t?.[k] || 0 })) }),
    h('h4', { id: 'cy-rows-h' }, `${t('cy_rows_h')} (${fmt(shown.length)})`),
    rowsTable(shown),
    downloads(`city/inventory?place=${encodeURIComponent(place)}&year=${encodeURIComponent(year)}`),
    empty.length ? h('details', { class: 'cy-empty-rows' }, h('summary', {}, tf('cy_rows_empty', { n: fmt(empty.length) })),
      h('p', {}, empty.map((r) => r.gpc_ref).join(', '))) : null);
}

function inventorySection(state, invs, places, update) {
  const sec = h('section', { class: 'cy-inventories', 'aria-labelledby': 'cy-inv-h' }, h('h2', { id: 'cy-inv-h' }, t('cy_inv_h')));
  if (!invs.length) {
    sec.append(emptyState('cy_inv_none', 'inventories'));
    return [sec, null];
  }
  const sel = select('cy-inventory', invs.map((i) => h('option', { value: `${i.place_id}@${i.year}` },
    `${placeName(places, i.place_id)} ${i.year} (${i.gwp})`)), state.inventory);
  const box = h('div', { class: 'cy-inv-box' });
  const draw = () => drawInventory(box, state, places);
  sel.addEventListener('change', () => { state.inventory = sel.value; update(draw); });
  sec.append(h('form', { class: 'filters', onsubmit: (e) => e.preventDefault() }, field('cy-inventory', t('cy_inv_pick'), sel)), box);
  return [sec, draw];
}

// --- indicators -----------------------------------------------------------------

const CMP = { '>=': '≥', '<=': '≤', '=': '=' };
const target = (l) => (l.comparator === 'meets' ? t('cy_meets') : `${CMP[l.comparator] || l.comparator} ${fmt(l.target)} ${l.unit || ''}`);
const targetYear = (l) => (lang === 'ja' ? l.target_year_ja || l.target_year : l.target_year) || t('cy_from_start');
const trend = (l) => [coded('cy_trend', l.trend),
  l.previous_year != null ? ` (${tf('cy_from_prev', { value: fmt(l.previous_value), year: l.previous_year })})` : ''];

export function indicatorsTable(ev) {
  return h('div', { class: 'tablewrap' }, h('table', { class: 'plist cy-indicators', 'aria-labelledby': 'cy-ind-h' },
    head(['cy_ind_no', 'cy_indicator', 'cy_target', 'cy_target_year', 'cy_value', 'cy_status', 'cy_trend']),
    h('tbody', {}, ev.indicators.flatMap((ind) => ind.lines.map((l, i) => h('tr',
      { 'data-indicator': ind.indicator_id, 'data-status': ind.status, 'data-line': String(l.line), 'data-line-status': l.status },
      i === 0 ? [h('td', { rowspan: ind.lines.length }, ind.number),
        h('th', { scope: 'rowgroup', rowspan: ind.lines.length }, name(ind.name_ja, ind.name_en),
          h('span', { class: `cy-status cy-${ind.status.replace(/\s+/g, '-')}` }, coded('cy_status', ind.status)))] : null,
      h('td', {}, target(l)),
      h('td', {}, targetYear(l)),
      h('td', { class: 'num' }, l.value == null ? '—' : `${fmt(l.value)} ${l.unit || ''} (${l.year})`),
      h('td', { class: `cy-${l.status.replace(/\s+/g, '-')}` }, coded('cy_status', l.status)),
      h('td', {}, trend(l))))))));
}

// The form that records an observed value of one of the framework's measures
// (POST /api/v1/city/observations): for the office and admin, and for a
// municipality or partner city at its own place; null for anyone else.
export async function observeForm(state, fw) {
  if (!(await canCall('POST', '/api/v1/city/observations')) || !inScope('place', state.place)) return null;
  const lines = await api(`city/indicators?framework=${encodeURIComponent(fw)}`);
  const measures = [...new Map(lines.map((l) => [l.measure_id, l])).values()];
  return writeForm({
    id: 'cy-observe', title: t('cy_obs_h'), intro: t('cy_obs_intro'), submitLabel: t('cy_obs_submit'),
    fields: [
      { name: 'measure', label: t('cy_obs_measure'), type: 'select', required: true, placeholder: t('cy_obs_choose'),
        options: measures.map((l) => [l.measure_id, `${l.number}. ${name1(l.name_ja, l.name_en)} — ${l.measure_en || l.measure_id}${l.unit ? ` (${l.unit})` : ''}`]) },
      { name: 'year', label: t('c_year'), type: 'number', required: true, min: 1900, max: 2200, value: new Date().getFullYear() - 1 },
      { name: 'value', label: t('cy_obs_value'), type: 'text', inputmode: 'decimal', required: true, hint: t('cy_obs_value_hint') },
      { name: 'source', label: t('c_source'), type: 'text', required: true, hint: t('cy_obs_source_hint') },
    ],
    submit: (v) => {
      const value = Number(v.value);
      if (v.value === '' || !Number.isFinite(value)) return { ok: false, local: true, error: { message: t('cy_obs_not_number') } };
      return write('POST', 'city/observations', { place: state.place, measure: v.measure, year: v.year, value, source: v.source });
    },
    done: (d) => tf('cy_obs_done', { measure: d.measure_id, year: d.year, value: fmt(d.value) }),
  });
}

async function drawIndicators(box, state, frameworks) {
  const ev = await api(`city/evaluation?place=${encodeURIComponent(state.place)}`);
  const s = ev.summary;
  const fw = frameworks.get(ev.framework);
  put(box,
    h('p', { class: 'cy-ind-summary', 'data-met': String(s.met), 'data-not-met': String(s.not_met), 'data-no-data': String(s.no_data) },
      tf('cy_ind_sum', { framework: fw ? name1(fw.name_ja, fw.name_en) : ev.framework, n: fmt(s.indicators), met: fmt(s.met),
        not: fmt(s.not_met), none: fmt(s.no_data) })),
    s.no_data === s.indicators ? emptyState('cy_ind_nodata', 'observations') : null,
    indicatorsTable(ev),
    await observeForm(state, ev.framework));
}

// The place choice: the places with observations, then those with an
// inventory or a scenario, then every place.
function placeChoice(scens, invs, obs, places) {
  const observed = [...new Set(obs.map((o) => o.place_id))].filter((id) => places.has(id));
  const withData = [...new Set([...scens.map((s) => s.place_id), ...invs.map((i) => i.place_id)])]
    .filter((id) => places.has(id) && !observed.includes(id));
  const byName = [...places.values()].sort((a, b) => name1(a.name_ja, a.name_en).localeCompare(name1(b.name_ja, b.name_en)));
  return { observed, withData, byName, first: observed[0] || withData[0] || byName[0]?.id || '' };
}

function indicatorSection(state, choice, places, frameworks, update) {
  const sec = h('section', { class: 'cy-indicators-sec', 'aria-labelledby': 'cy-ind-h' }, h('h2', { id: 'cy-ind-h' }, t('cy_ind_h')));
  const opt = (p) => h('option', { value: p.id }, `${name1(p.name_ja, p.name_en)} (${p.country})`);
  const group = (key, ids) => (ids.length ? h('optgroup', { label: t(key) }, ids.map((id) => opt(places.get(id)))) : null);
  const sel = select('cy-place', [group('cy_ind_observed', choice.observed), group('cy_ind_with', choice.withData),
    h('optgroup', { label: t('cy_ind_all') }, choice.byName.map(opt))], state.place);
  const box = h('div', { class: 'cy-ind-box' });
  const draw = () => drawIndicators(box, state, frameworks);
  sel.addEventListener('change', () => { state.place = sel.value; update(draw); });
  sec.append(h('form', { class: 'filters', onsubmit: (e) => e.preventDefault() }, field('cy-place', t('cy_ind_pick'), sel)),
    h('p', { class: 'note' }, t('cy_ind_note')), box);
  return [sec, state.place ? draw : null];
}

// --- the page -------------------------------------------------------------------

export async function citiesPage(page, params) {
  const [scens, invs, obs, fws, placeRows] = await Promise.all([api('city/scenarios'), api('city/inventories'),
    api('city/observations'), api('city/frameworks'), api('places')]);
  const places = new Map(placeRows.map((p) => [p.id, p]));
  const frameworks = new Map(fws.map((f) => [f.id, f]));
  const invKeys = invs.map((i) => `${i.place_id}@${i.year}`);
  const choice = placeChoice(scens, invs, obs, places);
  const state = {
    scenario: scens.some((s) => s.id === params.get('scenario')) ? params.get('scenario') : scens[0]?.id,
    attribution: RULES.includes(params.get('attribution')) ? params.get('attribution') : 'shapley',
    inventory: invKeys.includes(params.get('inventory')) ? params.get('inventory') : invKeys[0],
    place: places.has(params.get('place')) ? params.get('place') : choice.first,
  };
  // the hash names what differs from the first choice of each
  const hashOf = () => {
    const q = new URLSearchParams();
    if (state.scenario && state.scenario !== scens[0]?.id) q.set('scenario', state.scenario);
    if (state.attribution !== 'shapley') q.set('attribution', state.attribution);
    if (state.inventory && state.inventory !== invKeys[0]) q.set('inventory', state.inventory);
    if (state.place && state.place !== choice.first) q.set('place', state.place);
    const qs = q.toString();
    return `#/cities${qs ? `?${qs}` : ''}`;
  };
  // a choice: the hash remembers it, its section is drawn again in place
  const update = (draw) => busy(page, async () => {
    if (hashOf() !== location.hash) history.pushState(null, '', hashOf());
    await draw();
  });
  const parts = [scenarioSection(state, scens, places, update), inventorySection(state, invs, places, update),
    indicatorSection(state, choice, places, frameworks, update)];
  page.append(h('h1', {}, t('cy_h')), h('p', { class: 'intro' }, t('cy_intro'), ' ',
    h('a', { href: '#/city-workspace', class: 'cw-link' }, `${t('cw_from_cities')} →`)), ...parts.map(([sec]) => sec));
  await Promise.all(parts.map(([, draw]) => (draw ? draw() : null)));
}
