// life.js - a project's whole life on its page (#/projects/<id>), from one
// read of GET /api/v1/projects/{id} (life/ on the server, the same object as
// `c2c projects show`): the partnerships it was formed from, a timeline of its
// stages, monitoring reports and issuances, where its credits are, the
// corresponding adjustments and the city scenarios that count it.  Names
// wherever the data has them; a JCM reference or an issuance number is what
// the JCM itself prints, so those stay.
import { api, countryNames, fmt, fyLabel, h, has, name, t } from './core.js';

const stageText = (s) => (has(`stage:${s}`) ? t(`stage:${s}`) : s);
const stateText = (s) => (has(`life_state:${s}`) ? t(`life_state:${s}`) : s);
const reportText = (s) => (has(`mrv_status_${s}`) ? t(`mrv_status_${s}`) : s);

// The date a timeline entry is placed at: a stage known by its fiscal year
// only sits at the year's start (April), and says the fiscal year, not a day.
const stageWhen = (s) => (s.on_date ? { key: s.on_date, text: s.on_date }
  : s.fiscal_year ? { key: `${s.fiscal_year}-04`, text: fyLabel(s.fiscal_year) } : { key: '', text: '—' });

function timeline(life) {
  const items = [];
  life.stages.forEach((s, i) => {
    const w = stageWhen(s);
    items.push({ key: w.key, order: i, kind: 'stage', stage: s.stage, when: w.text,
      body: [h('strong', {}, stageText(s.stage)), s.ref ? h('span', { class: 'ref' }, ` · ${s.ref}`) : null],
      source: s.source });
  });
  for (const r of life.mrv?.reports || [])
    items.push({ key: r.period_end, order: 1000, kind: 'report', stage: 'monitoring_report', when: `${r.period_start} – ${r.period_end}`,
      body: [h('a', { href: `#/mrv/${r.id}` }, h('strong', {}, t('life_report'))),
        ` · ${reportText(r.status)} · ${fmt(r.er_t)} tCO2e`] });
  for (const x of life.issuances)
    items.push({ key: x.period_end, order: 2000, kind: 'issuance', stage: 'credits_issued', when: `${x.period_start} – ${x.period_end}`,
      body: [h('strong', {}, t('life_issued')), ` · ${x.id} · ${fmt(x.quantity)} ${t('life_credits')} (${t('life_vintage')} ${x.vintage})`,
        x.authorized ? ` · ${t('life_authorized')}` : null,
        x.external_verification ? h('span', { class: 'ref' }, ` · ${t('life_external')}: ${x.external_verification}`) : null] });
  items.sort((a, b) => (a.key || '9999').localeCompare(b.key || '9999') || a.order - b.order);
  if (!items.length) return h('p', { class: 'empty-list' }, t('life_no_stages'));
  return h('ol', { class: 'timeline' }, items.map((it) => h('li', { class: `tl-${it.kind}`, 'data-stage': it.stage },
    h('span', { class: 'tl-when' }, it.when),
    h('div', { class: 'tl-what' }, it.body, it.source ? h('p', { class: 'tl-source' }, `${t('life_source')}: `, it.source) : null))));
}

// the row's fiscal years as the atlas stores them: "2017;2020;2021"
const fys = (p) => String(p.fiscal_years || '').split(';').filter(Boolean).map(Number);

function partnershipsList(parts) {
  if (!parts.length) return h('p', { class: 'empty-list' }, t('life_no_partnership'));
  return h('ul', { class: 'life-parts' }, parts.map((p) => {
    const side = (role) => p.places.filter((x) => x.role === role).map((x, i) => [i ? '・' : '', name(x.name_ja, x.name_en)]);
    return h('li', { 'data-id': p.id }, h('a', { href: `#/partnerships/${encodeURIComponent(p.id)}` }, side('body'), ' – ', side('partner')),
      fys(p).length ? h('span', { class: 'meta' }, ` · ${fys(p).map(fyLabel).join(', ')}`) : null);
  }));
}

// A small table with its column heads from i18n (life_c_<col>); cells as given.
function table(id, cols, rows) {
  return h('div', { class: 'tablewrap', tabindex: '0', role: 'region', 'aria-labelledby': `${id}-h` },
    h('table', { class: 'plist', 'data-table': id },
      h('thead', {}, h('tr', {}, cols.map(([c, num]) => h('th', { scope: 'col', class: num ? 'num' : null }, t(`life_c_${c}`))))),
      h('tbody', {}, rows.map((r) => h('tr', {}, cols.map(([c, num], i) =>
        h('td', { 'data-label': t(`life_c_${c}`), 'data-col': c, class: num ? 'num' : null }, r[i])))))));
}

const section = (id, title, ...kids) => h('section', { class: `life-${id}`, 'aria-labelledby': `${id}-h` },
  h('h3', { id: `${id}-h` }, t(title)), ...kids);

export async function lifeSection(id) {
  const [life, cn, places] = await Promise.all([api(`projects/${encodeURIComponent(id)}`), countryNames(), api('places')]);
  const country = (c) => name(cn[c]?.name_ja, cn[c]?.name_en || c);
  const place = Object.fromEntries(places.map((p) => [p.id, p]));
  const mrv = life.mrv;
  const out = h('section', { class: 'life', 'aria-labelledby': 'life-h' }, h('h2', { id: 'life-h' }, t('life_h')),
    section('parts', 'life_formed_from', partnershipsList(life.partnerships)),
    section('timeline', 'life_timeline', timeline(life)));
  out.append(section('mrv', 'life_mrv', mrv
    ? h('p', {}, mrv.jcm_ref ? `${t('life_jcm_ref')}: ${mrv.jcm_ref} · ` : '', `${t('life_methodology')}: ${mrv.methodology}`,
      ' · ', t('life_host'), ': ', country(mrv.host_country))
    : h('p', { class: 'empty-list' }, t('life_no_mrv'))));
  if (life.holdings.length)
    out.append(section('holdings', 'life_holdings', table('holdings', [['country'], ['account'], ['state'], ['quantity', 1]],
      life.holdings.map((x) => [country(x.country), x.account, stateText(x.state), fmt(x.quantity)]))));
  if (life.ca.length)
    out.append(section('ca', 'life_ca', h('p', { class: 'note' }, t('life_ca_note')),
      table('ca', [['country'], ['vintage'], ['quantity', 1], ['issuance']],
        life.ca.map((x) => [country(x.country), String(x.vintage), (x.quantity > 0 ? '+' : '') + fmt(x.quantity), x.issuance]))));
  out.append(section('scenarios', 'life_scenarios', life.scenarios.length
    ? h('ul', {}, life.scenarios.map((s) => h('li', { 'data-id': s.id },
      h('strong', {}, s.name || s.id), ' · ', place[s.place_id] ? name(place[s.place_id].name_ja, place[s.place_id].name_en) : s.place_id,
      ` · ${fmt(s.reduction_t)} tCO2e/${t('life_year')}`,
      s.split ? h('span', { class: 'meta' }, ` · ${t('life_host_kept')} ${fmt(s.split.host_kept)} · ${t('life_to_japan')} ${fmt(s.split.transferred_with_ca)}`) : null)))
    : h('p', { class: 'empty-list' }, t('life_no_scenario'))));
  return out;
}
