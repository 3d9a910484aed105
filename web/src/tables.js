// tables.js - a list page and a detail page for each atlas table:
// #/<table>?<filter>=…&q=… lists the rows (the filters are the list route's
// own query parameters, read from /api/v1/openapi.json, so a filter column
// added to atlas/tables.c shows up here; q goes to /api/v1/search), and
// #/<table>/<id> shows every field of one row, labelled in the chosen
// language, with links to the rows it names and the rows that name it.
// What a table is - its key, the columns that name a row, the few a list
// shows, the table each reference points at - comes from /api/v1/tables
// (made from atlas/tables.c), not from a copy here.
import { lifeSection } from './life.js';
import { api, busy, countryNames, downloads, fmt, fyLabel, h, has, lang, name, name1, t, tf } from './core.js';
import { writeForm } from './forms.js';
import { canCall, inScope, write } from './session.js';

// Every atlas table as the API describes it, by name: {key, display: [ja, en],
// cols: the brief columns, refs: {column: table}, nameHead: the label of the
// name column}.
const META = {};
// The tables with pages: listable, and a row named by one key column (the
// figures, keyed by table, row and column, are drawn as charts instead).
export const TABLES = {};
export let TABLE_ORDER = [];

// Read the descriptions once, before the first page is drawn.
export async function loadTables() {
  for (const tb of await api('tables')) {
    const base = (tb.display[0] || '').replace(/_ja$/, '');
    META[tb.name] = {
      key: tb.key.length === 1 ? tb.key[0] : null, display: tb.display, cols: tb.brief,
      refs: Object.fromEntries(tb.columns.filter((c) => c.ref).map((c) => [c.name, c.ref])),
      nameHead: has(`nh_${base}`) ? `nh_${base}` : 'name',
    };
    if (tb.listable && META[tb.name].key) TABLES[tb.name] = META[tb.name];
  }
  TABLE_ORDER = Object.keys(TABLES);
}

// the table a column of `table` points at
const refOf = (table, col) => META[table]?.refs[col];
const CODED = new Set(['kind', 'sector', 'status', 'jcm_partner', 'state']);
const href = (table, id) => `#/${table}/${encodeURIComponent(id)}`;

// The two names of a row, [ja, en].
export function rowNames(table, r) {
  if (table === 'partnerships') {
    const j = (xs, k) => xs.map((x) => x[k] || x.name_ja).join(k === 'name_ja' ? '・' : ', ');
    return [`${j(r.bodies, 'name_ja')} – ${j(r.partners, 'name_ja')}`, `${j(r.bodies, 'name_en')} – ${j(r.partners, 'name_en')}`];
  }
  const [ja, en] = META[table]?.display || [];
  return [ja ? r[ja] : undefined, en ? r[en] : undefined];
}

export const colLabelKey = (table, col) => (has(`c_${table}.${col}`) ? `c_${table}.${col}` : `c_${col}`);
const codedKey = (table, col, v) => (has(`v_${table}.${col}:${v}`) ? `v_${table}.${col}:${v}` : `v_${col}:${v}`);

// What every page of rows needs to name what a row points at.
async function context() {
  const [places, cases, countries] = await Promise.all([api('places'), api('cases'), countryNames()]);
  return {
    places: new Map(places.map((p) => [p.id, p])),
    cases: new Map(cases.map((c) => [c.id, c])),
    countries: new Map(Object.entries(countries)),
  };
}

// The name of row `v` of table `rt`, in the chosen language, or the id when
// the page has not loaded that table's rows.
function refText(rt, v, ctx) {
  const r = ctx[rt]?.get(v);
  return r ? name1(...rowNames(rt, r)) : String(v);
}

// A value as plain text in the chosen language (select options, chart labels).
function valueText(table, col, v, ctx) {
  if (v == null || v === '') return '—';
  if (refOf(table, col)) return refText(refOf(table, col), v, ctx);
  // the partnerships route's body and partner filters take a place
  if (col === 'body' || col === 'partner') return refText('places', v, ctx);
  if (CODED.has(col)) return has(codedKey(table, col, v)) ? t(codedKey(table, col, v)) : String(v);
  if (col === 'fiscal_year' || col === 'fy') return fyLabel(v);
  return String(v);
}

// A value as DOM: links for references, labels for codes, both names where
// the data has both, the language marked on text that is in one language.
// In a list (brief), a reference shows its name in the chosen language only:
// the row's own name keeps both.
function cell(table, col, v, ctx, brief = false) {
  if (v == null || v === '' || (Array.isArray(v) && !v.length)) return h('span', { class: 'empty' }, '—');
  if (refOf(table, col)) {
    const rt = refOf(table, col), r = ctx[rt]?.get(v);
    if (!r) return h('a', { href: href(rt, v) }, String(v));
    const [ja, en] = rowNames(rt, r);
    if (!brief) return h('a', { href: href(rt, v) }, name(ja, en));
    const inJa = lang === 'ja' ? !!ja : !en; // the language name1() picks
    return h('a', { href: href(rt, v) }, h('span', { lang: inJa ? 'ja' : 'en' }, name1(ja, en)));
  }
  if (col === 'bodies' || col === 'partners')
    return v.map((p, i) => [i ? h('br') : null, h('a', { href: href('places', p.id) }, name(p.name_ja, p.name_en))]);
  if (CODED.has(col))
    return has(codedKey(table, col, v)) ? t(codedKey(table, col, v)) : h('span', { class: 'raw-value' }, String(v));
  if (col === 'fiscal_year') return fyLabel(v);
  if (col === 'fiscal_years') return v.map(fyLabel).join(', ');
  if (col === 'sources') return h('ul', { class: 'sources' }, v.map((s) => h('li', {}, s)));
  if (Array.isArray(v)) return v.join(', ');
  if (/_ja$/.test(col)) return h('span', { lang: 'ja' }, v);
  if (/_en$/.test(col)) return h('span', { lang: 'en' }, v);
  return String(v);
}

function colHead(table, col) {
  const k = colLabelKey(table, col);
  return has(k) ? t(k) : h('span', { class: 'raw' }, col);
}

// --- lists ---------------------------------------------------------------------

export function partnershipTable(rows, cname) {
  const names = (xs) => xs.map((x, i) => [i ? h('br') : null, name(x.name_ja, x.name_en)]);
  return h('div', { class: 'tablewrap', tabindex: '0', role: 'region', 'aria-label': t('list_h') },
    // data-table and data-label: on a phone each row is a card, every value
    // after its column's name, the fiscal years too (style.css)
    h('table', { class: 'plist', 'data-table': 'partnerships' },
      h('thead', {}, h('tr', {}, ['country', 'body', 'partner', 'fys'].map((k) => h('th', { scope: 'col' }, t(k))))),
      h('tbody', {}, rows.map((p) => h('tr', { 'data-id': p.id },
        h('td', { 'data-label': t('country') }, name(p.country_ja || cname?.[p.country]?.name_ja, p.country_en || cname?.[p.country]?.name_en)),
        h('td', { 'data-label': t('body') }, names(p.bodies)),
        // the partnership is named by its partner places, so they open it
        h('td', { 'data-label': t('partner') }, h('a', { href: href('partnerships', p.id), class: 'rowlink' }, names(p.partners))),
        h('td', { class: 'num', 'data-label': t('fys') }, (p.fiscal_years || []).join(', ')))))));
}

function rowsTable(table, rows, ctx) {
  const spec = TABLES[table];
  const heads = Object.fromEntries(spec.cols.map((c) => [c, has(colLabelKey(table, c)) ? t(colLabelKey(table, c)) : c]));
  return h('div', { class: 'tablewrap', tabindex: '0', role: 'region', 'aria-label': t(`t_${table}`) },
    h('table', { class: 'plist', 'data-table': table },
      h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, t(spec.nameHead)),
        spec.cols.map((c) => h('th', { scope: 'col', 'data-col': c }, colHead(table, c))))),
      h('tbody', {}, rows.map((r) => h('tr', { 'data-id': r[spec.key] },
        h('th', { scope: 'row' }, h('a', { href: href(table, r[spec.key]), class: 'rowlink' }, name(...rowNames(table, r)))),
        // data-label: the column's name before each value when a phone shows a row as a card
        spec.cols.map((c) => h('td', { 'data-col': c, 'data-label': heads[c] }, cell(table, c, r[c], ctx, true))))))));
}

// The list route's filter parameters, from the OpenAPI document.
async function filterNames(table) {
  const doc = await api('openapi.json');
  const ps = doc.paths?.[`/api/v1/${table}`]?.get?.parameters || [];
  // paging and the downloads' own parameters are no filters of the rows
  return ps.map((p) => p.name).filter((n) => !['limit', 'offset', 'format', 'bom'].includes(n));
}

// The values a filter can take: those the rows hold.
function filterValues(table, f, rows) {
  const vals = new Set();
  for (const r of rows)
    if (table === 'partnerships' && f === 'fy') (r.fiscal_years || []).forEach((y) => vals.add(String(y)));
    else if (table === 'partnerships' && (f === 'body' || f === 'partner'))
      r[f === 'body' ? 'bodies' : 'partners'].forEach((p) => vals.add(p.id));
    else if (r[f] != null && r[f] !== '') vals.add(String(r[f]));
  return [...vals];
}

export function tablesNav(current) {
  return h('nav', { class: 'tables', 'aria-label': t('tables_nav') }, h('ul', {}, TABLE_ORDER.map((k) =>
    h('li', {}, h('a', { href: `#/${k}`, 'aria-current': k === current ? 'page' : null }, t(`t_${k}`))))));
}

const shownText = (n, of) => tf('rows_shown', { n: fmt(n), of: fmt(of) });

export async function listPage(table, page, params) {
  const spec = TABLES[table];
  const [all, filters, ctx] = await Promise.all([api(table), filterNames(table), context()]);
  const cn = Object.fromEntries(ctx.countries);
  const state = { q: params.get('q') || '' };
  for (const f of filters) state[f] = params.get(f) || '';

  const input = h('input', { id: 'q', name: 'q', type: 'search', value: state.q, autocomplete: 'off' });
  const selects = filters.map((f) => {
    const opts = filterValues(table, f, all).map((v) => [v, valueText(table, f, v, ctx)])
      .sort((a, b) => (/^\d+$/.test(a[0]) && /^\d+$/.test(b[0]) ? a[0] - b[0] : a[1].localeCompare(b[1], lang)));
    const sel = h('select', { id: `f-${f}`, name: f }, h('option', { value: '' }, t('all')),
      opts.map(([v, label]) => h('option', { value: v }, label)));
    sel.value = state[f];
    sel.addEventListener('change', () => { state[f] = sel.value; update(); });
    return h('div', { class: 'field' }, h('label', { for: `f-${f}` }, colHead(table, f)), sel);
  });
  const form = h('form', { class: 'search', role: 'search', onsubmit: (e) => {
    e.preventDefault();
    state.q = input.value.trim();
    update();
  } }, h('label', { for: 'q' }, t('search_label')),
  h('div', { class: 'row' }, input, h('button', { type: 'submit' }, t('search_button')),
    h('a', { href: `#/${table}`, class: 'clear' }, t('clear'))),
  selects.length ? h('fieldset', { class: 'filters' }, h('legend', {}, t('filters')), selects) : null);
  const results = h('div', { class: 'results' });
  page.append(tablesNav(table), h('h1', {}, t(`t_${table}`)), form, results);

  const hashOf = () => {
    const qs = new URLSearchParams(Object.entries(state).filter(([, v]) => v));
    return `#/${table}${qs.toString() ? `?${qs}` : ''}`;
  };
  const show = async () => {
    const fq = new URLSearchParams(filters.filter((f) => state[f]).map((f) => [f, state[f]]));
    let rows = fq.toString() ? await api(`${table}?${fq}`) : all;
    const out = [];
    let hits = [];
    if (state.q) {
      hits = await api(`search?q=${encodeURIComponent(state.q)}&limit=10000`);
      const ids = new Set(hits.filter((x) => x.table === table).map((x) => x.id));
      rows = rows.filter((r) => ids.has(String(r[spec.key])));
      out.push(h('p', { class: 'status', role: 'status' }, `${t('results_for')} “${state.q}”: `, shownText(rows.length, all.length)));
    } else out.push(h('p', { class: 'status', role: 'status' }, shownText(rows.length, all.length)));
    if (rows.length) {
      out.push(table === 'partnerships' ? partnershipTable(rows, cn) : rowsTable(table, rows, ctx));
      out.push(downloads(`${table}${fq.toString() ? `?${fq}` : ''}`, state.q ? t('dl_no_text_search') : ''));
    }
    else out.push(h('p', { class: 'empty-list' }, state.q ? t('no_results') : t('no_match')));
    // the partnerships page is also the search of everything: the other tables' hits below
    if (table === 'partnerships' && state.q) out.push(...await otherHits(hits));
    results.replaceChildren(...out);
  };
  const update = () => busy(page, async () => {
    if (hashOf() !== location.hash) history.pushState(null, '', hashOf());
    await show();
  });
  await show();
}

async function otherHits(hits) {
  const byTable = new Map();
  for (const x of hits) if (x.table !== 'partnerships') byTable.set(x.table, [...(byTable.get(x.table) || []), x]);
  if (!byTable.size) return [];
  // the full records give both names; a table that fails to load shows the hit's own name
  const recs = Object.fromEntries(await Promise.all([...byTable.keys()].map((k) =>
    api(k).then((rows) => [k, new Map(rows.map((r) => [String(r[TABLES[k]?.key || 'id']), r]))]).catch(() => [k, new Map()]))));
  return [h('h2', {}, t('other_results')), ...[...byTable].map(([k, xs]) =>
    h('section', { class: 'hits', 'data-table': k },
      h('h3', {}, `${t(`t_${k}`)} (${fmt(xs.length)})`),
      h('ul', {}, xs.map((x) => {
        const r = recs[k].get(x.id);
        const [ja, en] = r ? rowNames(k, r) : [x.name, null];
        const nm = name(ja || x.name, en);
        return h('li', { 'data-id': x.id }, TABLES[k] ? h('a', { href: href(k, x.id) }, nm) : nm,
          r && r.fiscal_year ? h('span', { class: 'meta' }, ` ${fyLabel(r.fiscal_year)}`) : null);
      }))))];
}

// #/data: every table with its number of rows
export async function dataPage(page) {
  const counts = await Promise.all(TABLE_ORDER.map((k) => api(k).then((rs) => rs.length)));
  page.append(h('h1', {}, t('data_h')), h('p', { class: 'intro' }, t('data_intro')),
    h('ul', { class: 'cards tables-index' }, TABLE_ORDER.map((k, i) => h('li', { class: 'card', 'data-table': k },
      h('span', { class: 'value' }, fmt(counts[i])),
      h('a', { href: `#/${k}`, class: 'label' }, t(`t_${k}`))))));
  // what the atlas rests on: every source it cites, most cited first (c2c sources)
  // the ten most cited in view, every other one a click away
  const sources = await api('sources');
  const table = (rows, id) => h('div', { class: 'tablewrap', tabindex: '0', role: 'region', 'aria-labelledby': id },
    h('table', { class: 'plist', 'data-table': 'sources' },
      h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, t('data_source')), h('th', { scope: 'col', class: 'num' }, t('data_facts')),
        h('th', { scope: 'col' }, t('data_in_tables')))),
      h('tbody', {}, rows.map((r) => h('tr', {},
        h('th', { scope: 'row', lang: /[\u3040-\u30ff\u4e00-\u9fff]/.test(r.source) ? 'ja' : 'en' }, r.source),
        h('td', { class: 'num', 'data-label': t('data_facts') }, fmt(r.facts)),
        h('td', { 'data-label': t('data_in_tables') }, h('span', {}, r.tables.split(';').map((k, i) =>
          [i ? ', ' : '', TABLES[k] ? h('a', { href: `#/${k}` }, t(`t_${k}`)) : t(`t_${k}`)]))))))));
  page.append(h('section', { class: 'data-sources', 'aria-labelledby': 'data-sources-h' },
    h('h2', { id: 'data-sources-h' }, t('data_sources_h')), h('p', { class: 'intro' }, tf('data_sources_intro', { n: fmt(sources.length) })),
    table(sources.slice(0, 10), 'data-sources-h'),
    sources.length > 10 ? h('details', {}, h('summary', { id: 'data-sources-more' }, tf('data_sources_more', { n: fmt(sources.length - 10) })),
      table(sources.slice(10), 'data-sources-more')) : null,
    downloads('sources')));
}

// --- one row ---------------------------------------------------------------------

export async function detailPage(table, page, id) {
  const spec = TABLES[table];
  const [rows, ctx] = await Promise.all([api(table), context()]);
  const r = rows.find((x) => String(x[spec.key]) === id);
  page.append(tablesNav(table));
  if (!r) {
    page.append(h('h1', {}, t('not_found')), h('p', { class: 'warn', role: 'alert' }, `${t(`t_${table}`)}: ${id}`),
      h('p', {}, h('a', { href: `#/${table}` }, `← ${t('back_to')}`)));
    return;
  }
  const sub = r.kind ? valueText(table, 'kind', r.kind, ctx) : null;
  page.append(...[
    h('p', { class: 'crumbs' }, h('a', { href: `#/${table}` }, `← ${t(`t_${table}`)}`)),
    h('h1', { class: 'detail-h' }, name(...rowNames(table, r))),
    sub ? h('p', { class: 'kind' }, sub) : null,
    h('h2', { id: 'fields-h' }, t('fields_h')),
    h('dl', { class: 'fields', 'aria-labelledby': 'fields-h' }, Object.keys(r).map((k) =>
      h('div', { class: 'field-row', 'data-col': k },
        h('dt', {}, colHead(table, k)), h('dd', {}, cell(table, k, r[k], ctx)))))].filter(Boolean));
  // a project's whole life: partnerships, stages, MRV, credits, scenarios
  if (table === 'projects') page.append(await lifeSection(r.id));
  const edit = await editSection(table, r);
  if (edit) page.append(edit);
  // a relation the API cannot read yet (rows: null) is left out: a user can
  // do nothing with a heading that says so
  const rel = (await related(table, r)).filter((x) => x.rows);
  if (rel.length)
    page.append(h('section', { class: 'related', 'aria-labelledby': 'related-h' },
      h('h2', { id: 'related-h' }, t('related_h')),
      rel.map((x) => h('section', { class: 'rel', 'data-rel': x.id },
        h('h3', {}, `${t(x.title)} (${fmt(x.rows.length)})`),
        x.rows.length ? h('ul', {}, x.rows.map((o) => h('li', { 'data-id': o[TABLES[x.table].key] },
            h('a', { href: href(x.table, o[TABLES[x.table].key]) }, name(...rowNames(x.table, o))),
            relMeta(x.table, o, ctx))))
            : h('p', { class: 'empty-list' }, t('none'))))));
  // a case whose solution spread: the spread drawn, its edges highlighted
  if (table === 'cases' && rel.some((x) => x.id === 'domino' && x.rows?.length))
    page.append(h('p', { class: 'more dm-see' }, h('a', { href: `#/domino?case=${encodeURIComponent(r.id)}` }, `${t('dm_see')} →`)));
}

function relMeta(table, o, ctx) {
  const bits = [];
  if (o.kind) bits.push(valueText(table, 'kind', o.kind, ctx));
  if (o.fiscal_year) bits.push(fyLabel(o.fiscal_year));
  if (o.fiscal_years?.length) bits.push(o.fiscal_years.map(fyLabel).join(', '));
  if (o.signed_on) bits.push(o.signed_on);
  return bits.length ? h('span', { class: 'meta' }, ` · ${bits.join(' · ')}`) : null;
}

// The rows that point at this one (the rows it points at are links in its fields).
// A relation the API has no read route for yet has rows: null (not shown).
async function related(table, r) {
  const load = (...ks) => Promise.all(ks.map((k) => api(k)));
  const ids = (xs) => new Set(xs.map((x) => x.id));
  const rel = (id, title, t2, rows) => ({ id, title, table: t2, rows });
  switch (table) {
  case 'places': {
    const [places, parts, projects, agreements, events, domino] =
      await load('places', 'partnerships', 'projects', 'agreements', 'events', 'domino');
    const id = r.id;
    const always = r.country === 'JP' ? ['partnerships-body', 'projects-body'] : ['partnerships-partner', 'projects-place'];
    return [
      rel('children', 'rel_children', 'places', places.filter((p) => p.parent_id === id)),
      rel('partnerships-body', 'rel_partnerships_body', 'partnerships', parts.filter((p) => p.bodies.some((b) => b.id === id))),
      rel('partnerships-partner', 'rel_partnerships_partner', 'partnerships', parts.filter((p) => p.partners.some((b) => b.id === id))),
      rel('projects-place', 'rel_projects_place', 'projects', projects.filter((p) => p.place_id === id)),
      rel('projects-body', 'rel_projects_body', 'projects', projects.filter((p) => p.body_id === id)),
      rel('agreements', 't_agreements', 'agreements', agreements.filter((a) => a.body_id === id || a.partner_place_id === id)),
      rel('events', 't_events', 'events', events.filter((e) => e.place_id === id || e.body_id === id)),
      rel('domino-from', 'rel_domino_from', 'domino', domino.filter((d) => d.from_place_id === id)),
      rel('domino-to', 'rel_domino_to', 'domino', domino.filter((d) => d.to_place_id === id)),
    ].filter((x) => x.rows.length || always.includes(x.id)); // empty sections only where rows are expected
  }
  case 'partnerships': {
    const [projects, agreements] = await load('projects', 'agreements');
    const bs = ids(r.bodies), ps = ids(r.partners);
    return [
      rel('projects', 't_projects', 'projects', projects.filter((p) => ps.has(p.place_id) && bs.has(p.body_id))),
      rel('agreements', 't_agreements', 'agreements', agreements.filter((a) => bs.has(a.body_id) && ps.has(a.partner_place_id))),
    ];
  }
  case 'projects': {
    const [parts, agreements] = await load('partnerships', 'agreements');
    return [
      rel('partnerships', 't_partnerships', 'partnerships', parts.filter((p) =>
        p.partners.some((x) => x.id === r.place_id) && p.bodies.some((x) => x.id === r.body_id))),
      rel('agreements', 't_agreements', 'agreements', agreements.filter((a) =>
        r.body_id && a.body_id === r.body_id && a.partner_place_id === r.place_id)),
      rel('companies', 'rel_project_companies', 'companies', null),
    ];
  }
  case 'agreements': {
    const [parts, projects] = await load('partnerships', 'projects');
    return [
      rel('partnerships', 't_partnerships', 'partnerships', parts.filter((p) =>
        p.partners.some((x) => x.id === r.partner_place_id) && p.bodies.some((x) => x.id === r.body_id))),
      rel('projects', 't_projects', 'projects', projects.filter((p) =>
        p.body_id === r.body_id && p.place_id && p.place_id === r.partner_place_id)),
    ];
  }
  case 'companies': return [rel('projects', 'rel_company_projects', 'projects', null)];
  case 'networks': return [rel('members', 'rel_network_members', 'places', null)];
  case 'cases': {
    const [domino] = await load('domino');
    return [rel('domino', 't_domino', 'domino', domino.filter((d) => d.case_id === r.id)),
      rel('places', 'rel_case_places', 'places', null)];
  }
  case 'countries': {
    const [parts, places, projects, companies, domino] = await load('partnerships', 'places', 'projects', 'companies', 'domino');
    const c = r.code;
    return [
      rel('partnerships', 't_partnerships', 'partnerships', parts.filter((p) => p.country === c)),
      rel('places', 't_places', 'places', places.filter((p) => p.country === c)),
      rel('projects', 't_projects', 'projects', projects.filter((p) => p.country === c)),
      rel('companies', 't_companies', 'companies', companies.filter((p) => p.country === c)),
      rel('domino', 'rel_domino_to', 'domino', domino.filter((d) => d.to_country === c)),
    ].filter((x) => x.rows.length);
  }
  default: return [];
  }
}

// --- editing a row --------------------------------------------------------------
// The columns an edit form offers, per table: the PATCH route takes every
// column, these are the ones people correct by hand (the id, the country and
// the source stay as imported).  Partnerships, agreements and projects are
// kept up to date by municipalities and partner cities too; places, cases
// and events are the office's and the admin's (their PATCH routes say so).
// A column the route's body no longer takes is left out.
const EDIT = {
  partnerships: ['fiscal_years', 'note'],
  agreements: ['signed_on', 'signed_original', 'renewed_on', 'renewed_original'],
  projects: ['status', 'capacity', 'fiscal_year', 'started_on', 'note'],
  places: ['name_ja', 'name_en', 'kind', 'lat', 'lon'],
  cases: ['title_ja', 'title_en', 'summary_ja'],
  events: ['title_ja', 'title_en', 'starts_on', 'ends_on', 'date_original', 'summary_ja'],
};
const EDIT_HINT = { fiscal_years: 'hint_fiscal_years', signed_on: 'hint_date', renewed_on: 'hint_date', started_on: 'hint_date',
  starts_on: 'hint_date', ends_on: 'hint_date', lat: 'hint_degrees', lon: 'hint_degrees' };
const LONG_TEXT = new Set(['note', 'summary_ja']);
// the atlas places a row is linked through: what a municipality's or a
// partner city's scope is compared with
const rowPlaces = (table, r) => (table === 'partnerships'
  ? [...r.bodies, ...r.partners].map((p) => p.id)
  : [r.body_id, r.place_id, r.partner_place_id].filter(Boolean));
// a column's value as the form shows it (the partnerships route gives the
// fiscal years as a list; the column is "2020;2021")
const editValue = (table, r, c) => (table === 'partnerships' && c === 'fiscal_years'
  ? (r.fiscal_years || []).join(';') : r[c] ?? '');

// The edit form of a row, for a user whose role may PATCH the table's rows
// (the route's roles, from the OpenAPI document) and whose scope covers this
// row; null for everyone else.
async function editSection(table, r) {
  const path = `/api/v1/${table}/{id}`;
  if (!EDIT[table] || !(await canCall('PATCH', path)) || !inScope('place', rowPlaces(table, r))) return null;
  const doc = await api('openapi.json');
  const props = doc.paths[path].patch.requestBody?.content?.['application/json']?.schema?.properties || {};
  const fields = EDIT[table].filter((c) => props[c]).map((c) => ({
    name: c,
    label: t(colLabelKey(table, c)),
    type: LONG_TEXT.has(c) ? 'textarea' : props[c].type === 'integer' ? 'number' : 'text',
    min: props[c].minimum, max: props[c].maximum,
    value: editValue(table, r, c),
    hint: EDIT_HINT[c] ? t(EDIT_HINT[c]) : null,
  }));
  if (!fields.length) return null;
  const id = r[TABLES[table].key];
  const form = writeForm({
    id: 'edit', title: t('edit_h'), intro: t('edit_intro'), fields, submitLabel: t('save'),
    submit: (v) => {
      // only what changed; an emptied field is null (the column emptied)
      const body = {};
      // a real column (coordinates) takes a JSON number: text that reads as
      // one is sent as one, anything else as typed, for the server to refuse
      // at its field
      const asValue = (f, x) => (props[f.name].type === 'number' && x !== '' && Number.isFinite(Number(x)) ? Number(x) : x);
      for (const f of fields)
        if (String(v[f.name]) !== String(f.value)) body[f.name] = v[f.name] === '' ? null : asValue(f, v[f.name]);
      if (!Object.keys(body).length) return { ok: false, local: true, error: { message: t('nothing_changed') } };
      return write('PATCH', `${table}/${encodeURIComponent(id)}`, body);
    },
    done: (row, v) => `${t('saved')}: ${fields.filter((f) => String(v[f.name]) !== String(f.value)).map((f) => f.label).join(', ')}`,
  });
  return h('section', { class: 'edit', 'data-edit': table }, form);
}
