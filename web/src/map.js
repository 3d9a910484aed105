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
// the map).  The filters and the lines' colouring live in the address
// (#/map?country=VN&fy=2020&colour=fy): a map can be bookmarked, and Back
// undoes the last choice.
//
// Zoom and pan (issue 20, "a map an official would show in a meeting"), our
// own few lines, no library: the wheel and a drag with the mouse, a pinch and
// a drag on a touch screen (once zoomed in: at the whole map a finger
// scrolls the page as anywhere else), the + / − / "show all" buttons, and
// the arrow keys, + , − and 0 when the map itself has the focus.  The land
// and the lines are scaled as one group; the points and their labels are
// placed again at each step, so they keep their size and the labels can be
// laid out anew: by priority (the places with the most partnerships shown
// first), each beside its point where it hits no label already placed and
// no other point, else left out; zooming in makes room for more.
//
// The viewBox is the box's size in CSS pixels (a phone's 390 px map is not a
// 960 px one shrunk to unreadable text): drawn again when the box changes
// width.
const ROTATE = [-150, 0];
const ZOOM_MAX = 16, ZOOM_STEP = 1.6, PAN_STEP = 80;
const FONT_PX = 12; // labels; style.css says the same

// The lines' colours.  By status: what came of a partnership, the furthest
// of what the atlas records for the same Japanese bodies and partner places
// (the rule of a partnership's own page, tables.js): a JCM project, another
// project (study, pilot…), an agreement, or none of these.  By fiscal year:
// the latest year it ran, older to newer along one hue ramp; dashed where no
// year is recorded.  Every colour at least 3:1 against the land.
const STATUS = [['jcm', '#b83c08'], ['project', '#0f766e'], ['agreement', '#7c3aed'], ['none', '#6b7785']];
const NO_YEAR = '#6b7785';
const yearColour = (y, lo, hi) => `hsl(${Math.round(35 + (hi > lo ? (y - lo) / (hi - lo) : 1) * 235)}, 70%, 36%)`;

export async function mapPage(main, params) {
  const [places, parts, countries, projects, agreements] = await Promise.all([api('places'), api('partnerships'),
    api('countries'), api('projects'), api('agreements')]);
  const cname = Object.fromEntries(countries.map((c) => [c.code, c]));
  const pcountries = [...new Set(parts.map((p) => p.country))].sort((a, b) =>
    (cname[a]?.name_en || a).localeCompare(cname[b]?.name_en || b));
  const years = [...new Set(parts.flatMap((p) => p.fiscal_years || []))].sort();
  const named = new Set(parts.flatMap((p) => [...p.bodies, ...p.partners].map((x) => x.id)));
  const state = { country: params?.get('country') || '', fy: params?.get('fy') || '',
    colour: params?.get('colour') === 'fy' ? 'fy' : '' }; // '' is the first choice, status

  // each partnership's status and latest year, once
  const ids = (xs) => new Set(xs.map((x) => x.id));
  const statusOf = new Map(parts.map((p) => {
    const bs = ids(p.bodies), ps = ids(p.partners);
    const prj = projects.filter((x) => ps.has(x.place_id) && bs.has(x.body_id));
    return [p.id, prj.some((x) => x.kind === 'jcm') ? 'jcm' : prj.length ? 'project'
      : agreements.some((a) => bs.has(a.body_id) && ps.has(a.partner_place_id)) ? 'agreement' : 'none'];
  }));
  const latest = (p) => ((p.fiscal_years || []).length ? Math.max(...p.fiscal_years) : null);

  const countrySel = h('select', { id: 'f-country', name: 'country' },
    h('option', { value: '' }, t('all')),
    pcountries.map((c) => h('option', { value: c }, lang === 'ja'
      ? `${cname[c]?.name_ja || c}（${cname[c]?.name_en || c}）` : `${cname[c]?.name_en || c} (${cname[c]?.name_ja || c})`)));
  const fySel = h('select', { id: 'f-fy', name: 'fy' }, h('option', { value: '' }, t('all')),
    years.map((y) => h('option', { value: String(y) }, lang === 'ja' ? `${y}年度` : `FY${y}`)));
  const colourSel = h('select', { id: 'f-colour', name: 'colour' },
    h('option', { value: '' }, t('map_by_status')), h('option', { value: 'fy' }, t('map_by_fy')));
  countrySel.value = state.country;
  fySel.value = state.fy;
  colourSel.value = state.colour;
  const status = h('p', { class: 'status', role: 'status', 'aria-live': 'polite' });
  const zoomSaid = h('span', { class: 'zoomlvl', 'aria-live': 'polite' });
  const button = (id, text, label, fn) => h('button', { type: 'button', id, 'aria-label': label, title: label, onclick: fn }, text);
  const tools = h('div', { class: 'maptools', role: 'toolbar', 'aria-label': t('map_tools') },
    button('zoom-in', '+', t('zoom_in'), () => zoomAt(ZOOM_STEP, W / 2, H / 2)),
    button('zoom-out', '−', t('zoom_out'), () => zoomAt(1 / ZOOM_STEP, W / 2, H / 2)),
    button('zoom-reset', t('zoom_reset'), t('zoom_reset'), () => { view = { k: 1, x: 0, y: 0 }; apply(); }),
    zoomSaid);
  // a labelled group, not an img: it holds links; itself a Tab stop, for the
  // arrow keys
  const svg = h('svg:svg', { class: 'map', role: 'group', tabindex: '0', 'aria-label': `${t('map_aria')}. ${t('map_keys')}` });
  const box = h('div', { class: 'mapbox' }, svg);
  const listBox = h('div', { class: 'maplist' });
  const lineLegend = h('div', { class: 'linelegend' });
  const legend = h('ul', { class: 'legend' },
    h('li', {}, h('span', { class: 'sw body' }), t('legend_body')),
    h('li', {}, h('span', { class: 'sw partner' }), t('legend_partner')));
  main.append(h('h1', {}, t('map_h')),
    h('form', { class: 'filters', onsubmit: (e) => e.preventDefault() },
      h('div', { class: 'field' }, h('label', { for: 'f-country' }, t('country')), countrySel),
      h('div', { class: 'field' }, h('label', { for: 'f-fy' }, t('fy')), fySel),
      h('div', { class: 'field' }, h('label', { for: 'f-colour' }, t('map_colour')), colourSel)),
    status, tools, box, legend, lineLegend, listBox);

  const land = feature(world, world.objects.countries);
  // the labels' widths, measured once per name (a canvas measures text the
  // page has not shown yet)
  const ctx = document.createElement('canvas').getContext('2d');
  const widths = new Map();
  const textWidth = (s) => {
    if (!widths.has(s)) {
      ctx.font = `${FONT_PX}px ${getComputedStyle(document.body).fontFamily}`;
      widths.set(s, Math.ceil(ctx.measureText(s).width) + 2);
    }
    return widths.get(s);
  };
  const shortName = (p) => (lang === 'ja' ? p.name_ja || p.name_en : p.name_en || p.name_ja);
  const label = (p) => (lang === 'ja' ? `${p.name_ja} (${p.name_en})` : `${p.name_en} (${p.name_ja})`);

  let W = 0, H = 0, view = { k: 1, x: 0, y: 0 };
  let zoomG, pointEls = [], labelsG;
  // the width the map will have: the box's, or before the page is shown the
  // content area's (the page is built before it is put in place)
  const boxWidth = () => {
    if (box.isConnected && box.clientWidth) return box.clientWidth;
    const c = document.getElementById('content');
    const cs = c && getComputedStyle(c);
    return c ? c.clientWidth - parseFloat(cs.paddingLeft) - parseFloat(cs.paddingRight) - 2 : 960;
  };

  const draw = () => {
    state.country = countrySel.value;
    state.fy = fySel.value;
    state.colour = colourSel.value;
    W = Math.max(280, Math.round(boxWidth()));
    H = Math.round(W < 600 ? W * 0.8 : W * 0.54);
    view = { k: 1, x: 0, y: 0 };
    svg.setAttribute('viewBox', `0 0 ${W} ${H}`);
    const sel = parts.filter((p) => (!state.country || p.country === state.country) &&
      (!state.fy || (p.fiscal_years || []).includes(Number(state.fy))));
    const placeIds = new Set(sel.flatMap((p) => [...p.bodies, ...p.partners].map((x) => x.id)));
    const pts = places.filter((p) => p.lat != null && p.lon != null && named.has(p.id) && placeIds.has(p.id));
    const fit = { type: 'MultiPoint', coordinates: pts.map((p) => [p.lon, p.lat]) };
    const proj = geoNaturalEarth1().rotate(ROTATE);
    if (pts.length) proj.fitExtent([[24, 24], [W - 24, H - 24]], fit);
    if (proj.scale() > 4000) proj.scale(4000); // one city alone: not street level
    const path = geoPath(proj);
    // how many of the shown partnerships name each place: the labels' order
    const count = new Map();
    for (const p of sel) for (const x of [...p.bodies, ...p.partners]) count.set(x.id, (count.get(x.id) || 0) + 1);

    // the lines, coloured by the choice; the grey and dashed ones first, so
    // the coloured ones lie on top
    const yrs = sel.map(latest).filter((y) => y != null);
    const lo = Math.min(...years), hi = Math.max(...years);
    const look = (p) => {
      if (state.colour === 'fy') {
        const y = latest(p);
        return y == null ? { key: 'none', stroke: NO_YEAR, dash: true } : { key: String(y), stroke: yearColour(y, lo, hi) };
      }
      const s = statusOf.get(p.id);
      return { key: s, stroke: STATUS.find(([k]) => k === s)[1], dash: s === 'none' };
    };
    const drawn = sel.map((p) => ({ p, ...look(p) })).sort((a, b) => Number(!a.dash) - Number(!b.dash));
    zoomG = h('svg:g', { class: 'zoom' },
      h('svg:g', { class: 'land' }, land.features.map((f) => h('svg:path', { d: path(f) || '' }))),
      h('svg:g', { class: 'lines' }, drawn.flatMap(({ p, key, stroke, dash }) => p.bodies.flatMap((b) => p.partners.map((q) => {
        const words = `${label(b)} — ${label(q)}`;
        return h('svg:a', { href: `#/partnerships/${encodeURIComponent(p.id)}`, tabindex: '-1', 'aria-label': words },
          h('svg:path', { class: `line${dash ? ' dashed' : ''}`, 'data-id': p.id, 'data-key': key, stroke,
            d: path({ type: 'LineString', coordinates: [[b.lon, b.lat], [q.lon, q.lat]] }) || '' }),
          h('svg:title', {}, words));
      })))));
    pointEls = pts.map((p) => {
      const [x, y] = proj([p.lon, p.lat]);
      const circle = h('svg:circle', { class: `place ${p.country === 'JP' ? 'body' : 'partner'}`, 'data-id': p.id,
        r: p.country === 'JP' ? 4 : 4.5 });
      return { p, x, y, circle, n: count.get(p.id) || 0, text: shortName(p),
        link: h('svg:a', { href: `#/places/${encodeURIComponent(p.id)}`, class: 'pt', 'aria-label': label(p) },
          circle, h('svg:title', {}, label(p))) };
    });
    // the labels' order: most partnerships first, then Japanese bodies, then by name
    pointEls.sort((a, b) => b.n - a.n || Number(b.p.country === 'JP') - Number(a.p.country === 'JP') ||
      a.text.localeCompare(b.text));
    labelsG = h('svg:g', { class: 'labels', 'aria-hidden': 'true' });
    svg.replaceChildren(
      h('svg:rect', { class: 'sea', x: 0, y: 0, width: W, height: H }),
      zoomG,
      h('svg:g', { class: 'points' }, pointEls.map((e) => e.link)),
      labelsG);
    apply();
    status.textContent = `${t('shown')}: ${fmt(pts.length)} ${t('places_n')} · ${fmt(sel.length)} ${t('partnerships_n')}`;
    drawLegend(drawn, yrs.length);
    listBox.replaceChildren(partnershipTable(sel, cname));
  };

  // the lines' legend: one entry per colour drawn, with how many partnerships
  function drawLegend(drawn, withYear) {
    const tally = new Map();
    for (const d of drawn) tally.set(d.key, { n: (tally.get(d.key)?.n || 0) + 1, stroke: d.stroke, dash: d.dash });
    const keys = state.colour === 'fy'
      ? [...[...tally.keys()].filter((k) => k !== 'none').sort(), ...(tally.has('none') ? ['none'] : [])]
      : STATUS.map(([k]) => k).filter((k) => tally.has(k));
    const words = (k) => (state.colour === 'fy' ? (k === 'none' ? t('map_fy_none') : lang === 'ja' ? `${k}年度` : `FY${k}`)
      : t(`map_st_${k}`));
    lineLegend.replaceChildren(
      h('p', { class: 'note' }, state.colour === 'fy' ? t('map_fy_rule') : t('map_status_rule'),
        state.colour === 'fy' ? ` (${fmt(withYear)} / ${fmt(drawn.length)})` : ''),
      h('ul', { class: 'legend lines', 'data-colour': state.colour || 'status' }, keys.map((k) => {
        const { n, stroke, dash } = tally.get(k);
        return h('li', { 'data-key': k },
          h('svg:svg', { class: 'swl', width: 28, height: 12, 'aria-hidden': 'true' },
            h('svg:line', { x1: 1, y1: 6, x2: 27, y2: 6, stroke, 'stroke-width': 3, 'stroke-dasharray': dash ? '5 3' : null })),
          `${words(k)} (${fmt(n)})`);
      })));
  }

  // --- the view: zoom k and shift x, y of the land and lines; the points
  // and labels placed at the same spots, at their own size
  const clampView = () => {
    view.k = Math.min(ZOOM_MAX, Math.max(1, view.k));
    view.x = Math.min(0, Math.max(W - W * view.k, view.x));
    view.y = Math.min(0, Math.max(H - H * view.k, view.y));
  };
  function apply() {
    clampView();
    zoomG.setAttribute('transform', `translate(${view.x.toFixed(2)} ${view.y.toFixed(2)}) scale(${view.k.toFixed(4)})`);
    for (const e of pointEls) {
      e.sx = e.x * view.k + view.x;
      e.sy = e.y * view.k + view.y;
      e.circle.setAttribute('cx', e.sx.toFixed(1));
      e.circle.setAttribute('cy', e.sy.toFixed(1));
    }
    placeLabels();
    svg.classList.toggle('zoomed', view.k > 1);
    svg.dataset.zoom = view.k.toFixed(3);
    zoomSaid.textContent = `${t('zoom_level')} ×${view.k < 10 ? view.k.toFixed(1) : Math.round(view.k)}`;
  }
  function zoomAt(f, cx, cy) {
    const k = Math.min(ZOOM_MAX, Math.max(1, view.k * f));
    view.x = cx - (cx - view.x) * (k / view.k);
    view.y = cy - (cy - view.y) * (k / view.k);
    view.k = k;
    apply();
  }
  const panBy = (dx, dy) => { view.x += dx; view.y += dy; apply(); };

  // Labels: in order of priority, the first of four spots beside the point
  // (right, left, above, below) that lies inside the map and overlaps no
  // label placed before it and no other point; else the label is left out.
  function placeLabels() {
    const inside = (e) => e.sx >= 0 && e.sx <= W && e.sy >= 0 && e.sy <= H;
    const shown = pointEls.filter(inside);
    const R = 5, GAP = 2, ASC = FONT_PX - 1, DESC = 4;
    const taken = [];
    const hits = (b) => taken.some((o) => b.x < o.x + o.w + GAP && o.x < b.x + b.w + GAP && b.y < o.y + o.h + GAP && o.y < b.y + b.h + GAP);
    const onPoint = (b, self) => shown.some((e) => e !== self &&
      e.sx + R > b.x && e.sx - R < b.x + b.w && e.sy + R > b.y && e.sy - R < b.y + b.h);
    const out = [];
    for (const e of shown) {
      const w = textWidth(e.text), hgt = ASC + DESC;
      const spots = [[e.sx + R + 3, e.sy + 4], [e.sx - R - 3 - w, e.sy + 4], [e.sx - w / 2, e.sy - R - DESC - 1],
        [e.sx - w / 2, e.sy + R + ASC + 1]];
      for (const [x, base] of spots) {
        const b = { x, y: base - ASC, w, h: hgt };
        if (b.x < 2 || b.y < 2 || b.x + w > W - 2 || b.y + hgt > H - 2 || hits(b) || onPoint(b, e)) continue;
        taken.push(b);
        out.push(h('svg:text', { class: 'label', 'data-id': e.p.id, x: x.toFixed(1), y: base.toFixed(1) }, e.text));
        break;
      }
    }
    labelsG.replaceChildren(...out);
  }

  // --- mouse, touch and pen: a drag pans (once it has moved 4 px, so a
  // click on a point or line still opens it), two fingers pinch; the wheel
  // zooms about the pointer (and leaves the page to scroll when the map
  // cannot zoom further that way)
  const at = (e) => {
    const r = svg.getBoundingClientRect();
    return [(e.clientX - r.left) * (W / r.width), (e.clientY - r.top) * (H / r.height)];
  };
  const pointers = new Map();
  let dragged = false, start = null;
  svg.addEventListener('pointerdown', (e) => {
    if (e.pointerType === 'mouse' && e.button !== 0) return;
    pointers.set(e.pointerId, at(e));
    if (pointers.size === 1) { start = at(e); dragged = false; }
  });
  svg.addEventListener('pointermove', (e) => {
    const prev = pointers.get(e.pointerId);
    if (!prev) return;
    const cur = at(e);
    if (pointers.size === 1) {
      if (!dragged && Math.hypot(cur[0] - start[0], cur[1] - start[1]) < 4) return;
      if (!dragged) { dragged = true; svg.setPointerCapture(e.pointerId); svg.classList.add('dragging'); }
      pointers.set(e.pointerId, cur);
      panBy(cur[0] - prev[0], cur[1] - prev[1]);
    } else if (pointers.size === 2) {
      const other = [...pointers.entries()].find(([id]) => id !== e.pointerId)[1];
      const d0 = Math.hypot(prev[0] - other[0], prev[1] - other[1]), d1 = Math.hypot(cur[0] - other[0], cur[1] - other[1]);
      const m0 = [(prev[0] + other[0]) / 2, (prev[1] + other[1]) / 2], m1 = [(cur[0] + other[0]) / 2, (cur[1] + other[1]) / 2];
      dragged = true;
      pointers.set(e.pointerId, cur);
      if (d0 > 0) {
        view.x += m1[0] - m0[0];
        view.y += m1[1] - m0[1];
        zoomAt(d1 / d0, m1[0], m1[1]);
      }
    }
  });
  const up = (e) => {
    pointers.delete(e.pointerId);
    if (!pointers.size) svg.classList.remove('dragging');
  };
  svg.addEventListener('pointerup', up);
  svg.addEventListener('pointercancel', up);
  // a drag ends with a click on whatever is under it: not a link to follow
  svg.addEventListener('click', (e) => {
    if (dragged) { e.preventDefault(); e.stopPropagation(); dragged = false; }
  }, true);
  svg.addEventListener('wheel', (e) => {
    const f = Math.exp(-e.deltaY * (e.deltaMode === 1 ? 0.05 : 0.002));
    if ((f < 1 && view.k <= 1) || (f > 1 && view.k >= ZOOM_MAX)) return;
    e.preventDefault();
    zoomAt(f, ...at(e));
  }, { passive: false });

  // --- the keyboard, on the map itself: arrows pan, + and − zoom, 0 shows all
  svg.addEventListener('keydown', (e) => {
    if (e.target !== svg || e.altKey || e.ctrlKey || e.metaKey) return;
    const act = {
      ArrowLeft: () => panBy(PAN_STEP, 0), ArrowRight: () => panBy(-PAN_STEP, 0),
      ArrowUp: () => panBy(0, PAN_STEP), ArrowDown: () => panBy(0, -PAN_STEP),
      '+': () => zoomAt(ZOOM_STEP, W / 2, H / 2), '=': () => zoomAt(ZOOM_STEP, W / 2, H / 2),
      '-': () => zoomAt(1 / ZOOM_STEP, W / 2, H / 2), '0': () => { view = { k: 1, x: 0, y: 0 }; apply(); },
    }[e.key];
    if (!act) return;
    e.preventDefault();
    act();
  });
  // a point reached by Tab outside the view: the view moves to it
  svg.addEventListener('focusin', (e) => {
    const a = e.target.closest && e.target.closest('a.pt');
    const p = a && pointEls.find((x) => x.link === a);
    if (p && (p.sx < 0 || p.sx > W || p.sy < 0 || p.sy > H)) panBy(W / 2 - p.sx, H / 2 - p.sy);
  });

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
  colourSel.addEventListener('change', change);
  // drawn again at a new width (a window turned or resized), not for a
  // change of height
  new ResizeObserver(() => {
    if (box.isConnected && box.clientWidth && Math.abs(Math.round(box.clientWidth) - W) > 1 && W >= 280) draw();
  }).observe(box);
  draw();
}
