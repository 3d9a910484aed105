// domino.js - the decarbonization domino (#/domino, 脱炭素ドミノ): how a
// solution spread from city to city, drawn as a graph from the rows of
// /api/v1/domino and the chains of /api/v1/domino/chains, then the same as
// two tables (the graph's text alternative).
//
// The layout is our own few lines, not a graph library: a handful of nodes,
// each put in the column of its step from the origin (longest path, so every
// arrow points right) and ordered in its column by where its predecessors
// stand, which keeps the lines of one chain together.
import { clip } from './chart.js';
import { api, countryNames, fmt, h, lang, name, name1, t, tf, withCode } from './core.js';
import { L } from './i18n.js';

const CHANNELS = ['city_to_city_project', 'training', 'seminar', 'platform', 'jcm_replication', 'unknown'];
const NODE_W = 150, NODE_H = 34, COL_W = 230, ROW_H = 54, PAD = 16;

// A spread ends at a place, or at a whole country when the row names no place.
const toKey = (e) => (e.to_place_id ? e.to_place_id : `country:${e.to_country}`);

// The channel of an edge (GET /api/v1/domino/edges gives it, from the
// programme's domino_channels); 'unknown' for an edge added without one.
const channelOf = (e) => e.channel || 'unknown';

// Nodes with their column (step) and row, and the links between them.
function layout(edges, chains, places, cn) {
  const nodes = new Map();
  const add = (key, n) => { if (!nodes.has(key)) nodes.set(key, { key, ...n }); };
  for (const e of edges) {
    const f = places.get(e.from_place_id);
    add(e.from_place_id, { kind: 'place', id: e.from_place_id, ja: f?.name_ja || e.from_ja, en: f?.name_en });
    if (e.to_place_id) {
      const p = places.get(e.to_place_id);
      add(e.to_place_id, { kind: 'place', id: e.to_place_id, ja: p?.name_ja || e.to_ja, en: p?.name_en });
    } else {
      const c = cn[e.to_country];
      add(toKey(e), { kind: 'country', id: e.to_country, ja: c?.name_ja || e.to_country_ja, en: c?.name_en });
    }
  }
  const links = edges.map((e) => ({ e, from: e.from_place_id, to: toKey(e), channel: channelOf(e) }));
  // longest path from a node nothing spread to; at most one round per node,
  // so a loop in the data cannot hang the page
  const depth = new Map([...nodes.keys()].map((k) => [k, 0]));
  for (let round = 0; round < nodes.size; round++) {
    let moved = false;
    for (const l of links)
      if (depth.get(l.to) < depth.get(l.from) + 1 && depth.get(l.from) + 1 < nodes.size) {
        depth.set(l.to, depth.get(l.from) + 1);
        moved = true;
      }
    if (!moved) break;
  }
  const cols = [];
  for (const n of nodes.values()) (cols[depth.get(n.key)] ||= []).push(n);
  // column 0 in the order of the chains (by origin), later columns by the mean
  // row of their predecessors, then by name
  const origin = new Map(chains.map((c, i) => [c.origin_id, i]));
  const label = (n) => name1(n.ja, n.en);
  cols.forEach((col, c) => {
    const rank = (n) => (c === 0 ? origin.get(n.key) ?? chains.length
      : mean(links.filter((l) => l.to === n.key && depth.get(l.from) < c).map((l) => nodes.get(l.from).row)));
    col.sort((a, b) => rank(a) - rank(b) || label(a).localeCompare(label(b)));
    col.forEach((n, i) => { n.row = i; n.col = c; });
  });
  const rows = Math.max(...cols.map((col) => col.length));
  // each column centred on the tallest
  for (const col of cols) for (const n of col) n.y = PAD + (n.row + (rows - col.length) / 2) * ROW_H;
  for (const n of nodes.values()) n.x = PAD + n.col * COL_W;
  return { nodes, links, width: PAD * 2 + (cols.length - 1) * COL_W + NODE_W, height: PAD * 2 + rows * ROW_H - (ROW_H - NODE_H) };
}
const mean = (xs) => (xs.length ? xs.reduce((s, x) => s + x, 0) / xs.length : 0);

const solution = (e) => (lang === 'ja' ? e.solution_ja || e.solution_en : e.solution_en || e.solution_ja) || '';
const solutionLang = (e) => (lang === 'ja' ? (e.solution_ja ? 'ja' : 'en') : (e.solution_en ? 'en' : 'ja'));
const nodeLabel = (n) => name1(n.ja, n.en) + (n.kind === 'country' ? ` ${t('dm_whole_country')}` : '');
const hrefOf = (n) => (n.kind === 'place' ? `#/places/${encodeURIComponent(n.id)}` : `#/countries/${encodeURIComponent(n.id)}`);

// The SVG: one arrow per spread, one box per place or country.  role="group"
// with a label that points to the tables: its boxes are links for a pointer
// and a screen reader (an "img" may hold no link: axe's nested-interactive);
// tabindex -1: the keyboard gets the same links in the tables.
function graphSvg(g, edges, caseId) {
  const defs = h('svg:defs', {}, CHANNELS.map((c) => h('svg:marker', { id: `dm-arrow-${c}`, viewBox: '0 0 10 10',
    refX: 10, refY: 5, markerWidth: 7, markerHeight: 7, orient: 'auto-start-reverse', markerUnits: 'strokeWidth' },
  h('svg:path', { class: `dm-head ch-${c}`, d: 'M0,0 L10,5 L0,10 z' }))));
  const lines = g.links.map((l) => {
    const a = g.nodes.get(l.from), b = g.nodes.get(l.to);
    const x1 = a.x + NODE_W, y1 = a.y + NODE_H / 2, x2 = b.x - 2, y2 = b.y + NODE_H / 2, mx = (x1 + x2) / 2;
    const d = `M${x1},${y1} C${mx},${y1} ${mx},${y2} ${x2},${y2}`;
    const words = `${nodeLabel(a)} → ${nodeLabel(b)}: ${solution(l.e)} (${t(`v_channel:${l.channel}`)})`;
    // a tap (or click) says it in the line under the graph: a touch screen
    // has no pointer to rest on a line and show its <title>
    return h('svg:g', { class: `edge${l.e.case_id === caseId ? ' hl' : ''}`, 'data-id': l.e.id, 'data-channel': l.channel,
      onclick: (ev) => {
        const out = ev.currentTarget.ownerSVGElement.closest('section').querySelector('.dm-said');
        if (out) out.textContent = words;
      } },
      h('svg:title', {}, words),
      h('svg:path', { class: 'dm-hit', d }),
      h('svg:path', { class: `dm-line ch-${l.channel}`, d, 'marker-end': `url(#dm-arrow-${l.channel})` }));
  });
  const boxes = [...g.nodes.values()].map((n) => h('svg:a', { class: `node ${n.kind}`, href: hrefOf(n), tabindex: '-1',
    'data-id': n.id, 'data-kind': n.kind },
  h('svg:title', {}, n.kind === 'country' ? nodeLabel(n) : `${name1(n.ja, n.en)} (${lang === 'ja' ? n.en || '' : n.ja || ''})`),
  h('svg:rect', { x: n.x, y: n.y, width: NODE_W, height: NODE_H, rx: 6 }),
  h('svg:text', { x: n.x + NODE_W / 2, y: n.y + NODE_H / 2 + 4, 'text-anchor': 'middle' }, clip(name1(n.ja, n.en), NODE_W - 12, 6.6))));
  const origins = new Set(g.links.map((l) => l.from).filter((k) => !g.links.some((l) => l.to === k)));
  return h('svg:svg', { class: 'domino', role: 'group', width: g.width, height: g.height, viewBox: `0 0 ${g.width} ${g.height}`,
    'aria-label': tf('dm_aria', { edges: fmt(edges.length), origins: fmt(origins.size) }) },
  defs, h('svg:g', { class: 'edges' }, lines), h('svg:g', { class: 'nodes' }, boxes));
}

// A channel's label in the page's language with the other beside it.
const channelName = (c) => name(L[`v_channel:${c}`]?.[0] || c, L[`v_channel:${c}`]?.[1] || c);
const sample = (c) => h('svg:svg', { class: 'dm-sample', width: 34, height: 12, 'aria-hidden': 'true' },
  h('svg:line', { class: `dm-line ch-${c}`, x1: 1, y1: 6, x2: 33, y2: 6 }));

// Every path of a chain, origin to each end, named in the page's language
// (the API's `paths` are in Japanese only).
function chainPaths(chain, edges, g) {
  const mine = edges.filter((e) => (chain.edges || []).includes(e.id));
  const out = [];
  const walk = (key, trail, seen) => {
    const next = mine.filter((e) => e.from_place_id === key && !seen.has(toKey(e)));
    if (!next.length) return out.push(trail);
    for (const e of next) walk(toKey(e), [...trail, nodeLabel(g.nodes.get(toKey(e)))], new Set([...seen, toKey(e)]));
  };
  const o = g.nodes.get(chain.origin_id);
  walk(chain.origin_id, [o ? name1(o.ja, o.en) : chain.origin_ja], new Set([chain.origin_id]));
  return out.filter((p) => p.length > 1).map((p) => p.join(' → '));
}

const placeLink = (n) => (n ? h('a', { href: hrefOf(n) }, name(n.ja, n.en),
  n.kind === 'country' ? ` ${t('dm_whole_country')}` : '') : '—');

function chainsTable(chains, edges, g) {
  return h('div', { class: 'tablewrap' }, h('table', { class: 'plist dm-chains', 'aria-labelledby': 'dm-chains-h' },
    h('thead', {}, h('tr', {}, ['dm_origin', 'dm_steps', 'dm_places_reached', 'dm_countries_reached', 'dm_channels', 'dm_paths']
      .map((k, i) => h('th', { scope: 'col', class: i && i < 4 ? 'num' : null }, t(k))))),
    h('tbody', {}, chains.map((c) => h('tr', { 'data-origin': c.origin_id },
      h('th', { scope: 'row' }, placeLink(g.nodes.get(c.origin_id) || { kind: 'place', id: c.origin_id, ja: c.origin_ja })),
      h('td', { class: 'num' }, fmt(c.steps)),
      h('td', { class: 'num' }, fmt(c.places_reached)),
      h('td', { class: 'num' }, fmt(c.countries_reached)),
      h('td', {}, (c.channels || []).map((x, i) => [i ? ', ' : '', t(`v_channel:${x}`)])),
      h('td', {}, h('ul', { class: 'dm-paths' }, chainPaths(c, edges, g).map((p) => h('li', {}, p)))))))));
}

function edgesTable(edges, g, caseId) {
  const links = new Map(g.links.map((l) => [l.e.id, l]));
  return h('div', { class: 'tablewrap' }, h('table', { class: 'plist dm-edges', 'aria-labelledby': 'dm-edges-h' },
    h('thead', {}, h('tr', {}, ['dm_from', 'dm_to', 'dm_solution', 'dm_channel', 'dm_case', 'c_year', 'c_source']
      .map((k) => h('th', { scope: 'col' }, t(k))))),
    h('tbody', {}, edges.map((e) => {
      const l = links.get(e.id);
      return h('tr', { 'data-id': e.id, class: e.case_id === caseId ? 'hl' : null },
        h('td', {}, placeLink(g.nodes.get(l.from))),
        h('td', {}, placeLink(g.nodes.get(l.to))),
        h('td', { lang: solutionLang(e) }, h('a', { class: 'rowlink', href: `#/domino/${encodeURIComponent(e.id)}` }, solution(e))),
        h('td', { 'data-channel': l.channel }, t(`v_channel:${l.channel}`)),
        h('td', {}, e.case_id ? h('a', { href: `#/cases/${encodeURIComponent(e.case_id)}` }, e.case_id) : '—'),
        h('td', {}, e.year ?? '—'),
        h('td', { class: 'dm-source' }, e.source || '—'));
    }))));
}

export async function dominoPage(page, params) {
  const [edges, chains, placeRows, cn] = await Promise.all([api('domino/edges'), api('domino/chains'), api('places'), countryNames()]);
  const caseId = params?.get('case') || null;
  page.append(h('h1', {}, t('dm_h')), h('p', { class: 'intro' }, t('dm_intro')));
  if (!edges.length) {
    page.append(h('p', { class: 'empty-state', role: 'note' }, withCode(t('dm_none'))));
    return;
  }
  const places = new Map(placeRows.map((p) => [p.id, p]));
  const g = layout(edges, chains, places, cn);
  const used = CHANNELS.filter((c) => g.links.some((l) => l.channel === c));
  if (caseId) page.append(h('p', { class: 'status' }, tf('dm_case_shown', { case: caseId })));
  page.append(
    h('section', { 'aria-labelledby': 'dm-graph-h' },
      h('h2', { id: 'dm-graph-h' }, t('dm_graph_h')),
      h('p', { class: 'note' }, t('dm_graph_note')),
      // on a phone the graph is wider than the screen: it scrolls inside its
      // box, and the line above the box says so (style.css shows it there)
      h('p', { class: 'note dm-swipe' }, t('dm_swipe')),
      h('div', { class: 'dm-box' }, graphSvg(g, edges, caseId)),
      h('p', { class: 'dm-said', role: 'status', 'aria-live': 'polite' }),
      h('h3', { id: 'dm-legend-h' }, t('dm_legend')),
      h('ul', { class: 'legend dm-legend', 'aria-labelledby': 'dm-legend-h' },
        used.map((c) => h('li', { 'data-channel': c }, sample(c), channelName(c)))),
      h('p', { class: 'note dm-country-note' }, h('span', { class: 'dm-country-sw', 'aria-hidden': 'true' }), t('dm_country_box')),
      edges.some((e) => !e.channel) ? h('p', { class: 'note' }, t('dm_channel_unknown_note')) : null),
    h('section', { 'aria-labelledby': 'dm-chains-h' },
      h('h2', { id: 'dm-chains-h' }, `${t('dm_chains_h')} (${fmt(chains.length)})`), chainsTable(chains, edges, g)),
    h('section', { 'aria-labelledby': 'dm-edges-h' },
      h('h2', { id: 'dm-edges-h' }, `${t('dm_edges_h')} (${fmt(edges.length)})`), edgesTable(edges, g, caseId)));
}
