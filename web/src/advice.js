// advice.js - the programme's advice to its people, two pages that store
// nothing: #/readiness, a municipality fills in seed 004's six checks
// (確認事項1–6) and sees its score per check, its weakest points and the
// support schemes and precedent cases that address them; #/match, a partner
// place's need (country, sector, technology, size) matched to Japanese
// bodies, companies, technologies and schemes, each with the reasons it
// ranks where it does, and how often that ranking finds the real partner.
// The server scores and ranks (POST /api/v1/readiness/score, GET
// /api/v1/match): the page shows what the CLI would print.
import { barChart } from './chart.js';
import { api, busy, countryNames, fmt, h, lang, name, name1, serverLang, serverText, t, tf } from './core.js';
import { L } from './i18n.js';
import { canCall, session, write } from './session.js';

const ANSWERS = [0, 1, 2, 3];

// --- #/readiness ---------------------------------------------------------------

// The answers as the form holds them: item -> 0..3, '' where none is chosen.
const readinessState = { answers: {} };

export async function readinessPage(page) {
  const qs = await api('readiness/questions');
  const checks = [];
  for (const q of qs) {
    if (!checks.length || checks[checks.length - 1].check !== q.check)
      checks.push({ check: q.check, title: name1(q.check_ja, q.check_en), rule: q.rule, items: [] });
    checks[checks.length - 1].items.push(q);
  }
  const result = h('section', { class: 'readiness-result', 'aria-live': 'polite', id: 'rd-result' });
  const alert = h('div', { class: 'form-alert', role: 'alert', tabindex: '-1', id: 'rd-alert' });
  const selects = {};
  const fieldsets = checks.map((c) => h('fieldset', { class: 'check', 'data-check': c.check },
    h('legend', {}, c.title),
    h('p', { class: 'hint' }, t(c.rule === 'all' ? 'rd_rule_all' : 'rd_rule_any')),
    c.items.map((q) => {
      const id = `rd-${q.item}`;
      const sel = h('select', { id, name: q.item, 'data-item': q.item },
        h('option', { value: '' }, t('rd_choose')),
        ANSWERS.map((a) => h('option', { value: String(a) }, `${a} — ${t(`rd_answer_${a}`)}`)));
      sel.value = readinessState.answers[q.item] ?? '';
      sel.addEventListener('change', () => { readinessState.answers[q.item] = sel.value; });
      selects[q.item] = sel;
      return h('div', { class: 'field' }, h('label', { for: id }, name1(q.text_ja, q.text_en)), sel);
    })));
  const button = h('button', { type: 'submit', class: 'primary' }, t('rd_submit'));
  const form = h('form', { id: 'readiness-form', class: 'write', novalidate: true, 'aria-labelledby': 'rd-h' },
    h('h2', { id: 'rd-h' }, t('rd_form_h')), h('p', { class: 'intro' }, t('rd_form_intro')),
    alert, fieldsets, h('div', { class: 'actions' }, button));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    busy(page, () => score(qs, selects, alert, result, button));
  });
  page.append(h('h1', {}, t('rd_h')), h('p', { class: 'intro' }, t('rd_intro')), form, result);
}

async function score(qs, selects, alert, result, button) {
  alert.replaceChildren();
  const missing = qs.filter((q) => selects[q.item].value === '');
  for (const q of qs) selects[q.item].removeAttribute('aria-invalid');
  if (missing.length) {
    for (const q of missing) selects[q.item].setAttribute('aria-invalid', 'true');
    alert.append(tf('rd_missing', { n: fmt(missing.length) }));
    selects[missing[0].item].focus();
    return;
  }
  const answers = Object.fromEntries(qs.map((q) => [q.item, Number(selects[q.item].value)]));
  button.disabled = true;
  const r = await write('POST', 'readiness/score', { answers });
  button.disabled = false;
  if (!r.ok) {
    alert.append(`${t('rd_error')}: `, serverText(r.error?.message || ''));
    alert.focus();
    return;
  }
  drawScore(r.data, result);
  result.append(await saveOffer(answers));
  result.querySelector('h2').focus();
}

// A municipality keeps the result (POST /api/v1/readiness, dated by the
// server) to attach it to a proposal on the call page; anyone else is told
// how.
async function saveOffer(answers) {
  if (!(await canCall('POST', '/api/v1/readiness')) || session.role !== 'municipality')
    return h('p', { class: 'hint', id: 'rd-save-note' }, t('rd_save_login'));
  const status = h('p', { class: 'form-status', id: 'rd-save-status', role: 'status', tabindex: '-1' });
  const alert = h('div', { class: 'form-alert', id: 'rd-save-alert', role: 'alert', tabindex: '-1' });
  const button = h('button', { type: 'button', class: 'primary', id: 'rd-save' }, t('rd_save_button'));
  button.addEventListener('click', async () => {
    button.disabled = true;
    alert.replaceChildren();
    const r = await write('POST', 'readiness', { answers });
    if (!r.ok) {
      button.disabled = false;
      alert.append(`${t('not_saved')}: `, serverText(r.error?.message || ''));
      alert.focus();
      return;
    }
    status.textContent = tf('rd_saved', { on: r.data.saved_on, score: r.data.overall });
    status.classList.add('ok');
    status.focus();
  });
  return h('div', { class: 'rd-save' }, alert, status, h('div', { class: 'actions' }, button));
}

function drawScore(d, box) {
  const target = (p) => (p.kind === 'scheme' ? `#/schemes/${encodeURIComponent(p.id)}`
    : p.kind === 'case' ? `#/cases/${encodeURIComponent(p.id)}` : null);
  const chart = barChart({
    id: 'readiness', orient: 'h', title: t('rd_chart'), note: t('rd_chart_note'),
    unit: t('rd_points'), keyHead: t('rd_check'),
    bars: d.checks.map((c) => ({ key: String(c.check), label: `${t('rd_check')} ${c.check}`,
      full: name1(c.title_ja, c.title_en), value: Number(c.score) })),
  });
  // replaceChildren takes nodes only: h('div') gathers the parts (and drops
  // the nulls), then gives them up
  box.replaceChildren(...h('div', {},
    h('h2', { tabindex: '-1', id: 'rd-result-h' }, t('rd_result_h')),
    h('p', { class: 'overall', 'data-overall': d.overall },
      tf('rd_overall', { score: d.overall, level: t(`rd_level:${d.level}`) })),
    d.lowest_checks?.length
      ? h('p', { class: 'lowest' }, tf('rd_lowest', { checks: d.lowest_checks.join(', ') })) : null,
    chart,
    h('h3', {}, t('rd_weakest_h')),
    d.weakest.length ? h('ol', { class: 'weakest' }, d.weakest.map((w) => h('li', { 'data-item': w.item },
      h('p', {}, h('strong', {}, name1(w.text_ja, w.text_en)), ` — ${t('rd_check')} ${w.check}, `,
        tf('rd_answered', { a: w.answer })),
      w.pointers?.length ? h('ul', { class: 'pointers' }, w.pointers.map((p) => h('li', { 'data-kind': p.kind },
        `${t(`rd_kind:${p.kind}`)}: `,
        target(p) ? h('a', { href: target(p) }, p.name_ja || p.id) : (p.name_ja || p.id),
        p.why ? serverText(` — ${p.why}`, { class: 'why' }) : null))) : null)))
      : h('p', {}, t('rd_no_weak'))).childNodes);
}

// --- #/match ---------------------------------------------------------------------

const matchState = { country: '', sector: '', tech: '', size: '' };
const KINDS = ['bodies', 'companies', 'technologies', 'schemes', 'methodologies', 'counterparts'];
// the atlas table each kind's ids are rows of (a technology is the project
// that installed it)
const LINK = { bodies: 'places', companies: 'companies', counterparts: 'companies', technologies: 'projects', schemes: 'schemes', methodologies: 'methodologies' };

export async function matchPage(page, params) {
  const [cn, parts] = await Promise.all([countryNames(), api('partnerships')]);
  for (const k of Object.keys(matchState)) if (params?.get(k)) matchState[k] = params.get(k);
  // the partner countries of the atlas first, then every other country
  const partner = new Set(parts.map((p) => p.country));
  const label = (c) => (lang === 'ja' ? `${cn[c]?.name_ja || c}（${c}）` : `${cn[c]?.name_en || c} (${c})`);
  const codes = Object.keys(cn).filter((c) => c !== 'JP');
  const byName = (a, b) => label(a).localeCompare(label(b));
  const country = h('select', { id: 'm-country', name: 'country', required: true },
    h('option', { value: '' }, t('rd_choose')),
    h('optgroup', { label: t('m_partner_countries') }, codes.filter((c) => partner.has(c)).sort(byName)
      .map((c) => h('option', { value: c }, label(c)))),
    h('optgroup', { label: t('m_other_countries') }, codes.filter((c) => !partner.has(c)).sort(byName)
      .map((c) => h('option', { value: c }, label(c)))));
  const sectors = Object.keys(L).filter((k) => k.startsWith('v_sector:')).map((k) => k.slice(9));
  const sector = h('select', { id: 'm-sector', name: 'sector' }, h('option', { value: '' }, t('all')),
    sectors.map((s) => h('option', { value: s }, t(`v_sector:${s}`))));
  const tech = h('input', { id: 'm-tech', name: 'tech', type: 'text', autocomplete: 'off', 'aria-describedby': 'm-tech-hint' });
  const size = h('select', { id: 'm-size', name: 'size' }, h('option', { value: '' }, t('all')),
    ['small', 'medium', 'large'].map((s) => h('option', { value: s }, t(`m_size:${s}`))));
  country.value = matchState.country;
  sector.value = matchState.sector;
  tech.value = matchState.tech;
  size.value = matchState.size;
  const alert = h('div', { class: 'form-alert', role: 'alert', tabindex: '-1', id: 'm-alert' });
  const out = h('section', { class: 'match-result', id: 'm-result', 'aria-live': 'polite' });
  const form = h('form', { id: 'match-form', class: 'filters write', novalidate: true, 'aria-labelledby': 'm-form-h' },
    h('h2', { id: 'm-form-h' }, t('m_form_h')), alert,
    h('div', { class: 'field' }, h('label', { for: 'm-country' }, t('country'), h('span', { class: 'req' }, t('required_mark'))), country),
    h('div', { class: 'field' }, h('label', { for: 'm-sector' }, t('f_sector')), sector),
    h('div', { class: 'field' }, h('label', { for: 'm-tech' }, t('m_tech')),
      h('p', { class: 'hint', id: 'm-tech-hint' }, t('m_tech_hint')), tech),
    h('div', { class: 'field' }, h('label', { for: 'm-size' }, t('m_size')), size),
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, t('m_submit'))));
  const run = async () => {
    alert.replaceChildren();
    country.removeAttribute('aria-invalid');
    Object.assign(matchState, { country: country.value, sector: sector.value, tech: tech.value.trim(), size: size.value });
    if (!matchState.country) {
      country.setAttribute('aria-invalid', 'true');
      alert.append(t('m_need_country'));
      country.focus();
      return;
    }
    const q = new URLSearchParams(Object.entries(matchState).filter(([, v]) => v));
    let d;
    try {
      d = await api(`match?${q}`);
    } catch (e) {
      alert.append(`${t('load_error')}: ${e.message}`);
      return;
    }
    drawMatch(d, out, label);
  };
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    busy(page, run);
  });
  const evalBox = h('section', { class: 'match-eval', 'aria-labelledby': 'm-eval-h' });
  page.append(h('h1', {}, t('m_h')), h('p', { class: 'intro' }, t('m_intro')), form, out, evalBox);
  if (matchState.country) await run();
  // how good the ranking is: the leave-one-out figure, as `c2c match evaluate`
  const ev = await api('match/evaluation');
  evalBox.append(h('h2', { id: 'm-eval-h' }, t('m_eval_h')),
    h('p', { class: 'eval-figure', 'data-top3': ev.top3_hits, 'data-n': ev.partnerships },
      tf('m_eval', { hits: fmt(ev.top3_hits), n: fmt(ev.partnerships), pct: ev.top3_percent })),
    h('p', { class: 'hint', lang: 'en' }, ev.method));
}

function drawMatch(d, box, label) {
  const section = (kind) => {
    const rows = d[kind] || [];
    return h('section', { class: 'match-kind', 'data-kind': kind, 'aria-labelledby': `m-${kind}-h` },
      h('h3', { id: `m-${kind}-h` }, t(`m_kind:${kind}`)),
      rows.length ? h('div', { class: 'tablewrap', tabindex: '0', role: 'region', 'aria-labelledby': `m-${kind}-h` }, h('table', { class: 'plist' },
        h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, t('m_rank')), h('th', { scope: 'col' }, t('m_name')),
          h('th', { scope: 'col' }, t('m_score')), h('th', { scope: 'col' }, t('m_why')))),
        h('tbody', {}, rows.map((r) => h('tr', { 'data-id': r.id },
          h('td', { class: 'num' }, fmt(r.rank)),
          h('td', {}, h('a', { href: `#/${LINK[kind]}/${encodeURIComponent(r.id)}` },
            kind === 'technologies' ? name(r.technology_ja, r.technology_en)
              : kind === 'methodologies' ? h('span', { lang: 'en' }, `${r.id} ${r.title}`) : name(r.name_ja, r.name_en))),
          h('td', { class: 'num' }, fmt(r.score)),
          h('td', {}, h('ul', { class: 'why' }, (r.why || []).map((w) => h('li', { lang: serverLang(w) }, w)))))))))
        : h('p', { class: 'empty-list' }, t('m_none')));
  };
  const need = d.need || {};
  box.replaceChildren(h('h2', { id: 'm-result-h' }, t('m_result_h')),
    h('p', { class: 'need' }, [label(need.country), need.sector ? t(`v_sector:${need.sector}`) : null,
      need.technology, need.size ? t(`m_size:${need.size}`) : null].filter(Boolean).join(' · ')),
    ...KINDS.map(section));
}
