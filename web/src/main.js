// main.js - the c2c web app: one page, hash routes (#/, #/map,
// #/partnerships?q=…), every label in Japanese and English, data from the
// JSON API of the same server (/api/v1/…).  Bundled by build.mjs with
// d3-geo, topojson-client and world-atlas, so nothing comes from elsewhere.
//
// DOM is built with createElement (h() below), never innerHTML: names come
// from the data, and the server's CSP forbids inline script and style.
import { geoNaturalEarth1, geoPath } from 'd3-geo';
import { feature } from 'topojson-client';
import world from 'world-atlas/countries-110m.json';

// --- language -----------------------------------------------------------
const L = {
  title: ['都市間連携', 'City-to-City Collaboration'],
  subtitle: ['JCM アトラス', 'JCM atlas'],
  skip: ['本文へ移動', 'Skip to content'],
  nav: ['ページ', 'Pages'],
  nav_dashboard: ['ダッシュボード', 'Dashboard'],
  nav_map: ['地図', 'Map'],
  nav_partnerships: ['連携事業', 'Partnerships'],
  footer: ['データ：c2c アトラス（c2c が配信。外部への通信はありません）',
    'Data: the c2c atlas, served by c2c itself; no request leaves this server.'],
  lang_button: ['English', '日本語'],
  lang_aria: ['表示言語を英語に切り替える (Switch to English)', '表示言語を日本語に切り替える (Switch to Japanese)'],
  loading: ['読み込み中…', 'Loading…'],
  load_error: ['データを読み込めませんでした', 'Could not load the data'],
  dash_h: ['主要な数値', 'Headline figures'],
  range_all: ['対象：2013～2025年度（seed 003 の一覧すべて）', 'Fiscal years 2013–2025 (the whole list of seed 003)'],
  dash_intro: ['環境省「脱炭素社会実現のための都市間連携事業」（2013～2025年度）と二国間クレジット制度（JCM）',
    "The Ministry of the Environment's City-to-City Collaboration programme (FY2013–2025) and the Joint Crediting Mechanism (JCM)"],
  f_partnerships: ['連携事業', 'Partnerships'],
  f_countries: ['相手国', 'Partner countries'],
  f_partner_places: ['海外の都市・地域', 'Partner cities and regions'],
  f_japanese_bodies: ['日本の自治体', 'Japanese local governments'],
  f_japanese_bodies_all: ['日本の団体（全種）', 'Japanese bodies, all kinds'],
  f_projects: ['事業', 'Projects'],
  f_jcm_projects: ['JCMプロジェクト', 'JCM projects'],
  f_jcm_projects_from_programme: ['本事業から形成されたJCM案件', 'JCM projects formed from the programme'],
  f_jcm_partner_countries: ['JCMパートナー国', 'JCM partner countries'],
  published: ['公表値', 'published'],
  how_counted: ['数え方', 'How it is counted'],
  reg_h: ['JCM 登録簿', 'JCM registry'],
  reg_ok: ['検証済み：ハッシュチェーン・再計算・不変条件', 'Verified: hash chain, replay and invariants'],
  reg_bad: ['検証に失敗しました', 'Verification failed'],
  reg_entries: ['記録', 'Journal entries'],
  reg_issued: ['発行', 'Issued'],
  reg_held: ['保有', 'Held'],
  reg_retired: ['償却', 'Retired'],
  reg_cancelled: ['取消', 'Cancelled'],
  map_h: ['連携の地図', 'Map of the partnerships'],
  country: ['国', 'Country'],
  fy: ['年度', 'Fiscal year'],
  all: ['すべて', 'All'],
  legend_body: ['日本の自治体・団体', 'Japanese body'],
  legend_partner: ['海外の都市・地域', 'Partner place'],
  legend_line: ['連携', 'Partnership'],
  shown: ['表示中', 'Shown'],
  places_n: ['地点', 'places'],
  partnerships_n: ['件の連携', 'partnerships'],
  map_aria: ['連携の地図：日本の自治体と海外の都市を結ぶ線', 'Map: lines join Japanese bodies to their partner places'],
  list_h: ['連携事業', 'Partnerships'],
  search_label: ['検索（日本語・英語）', 'Search (Japanese or English)'],
  search_button: ['検索', 'Search'],
  clear: ['クリア', 'Clear'],
  body: ['日本の自治体', 'Japanese body'],
  partner: ['相手都市・地域', 'Partner place'],
  fys: ['年度', 'Fiscal years'],
  results_for: ['検索結果', 'Results for'],
  no_results: ['見つかりませんでした', 'Nothing found'],
  other_results: ['その他の検索結果', 'Other results'],
  t_projects: ['事業', 'Projects'], t_places: ['場所', 'Places'], t_cases: ['事例', 'Cases'],
  t_events: ['イベント', 'Events'], t_agreements: ['協定', 'Agreements'],
  t_partnerships: ['連携事業', 'Partnerships'], t_companies: ['企業', 'Companies'],
  t_schemes: ['支援制度', 'Support schemes'], t_networks: ['ネットワーク', 'Networks'],
  t_domino: ['脱炭素ドミノ', 'Decarbonization domino'], t_figures: ['図表', 'Figures'],
  t_countries: ['国', 'Countries'],
};
const KEY = 'c2c.lang';
let lang = localStorage.getItem(KEY) || ((navigator.language || '').startsWith('ja') ? 'ja' : 'en');
const t = (k) => (L[k] ? L[k][lang === 'ja' ? 0 : 1] : k);

// --- DOM ----------------------------------------------------------------
function h(tag, attrs, ...kids) {
  const el = tag.startsWith('svg:')
    ? document.createElementNS('http://www.w3.org/2000/svg', tag.slice(4))
    : document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {}))
    if (v === true) el.setAttribute(k, '');
    else if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else if (v != null && v !== false) el.setAttribute(k, v);
  for (const c of kids.flat(Infinity))
    if (c != null && c !== false) el.append(c instanceof Node ? c : String(c));
  return el;
}

// A name in the chosen language with the other beside it; either may be missing.
function name(ja, en) {
  const [first, firstLang, second, secondLang] = lang === 'ja' ? [ja, 'ja', en, 'en'] : [en, 'en', ja, 'ja'];
  const a = first || second, al = first ? firstLang : secondLang;
  const b = first && second && first !== second ? second : null;
  return h('span', { class: 'name' }, h('span', { lang: al }, a || '—'),
    b ? h('span', { class: 'other', lang: secondLang }, b) : null);
}
const fmt = (n) => new Intl.NumberFormat(lang === 'ja' ? 'ja-JP' : 'en-GB').format(n);

// --- data (each list fetched once) ----------------------------------------
const cache = new Map();
function api(path) {
  if (!cache.has(path))
    cache.set(path, fetch(`/api/v1/${path}`).then((r) => {
      if (!r.ok) throw new Error(`${r.status} /api/v1/${path}`);
      return r.json();
    }).catch((e) => { cache.delete(path); throw e; }));
  return cache.get(path);
}

// --- pages ----------------------------------------------------------------
const FIGS = ['countries', 'partner_places', 'japanese_bodies', 'partnerships', 'projects',
  'jcm_projects', 'jcm_projects_from_programme', 'jcm_partner_countries'];

async function dashboard(main) {
  const [stats, reg] = await Promise.all([api('stats'), api('registry/verify').catch(() => null)]);
  const byKey = Object.fromEntries(stats.figures.map((f) => [f.key, f]));
  const cards = FIGS.filter((k) => byKey[k]).map((k) => {
    const f = byKey[k];
    return h('li', { class: 'card', 'data-key': k },
      h('span', { class: 'value' }, fmt(f.value)),
      h('span', { class: 'label' }, t(`f_${k}`)),
      f.headline != null && f.headline !== f.value
        ? h('span', { class: 'published' }, `${t('published')}: ${fmt(f.headline)}`) : null,
      h('details', {}, h('summary', {}, t('how_counted')), h('p', { lang: 'en' }, f.rule)));
  });
  main.append(h('h1', {}, t('dash_h')), h('p', { class: 'intro' }, t('dash_intro')),
    // the API's range_label is English; the whole-list case is said in the page's language
    stats.from == null && stats.to == null
      ? h('p', { class: 'range' }, t('range_all'))
      : h('p', { class: 'range', lang: 'en' }, stats.range_label || ''),
    h('ul', { class: 'cards' }, cards));
  if (reg) {
    const rows = ['entries', 'issued', 'held', 'retired', 'cancelled'].map((k) =>
      h('div', { class: 'kv' }, h('dt', {}, t(`reg_${k}`)), h('dd', {}, fmt(reg[k] || 0))));
    main.append(h('section', { class: 'registry', 'aria-labelledby': 'reg-h' },
      h('h2', { id: 'reg-h' }, t('reg_h')),
      h('p', { class: reg.ok ? 'good' : 'warn' }, reg.ok ? `✓ ${t('reg_ok')}` : `✗ ${t('reg_bad')}: ${reg.message}`),
      h('dl', {}, rows)));
  }
}

// The map: every place a point, every partnership lines from its Japanese
// bodies to its partner places; filters keep the partnerships that match
// and the places they name (all places when no filter is set).
const mapState = { country: '', fy: '' };
async function mapPage(main) {
  const [places, parts, countries] = await Promise.all([api('places'), api('partnerships'), api('countries')]);
  const cname = Object.fromEntries(countries.map((c) => [c.code, c]));
  const pcountries = [...new Set(parts.map((p) => p.country))].sort((a, b) =>
    (cname[a]?.name_en || a).localeCompare(cname[b]?.name_en || b));
  const years = [...new Set(parts.flatMap((p) => p.fiscal_years || []))].sort();

  const countrySel = h('select', { id: 'f-country', name: 'country' },
    h('option', { value: '' }, t('all')),
    pcountries.map((c) => h('option', { value: c }, lang === 'ja'
      ? `${cname[c]?.name_ja || c}（${cname[c]?.name_en || c}）` : `${cname[c]?.name_en || c} (${cname[c]?.name_ja || c})`)));
  const fySel = h('select', { id: 'f-fy', name: 'fy' }, h('option', { value: '' }, t('all')),
    years.map((y) => h('option', { value: String(y) }, lang === 'ja' ? `${y}年度` : `FY${y}`)));
  countrySel.value = mapState.country;
  fySel.value = mapState.fy;
  const status = h('p', { class: 'status', role: 'status', 'aria-live': 'polite' });
  const W = 960, H = 520;
  const svg = h('svg:svg', { viewBox: `0 0 ${W} ${H}`, class: 'map', role: 'img', 'aria-label': t('map_aria') });
  const info = h('div', { class: 'info', 'aria-live': 'polite' });
  const listBox = h('div', { class: 'maplist' });
  const legend = h('ul', { class: 'legend' },
    h('li', {}, h('span', { class: 'sw body' }), t('legend_body')),
    h('li', {}, h('span', { class: 'sw partner' }), t('legend_partner')),
    h('li', {}, h('span', { class: 'sw line' }), t('legend_line')));
  main.append(h('h1', {}, t('map_h')),
    h('form', { class: 'filters', onsubmit: (e) => e.preventDefault() },
      h('div', { class: 'field' }, h('label', { for: 'f-country' }, t('country')), countrySel),
      h('div', { class: 'field' }, h('label', { for: 'f-fy' }, t('fy')), fySel)),
    status, h('div', { class: 'mapbox' }, svg), legend, info, listBox);

  const land = feature(world, world.objects.countries);
  const draw = () => {
    mapState.country = countrySel.value;
    mapState.fy = fySel.value;
    const sel = parts.filter((p) => (!mapState.country || p.country === mapState.country) &&
      (!mapState.fy || (p.fiscal_years || []).includes(Number(mapState.fy))));
    const filtered = mapState.country || mapState.fy;
    const ids = new Set(sel.flatMap((p) => [...p.bodies, ...p.partners].map((x) => x.id)));
    const pts = places.filter((p) => p.lat != null && p.lon != null && (!filtered || ids.has(p.id)));
    const fit = { type: 'MultiPoint', coordinates: pts.map((p) => [p.lon, p.lat]) };
    const proj = geoNaturalEarth1();
    if (pts.length) proj.fitExtent([[24, 24], [W - 24, H - 24]], fit);
    if (proj.scale() > 4000) proj.scale(4000); // one city alone: not street level
    const path = geoPath(proj);
    svg.replaceChildren(
      h('svg:rect', { class: 'sea', x: 0, y: 0, width: W, height: H }),
      h('svg:g', { class: 'land' }, land.features.map((f) => h('svg:path', { d: path(f) || '' }))),
      h('svg:g', { class: 'lines' }, sel.flatMap((p) => p.bodies.flatMap((b) => p.partners.map((q) =>
        h('svg:path', { class: 'line', 'data-id': p.id,
          d: path({ type: 'LineString', coordinates: [[b.lon, b.lat], [q.lon, q.lat]] }) || '' }))))),
      h('svg:g', { class: 'points' }, pts.map((p) => {
        const [x, y] = proj([p.lon, p.lat]);
        const label = lang === 'ja' ? `${p.name_ja} (${p.name_en})` : `${p.name_en} (${p.name_ja})`;
        return h('svg:circle', { class: `place ${p.country === 'JP' ? 'body' : 'partner'}`, 'data-id': p.id,
          cx: x.toFixed(1), cy: y.toFixed(1), r: p.country === 'JP' ? 4 : 4.5,
          onclick: () => show(p) }, h('svg:title', {}, label));
      })));
    status.textContent = `${t('shown')}: ${fmt(pts.length)} ${t('places_n')} · ${fmt(sel.length)} ${t('partnerships_n')}`;
    listBox.replaceChildren(partnershipTable(sel, cname));
  };
  const show = (p) => info.replaceChildren(h('p', {}, name(p.name_ja, p.name_en), ' · ',
    name(cname[p.country]?.name_ja, cname[p.country]?.name_en)));
  countrySel.addEventListener('change', draw);
  fySel.addEventListener('change', draw);
  draw();
}

function partnershipTable(rows, cname) {
  const names = (xs) => xs.map((x, i) => [i ? h('br') : null, name(x.name_ja, x.name_en)]);
  return h('div', { class: 'tablewrap', tabindex: '0', role: 'region', 'aria-label': t('list_h') },
    h('table', { class: 'plist' },
      h('thead', {}, h('tr', {}, ['country', 'body', 'partner', 'fys'].map((k) => h('th', { scope: 'col' }, t(k))))),
      h('tbody', {}, rows.map((p) => h('tr', { 'data-id': p.id },
        h('td', {}, name(p.country_ja || cname?.[p.country]?.name_ja, p.country_en || cname?.[p.country]?.name_en)),
        h('td', {}, names(p.bodies)), h('td', {}, names(p.partners)),
        h('td', { class: 'num' }, (p.fiscal_years || []).join(', ')))))));
}

// The two names of any record the search can find.
const recName = (r) => [r.name_ja || r.title_ja || r.row_ja || r.partner_label_ja || r.counterparty_ja,
  r.name_en || r.title_en || r.row_en || r.counterparty_en];

async function partnershipsPage(main, params) {
  const q = params.get('q') || '';
  const input = h('input', { id: 'q', name: 'q', type: 'search', value: q, autocomplete: 'off' });
  const form = h('form', { class: 'search', role: 'search', onsubmit: (e) => {
    e.preventDefault();
    const v = input.value.trim();
    location.hash = v ? `#/partnerships?q=${encodeURIComponent(v)}` : '#/partnerships';
  } }, h('label', { for: 'q' }, t('search_label')),
  h('div', { class: 'row' }, input, h('button', { type: 'submit' }, t('search_button')),
    q ? h('a', { href: '#/partnerships', class: 'clear' }, t('clear')) : null));
  main.append(h('h1', {}, t('list_h')), form);
  const [parts, countries] = await Promise.all([api('partnerships'), api('countries')]);
  const cname = Object.fromEntries(countries.map((c) => [c.code, c]));
  if (!q) {
    main.append(h('p', { class: 'status', role: 'status' }, `${fmt(parts.length)} ${t('partnerships_n')}`),
      partnershipTable(parts, cname));
    return;
  }
  const hits = await api(`search?q=${encodeURIComponent(q)}&limit=1000`);
  const byTable = new Map();
  for (const x of hits) byTable.set(x.table, [...(byTable.get(x.table) || []), x]);
  const pIds = new Set((byTable.get('partnerships') || []).map((x) => x.id));
  const sel = parts.filter((p) => pIds.has(p.id));
  main.append(h('p', { class: 'status', role: 'status' },
    `${t('results_for')} “${q}”: ${fmt(hits.length)}`));
  if (!hits.length) { main.append(h('p', {}, t('no_results'))); return; }
  if (sel.length) main.append(h('h2', {}, t('t_partnerships')), partnershipTable(sel, cname));
  const others = [...byTable.keys()].filter((k) => k !== 'partnerships');
  // the full records give both names; a table that fails to load shows the hit's own name
  const recs = Object.fromEntries(await Promise.all(others.map((k) =>
    api(k).then((rows) => [k, new Map(rows.map((r) => [r.id, r]))]).catch(() => [k, new Map()]))));
  if (others.length) main.append(h('h2', {}, t('other_results')));
  for (const k of others)
    main.append(h('section', { class: 'hits', 'data-table': k },
      h('h3', {}, `${t(`t_${k}`)} (${fmt(byTable.get(k).length)})`),
      h('ul', {}, byTable.get(k).map((x) => {
        const r = recs[k].get(x.id);
        const [ja, en] = r ? recName(r) : [x.name, null];
        return h('li', { 'data-id': x.id }, name(ja || x.name, en),
          r && r.fiscal_year ? h('span', { class: 'meta' }, lang === 'ja' ? ` ${r.fiscal_year}年度` : ` FY${r.fiscal_year}`) : null);
      }))));
}

// --- routing and the frame ------------------------------------------------
const ROUTES = { '': dashboard, map: mapPage, partnerships: partnershipsPage };

function frame() {
  document.documentElement.lang = lang;
  document.title = `c2c — ${t('title')}`;
  for (const el of document.querySelectorAll('[data-i18n]')) el.textContent = t(el.dataset.i18n);
  for (const el of document.querySelectorAll('[data-i18n-aria]')) el.setAttribute('aria-label', t(el.dataset.i18nAria));
  const b = document.getElementById('lang');
  b.textContent = t('lang_button');
  b.setAttribute('lang', lang === 'ja' ? 'en' : 'ja');
  b.setAttribute('aria-label', t('lang_aria'));
}

let renderSeq = 0;
async function render() {
  const seq = ++renderSeq;
  const [path, query] = (location.hash.replace(/^#\/?/, '') || '').split('?');
  const page = ROUTES[path] ? path : '';
  frame();
  for (const a of document.querySelectorAll('nav a'))
    if ((a.dataset.route === 'dashboard' && page === '') || a.dataset.route === page) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  const main = document.getElementById('content');
  delete main.dataset.ready;
  const fresh = h('div', { class: `page page-${page || 'dashboard'}` });
  main.replaceChildren(h('p', { class: 'loading', role: 'status' }, t('loading')));
  try {
    await ROUTES[page](fresh, new URLSearchParams(query || ''));
  } catch (e) {
    fresh.append(h('p', { class: 'warn', role: 'alert' }, `${t('load_error')}: ${e.message}`));
  }
  if (seq !== renderSeq) return; // a newer route won
  main.replaceChildren(fresh);
  main.dataset.ready = page || 'dashboard'; // the browser tests wait on this
}

document.getElementById('lang').addEventListener('click', () => {
  lang = lang === 'ja' ? 'en' : 'ja';
  localStorage.setItem(KEY, lang);
  render().then(() => document.getElementById('lang').focus());
});
window.addEventListener('hashchange', () => {
  render().then(() => document.getElementById('content').focus({ preventScroll: true }));
});
render();
