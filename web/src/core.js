// core.js - what every page of the web app shares: the chosen language and
// t() over the labels of i18n.js, the DOM builder h(), a name in both
// languages, number and fiscal-year formats, and the API cache.
//
// DOM is built with createElement (h() below), never innerHTML: names come
// from the data, and the server's CSP forbids inline script and style.
import { L } from './i18n.js';

// --- language -------------------------------------------------------------
const KEY = 'c2c.lang';
export let lang = localStorage.getItem(KEY) || ((navigator.language || '').startsWith('ja') ? 'ja' : 'en');
export function setLang(l) {
  lang = l;
  localStorage.setItem(KEY, l);
}
// Every call to the API says the page's language, so that the server's
// messages, matching reasons and explanations come in it (docs/http.md).
export const langHeaders = (extra) => ({ ...extra, 'Accept-Language': lang });
export const t = (k) => (L[k] ? L[k][lang === 'ja' ? 0 : 1] : k);
export const has = (k) => k in L;
// t() with its {name} placeholders filled from vars
export const tf = (k, vars) => t(k).replace(/\{(\w+)\}/g, (m, v) => (v in vars ? String(vars[v]) : m));
// A label whose `backticked` parts are commands to type: those as <code>, so
// the empty states can say what to run.
export const withCode = (s) => s.split('`').map((x, i) => (i % 2 ? h('code', {}, x) : x));

// --- DOM ------------------------------------------------------------------
export function h(tag, attrs, ...kids) {
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

// A text the server made (an error, a reason): in the page's language when
// the server has its words in it, else in English; its lang attribute says
// which, so a screen reader reads it in the right voice.
export const serverLang = (s) => (/[\u3040-\u30ff\u3400-\u9fff\uff01-\uff5e]/.test(String(s ?? '')) ? 'ja' : 'en');
export const serverText = (s, attrs) => h('span', { ...attrs, lang: serverLang(s) }, s);

// A name in the chosen language with the other beside it; either may be missing.
export function name(ja, en) {
  const [first, firstLang, second, secondLang] = lang === 'ja' ? [ja, 'ja', en, 'en'] : [en, 'en', ja, 'ja'];
  const a = first || second, al = first ? firstLang : secondLang;
  const b = first && second && first !== second ? second : null;
  return h('span', { class: 'name' }, h('span', { lang: al }, a || '—'),
    b ? h('span', { class: 'other', lang: secondLang }, b) : null);
}
// The same name as plain text in the chosen language only (chart labels, options).
export const name1 = (ja, en) => (lang === 'ja' ? ja || en : en || ja) || '—';

export const fmt = (n) => new Intl.NumberFormat(lang === 'ja' ? 'ja-JP' : 'en-GB').format(n);
export const fyLabel = (y) => (lang === 'ja' ? `${y}年度` : `FY${y}`);

// --- data (each path fetched once per page load) ----------------------------
// A reply boot.js asked for before this code ran (keyed "lang path", or
// "session"), taken once: later reads ask the server again.
export function early(key) {
  const e = window.c2cEarly;
  const r = e && e[key];
  if (r) delete e[key];
  return r || null;
}
const cache = new Map();
// (kept per language: a reply's reasons are in the language it was asked in)
export function api(path) {
  const key = `${lang} ${path}`;
  if (!cache.has(key))
    cache.set(key, (early(key) || fetch(`/api/v1/${path}`, { headers: langHeaders() })).then((r) => {
      if (!r.ok) throw new Error(`${r.status} /api/v1/${path}`);
      return r.json();
    }).catch((e) => { cache.delete(key); throw e; }));
  return cache.get(key);
}

// The links that download a list (or a record's table) as a file: the API's
// ?format=csv|xlsx|json (core/rows.c on the server writes the cells the CLI
// writes).  "CSV for Excel" starts with a byte order mark so that Excel in
// Japanese reads UTF-8.  `path` is the API path with its filters.
export function downloads(path, note) {
  const url = (q) => `/api/v1/${path}${path.includes('?') ? '&' : '?'}${q}`;
  // the name holds the words shown (what a voice user says to follow it)
  const link = (q, label, more) => h('a', { href: url(q), download: '',
    'aria-label': `${t('download')}: ${label}${more ? ` (${more})` : ''}` }, label);
  return h('p', { class: 'downloads' }, `${t('download')}: `,
    link('format=csv&bom=1', t('dl_csv_excel')), ' · ',
    link('format=csv', 'CSV', 'UTF-8'), ' · ',
    link('format=xlsx', 'Excel (XLSX)'), ' · ',
    link('format=json', 'JSON'),
    note ? h('span', { class: 'note' }, ` ${note}`) : null);
}

// After a write, or a log-in or log-out (replies may depend on who asks):
// everything is read again.
export function invalidate() { cache.clear(); }

// Countries by code, for names of country codes everywhere.
export const countryNames = () => api('countries').then((cs) => Object.fromEntries(cs.map((c) => [c.code, c])));

// The app's own hooks, set by main.js: rerender() draws the current route
// again (after a log-in, a log-out or a write).
export const app = { rerender: () => Promise.resolve() };

// --- in-place updates --------------------------------------------------------
// A page that changes its results without a new route (a filter, a search)
// takes data-ready off <main> while it works, so the browser tests (and any
// script) can wait for the new state as they wait for a new page.
// `page` is the page's element: when the route changed meanwhile, render()
// owns data-ready and this leaves it alone.
export async function busy(page, fn) {
  const main = document.getElementById('content');
  const was = main.dataset.ready;
  delete main.dataset.ready;
  try {
    await fn();
  } finally {
    if (was && page.isConnected) main.dataset.ready = was;
  }
}
