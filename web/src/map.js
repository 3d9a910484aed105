// map.js - #/map: the partner places and partnerships on the world's
// outlines (d3-geo, topojson-client, world-atlas).  Its own file, loaded by
// main.js when the map is opened, so the other pages do not download the
// outlines (a phone's first visit, issue 20).
import { geoNaturalEarth1, geoPath } from 'd3-geo';
import { feature } from 'topojson-client';
import world from 'world-atlas/countries-110m.json';
import { api, fmt, h, lang, t } from './core.js';
import { partnershipTable } from './tables.js';

// The map: every place a partnership names a point (a Japanese body or a
// partner place; a place only an event names, London or Belém, is not
// drawn: issue 20), every partnership lines from its bodies to its partner
// places; filters keep the partnerships that match and the places they
// name.  The world is turned to have the Pacific in the middle (rotate
// -150°, the antimeridian in the Atlantic), so a line from Toyama to Renca
// crosses the Pacific instead of leaving the right edge.  Each point is a
// link to its place (a Tab stop, named), each line a link to its
// partnership (a click; the keyboard has the same links in the list under
// the map).  The filters live in the address (#/map?country=VN&fy=2020):
// a map can be bookmarked, and Back undoes the last filter.
const ROTATE = [-150, 0];
export async function mapPage(main, params) {
  const [places, parts, countries] = await Promise.all([api('places'), api('partnerships'), api('countries')]);
  const cname = Object.fromEntries(countries.map((c) => [c.code, c]));
  const pcountries = [...new Set(parts.map((p) => p.country))].sort((a, b) =>
    (cname[a]?.name_en || a).localeCompare(cname[b]?.name_en || b));
  const years = [...new Set(parts.flatMap((p) => p.fiscal_years || []))].sort();
  const named = new Set(parts.flatMap((p) => [...p.bodies, ...p.partners].map((x) => x.id)));
  const state = { country: params?.get('country') || '', fy: params?.get('fy') || '' };

  const countrySel = h('select', { id: 'f-country', name: 'country' },
    h('option', { value: '' }, t('all')),
    pcountries.map((c) => h('option', { value: c }, lang === 'ja'
      ? `${cname[c]?.name_ja || c}（${cname[c]?.name_en || c}）` : `${cname[c]?.name_en || c} (${cname[c]?.name_ja || c})`)));
  const fySel = h('select', { id: 'f-fy', name: 'fy' }, h('option', { value: '' }, t('all')),
    years.map((y) => h('option', { value: String(y) }, lang === 'ja' ? `${y}年度` : `FY${y}`)));
  countrySel.value = state.country;
  fySel.value = state.fy;
  const status = h('p', { class: 'status', role: 'status', 'aria-live': 'polite' });
  const W = 960, H = 520;
  // a labelled group, not an img: it holds links
  const svg = h('svg:svg', { viewBox: `0 0 ${W} ${H}`, class: 'map', role: 'group', 'aria-label': t('map_aria') });
  const listBox = h('div', { class: 'maplist' });
  const legend = h('ul', { class: 'legend' },
    h('li', {}, h('span', { class: 'sw body' }), t('legend_body')),
    h('li', {}, h('span', { class: 'sw partner' }), t('legend_partner')),
    h('li', {}, h('span', { class: 'sw line' }), t('legend_line')));
  main.append(h('h1', {}, t('map_h')),
    h('form', { class: 'filters', onsubmit: (e) => e.preventDefault() },
      h('div', { class: 'field' }, h('label', { for: 'f-country' }, t('country')), countrySel),
      h('div', { class: 'field' }, h('label', { for: 'f-fy' }, t('fy')), fySel)),
    status, h('div', { class: 'mapbox' }, svg), legend, listBox);

  const land = feature(world, world.objects.countries);
  const draw = () => {
    state.country = countrySel.value;
    state.fy = fySel.value;
    const sel = parts.filter((p) => (!state.country || p.country === state.country) &&
      (!state.fy || (p.fiscal_years || []).includes(Number(state.fy))));
    const ids = new Set(sel.flatMap((p) => [...p.bodies, ...p.partners].map((x) => x.id)));
    const pts = places.filter((p) => p.lat != null && p.lon != null && named.has(p.id) && ids.has(p.id));
    const fit = { type: 'MultiPoint', coordinates: pts.map((p) => [p.lon, p.lat]) };
    const proj = geoNaturalEarth1().rotate(ROTATE);
    if (pts.length) proj.fitExtent([[24, 24], [W - 24, H - 24]], fit);
    if (proj.scale() > 4000) proj.scale(4000); // one city alone: not street level
    const path = geoPath(proj);
    const label = (p) => (lang === 'ja' ? `${p.name_ja} (${p.name_en})` : `${p.name_en} (${p.name_ja})`);
    svg.replaceChildren(
      h('svg:rect', { class: 'sea', x: 0, y: 0, width: W, height: H }),
      h('svg:g', { class: 'land' }, land.features.map((f) => h('svg:path', { d: path(f) || '' }))),
      h('svg:g', { class: 'lines' }, sel.flatMap((p) => p.bodies.flatMap((b) => p.partners.map((q) => {
        const words = `${label(b)} — ${label(q)}`;
        return h('svg:a', { href: `#/partnerships/${encodeURIComponent(p.id)}`, tabindex: '-1', 'aria-label': words },
          h('svg:path', { class: 'line', 'data-id': p.id,
            d: path({ type: 'LineString', coordinates: [[b.lon, b.lat], [q.lon, q.lat]] }) || '' }),
          h('svg:title', {}, words));
      })))),
      h('svg:g', { class: 'points' }, pts.map((p) => {
        const [x, y] = proj([p.lon, p.lat]);
        return h('svg:a', { href: `#/places/${encodeURIComponent(p.id)}`, class: 'pt', 'aria-label': label(p) },
          h('svg:circle', { class: `place ${p.country === 'JP' ? 'body' : 'partner'}`, 'data-id': p.id,
            cx: x.toFixed(1), cy: y.toFixed(1), r: p.country === 'JP' ? 4 : 4.5 }),
          h('svg:title', {}, label(p)));
      })));
    status.textContent = `${t('shown')}: ${fmt(pts.length)} ${t('places_n')} · ${fmt(sel.length)} ${t('partnerships_n')}`;
    listBox.replaceChildren(partnershipTable(sel, cname));
  };
  const hashOf = () => {
    const qs = new URLSearchParams(Object.entries(state).filter(([, v]) => v));
    return `#/map${qs.toString() ? `?${qs}` : ''}`;
  };
  const change = () => {
    draw();
    if (hashOf() !== location.hash) history.pushState(null, '', hashOf());
  };
  countrySel.addEventListener('change', change);
  fySel.addEventListener('change', change);
  draw();
}
