// methodologies.js - the JCM methodologies c2c computes, as their files in
// data/mrv/ describe them: #/methodologies lists them with their reference
// numbers and countries (GET /api/v1/mrv/methodologies), #/methodologies/<id>
// shows one (GET …/methodologies/{id}): its parameters, its formulas and
// what of it the official text read does not confirm, so an official can
// check what a report was computed with.  Titles, symbols and formulas are
// the JCM documents' own, in English.
import { api, countryNames, h, name1, t, tf } from './core.js';

const countriesText = (codes, cn) => (codes || []).map((c) => (cn[c] ? name1(cn[c].name_ja, cn[c].name_en) : c)).join('、 ');

export async function methodologiesPage(page) {
  const [ms, cn] = await Promise.all([api('mrv/methodologies'), countryNames()]);
  page.append(h('p', { class: 'crumbs' }, h('a', { href: '#/mrv' }, `← ${t('mrv_h')}`)),
    h('h1', {}, t('meth_h')), h('p', { class: 'intro' }, t('meth_intro')));
  const cols = ['meth_id', 'meth_refs', 'meth_countries', 'meth_title', 'meth_unconfirmed'];
  page.append(h('div', { class: 'tablewrap', tabindex: '0', role: 'region', 'aria-label': t('meth_h') },
    h('table', { class: 'plist methodologies', 'data-table': 'methodologies' },
      h('thead', {}, h('tr', {}, cols.map((c) => h('th', { scope: 'col', class: c === 'meth_unconfirmed' ? 'num' : null }, t(c))))),
      h('tbody', {}, ms.map((m) => h('tr', { 'data-id': m.id },
        h('th', { scope: 'row' }, h('a', { href: `#/methodologies/${encodeURIComponent(m.id)}`, class: 'rowlink' }, m.id)),
        h('td', { 'data-label': t('meth_refs') }, m.refs.join(', ')),
        h('td', { 'data-label': t('meth_countries') }, countriesText(m.countries, cn) || '—'),
        h('td', { 'data-label': t('meth_title'), lang: 'en' }, m.title),
        h('td', { 'data-label': t('meth_unconfirmed'), class: 'num' }, m.unconfirmed ? tf('meth_marks', { n: m.unconfirmed }) : t('meth_none'))))))));
}

export async function methodologyPage(page, id) {
  page.append(h('p', { class: 'crumbs' }, h('a', { href: '#/methodologies' }, `← ${t('meth_h')}`)));
  const [ms, cn] = await Promise.all([api('mrv/methodologies'), countryNames()]);
  if (!ms.some((m) => m.id === id || m.refs.includes(id))) {
    page.append(h('h1', {}, t('not_found')), h('p', { class: 'warn', role: 'alert' }, `${t('meth_id')} ${id}`));
    return;
  }
  const m = await api(`mrv/methodologies/${encodeURIComponent(id)}`);
  const kv = (k, v, lang) => h('div', { class: 'field-row', 'data-col': k }, h('dt', {}, t(k)),
    h('dd', { lang }, v == null || v === '' ? h('span', { class: 'empty' }, '—') : v));
  page.append(h('h1', { class: 'detail-h', lang: 'en' }, `${m.id} · ${m.title}`),
    m.unconfirmed_note ? h('p', { class: 'warn', id: 'meth-unconfirmed' }, h('strong', {}, `${t('meth_unconfirmed_h')}: `), h('span', { lang: 'en' }, m.unconfirmed_note)) : null,
    h('h2', { id: 'fields-h' }, t('fields_h')),
    h('dl', { class: 'fields', 'aria-labelledby': 'fields-h' },
      kv('meth_refs', m.refs.join(', ')),
      kv('meth_countries', countriesText(m.countries, cn)),
      kv('meth_version', m.version),
      kv('meth_sector', m.sector, 'en'),
      kv('meth_eligibility', m.eligibility, 'en'),
      kv('mrv_re_equation', m.re_equation, 'en'),
      kv('mrv_pe_equation', m.pe_equation, 'en'),
      kv('meth_er_rule', t('meth_er_text')),
      kv('meth_source', m.source, 'en')),
    h('h2', { id: 'formulas-h' }, t('meth_formulas_h')), h('p', { class: 'intro' }, t('meth_formulas_intro')),
    h('ol', { class: 'formulas', 'aria-labelledby': 'formulas-h' }, m.formulas.map((f) => h('li', { 'data-symbol': f.symbol },
      h('code', { lang: 'en' }, `${f.symbol} = ${f.formula}`), ` [${f.unit}]`))),
    h('h2', { id: 'mparams-h' }, t('mrv_parameters')),
    h('div', { class: 'tablewrap', tabindex: '0', role: 'region', 'aria-labelledby': 'mparams-h' },
      h('table', { class: 'plist params', 'data-table': 'methodology-parameters' },
        h('thead', {}, h('tr', {}, ['mrv_p_symbol', 'meth_p_description', 'mrv_p_unit', 'meth_p_kind', 'meth_p_per_unit', 'meth_p_default', 'meth_unconfirmed']
          .map((c) => h('th', { scope: 'col' }, t(c))))),
        h('tbody', {}, m.parameters.map((p) => h('tr', { 'data-symbol': p.symbol },
          h('th', { scope: 'row' }, h('code', { lang: 'en' }, p.symbol_doc)),
          h('td', { 'data-label': t('meth_p_description'), lang: 'en' }, p.description),
          h('td', { 'data-label': t('mrv_p_unit') }, p.unit),
          h('td', { 'data-label': t('meth_p_kind') }, t(p.monitored ? 'meth_kind_monitored' : p.fixed_by === 'project' ? 'meth_kind_project' : 'meth_kind_methodology')),
          h('td', { 'data-label': t('meth_p_per_unit') }, t(p.per_unit ? 'meth_yes' : 'meth_no')),
          h('td', { 'data-label': t('meth_p_default'), class: 'num' }, p.default ?? '—'),
          h('td', { 'data-label': t('meth_unconfirmed'), class: p.unconfirmed ? 'warn' : null, lang: p.unconfirmed ? 'en' : null }, p.unconfirmed || t('meth_none'))))))));
}
