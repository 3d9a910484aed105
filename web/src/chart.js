// chart.js - one bar chart, drawn as SVG by our own code: vertical bars for
// years, horizontal bars for named things (countries), optionally stacked
// (credits by state).  A bar chart needs one linear scale and "nice" ticks,
// which is a few lines; d3-scale would bring d3-interpolate, d3-format and
// d3-time for features these charts do not use.
//
// Each chart is a <figure>: its title (figcaption, which names the SVG), a
// one-line summary (describes it), the SVG, a readout of the bar in focus, and
// a button that shows the same numbers as a table.  Keyboard: the chart is one
// Tab stop; the arrow keys, Home and End move between the bars (each has an
// aria-label with its value), Enter opens the list behind a bar.  The SVG is
// drawn at the width of its box, so text stays readable on a phone, and again
// when the box changes width.  Grouped (spec.grouped, vertical only): each
// bar's parts stand side by side instead of stacked (a city's emissions by
// sector for three cases); one Tab stop per group all the same.
import { fmt, h, t } from './core.js';

// Ticks of 1, 2 or 5 times a power of ten, at most about `most` of them, from 0
// to the first tick at or above max.  The charts ask for at least 4, so a
// largest count of 1 is not a bar the full height of the chart.
export function niceTicks(max, most = 5) {
  if (!(max > 0)) return [0, 1];
  const rough = max / most;
  const p = 10 ** Math.floor(Math.log10(rough));
  const step = [1, 2, 5, 10].map((m) => m * p).find((s) => s >= rough);
  const whole = Math.max(1, step); // counts: no tick between two whole numbers
  const ticks = [];
  for (let v = 0; v < max + whole; v += whole) {
    ticks.push(v);
    if (v >= max) break;
  }
  return ticks;
}

// Width of a label in px at the charts' 12px font: rough, enough to lay out.
// `latin`: the width of a Latin character (CJK ones are 12).
const textWidth = (s, latin = 6.8) => [...s].reduce((w, c) => w + (c.codePointAt(0) > 0x2e80 ? 12 : latin), 0);
// The label cut with "…" to fit px (the domino's boxes use it too).
export function clip(s, px, latin = 6.8) {
  if (textWidth(s, latin) <= px) return s;
  let out = '';
  for (const c of s) {
    if (textWidth(`${out}${c}…`, latin) > px) break;
    out += c;
  }
  return `${out}…`;
}

let serial = 0;

// spec: { id, title, note, orient: 'v'|'h', unit, keyHead, total (bool),
//   unit1: the unit for exactly 1 (else unit),
//   bars: [{ key, label (on the axis), full (in words), value, href?, parts?: [{ state, value }] }],
//   legend: [{ state, label }] for stacked bars, extraCols: [{ head, cell(bar) }], empty,
//   grouped: the parts side by side (orient 'v'), table: false when the page
//   shows the numbers in a table of its own under the chart }
export function barChart(spec) {
  const id = `chart-${spec.id}-${++serial}`;
  const fig = h('figure', { class: 'chart', 'data-chart': spec.id });
  const titleId = `${id}-title`, sumId = `${id}-sum`, tableId = `${id}-table`;
  fig.append(h('figcaption', { id: titleId, class: 'chart-title' }, spec.title));
  if (spec.note) fig.append(h('p', { class: 'chart-note' }, spec.note));
  const bars = spec.bars;
  if (!bars.length) {
    fig.append(h('p', { class: 'chart-empty', role: 'note' }, spec.empty || t('ch_no_data')));
    return fig;
  }
  const sum = bars.reduce((s, b) => s + b.value, 0);
  const u = (n) => (n === 1 && spec.unit1 ? spec.unit1 : spec.unit);
  const top = bars.reduce((m, b) => (peak(b, spec) > peak(m, spec) ? b : m), bars[0]);
  fig.append(h('p', { id: sumId, class: 'chart-summary' },
    `${fmt(bars.length)} ${t('ch_bars')} · ${t('ch_summary_max')}: ${said(top, spec, u, true)}`,
    spec.total ? ` · ${t('ch_total')}: ${fmt(sum)} ${u(sum)}` : ''));

  const box = h('div', { class: 'chart-box' });
  const readout = h('p', { class: 'readout', 'aria-hidden': 'true' }, `${t('ch_keys')}`);
  fig.append(box, readout);
  if (spec.legend)
    fig.append(h('ul', { class: 'legend chart-legend' }, spec.legend.map((l) =>
      h('li', {}, h('span', { class: `sw part-${l.state}` }), l.label))));

  // the numbers as a table, hidden until asked for
  const partHeads = spec.legend || [];
  const table = h('div', { class: 'tablewrap', id: tableId, hidden: true, tabindex: '0', role: 'region', 'aria-labelledby': titleId },
    h('table', { class: 'plist chart-table' },
      h('caption', {}, spec.title),
      h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, spec.keyHead),
        spec.grouped ? null : h('th', { scope: 'col', class: 'num' }, spec.unit),
        partHeads.map((l) => h('th', { scope: 'col', class: 'num' }, l.label)),
        (spec.extraCols || []).map((c) => h('th', { scope: 'col' }, c.head)))),
      h('tbody', {}, bars.map((b) => h('tr', { 'data-key': b.key },
        h('th', { scope: 'row' }, b.href ? h('a', { href: b.href }, b.full) : b.full),
        spec.grouped ? null : h('td', { class: 'num' }, fmt(b.value)),
        partHeads.map((l) => h('td', { class: 'num' }, fmt((b.parts || []).find((p) => p.state === l.state)?.value || 0))),
        (spec.extraCols || []).map((c) => h('td', {}, c.cell(b))))))));
  const toggle = h('button', { type: 'button', class: 'table-toggle', 'aria-expanded': 'false', 'aria-controls': tableId },
    t('ch_table_show'));
  toggle.addEventListener('click', () => {
    const open = table.hidden;
    table.hidden = !open;
    toggle.setAttribute('aria-expanded', String(open));
    toggle.textContent = t(open ? 'ch_table_hide' : 'ch_table_show');
  });
  if (spec.table !== false) fig.append(toggle, table);

  // --- drawing and the keyboard ---
  let active = 0, drawnWidth = 0;
  const say = (b) => { readout.textContent = said(b, spec, u); };
  const open = (b) => { if (b.href) location.hash = b.href; };
  const draw = (width) => {
    drawnWidth = width;
    const hadFocus = box.contains(document.activeElement);
    const svg = (spec.orient === 'h' ? drawH : spec.grouped ? drawGrouped : drawV)(spec, Math.max(width, 240), u);
    svg.setAttribute('aria-labelledby', titleId);
    svg.setAttribute('aria-describedby', sumId);
    const gs = [...svg.querySelectorAll('.bar')];
    gs.forEach((g, i) => {
      const b = bars[i];
      g.setAttribute('tabindex', i === active ? '0' : '-1');
      g.addEventListener('focus', () => {
        gs[active]?.setAttribute('tabindex', '-1');
        active = i;
        g.setAttribute('tabindex', '0');
        say(b);
      });
      g.addEventListener('mouseenter', () => say(b));
      g.addEventListener('click', () => open(b));
    });
    svg.addEventListener('keydown', (e) => {
      const next = { ArrowRight: active + 1, ArrowDown: active + 1, ArrowLeft: active - 1, ArrowUp: active - 1,
        Home: 0, End: gs.length - 1 }[e.key];
      if (next != null) {
        e.preventDefault();
        gs[Math.min(gs.length - 1, Math.max(0, next))].focus();
      } else if (e.key === 'Enter' || e.key === ' ') {
        e.preventDefault();
        open(bars[active]);
      }
    });
    box.replaceChildren(svg);
    if (hadFocus) gs[active].focus();
  };
  // a first drawing at the width <main> will give it, then the real width
  const guess = Math.min(document.getElementById('content')?.clientWidth || 800, 1100) - 32;
  draw(guess);
  let shown = false;
  const ro = new ResizeObserver(() => {
    if (box.isConnected) shown = true;
    else if (shown) return ro.disconnect(); // the page was left: nothing to redraw any more
    const w = Math.floor(box.clientWidth);
    if (w > 0 && Math.abs(w - drawnWidth) > 2) draw(w);
  });
  ro.observe(box);
  return fig;
}

// the highest value a bar reaches on the axis: its value, or a group's tallest part
const peak = (b, spec) => (spec.grouped ? Math.max(0, ...(b.parts || []).map((p) => p.value)) : b.value);

// a bar in words: "FY2015: 3 partnerships", or a group's every part
// ("Residential: Base year 168,000 t, BaU 201,600 t, …"); `most` names only
// a group's highest part (the summary line)
function said(b, spec, u, most) {
  if (!spec.grouped) return most ? `${b.full} (${fmt(b.value)} ${u(b.value)})` : `${b.full}: ${fmt(b.value)} ${u(b.value)}`;
  const label = (p) => (spec.legend || []).find((l) => l.state === p.state)?.label || p.state;
  const parts = most ? [b.parts.reduce((m, p) => (p.value > m.value ? p : m), b.parts[0])] : b.parts;
  return `${b.full}: ${parts.map((p) => `${label(p)} ${fmt(p.value)} ${u(p.value)}`).join(', ')}`;
}

// one bar: its label and value for assistive technology, the same as a
// tooltip (an axis label may be cut short), then its shapes; its value and
// axis texts go beside it in a group of their own, aria-hidden, so the bar's
// name is its words alone (axe: a link's name must hold the text it shows,
// and "FY2013: 1 partnership" cannot hold "12013")
function barGroup(b, u, spec, ...kids) {
  const words = said(b, spec, u);
  const all = kids.flat(Infinity).filter(Boolean);
  const isText = (k) => k.localName === 'text';
  return [h('svg:g', { class: 'bar', role: b.href ? 'link' : 'img', 'data-key': b.key, 'data-value': String(b.value),
    'aria-label': words }, h('svg:title', {}, words), all.filter((k) => !isText(k))),
  h('svg:g', { class: 'bar-text', 'aria-hidden': 'true' }, all.filter(isText))];
}

// the value's rectangles: one, or one per part (stacked in the legend's order)
function valueRects(b, spec, place) {
  if (!b.parts) return b.value ? [h('svg:rect', { class: 'val', ...place(0, b.value) })] : [];
  let from = 0;
  return (spec.legend || []).map((l) => {
    const v = (b.parts.find((p) => p.state === l.state) || {}).value || 0;
    const r = v ? h('svg:rect', { class: `val part-${l.state}`, ...place(from, v) }) : null;
    from += v;
    return r;
  });
}

// Vertical bars (years along the bottom).
function drawV(spec, W, u) {
  const bars = spec.bars, n = bars.length;
  const m = { t: 22, r: 8, b: 28, l: 44 }, H = 250;
  const iw = W - m.l - m.r, ih = H - m.t - m.b;
  const ticks = niceTicks(Math.max(4, ...bars.map((b) => b.value)));
  const hi = ticks[ticks.length - 1];
  const y = (v) => m.t + ih * (1 - v / hi);
  const band = iw / n, bw = Math.min(48, band * 0.72);
  const labelW = Math.max(...bars.map((b) => textWidth(b.label))) + 6;
  const every = Math.max(1, Math.ceil(labelW / band)); // label every k-th bar when crowded
  const svg = vFrame(spec, W, H, m, ticks, y);
  bars.forEach((b, i) => {
    const x0 = m.l + band * i, cx = x0 + band / 2;
    svg.append(...barGroup(b, u, spec,
      // the hit area takes in the year under the bar: a click there opens it too
      h('svg:rect', { class: 'hit', x: x0, y: m.t, width: band, height: ih + 20 }),
      valueRects(b, spec, (from, v) => ({ x: cx - bw / 2, y: y(from + v), width: bw, height: y(from) - y(from + v) })),
      band >= 14 ? h('svg:text', { class: 'v', x: cx, y: y(b.value) - 5, 'text-anchor': 'middle' }, fmt(b.value)) : null,
      i % every === 0 ? h('svg:text', { class: 'k', x: cx, y: H - m.b + 17, 'text-anchor': 'middle' }, b.label) : null));
  });
  svg.append(h('svg:line', { class: 'baseline', x1: m.l, x2: W - m.r, y1: y(0), y2: y(0) }));
  return svg;
}

// The frame of a vertical chart (plain or grouped): the SVG with its unit
// and the value axis, gridlines at the ticks.
function vFrame(spec, W, H, m, ticks, y) {
  return h('svg:svg', { class: 'chart-svg', role: 'group', width: W, height: H, viewBox: `0 0 ${W} ${H}` },
    h('svg:text', { class: 'unit', x: 4, y: 12 }, spec.unit),
    h('svg:g', { class: 'axis' }, ticks.map((v) => [
      h('svg:line', { class: 'grid', x1: m.l, x2: W - m.r, y1: y(v), y2: y(v) }),
      h('svg:text', { x: m.l - 6, y: y(v) + 4, 'text-anchor': 'end' }, fmt(v))])));
}

// Horizontal bars (names down the side).
function drawH(spec, W, u) {
  const bars = spec.bars, n = bars.length;
  const row = 28, m = { t: 8, r: 44, b: 24 };
  const labelW = Math.min(Math.max(...bars.map((b) => textWidth(b.label))) + 12, Math.round(W * 0.42));
  const H = m.t + n * row + m.b, iw = W - labelW - m.r;
  const ticks = niceTicks(Math.max(4, ...bars.map((b) => b.value)));
  const hi = ticks[ticks.length - 1];
  const x = (v) => labelW + iw * (v / hi);
  const svg = h('svg:svg', { class: 'chart-svg', role: 'group', width: W, height: H, viewBox: `0 0 ${W} ${H}` },
    h('svg:g', { class: 'axis' }, ticks.map((v) => [
      h('svg:line', { class: 'grid', x1: x(v), x2: x(v), y1: m.t, y2: H - m.b }),
      h('svg:text', { x: x(v), y: H - m.b + 16, 'text-anchor': 'middle' }, fmt(v))])));
  bars.forEach((b, i) => {
    const y0 = m.t + row * i, bh = row * 0.66, by = y0 + (row - bh) / 2;
    svg.append(...barGroup(b, u, spec,
      h('svg:rect', { class: 'hit', x: 0, y: y0, width: W, height: row }),
      valueRects(b, spec, (from, v) => ({ x: x(from), y: by, width: x(from + v) - x(from), height: bh })),
      h('svg:text', { class: 'v', x: x(b.value) + 5, y: y0 + row / 2 + 4 }, fmt(b.value)),
      h('svg:text', { class: 'k', x: labelW - 8, y: y0 + row / 2 + 4, 'text-anchor': 'end' }, clip(b.label, labelW - 12))));
  });
  svg.append(h('svg:line', { class: 'baseline', x1: x(0), x2: x(0), y1: m.t, y2: H - m.b }));
  return svg;
}

// Grouped vertical bars: per group one rectangle per part, side by side in the
// legend's order, each with its value as data-value (the tests read them).
function drawGrouped(spec, W, u) {
  const bars = spec.bars, n = bars.length, legend = spec.legend || [];
  const m = { t: 22, r: 8, b: 28, l: 64 }, H = 260;
  const iw = W - m.l - m.r, ih = H - m.t - m.b;
  const ticks = niceTicks(Math.max(4, ...bars.map((b) => peak(b, spec))));
  const hi = ticks[ticks.length - 1];
  const y = (v) => m.t + ih * (1 - v / hi);
  const band = iw / n, gw = Math.min(40 * legend.length, band * 0.8), pw = gw / Math.max(1, legend.length);
  const labelW = Math.max(...bars.map((b) => textWidth(b.label))) + 6;
  const every = Math.max(1, Math.ceil(labelW / band));
  const svg = vFrame(spec, W, H, m, ticks, y);
  bars.forEach((b, i) => {
    const x0 = m.l + band * i, cx = x0 + band / 2;
    svg.append(...barGroup(b, u, spec,
      // the hit area takes in the year under the bar: a click there opens it too
      h('svg:rect', { class: 'hit', x: x0, y: m.t, width: band, height: ih + 20 }),
      legend.map((l, j) => {
        const v = (b.parts.find((p) => p.state === l.state) || {}).value || 0;
        return h('svg:rect', { class: `val part-${l.state}`, 'data-part': l.state, 'data-value': String(v),
          x: cx - gw / 2 + pw * j, y: y(v), width: Math.max(1, pw - 2), height: y(0) - y(v) });
      }),
      i % every === 0 ? h('svg:text', { class: 'k', x: cx, y: H - m.b + 17, 'text-anchor': 'middle' }, clip(b.label, band * every - 4)) : null));
  });
  svg.append(h('svg:line', { class: 'baseline', x1: m.l, x2: W - m.r, y1: y(0), y2: y(0) }));
  return svg;
}
