// main.js - the c2c web app: one page, hash routes (#/ the dashboard, #/map,
// #/charts, #/domino, #/cities, #/readiness, #/match, #/data, #/admin, #/<table>?filters and
// #/<table>/<id>), every label in
// Japanese and English, data from the JSON API of the same server
// (/api/v1/…).  Bundled by build.mjs (map.js, with d3-geo, topojson-client
// and world-atlas, a chunk of its own), so nothing comes from elsewhere.  core.js holds what the pages
// share; charts.js the charts, tables.js the lists and detail pages.
import { adminPage } from './admin.js';
import { matchPage, readinessPage } from './advice.js';
import { callPage, callsPage } from './calls.js';
import { chartsPage } from './charts.js';
import { citiesPage } from './city.js';
import { cityWorkspacePage } from './cityspace.js';
import { api, app, fmt, h, lang, serverLang, setLang, t } from './core.js';
import { dominoPage } from './domino.js';
import { dropFlash } from './forms.js';
import { methodologiesPage, methodologyPage } from './methodologies.js';
import { mrvPage, reportPage } from './mrv.js';
import { reviewsPage, workspacePage } from './programme.js';
import { registryPage } from './registry.js';
import { drawAccount, loadSession, mountAccount, session } from './session.js';
import { dataPage, detailPage, listPage, loadTables, TABLES } from './tables.js';

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
      h('details', {}, h('summary', {}, t('how_counted')), h('p', { lang: serverLang(f.rule) }, f.rule)));
  });
  main.append(h('h1', {}, t('dash_h')), h('p', { class: 'intro' }, t('dash_intro')),
    // the API's range_label comes in the page's language; the whole-list case is said in the page's own words
    stats.from == null && stats.to == null
      ? h('p', { class: 'range' }, t('range_all'))
      : h('p', { class: 'range', lang: serverLang(stats.range_label) }, stats.range_label || ''),
    h('ul', { class: 'cards' }, cards),
    h('p', { class: 'more' }, h('a', { href: '#/charts' }, `${t('dash_charts')} →`)));
  if (reg) {
    const rows = ['entries', 'issued', 'held', 'retired', 'cancelled'].map((k) =>
      h('div', { class: 'kv' }, h('dt', {}, t(`reg_${k}`)), h('dd', {}, fmt(reg[k] || 0))));
    main.append(h('section', { class: 'registry', 'aria-labelledby': 'reg-h' },
      h('h2', { id: 'reg-h' }, t('reg_h')),
      h('p', { class: reg.ok ? 'good' : 'warn' }, reg.ok ? `✓ ${t('reg_ok')}` : `✗ ${t('reg_bad')}: ${reg.message}`),
      h('dl', {}, rows)));
  }
}

// --- routing and the frame ------------------------------------------------
// A route is [key, render]: the key names the page in <main data-ready> (the
// browser tests wait on it) and picks the header link marked current.
// the map's outlines and projection (map.js, 140 KB of the bundle) load
// when the map is opened, not with every page
const mapPage = (el, params) => import('./map.js').then((m) => m.mapPage(el, params));
const PAGES = { '': dashboard, map: mapPage, charts: chartsPage, data: dataPage, registry: registryPage, mrv: mrvPage, methodologies: methodologiesPage, calls: callsPage,
  domino: dominoPage, cities: citiesPage, readiness: readinessPage, match: matchPage, admin: adminPage,
  'city-workspace': cityWorkspacePage,
  // a municipality's workspace and a reviewer's desk (programme.js), linked from the account box
  workspace: workspacePage, reviews: reviewsPage };
// pages of one record that are not atlas tables: #/mrv/<report>, #/calls/<call>,
// #/methodologies/<id>
const ONE = { mrv: reportPage, calls: callPage, methodologies: methodologyPage };
function route(path, params) {
  const [table, id, ...rest] = path.split('/');
  if ((ONE[table] || TABLES[table]) && id && !rest.length) {
    let key = id;
    try { key = decodeURIComponent(id); } catch { /* a stray %: the id as written */ }
    return [`${table}/${key}`, table, ONE[table] ? (el) => ONE[table](el, key) : (el) => detailPage(table, el, key)];
  }
  // a page of its own wins over a table's list: #/domino is the graph (its
  // rows are a table on it), #/domino/<id> stays the row's page
  if (TABLES[table] && id == null && !PAGES[path]) return [table, table, (el) => listPage(table, el, params)];
  const p = PAGES[path] ? path : '';
  return [p || 'dashboard', p || 'dashboard', (el) => PAGES[p](el, params)];
}

function frame() {
  document.documentElement.lang = lang;
  document.title = `c2c — ${t('title')}`;
  for (const el of document.querySelectorAll('[data-i18n]')) el.textContent = t(el.dataset.i18n);
  for (const el of document.querySelectorAll('[data-i18n-aria]')) el.setAttribute('aria-label', t(el.dataset.i18nAria));
  const b = document.getElementById('lang');
  b.textContent = t('lang_button');
  b.setAttribute('lang', lang === 'ja' ? 'en' : 'ja');
  // the name starts with what the button shows ("English"), then what it does
  b.setAttribute('aria-label', `${t('lang_button')} — ${t('lang_aria')}`);
  // the administrator's page is linked for an administrator only (its
  // address still answers anyone, saying whom it is for)
  for (const a of document.querySelectorAll('header nav a[data-admin]')) a.parentElement.hidden = session.role !== 'admin';
  drawAccount();
}

// On a phone the nav's fourteen links fold under one button, "Menu: Charts"
// (the page you are on), which shows them all at once, wrapped; a choice,
// Escape or the button folds them again.  Above 600 px the button is hidden
// and the links are a row, as before (style.css).
const menu = document.getElementById('menu');
const navEl = menu.closest('nav');
function fold(open, focusButton = false) {
  menu.setAttribute('aria-expanded', String(open));
  navEl.classList.toggle('open', open);
  if (focusButton) menu.focus();
}
menu.addEventListener('click', () => fold(menu.getAttribute('aria-expanded') !== 'true'));
navEl.addEventListener('keydown', (e) => {
  if (e.key === 'Escape' && navEl.classList.contains('open')) fold(false, true);
});
navEl.addEventListener('click', (e) => { if (e.target.closest('a')) fold(false); });

// The table chips' row scrolls sideways on a phone: bring the current one
// into it (sideways only: the page itself does not move).
function centre(a) {
  const strip = a.closest('nav');
  if (strip && strip.scrollWidth > strip.clientWidth)
    strip.scrollLeft = a.offsetLeft - strip.offsetLeft - (strip.clientWidth - a.offsetWidth) / 2;
}

let renderSeq = 0;
async function render() {
  const seq = ++renderSeq;
  const [path, query] = (location.hash.replace(/^#\/?/, '') || '').split('?');
  const [key, section, draw] = route(path, new URLSearchParams(query || ''));
  frame();
  // the header's link to this page, or to "all data" for a table it does not list
  const links = [...document.querySelectorAll('header nav a[data-route]')];
  const cur = links.find((a) => a.dataset.route === section) || (TABLES[section] ? links.find((a) => a.dataset.route === 'data') : null);
  for (const a of links) if (a === cur) a.setAttribute('aria-current', 'page'); else a.removeAttribute('aria-current');
  menu.textContent = `${t('menu')}: ${cur ? cur.textContent : t('nav_data')}`;
  const main = document.getElementById('content');
  delete main.dataset.ready;
  const fresh = h('div', { class: `page page-${section}` });
  main.replaceChildren(h('p', { class: 'loading', role: 'status' }, t('loading')));
  try {
    await draw(fresh);
  } catch (e) {
    fresh.append(h('p', { class: 'warn', role: 'alert' }, `${t('load_error')}: ${e.message}`));
  }
  if (seq !== renderSeq) return; // a newer route won
  main.replaceChildren(fresh);
  // each page its own title (the tab, the history, a screen reader's first
  // words): its heading, then the site
  const h1 = fresh.querySelector('h1');
  document.title = h1 && h1.textContent.trim() ? `${h1.textContent.trim()} — ${t('title')}` : `c2c — ${t('title')}`;
  dropFlash();
  const chip = fresh.querySelector('nav.tables a[aria-current]');
  if (chip) centre(chip);
  main.dataset.ready = key;
  // after a write, what it did (the form's status line) takes the focus
  const said = fresh.querySelector('[data-flash]');
  if (said) said.focus();
}
app.rerender = render;

document.getElementById('lang').addEventListener('click', () => {
  setLang(lang === 'ja' ? 'en' : 'ja');
  render().then(() => document.getElementById('lang').focus());
});
window.addEventListener('hashchange', () => {
  render().then(() => {
    // a new page starts at its top, and so does the keyboard
    window.scrollTo(0, 0);
    document.getElementById('content').focus({ preventScroll: true });
  });
});
mountAccount(document.getElementById('account'));
// the dashboard's reads go out with the tables', not a round trip after
// them (a phone's round trip is 150 ms and more)
if (!location.hash.replace(/^#\/?/, '')) for (const p of ['stats', 'registry/verify']) api(p).catch(() => {});
// the tables' descriptions decide which routes are tables: read before the first page
const tablesRead = loadTables().catch(() => {});
loadSession().then(() => drawAccount(true), () => {}).finally(() => tablesRead.then(render).then(registerWorker));

// The service worker (sw.js) keeps the app itself, so the next visit draws
// without waiting on the network for it; registered once the first page is
// drawn, so its downloads never compete with the page's (docs/web.md,
// "Speed").  The API's reads it leaves alone.
function registerWorker() {
  if ('serviceWorker' in navigator && location.protocol !== 'file:')
    navigator.serviceWorker.register('sw.js').catch(() => {});
}
