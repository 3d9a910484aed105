// cityspace.js - a partner city's workspace (#/city-workspace?place=ID): its
// partnerships and projects, its GHG inventory years, its indicators and its
// scenarios on one page, and, for the city's own user (the place in its
// scope) or the programme office, the work on them: inventory rows entered,
// corrected and deleted, a whole year uploaded as CSV or XLSX, observations
// recorded against the framework chosen, and a scenario built (BaU drivers,
// measures) and run.
//
// Every write is one call of the API (session.js write(): the user's role,
// scope and CSRF token; the server audits it), the same domain calls as
// `c2c city …`.  Every figure is the server's: totals, the check of the
// missing BASIC rows and the scenario run come from the replies.
//
// The choices live in the hash (place, year, framework, scenario, build,
// attribution), so a view can be bookmarked and reloaded.
import { api, app, downloads, fmt, h, has, name, name1, serverLang, serverText, t, tf } from './core.js';
import { drawScenario, indicatorsTable, observeForm } from './city.js';
import { writeForm } from './forms.js';
import { canCall, inScope, loggedIn, openLogin, session, write } from './session.js';

const KEYS = ['NO', 'NE', 'C', 'IE'];
const GWPS = ['AR6', 'AR5'];
const CHANGES = ['cut', 'power_mix', 'efficiency', 'displace'];

// what a write just did, said once by the page drawn after it
let note = null;
const sayNote = () => {
  if (!note) return null;
  const p = h('p', { class: 'form-status ok', role: 'status', tabindex: '-1', 'data-flash': '', id: 'cw-note' }, note);
  note = null;
  return p;
};

const hashOf = (q) => {
  const s = new URLSearchParams(Object.entries(q).filter(([, v]) => v != null && v !== '')).toString();
  return `#/city-workspace${s ? `?${s}` : ''}`;
};
const go = (q) => {
  const to = hashOf(q);
  if (to === location.hash) app.rerender(); else location.hash = to;
};
const num = (v) => (v == null ? '—' : fmt(v));
const filled = (r) => r.co2e_t != null || r.notation_key;
const field = (id, label, input, hint) => h('div', { class: 'field' }, h('label', { for: id }, label),
  hint ? h('p', { class: 'hint', id: `${id}-hint` }, hint) : null, input,
  h('p', { class: 'field-error', id: `${id}-err` }));
const gpcLabel = (g) => `${g.ref} — ${g.subsector_name}: ${g.name}`;

// "FILE: row 4, column ef_unit: MESSAGE" as the page's words and the message
function errorLine(line) {
  // (the Japanese of the server's line: "FILE: row 4、列 ef_unit：MESSAGE")
  const m = /^.*?: row (\d+)(?:(?:, column |、列 )(\w+))?(?:: |：)(.*)$/.exec(line);
  if (!m) return h('li', {}, serverText(line));
  return h('li', { 'data-row': m[1], 'data-column': m[2] || '' },
    h('strong', {}, m[2] ? tf('cw_err_at', { row: m[1], col: m[2] }) : tf('cw_err_row', { row: m[1] })), ' ',
    serverText(m[3]));
}

// --- partnerships and projects -------------------------------------------------

async function partnersSection(place) {
  const [pships, projects] = await Promise.all([api(`partnerships?partner=${encodeURIComponent(place)}`),
    api(`projects?place_id=${encodeURIComponent(place)}`)]);
  const mine = pships.filter((p) => (p.partners || []).some((x) => x.id === place));
  return h('section', { class: 'cw-partners', 'aria-labelledby': 'cw-partners-h' },
    h('h2', { id: 'cw-partners-h' }, t('cw_partners_h')),
    mine.length ? h('ul', { class: 'cw-list' }, mine.map((p) => h('li', { 'data-id': p.id },
      h('a', { href: `#/partnerships/${encodeURIComponent(p.id)}` }, (p.bodies || []).map((b, i) => [i ? '・' : '', name(b.name_ja, b.name_en)])),
      p.fiscal_years?.length ? ` (${p.fiscal_years.join(', ')})` : ''))) : h('p', { class: 'empty-state' }, t('cw_partners_none')),
    mine.length ? downloads(`partnerships?partner=${encodeURIComponent(place)}`) : null,
    h('h3', {}, `${t('cw_projects_h')} (${fmt(projects.length)})`),
    projects.length ? h('ul', { class: 'cw-list' }, projects.map((p) => h('li', { 'data-id': p.id },
      h('a', { href: `#/projects/${encodeURIComponent(p.id)}` }, name(p.name_ja, p.name_en)),
      p.fiscal_year ? ` (${p.fiscal_year})` : ''))) : h('p', { class: 'empty-state' }, t('cw_projects_none')),
    projects.length ? downloads(`projects?place_id=${encodeURIComponent(place)}`) : null);
}

// --- the inventory ------------------------------------------------------------------

function totalsCards(inv) {
  const tot = inv.totals;
  const figs = [['basic', 'cy_basic', tot.basic_t, 1], ['basic_plus', 'cy_basic_plus', tot.basic_plus_t, 1],
    ['rows_filled', 'cy_rows_filled', tot.rows_filled], ['rows_keyed', 'cy_rows_keyed', tot.rows_keyed],
    ['basic_missing', 'cy_basic_missing', tot.basic_rows_missing]];
  return h('ul', { class: 'cards cy-totals cw-totals' }, figs.map(([k, label, v, tonnes]) =>
    h('li', { class: 'card', 'data-key': k, 'data-value': String(v ?? '') },
      h('span', { class: 'value' }, num(v)), h('span', { class: 'label' }, t(label)),
      tonnes ? h('span', { class: 'published' }, t('cy_t')) : null)));
}

// The check: the BASIC (and BASIC+) rows neither filled nor keyed.
function checkList(inv) {
  const missing = inv.rows.filter((r) => !filled(r) && (r.level === 'basic' || r.level === 'basic+'));
  const basic = missing.filter((r) => r.level === 'basic');
  return h('section', { class: 'cw-check', 'aria-labelledby': 'cw-check-h', 'data-missing-basic': String(basic.length) },
    h('h4', { id: 'cw-check-h' }, t('cw_check_h')),
    h('p', { class: basic.length ? 'warn' : 'good' },
      basic.length ? tf('cw_check_missing', { n: fmt(basic.length), plus: fmt(missing.length - basic.length) }) : t('cw_check_complete')),
    missing.length ? h('details', {}, h('summary', {}, t('cw_check_list')),
      h('ul', { class: 'cw-missing' }, missing.map((r) => h('li', { 'data-ref': r.gpc_ref },
        h('strong', {}, r.gpc_ref), ` (${r.level === 'basic' ? 'BASIC' : 'BASIC+'}) `, h('span', { lang: 'en' }, r.name))))) : null);
}

function rowsTable(inv, may, onEdit, onDelete) {
  const rows = inv.rows.filter(filled);
  const ef = (r) => [r.ef_co2, r.ef_ch4, r.ef_n2o].map((v) => (v == null ? '—' : fmt(v))).join(' / ') + (r.ef_unit ? ` ${r.ef_unit}` : '');
  const cols = ['cy_gpc', 'cy_notation', 'cy_activity', 'cy_ef', 'c_source', 'cy_co2e', 'cy_explanation'];
  return h('div', { class: 'tablewrap' }, h('table', { class: 'plist cw-rows', 'aria-labelledby': 'cw-rows-h' },
    h('caption', { id: 'cw-rows-h' }, `${t('cy_rows_h')} (${fmt(rows.length)})`),
    h('thead', {}, h('tr', {}, cols.map((k) => h('th', { scope: 'col', class: k === 'cy_co2e' ? 'num' : null }, t(k))),
      may ? h('th', { scope: 'col' }, t('cw_actions')) : null)),
    h('tbody', {}, rows.map((r) => h('tr', { 'data-ref': r.gpc_ref },
      h('th', { scope: 'row' }, r.gpc_ref, h('span', { class: 'other-line', lang: 'en' }, r.name)),
      h('td', {}, r.notation_key || '—'),
      h('td', {}, r.activity_value == null ? '—' : `${fmt(r.activity_value)} ${r.activity_unit || ''}`),
      h('td', {}, r.activity_value == null ? '—' : ef(r)),
      h('td', {}, r.ef_source || '—'),
      h('td', { class: 'num' }, num(r.co2e_t)),
      h('td', {}, r.explanation || '—'),
      may ? h('td', { class: 'cw-row-actions' },
        h('button', { type: 'button', class: 'secondary cw-edit', 'aria-label': tf('cw_edit_aria', { ref: r.gpc_ref }), onclick: () => onEdit(r) }, t('cw_edit')),
        h('button', { type: 'button', class: 'secondary cw-delete', 'aria-label': tf('cw_delete_aria', { ref: r.gpc_ref }), onclick: (e) => onDelete(r, e.target) }, t('cw_delete'))) : null)))));
}

// The row-by-row form: a GPC number picked by its name; activity data with
// its factors and their source, or a notation key with its explanation.
function rowForm(place, year, gwp, gpc) {
  const opt = (v, label) => [v, label];
  return writeForm({
    id: 'cw-row', title: t('cw_row_h'), intro: t('cw_row_intro'), submitLabel: t('cw_row_submit'),
    fields: [
      { name: 'year', label: t('c_year'), type: 'number', required: true, min: 1990, max: 2100, value: year },
      { name: 'gwp', label: t('cw_gwp'), type: 'select', options: GWPS.map((g) => opt(g, g)), value: gwp || 'AR6', hint: t('cw_gwp_hint') },
      { name: 'gpc_ref', label: t('cw_gpc_pick'), type: 'select', required: true, placeholder: t('cy_obs_choose'),
        options: gpc.map((g) => opt(g.ref, gpcLabel(g))) },
      { name: 'activity_value', label: t('cw_activity_value'), inputmode: 'decimal', hint: t('cw_activity_hint') },
      { name: 'activity_unit', label: t('cw_activity_unit'), hint: t('cw_unit_hint') },
      { name: 'ef_co2', label: t('cw_ef_co2'), inputmode: 'decimal' },
      { name: 'ef_ch4', label: t('cw_ef_ch4'), inputmode: 'decimal' },
      { name: 'ef_n2o', label: t('cw_ef_n2o'), inputmode: 'decimal' },
      { name: 'ef_unit', label: t('cw_ef_unit'), hint: t('cw_ef_unit_hint') },
      { name: 'ef_source', label: t('cw_ef_source'), hint: t('cw_ef_source_hint') },
      { name: 'notation_key', label: t('cw_key'), type: 'select', placeholder: t('cw_key_none'),
        options: KEYS.map((k) => opt(k, t(`cw_key:${k}`))), hint: t('cw_key_hint') },
      { name: 'explanation', label: t('cy_explanation'), type: 'textarea', hint: t('cw_expl_hint') },
    ],
    submit: (v) => {
      const body = { place, year: v.year };
      for (const [k, x] of Object.entries(v)) if (k !== 'year' && x !== '') body[k] = x;
      return write('POST', 'city/inventory/rows', body);
    },
    // another year: the page drawn next shows that one (no hashchange: the
    // form's own redraw is the one that says what was done)
    done: (d, v) => {
      if (String(v.year) !== String(year)) history.pushState(null, '', hashOf({ place, year: v.year }));
      return tf('cw_row_done', { ref: v.gpc_ref, year: v.year });
    },
  });
}

// The whole year from a file: every row is checked first; a refusal lists
// each row and column to mend, and nothing is stored.
function uploadForm(place, year, gwp) {
  const fileIn = h('input', { type: 'file', id: 'cw-up-file', name: 'file', accept: '.csv,.xlsx,text/csv',
    'aria-describedby': 'cw-up-file-hint cw-up-file-err', required: true });
  const yearIn = h('input', { type: 'number', id: 'cw-up-year', name: 'year', min: 1990, max: 2100, step: 1, inputmode: 'numeric', required: true });
  yearIn.value = year || new Date().getFullYear() - 1;
  const gwpIn = h('select', { id: 'cw-up-gwp', name: 'gwp' }, GWPS.map((g) => h('option', { value: g }, g)));
  gwpIn.value = gwp || 'AR6';
  const alert = h('div', { class: 'form-alert', id: 'cw-up-alert', role: 'alert', tabindex: '-1' });
  const button = h('button', { type: 'submit', class: 'primary' }, t('cw_up_submit'));
  const form = h('form', { id: 'cw-upload', class: 'write', novalidate: true, 'aria-labelledby': 'cw-upload-h' },
    h('h3', { id: 'cw-upload-h' }, t('cw_up_h')), h('p', { class: 'intro' }, t('cw_up_intro')), alert,
    field('cw-up-file', [t('cw_up_file'), h('span', { class: 'req' }, t('required_mark'))], fileIn, t('cw_up_file_hint')),
    field('cw-up-year', t('c_year'), yearIn), field('cw-up-gwp', t('cw_gwp'), gwpIn, t('cw_gwp_hint')),
    h('div', { class: 'actions' }, button));
  const fileErr = form.querySelector('#cw-up-file-err');
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    alert.replaceChildren();
    fileErr.textContent = '';
    fileIn.removeAttribute('aria-invalid');
    const file = fileIn.files[0];
    if (!file) {
      fileErr.textContent = t('required');
      fileIn.setAttribute('aria-invalid', 'true');
      fileIn.focus();
      return;
    }
    const xlsx = /\.xlsx$/i.test(file.name);
    const body = { place, year: Number(yearIn.value), gwp: gwpIn.value, file_name: file.name };
    if (xlsx) {
      const bytes = new Uint8Array(await file.arrayBuffer());
      let bin = '';
      for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
      body.xlsx_base64 = btoa(bin);
    } else {
      body.csv = await file.text();
    }
    button.disabled = true;
    form.setAttribute('aria-busy', 'true');
    const r = await write('POST', 'city/inventory/upload', body);
    button.disabled = false;
    form.removeAttribute('aria-busy');
    if (r.ok) {
      note = tf('cw_up_done', { file: file.name, year: body.year, filled: fmt(r.data.totals.rows_filled), keyed: fmt(r.data.totals.rows_keyed) });
      go({ place, year: body.year });
      return;
    }
    const err = r.error || {};
    const lines = String(err.detail || '').split('\n').filter(Boolean);
    if (err.field === 'year') yearIn.setAttribute('aria-invalid', 'true');
    fileIn.setAttribute('aria-invalid', 'true');
    alert.replaceChildren(h('p', {}, r.status === 403 ? t('err_403') : lines.length ? tf('cw_up_bad', { n: fmt(lines.length) }) : t('cw_up_refused')),
      lines.length ? h('ul', { class: 'cw-up-errors' }, lines.map(errorLine)) : h('p', { lang: serverLang(err.message) }, err.message || ''),
      h('p', { class: 'cw-up-nothing' }, t('cw_up_nothing')));
    alert.focus();
  });
  return form;
}

async function inventorySection(place, year, may, gpc, invs) {
  const years = invs.filter((i) => i.place_id === place).map((i) => i.year).sort((a, b) => b - a);
  const sec = h('section', { class: 'cw-inventory', 'aria-labelledby': 'cw-inv-h' }, h('h2', { id: 'cw-inv-h' }, t('cy_inv_h')));
  const y = years.includes(Number(year)) ? Number(year) : years[0];
  sec.append(years.length
    ? h('nav', { class: 'cw-years', 'aria-label': t('cw_years') }, h('span', {}, `${t('cw_years')}: `),
      years.map((v) => h('a', { href: hashOf({ place, year: v }), 'aria-current': v === y ? 'page' : null, class: 'chip' }, String(v))))
    : h('p', { class: 'empty-state', 'data-empty': 'inventories' }, t(may ? 'cw_inv_none_may' : 'cw_inv_none')));
  let inv = null;
  if (y) {
    inv = await api(`city/inventory?place=${encodeURIComponent(place)}&year=${y}`);
    sec.append(h('h3', {}, tf('cw_inv_year', { year: y, gwp: inv.inventory.gwp })), totalsCards(inv), checkList(inv));
  }
  if (!may) {
    if (inv) sec.append(rowsTable(inv, false), downloads(`city/inventory?place=${encodeURIComponent(place)}&year=${y}`));
    return sec;
  }
  const form = rowForm(place, y || new Date().getFullYear() - 1, inv?.inventory.gwp, gpc);
  const fill = (r) => {
    for (const [k, v] of Object.entries({ gpc_ref: r.gpc_ref, activity_value: r.activity_value, activity_unit: r.activity_unit,
      ef_co2: r.ef_co2, ef_ch4: r.ef_ch4, ef_n2o: r.ef_n2o, ef_unit: r.ef_unit, ef_source: r.ef_source,
      notation_key: r.notation_key, explanation: r.explanation })) {
      const el = form.querySelector(`#cw-row-${k}`);
      if (el) el.value = v == null ? '' : String(v);
    }
    form.querySelector('#cw-row-year').value = String(y);
    form.scrollIntoView({ block: 'start' });
    form.querySelector('#cw-row-activity_value').focus();
  };
  const del = async (r, btn) => {
    btn.disabled = true;
    const res = await write('POST', 'city/inventory/rows/delete', { place, year: y, gpc_ref: r.gpc_ref });
    if (res.ok) {
      note = tf('cw_deleted', { ref: r.gpc_ref, year: y });
      await app.rerender();
      return;
    }
    btn.disabled = false;
    btn.closest('td').append(h('p', { class: 'field-error', role: 'alert' }, res.status === 403 ? t('err_403') : serverText(res.error?.message || '')));
  };
  if (inv) sec.append(rowsTable(inv, true, fill, del), downloads(`city/inventory?place=${encodeURIComponent(place)}&year=${y}`));
  sec.append(form, uploadForm(place, y, inv?.inventory.gwp));
  return sec;
}

// --- indicators -----------------------------------------------------------------------

async function indicatorSection(place, fwId, fws) {
  const fw = fws.some((f) => f.id === fwId) ? fwId : (fws.find((f) => f.id === 'tianjin-eco-city') || fws[0])?.id;
  const sec = h('section', { class: 'cw-indicators', 'aria-labelledby': 'cw-ind-h' }, h('h2', { id: 'cw-ind-h' }, t('cy_ind_h')));
  if (!fw) return sec;
  const sel = h('select', { id: 'cw-framework', name: 'framework' }, fws.map((f) => h('option', { value: f.id }, name1(f.name_ja, f.name_en))));
  sel.value = fw;
  sel.addEventListener('change', () => go({ ...current(), framework: sel.value }));
  const ev = await api(`city/evaluation?place=${encodeURIComponent(place)}&framework=${encodeURIComponent(fw)}`);
  const s = ev.summary;
  sec.append(h('form', { class: 'filters', onsubmit: (e) => e.preventDefault() }, field('cw-framework', t('cw_framework'), sel)),
    h('p', { class: 'cy-ind-summary', 'data-met': String(s.met), 'data-no-data': String(s.no_data) },
      tf('cy_ind_sum', { framework: name1(fws.find((f) => f.id === fw)?.name_ja, fws.find((f) => f.id === fw)?.name_en), n: fmt(s.indicators),
        met: fmt(s.met), not: fmt(s.not_met), none: fmt(s.no_data) })),
    indicatorsTable(ev), await observeForm({ place }, fw));
  return sec;
}

// --- scenarios -----------------------------------------------------------------------

// The builder: a scenario of this place edited, or another one copied as a
// new one for this place; its BaU (the drivers' base and target values) and
// its measures (kept or dropped, and one added).
function builder(place, doc, editing) {
  const d = structuredClone(doc);
  if (!editing) {
    d.id = `${place}-${d.target_year}`.slice(0, 60);
    d.place_id = place;
    d.name = '';
  }
  const input = (id, path, value, attrs = {}) => {
    const el = h('input', { id, name: id, 'data-path': path, 'aria-describedby': `${id}-err`, ...attrs });
    el.value = value ?? '';
    return el;
  };
  const idIn = input('cw-scn-id', 'id', d.id, { readonly: editing || null, autocomplete: 'off' });
  const nameIn = input('cw-scn-name', 'name', d.name);
  const baseIn = input('cw-scn-base', 'base_year', d.base_year, { type: 'number', min: 1990, max: 2100, inputmode: 'numeric' });
  const targetIn = input('cw-scn-target', 'target_year', d.target_year, { type: 'number', min: 1990, max: 2100, inputmode: 'numeric' });
  const drv = d.drivers.map((x, i) => ({
    base: input(`cw-drv-${i}-base`, `drivers[${i}].base`, x.base, { inputmode: 'decimal', 'aria-label': `${x.id} ${t('cw_drv_base')}` }),
    target: input(`cw-drv-${i}-target`, `drivers[${i}].target`, x.target, { inputmode: 'decimal', 'aria-label': `${x.id} ${t('cw_drv_target')}` }) }));
  const keep = d.measures.map((m, i) => h('input', { type: 'checkbox', id: `cw-keep-${i}`, checked: true, 'data-measure': m.id }));
  const sectors = d.sectors.map((s) => s.id), sources = (d.power?.sources || []).map((s) => s.id);
  const techs = d.sectors.flatMap((s) => s.techs.map((x) => `${s.id}/${x.id}`));
  const sel = (id, opts, label) => h('select', { id, name: id, 'aria-label': label }, opts.map((o) => h('option', { value: o }, o)));
  const mId = input('cw-m-id', 'measures[].id', '', { autocomplete: 'off' });
  // electricity a project saves or generates is worth the case's grid factor (docs/city.md)
  const gridFuel = (d.fuels || []).find((f) => f.grid)?.id;
  const mType = h('select', { id: 'cw-m-type', name: 'cw-m-type' }, CHANGES.filter((c) => c !== 'displace' || gridFuel)
    .map((c) => h('option', { value: c }, t(`cw_change:${c}`))));
  const mSector = sel('cw-m-sector', sectors), mFrom = sel('cw-m-from', sources), mTo = sel('cw-m-to', sources), mTech = sel('cw-m-tech', techs);
  const mAmount = input('cw-m-amount', 'measures[].changes[0]', '', { inputmode: 'decimal' });
  const parts = { cut: ['cw-m-sector'], power_mix: ['cw-m-from', 'cw-m-to'], efficiency: ['cw-m-tech'], displace: ['cw-m-sector'] };
  const amountLabel = h('label', { for: 'cw-m-amount' });
  const wraps = {};
  const showType = () => {
    for (const [id, w] of Object.entries(wraps)) w.hidden = !parts[mType.value].includes(id);
    amountLabel.textContent = t(`cw_amount:${mType.value}`);
  };
  mType.addEventListener('change', showType);
  const wrap = (id, label, el) => (wraps[id] = field(id, label, el));
  const alert = h('div', { class: 'form-alert', id: 'cw-scn-alert', role: 'alert', tabindex: '-1' });
  const form = h('form', { id: 'cw-scenario', class: 'write', novalidate: true, 'aria-labelledby': 'cw-scn-h' },
    h('h3', { id: 'cw-scn-h' }, editing ? tf('cw_scn_edit_h', { id: d.id }) : tf('cw_scn_new_h', { from: doc.id })),
    h('p', { class: 'intro' }, t('cw_scn_intro')), alert,
    field('cw-scn-id', t('cw_scn_id'), idIn, t('cw_scn_id_hint')), field('cw-scn-name', t('cw_scn_name'), nameIn),
    field('cw-scn-base', t('cw_scn_base'), baseIn), field('cw-scn-target', t('cw_scn_target'), targetIn),
    h('fieldset', { class: 'cw-bau' }, h('legend', {}, t('cw_bau_h')), h('p', { class: 'hint' }, t('cw_bau_hint')),
      h('div', { class: 'tablewrap' }, h('table', { class: 'plist' },
        h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, t('cw_driver')), h('th', { scope: 'col' }, t('cw_drv_base')),
          h('th', { scope: 'col' }, t('cw_drv_target')))),
        h('tbody', {}, d.drivers.map((x, i) => h('tr', { 'data-driver': x.id },
          h('th', { scope: 'row' }, x.id, x.unit ? h('span', { class: 'other-line', lang: 'en' }, x.unit) : null),
          h('td', {}, drv[i].base, h('p', { class: 'field-error', id: `cw-drv-${i}-base-err` })),
          h('td', {}, drv[i].target, h('p', { class: 'field-error', id: `cw-drv-${i}-target-err` })))))))),
    h('fieldset', { class: 'cw-measures' }, h('legend', {}, t('cw_measures_h')),
      d.measures.length ? h('ul', { class: 'cw-keep' }, d.measures.map((m, i) => h('li', {}, keep[i],
        h('label', { for: `cw-keep-${i}` }, h('code', {}, m.id), ` — ${has(`cy_kind:${m.kind}`) ? t(`cy_kind:${m.kind}`) : m.kind}`)))) : null,
      h('p', { class: 'hint' }, t('cw_add_hint')),
      field('cw-m-id', t('cw_m_id'), mId), field('cw-m-type', t('cw_m_type'), mType),
      wrap('cw-m-sector', t('cy_sector'), mSector), wrap('cw-m-from', t('cw_m_from'), mFrom), wrap('cw-m-to', t('cw_m_to'), mTo),
      wrap('cw-m-tech', t('cw_m_tech'), mTech),
      h('div', { class: 'field' }, amountLabel, mAmount, h('p', { class: 'field-error', id: 'cw-m-amount-err' }))),
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, t('cw_scn_submit'))));
  showType();
  const numOf = (el) => (el.value.trim() === '' ? NaN : Number(el.value));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    alert.replaceChildren();
    for (const el of form.querySelectorAll('[aria-invalid]')) el.removeAttribute('aria-invalid');
    for (const el of form.querySelectorAll('.field-error')) el.textContent = '';
    const out = structuredClone(d);
    Object.assign(out, { id: idIn.value.trim(), name: nameIn.value.trim(), base_year: numOf(baseIn), target_year: numOf(targetIn) });
    out.drivers.forEach((x, i) => { x.base = numOf(drv[i].base); x.target = numOf(drv[i].target); });
    out.measures = out.measures.filter((m, i) => keep[i].checked);
    if (mId.value.trim()) {
      const amount = numOf(mAmount);
      const ch = mType.value === 'cut' ? { type: 'cut', sector: mSector.value, t: amount }
        : mType.value === 'displace' ? { type: 'displace', sector: mSector.value, fuel: gridFuel, mwh: amount }
        : mType.value === 'power_mix' ? { type: 'power_mix', from: mFrom.value, to: mTo.value, points: amount }
          : { type: 'efficiency', sector: mTech.value.split('/')[0], tech: mTech.value.split('/')[1], value: amount };
      const kind = { cut: 'demand', power_mix: 'renewable_power', efficiency: 'efficiency', displace: 'renewable_power' }[mType.value];
      out.measures.push({ id: mId.value.trim(), kind, changes: [ch] });
    }
    // a number left empty or not a number: said at its input, nothing sent
    const bad = [...form.querySelectorAll('input[inputmode="decimal"], input[type="number"]')].filter((el) =>
      (el !== mAmount || mId.value.trim()) && !Number.isFinite(numOf(el)));
    if (bad.length) {
      for (const el of bad) {
        el.setAttribute('aria-invalid', 'true');
        const er = form.querySelector(`#${el.id}-err`);
        if (er) er.textContent = t('not_a_number');
      }
      alert.replaceChildren(t('form_fix'));
      bad[0].focus();
      return;
    }
    const r = await write('POST', 'city/scenarios', { document: out, replace: editing ? 1 : 0 });
    if (r.ok) {
      note = tf('cw_scn_done', { id: out.id });
      go({ ...current(), scenario: out.id, build: null });
      return;
    }
    // "document: drivers[0].target: …": the message beside that input
    const msg = r.error?.message || '';
    const path = /^document: ([\w[\].]+)/.exec(msg)?.[1] || r.error?.field || '';
    const at = [...form.querySelectorAll('[data-path]')].find((el) => el.dataset.path && (path === el.dataset.path || path.startsWith(`${el.dataset.path}.`)))
      || (path.startsWith('measures[') ? mAmount : null);
    const text = serverText(msg.replace(/^document(?:: |：)/, ''));
    if (at) {
      at.setAttribute('aria-invalid', 'true');
      form.querySelector(`#${at.id}-err`)?.replaceChildren(text.cloneNode(true));
    }
    alert.replaceChildren(r.status === 403 ? t('err_403') : `${t('not_saved')}: `, r.status === 403 ? '' : text);
    (at || alert).focus();
  });
  return form;
}

async function scenarioSection(place, q, may, scens, places) {
  const own = scens.filter((s) => s.place_id === place);
  const sec = h('section', { class: 'cw-scenarios', 'aria-labelledby': 'cw-scn-h2' }, h('h2', { id: 'cw-scn-h2' }, t('cy_scen_h')));
  if (!own.length) sec.append(h('p', { class: 'empty-state', 'data-empty': 'scenarios' }, t(may ? 'cw_scn_none_may' : 'cw_scn_none')));
  const shown = own.some((s) => s.id === q.scenario) ? q.scenario : own[0]?.id;
  if (shown) {
    const rule = q.attribution === 'sequential' ? 'sequential' : 'shapley';
    const pick = h('select', { id: 'cw-scenario-pick' }, own.map((s) => h('option', { value: s.id }, `${s.id} ${s.base_year}→${s.target_year}`)));
    pick.value = shown;
    pick.addEventListener('change', () => go({ ...current(), scenario: pick.value }));
    const rSel = h('select', { id: 'cw-attribution' }, ['shapley', 'sequential'].map((r) => h('option', { value: r }, t(`cy_rule_opt_${r}`))));
    rSel.value = rule;
    rSel.addEventListener('change', () => go({ ...current(), attribution: rSel.value }));
    const box = h('div', { class: 'cy-scen-box' });
    sec.append(h('form', { class: 'filters', onsubmit: (e) => e.preventDefault() },
      field('cw-scenario-pick', t('cy_scen_pick'), pick), field('cw-attribution', t('cy_rule_pick'), rSel)), box);
    await drawScenario(box, { scenario: shown, attribution: rule }, places);
  }
  if (!may || !scens.length) return sec;
  // the builder: start from one of this place's (edit) or any other (copy)
  const from = scens.some((s) => s.id === q.build) ? q.build : '';
  const start = h('select', { id: 'cw-build-from' }, h('option', { value: '' }, t('cy_obs_choose')),
    own.length ? h('optgroup', { label: t('cw_build_edit') }, own.map((s) => h('option', { value: s.id }, s.id))) : null,
    h('optgroup', { label: t('cw_build_copy') }, scens.filter((s) => s.place_id !== place).map((s) => h('option', { value: s.id }, s.id))));
  start.value = from;
  start.addEventListener('change', () => go({ ...current(), build: start.value }));
  sec.append(h('h3', {}, t('cw_build_h')), h('form', { class: 'filters', onsubmit: (e) => e.preventDefault() },
    field('cw-build-from', t('cw_build_from'), start, t('cw_build_hint'))));
  if (from) sec.append(builder(place, await api(`city/scenarios/${encodeURIComponent(from)}`), own.some((s) => s.id === from)));
  return sec;
}

// --- the page -------------------------------------------------------------------------

let current = () => ({});

export async function cityWorkspacePage(page, params) {
  const [placeRows, invs, scens, fws, gpc] = await Promise.all([api('places'), api('city/inventories'), api('city/scenarios'),
    api('city/frameworks'), api('city/gpc')]);
  const places = new Map(placeRows.map((p) => [p.id, p]));
  const mine = loggedIn() && session.role === 'partner'
    ? String(session.scope || '').split(',').map((s) => s.trim()).filter((id) => places.has(id)) : [];
  const q = Object.fromEntries(['place', 'year', 'framework', 'scenario', 'build', 'attribution'].map((k) => [k, params.get(k) || null]));
  q.place = places.has(q.place) ? q.place : mine[0] || null;
  current = () => ({ ...q });
  // the partner places: this user's first, then those with city data, then every other place abroad
  const withData = new Set([...invs.map((i) => i.place_id), ...scens.map((s) => s.place_id)]);
  const abroad = [...places.values()].filter((p) => p.country !== 'JP')
    .sort((a, b) => name1(a.name_ja, a.name_en).localeCompare(name1(b.name_ja, b.name_en)));
  const opt = (p) => h('option', { value: p.id }, `${name1(p.name_ja, p.name_en)} (${p.country})`);
  const group = (key, list) => (list.length ? h('optgroup', { label: t(key) }, list.map(opt)) : null);
  const sel = h('select', { id: 'cw-place', name: 'place' }, h('option', { value: '' }, t('cy_obs_choose')),
    group('cw_place_mine', mine.map((id) => places.get(id))),
    group('cy_ind_with', abroad.filter((p) => withData.has(p.id) && !mine.includes(p.id))),
    group('cy_ind_all', abroad.filter((p) => !withData.has(p.id) && !mine.includes(p.id))));
  sel.value = q.place || '';
  sel.addEventListener('change', () => go({ place: sel.value }));
  const p = q.place ? places.get(q.place) : null;
  page.append(...[h('h1', {}, p ? name(p.name_ja, p.name_en) : t('cw_h')), sayNote()].filter(Boolean),
    h('p', { class: 'intro' }, t('cw_intro'), ' ', h('a', { href: '#/cities' }, t('cw_to_cities'))),
    h('form', { class: 'filters', onsubmit: (e) => e.preventDefault() }, field('cw-place', t('cw_place'), sel)));
  if (!p) return;
  const may = (await canCall('POST', '/api/v1/city/inventory/rows')) && inScope('place', q.place);
  if (!loggedIn())
    page.append(h('p', { class: 'note cw-login' }, t('cw_login_note'), ' ',
      h('button', { type: 'button', class: 'secondary', onclick: () => openLogin() }, t('login'))));
  else if (!may)
    page.append(h('p', { class: 'note cw-readonly' }, t('cw_readonly')));
  page.dataset.may = String(may);
  page.append(await partnersSection(q.place), await inventorySection(q.place, q.year, may, gpc, invs),
    await indicatorSection(q.place, q.framework, fws), await scenarioSection(q.place, q, may, scens, places));
}
