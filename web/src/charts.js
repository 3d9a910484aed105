// charts.js - the charts page (#/charts): partnerships per fiscal year and per
// country, JCM projects (projects of kind jcm) per fiscal year and per country,
// and credits by vintage from the registry's holdings.  Years run without a
// gap from the first to the last recorded, so a year with none shows as 0;
// rows without a year are counted and said, never silently dropped.
import { barChart } from './chart.js';
import { api, countryNames, fmt, fyLabel, h, name, name1, t, tf } from './core.js';

// [first..last] of the years, each with its count (0 where none)
function perYear(items, yearsOf) {
  const n = new Map();
  for (const x of items) for (const y of yearsOf(x)) n.set(y, (n.get(y) || 0) + 1);
  if (!n.size) return [];
  const ys = [...n.keys()];
  const out = [];
  for (let y = Math.min(...ys); y <= Math.max(...ys); y++) out.push([y, n.get(y) || 0]);
  return out;
}
function perCountry(items) {
  const n = new Map();
  for (const x of items) n.set(x.country, (n.get(x.country) || 0) + 1);
  return [...n].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
}

// "N of M partnerships without a recorded fiscal year are not in this chart."
const noYear = (n, total, unit) => (n ? tf('ch_no_year', { n: fmt(n), total: fmt(total), unit }) : '');

export async function chartsPage(main) {
  const [parts, jcm, cn, balance] = await Promise.all([api('partnerships'), api('projects?kind=jcm'),
    countryNames(), api('registry/balance')]);
  const cname = (c) => (cn[c] ? name1(cn[c].name_ja, cn[c].name_en) : c);
  main.append(h('h1', {}, t('charts_h')), h('p', { class: 'intro' }, t('charts_intro')));

  // --- partnerships per fiscal year, for all countries or one
  const partCountries = perCountry(parts);
  const sel = h('select', { id: 'ch-country', name: 'country' }, h('option', { value: '' }, t('all')),
    partCountries.map(([c]) => h('option', { value: c }, cname(c))));
  const fyBox = h('div', { class: 'chart-slot' });
  const drawFy = () => {
    const c = sel.value;
    const rows = c ? parts.filter((p) => p.country === c) : parts;
    const years = perYear(rows, (p) => p.fiscal_years || []);
    const byCountry = (y) => perCountry(rows.filter((p) => (p.fiscal_years || []).includes(y)))
      .map(([k, v]) => `${cname(k)} ${fmt(v)}`).join(', ');
    fyBox.replaceChildren(barChart({
      id: 'partnerships-fy', orient: 'v', title: t('ch_part_fy') + (c ? ` — ${cname(c)}` : ''),
      note: [t('ch_part_fy_note'), noYear(rows.filter((p) => !(p.fiscal_years || []).length).length, rows.length,
        t('ch_partnerships_unit'))].join(' '),
      unit: t('ch_partnerships_unit'), unit1: t('ch_partnerships_unit1'), keyHead: t('fy'),
      bars: years.map(([y, v]) => ({ key: String(y), label: String(y), full: fyLabel(y), value: v,
        href: `#/partnerships?${new URLSearchParams({ ...(c ? { country: c } : {}), fy: y })}` })),
      extraCols: c ? [] : [{ head: t('ch_by_country'), cell: (b) => byCountry(Number(b.key)) }],
    }));
  };
  sel.addEventListener('change', drawFy);
  drawFy();
  main.append(h('section', { class: 'charts', 'aria-labelledby': 'ch-part-h' },
    h('h2', { id: 'ch-part-h' }, t('ch_part_h')),
    h('div', { class: 'field chart-filter' }, h('label', { for: 'ch-country' }, t('ch_country_filter')), sel),
    fyBox,
    barChart({
      id: 'partnerships-country', orient: 'h', title: t('ch_part_country'), note: t('ch_part_country_note'),
      unit: t('ch_partnerships_unit'), unit1: t('ch_partnerships_unit1'), keyHead: t('country'), total: true,
      bars: partCountries.map(([c, v]) => ({ key: c, label: cname(c), full: cname(c), value: v,
        href: `#/partnerships?country=${c}` })),
    })));

  // --- JCM projects
  const jcmYears = perYear(jcm, (p) => (p.fiscal_year ? [p.fiscal_year] : []));
  main.append(h('section', { class: 'charts', 'aria-labelledby': 'ch-jcm-h' },
    h('h2', { id: 'ch-jcm-h' }, t('ch_jcm_h')),
    barChart({
      id: 'jcm-fy', orient: 'v', title: t('ch_jcm_fy'),
      note: noYear(jcm.filter((p) => !p.fiscal_year).length, jcm.length, t('ch_projects_unit')),
      unit: t('ch_projects_unit'), unit1: t('ch_projects_unit1'), keyHead: t('fy'),
      bars: jcmYears.map(([y, v]) => ({ key: String(y), label: String(y), full: fyLabel(y), value: v,
        href: `#/projects?kind=jcm&fiscal_year=${y}` })),
      extraCols: [{ head: t('t_projects'), cell: (b) => jcm.filter((p) => p.fiscal_year === Number(b.key))
        .map((p, i) => [i ? ', ' : '', h('a', { href: `#/projects/${encodeURIComponent(p.id)}` }, name(p.name_ja, p.name_en))]) }],
    }),
    barChart({
      id: 'jcm-country', orient: 'h', title: t('ch_jcm_country'), note: t('ch_jcm_country_note'),
      unit: t('ch_projects_unit'), unit1: t('ch_projects_unit1'), keyHead: t('country'), total: true,
      bars: perCountry(jcm).map(([c, v]) => ({ key: c, label: cname(c), full: cname(c), value: v,
        href: `#/projects?kind=jcm&country=${c}` })),
    })));

  // --- credits by vintage, stacked by state
  const states = ['active', 'retired', 'cancelled'];
  const vint = new Map();
  for (const r of balance) {
    const v = vint.get(r.vintage) || Object.fromEntries(states.map((s) => [s, 0]));
    v[r.state] = (v[r.state] || 0) + r.credits;
    vint.set(r.vintage, v);
  }
  const vys = [...vint.keys()];
  const vbars = [];
  if (vys.length)
    for (let y = Math.min(...vys); y <= Math.max(...vys); y++) {
      const v = vint.get(y) || {};
      const parts = states.map((s) => ({ state: s, value: v[s] || 0 }));
      vbars.push({ key: String(y), label: String(y), full: `${t('ch_vintage')} ${y}`, parts,
        value: parts.reduce((s, p) => s + p.value, 0) });
    }
  main.append(h('section', { class: 'charts', 'aria-labelledby': 'ch-credits-h' },
    h('h2', { id: 'ch-credits-h' }, t('ch_credits_h')),
    barChart({
      id: 'credits-vintage', orient: 'v', title: t('ch_credits'), note: t('ch_credits_note'),
      unit: t('ch_credits_unit'), keyHead: t('ch_vintage'), total: true, empty: t('ch_no_credits'),
      legend: states.map((s) => ({ state: s, label: t(`v_state:${s}`) })), bars: vbars,
    })));
}
