// mrv.js - JCM monitoring reports: #/mrv lists them (GET /api/v1/mrv/reports),
// #/mrv/<id> shows one with its computed result (GET /api/v1/mrv/reports/{id})
// and, for a role that may verify (the route's x-c2c-roles) while the report
// waits for it, the approve/reject form (POST …/verification: the server
// recomputes the reductions from the report's file before it records the
// decision).  A participant's work (its project put under MRV, a monitoring
// file checked and submitted) is mrvwork.js's, drawn here above the list; a
// verifier sees its queue, the reports waiting for a decision, first.
import { api, downloads, fmt, h, has, name1, t, tf } from './core.js';
import { flashNote, writeForm } from './forms.js';
import { registerForm, resultView, uploadForm } from './mrvwork.js';
import { canCall, session, write } from './session.js';

// A report's project by the atlas project's name (a linked MRV project has
// the atlas project's id), its id only for a project the atlas does not hold.
async function projectNamer() {
  const names = new Map((await api('projects')).map((p) => [p.id, name1(p.name_ja, p.name_en)]));
  return (id) => names.get(id) || id;
}

const statusText = (s) => (has(`mrv_status_${s}`) ? t(`mrv_status_${s}`) : s);

// The participant's two forms, for a role that may call their routes.
async function participantWork(page) {
  const [reg, up] = await Promise.all([canCall('POST', '/api/v1/mrv/projects'), canCall('POST', '/api/v1/mrv/reports')]);
  if (!up || session.role === 'office') return;
  const projects = await api('mrv/projects');
  const box = h('section', { class: 'writes', 'data-edit': 'mrv-participant', 'aria-labelledby': 'mrvw-h' },
    h('h2', { id: 'mrvw-h' }, t('mrvw_h')));
  if (reg) box.append(await registerForm(projects));
  box.append(await uploadForm(projects));
  // a project just registered can take a report at once
  box.addEventListener('mrv-changed', async () => {
    const fresh = await api('mrv/projects');
    box.querySelector('#mrv-upload, #mrv-upload-none')?.replaceWith(await uploadForm(fresh));
  });
  page.append(box);
}

// A verifier's queue: the reports that wait for a decision, oldest first.
function verifierQueue(page, reports, pname) {
  const waiting = reports.filter((r) => r.status === 'submitted');
  page.append(h('section', { class: 'queue', id: 'verify-queue', 'aria-labelledby': 'queue-h' },
    h('h2', { id: 'queue-h' }, t('mrvv_queue_h')),
    waiting.length ? h('ul', { class: 'queue-list' }, waiting.map((r) => h('li', { 'data-id': r.id },
      h('a', { href: `#/mrv/${r.id}` }, `${t('mrv_report')} ${r.id} · ${pname(r.project)}`),
      ` — ${r.period_from} – ${r.period_to} · ${fmt(r.er_tco2e)} tCO2e · ${tf('mrvv_by', { who: r.submitted_by })}`)))
      : h('p', { class: 'empty-list' }, t('mrvv_queue_none'))));
}

export async function mrvPage(page) {
  const reports = await api('mrv/reports');
  page.append(h('h1', {}, t('mrv_h')), h('p', { class: 'intro' }, t('mrv_intro'), ' ', h('a', { href: '#/methodologies', id: 'meth-link' }, t('meth_link'))));
  const pname = await projectNamer();
  if (session.role === 'verifier') verifierQueue(page, reports, pname);
  await participantWork(page);
  // below a role's own work, the list says what it is
  if (page.querySelector('#verify-queue, [data-edit="mrv-participant"]')) page.append(h('h2', { id: 'all-reports-h' }, t('mrvv_all_h')));
  if (!reports.length) {
    page.append(h('p', { class: 'empty-list' }, t('mrv_none')));
    return;
  }
  const cols = ['id', 'project', 'period', 'er', 'status', 'verified_by'];
  page.append(h('div', { class: 'tablewrap', tabindex: '0', role: 'region', 'aria-label': t('mrv_h') },
    h('table', { class: 'plist reports', 'data-table': 'reports' },
      h('thead', {}, h('tr', {}, cols.map((c) => h('th', { scope: 'col', class: c === 'er' ? 'num' : null }, t(`mrv_${c}`))))),
      h('tbody', {}, reports.map((r) => h('tr', { 'data-id': r.id },
        h('th', { scope: 'row' }, h('a', { href: `#/mrv/${r.id}`, class: 'rowlink' }, `${t('mrv_report')} ${r.id}`)),
        h('td', { 'data-label': t('mrv_project') }, pname(r.project)),
        h('td', { 'data-label': t('mrv_period') }, `${r.period_from} – ${r.period_to}`),
        h('td', { 'data-label': t('mrv_er'), class: 'num' }, fmt(r.er_tco2e)),
        h('td', { 'data-label': t('mrv_status'), 'data-col': 'status' }, statusText(r.status)),
        h('td', { 'data-label': t('mrv_verified_by') }, r.verified_by || '—')))))), downloads('mrv/reports'));
}

export async function reportPage(page, id) {
  page.append(h('p', { class: 'crumbs' }, h('a', { href: '#/mrv' }, `← ${t('mrv_h')}`)));
  const reports = await api('mrv/reports');
  if (!reports.some((r) => String(r.id) === id)) {
    page.append(h('h1', {}, t('not_found')), h('p', { class: 'warn', role: 'alert' }, `${t('mrv_report')} ${id}`));
    return;
  }
  const r = await api(`mrv/reports/${encodeURIComponent(id)}`);
  const pname = await projectNamer();
  const res = r.result || {};
  const kv = (k, v, lang) => h('div', { class: 'field-row', 'data-col': k }, h('dt', {}, t(`mrv_${k}`)),
    h('dd', { lang }, v == null || v === '' ? h('span', { class: 'empty' }, '—') : v));
  page.append(...[
    h('h1', { class: 'detail-h' }, `${t('mrv_report')} ${r.id} · ${pname(r.project)}`),
    h('p', { class: `kind status-${r.status}`, id: 'report-status' }, statusText(r.status)),
    flashNote('verify'),
    h('h2', { id: 'fields-h' }, t('fields_h')),
    h('dl', { class: 'fields', 'aria-labelledby': 'fields-h' },
      kv('project', pname(r.project) === r.project ? r.project : h('a', { href: `#/projects/${encodeURIComponent(r.project)}` }, pname(r.project))),
      kv('period', `${r.period_from} – ${r.period_to}`),
      kv('status', statusText(r.status)),
      kv('er', `${fmt(r.er_tco2e)} tCO2e`),
      kv('methodology', res.methodology),
      kv('re', res.re_tco2e != null ? `${fmt(res.re_tco2e)} tCO2e` : null),
      kv('pe', res.pe_tco2e != null ? `${fmt(res.pe_tco2e)} tCO2e` : null),
      kv('re_equation', res.re_equation, 'en'),
      kv('pe_equation', res.pe_equation, 'en'),
      kv('rows', `${fmt(r.rows_in_period)} / ${fmt(r.rows)} · ${fmt(r.meters)} ${t('mrv_meters')}`),
      kv('sha256', h('code', { class: 'hash' }, r.data_sha256)),
      kv('submitted', `${r.submitted_by || '—'} · ${r.submitted_at || '—'}`),
      kv('verified', r.verified_by ? `${r.verified_by} · ${r.verified_at || ''}` : null),
      kv('comment', r.comment)),
    downloads(`mrv/reports/${encodeURIComponent(r.id)}`),
    // the report as the JCM Monitoring Spreadsheet (sheet.c on the server)
    h('p', { class: 'downloads' }, h('a', { id: 'report-sheet',
      href: `/api/v1/mrv/reports/${encodeURIComponent(r.id)}/sheet?format=xlsx`, download: '' }, t('mrv_sheet')))].filter(Boolean));
  // the computation a verifier checks, side by side: what the file gave
  // (meters, gaps, rows outside the period) and the values it was computed with
  const side = h('div', { class: 'side-by-side', id: 'report-review' });
  page.append(h('h2', { id: 'review-h' }, t('mrvv_review_h')), h('p', { class: 'intro' }, t('mrvv_review_intro')), side);
  if (res.data) side.append(resultView(res, 'report', 'mrvv_submitted_h'));
  // beside it, for those who verify, the same report recomputed from its file now
  if (res.data && r.status === 'submitted' && (await canCall('GET', '/api/v1/mrv/reports/{id}/recomputation'))) {
    try {
      const again = await api(`mrv/reports/${encodeURIComponent(r.id)}/recomputation`);
      const same = again.same_file && again.same_er;
      const view = resultView(again.result, 'recomputed', 'mrvv_recomputed_h');
      view.insertBefore(h('p', { class: same ? 'note match' : 'warn', id: 'recomputed-match' },
        t(same ? 'mrvv_same' : again.same_file ? 'mrvv_er_differs' : 'mrvv_file_differs')), view.children[1]);
      side.append(view);
    } catch {
      side.append(h('section', { id: 'recomputed-result' }, h('h3', {}, t('mrvv_recomputed_h')),
        h('p', { class: 'warn', id: 'recomputed-match' }, t('mrvv_recompute_failed'))));
    }
  }
  if ((res.parameters || []).length)
    side.append(h('section', { 'aria-labelledby': 'params-h' }, h('h3', { id: 'params-h' }, t('mrv_parameters')),
      h('div', { class: 'tablewrap', tabindex: '0', role: 'region', 'aria-labelledby': 'params-h' },
        h('table', { class: 'plist params' },
          h('thead', {}, h('tr', {}, ['symbol', 'value', 'unit', 'origin'].map((c) => h('th', { scope: 'col' }, t(`mrv_p_${c}`))))),
          h('tbody', {}, res.parameters.map((p) => h('tr', {},
            h('td', {}, h('code', {}, p.symbol)), h('td', { class: 'num' }, p.value), h('td', {}, p.unit || ''), h('td', {}, p.origin || ''))))))));

  const path = '/api/v1/mrv/reports/{id}/verification';
  if (r.status !== 'submitted') {
    page.append(h('p', { class: 'note', id: 'decision-final' }, tf('mrvv_final', { status: statusText(r.status), who: r.verified_by || '—', at: r.verified_at || '—' })));
    return;
  }
  if (!(await canCall('POST', path))) return;
  page.append(h('section', { class: 'writes', 'data-edit': 'verification' }, writeForm({
    id: 'verify', title: t('verify_h'), intro: t('verify_intro'), submitLabel: t('verify_button'),
    fields: [
      { name: 'decision', label: t('f_decision'), type: 'radio', required: true,
        options: [['approve', t('decision_approve')], ['reject', t('decision_reject')]] },
      { name: 'comment', label: t('f_comment'), type: 'textarea', required: true, hint: t('hint_comment') },
    ],
    submit: (v) => write('POST', `mrv/reports/${encodeURIComponent(r.id)}/verification`, v),
    done: (d, v) => (v.decision === 'approve' ? t('verify_done_approve') : t('verify_done_reject')),
    // decided meanwhile (by another verifier, in another tab): final, said so
    explain: (e) => (/a decision is made once/.test(e.message || '') ? t('mrvv_decided_already') : null),
  })));
}
