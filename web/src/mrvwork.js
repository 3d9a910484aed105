// mrvwork.js - a project participant's MRV work on #/mrv: put its atlas
// project under MRV (POST /api/v1/mrv/projects: the project picked by name,
// the methodology by title, the values the methodology leaves to the
// project), then send a monitoring file (POST /api/v1/mrv/reports, the file
// as the body, its upload progress shown): first with check=1, which
// computes and stores nothing, so the participant sees the reductions, the
// gaps and the rows outside the period (or every error by row and column)
// before it submits the same file as its report.
//
// The file is sent twice (check, then submit): the server keeps no file it
// was not asked to store.  XMLHttpRequest, not fetch: its upload progress
// events are what the progress bar shows.
import { api, fmt, h, invalidate, lang, name1, serverLang, serverText, t, tf } from './core.js';
import { inScope, session } from './session.js';

const fieldBox = (id, label, input, hint) => {
  const err = h('p', { class: 'field-error', id: `${id}-err` });
  input.setAttribute('aria-describedby', [hint ? `${id}-hint` : null, `${id}-err`].filter(Boolean).join(' '));
  return { err, input, wrap: h('div', { class: 'field', 'data-field': id.replace(/^[a-z]+-/, '') },
    h('label', { for: id }, label, h('span', { class: 'req' }, t('required_mark'))),
    hint ? h('p', { class: 'hint', id: `${id}-hint` }, hint) : null, input, err) };
};
const setErr = (box, msg) => { box.err.textContent = msg; box.input.setAttribute('aria-invalid', 'true'); };
const clearErr = (boxes) => boxes.forEach((b) => { b.err.textContent = ''; b.input.removeAttribute('aria-invalid'); });

// --- register: the atlas project under MRV ------------------------------------
export async function registerForm(mrvProjects) {
  const [projects, methods] = await Promise.all([api('projects'), api('mrv/methodologies')]);
  const taken = new Set(mrvProjects.map((p) => p.atlas_project || p.id));
  const mine = projects.filter((p) => p.kind === 'jcm' && !taken.has(p.id) && inScope('project', p.id));
  if (!mine.length) return h('p', { class: 'empty-list', id: 'mrv-register-none' }, t('mrvw_register_none'));
  const id = 'mrv-register';
  const pick = fieldBox(`${id}-project`, t('mrvw_f_project'), h('select', { id: `${id}-project`, required: true },
    mine.map((p) => h('option', { value: p.id }, name1(p.name_ja, p.name_en)))));
  const meth = fieldBox(`${id}-methodology`, t('mrvw_f_methodology'), h('select', { id: `${id}-methodology`, required: true },
    methods.map((m) => h('option', { value: m.id }, m.title))));
  const params = h('div', { class: 'mrv-params', id: `${id}-params` });
  let paramBoxes = [];
  const drawParams = async () => {
    const m = await api(`mrv/methodologies/${encodeURIComponent(meth.input.value)}`);
    paramBoxes = m.parameters.filter((p) => !p.monitored && p.default == null).map((p) => {
      const b = fieldBox(`${id}-p-${p.symbol}`, `${p.symbol_doc} (${p.unit})`,
        h('input', { id: `${id}-p-${p.symbol}`, inputmode: 'decimal', autocomplete: 'off', required: true }), p.description);
      b.symbol = p.symbol;
      return b;
    });
    params.replaceChildren(...paramBoxes.map((b) => b.wrap));
  };
  meth.input.addEventListener('change', drawParams);
  await drawParams();
  const alert = h('div', { class: 'form-alert', id: `${id}-alert`, role: 'alert', tabindex: '-1' });
  const status = h('p', { class: 'form-status', id: `${id}-status`, role: 'status', tabindex: '-1' });
  const button = h('button', { type: 'submit', class: 'primary' }, t('mrvw_register_button'));
  const form = h('form', { id, class: 'write', novalidate: true, 'aria-labelledby': `${id}-h` },
    h('h3', { id: `${id}-h` }, t('mrvw_register_h')), h('p', { class: 'intro' }, t('mrvw_register_intro')),
    status, alert, pick.wrap, meth.wrap, params, h('div', { class: 'actions' }, button));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const boxes = [pick, meth, ...paramBoxes];
    clearErr(boxes);
    alert.textContent = '';
    const empty = paramBoxes.filter((b) => !b.input.value.trim());
    if (empty.length) {
      empty.forEach((b) => setErr(b, t('required')));
      alert.textContent = t('form_fix');
      empty[0].input.focus();
      return;
    }
    const body = { atlas_project: pick.input.value, methodology: meth.input.value,
      params: Object.fromEntries(paramBoxes.map((b) => [b.symbol, b.input.value.trim()])) };
    button.disabled = true;
    const r = await send('POST', 'mrv/projects', JSON.stringify(body), 'application/json');
    button.disabled = false;
    if (r.ok) {
      invalidate();
      status.textContent = tf('mrvw_registered', { name: pick.input.selectedOptions[0].textContent });
      status.classList.add('ok');
      form.dispatchEvent(new CustomEvent('mrv-changed', { bubbles: true }));
      return;
    }
    const f = r.error.field;
    const at = f === 'atlas_project' ? pick : f === 'methodology' ? meth : paramBoxes.find((b) => b.symbol === f) || (f === 'params' ? paramBoxes[0] : null);
    if (at) {
      setErr(at, r.error.message);
      at.input.focus();
    }
    alert.replaceChildren(`${t('not_saved')}: `, serverText(r.error.message));
    if (!at) alert.focus();
  });
  return form;
}

// --- one request with the session's CSRF token, its upload progress told ------
function send(method, path, body, type, onProgress) {
  return new Promise((resolve) => {
    const x = new XMLHttpRequest();
    x.open(method, `/api/v1/${path}`);
    x.setRequestHeader('X-CSRF-Token', session.csrf || '');
    x.setRequestHeader('Accept-Language', lang); // the server's messages in the page's language
    if (type) x.setRequestHeader('Content-Type', type);
    if (onProgress) x.upload.onprogress = (e) => onProgress(e.loaded, e.lengthComputable ? e.total : 0);
    x.onload = () => {
      let data = null;
      try { data = JSON.parse(x.responseText); } catch { /* not JSON */ }
      resolve(x.status >= 200 && x.status < 300 ? { ok: true, status: x.status, data }
        : { ok: false, status: x.status, error: data?.error || { message: `HTTP ${x.status}` } });
    };
    x.onerror = () => resolve({ ok: false, status: 0, error: { message: t('net_error') } });
    x.send(body);
  });
}

const mb = (n) => `${fmt(Math.round(n / 1e5) / 10)} MB`;

// The computed result as a participant or a verifier reads it: the totals,
// then per meter its rows, quantity, gaps; the rows outside the period.
export function resultView(res, idp, title = 'mrvw_result_h') {
  const d = res.data || {};
  const kv = (k, v) => h('div', { class: 'field-row', 'data-col': k }, h('dt', {}, t(k)), h('dd', {}, v));
  const gaps = (m) => (m.gap_count ? h('ul', { class: 'gaps' }, (m.gaps || []).map((g) =>
    h('li', {}, tf('mrvw_gap', { start: g.start, hours: fmt(Math.round(g.length_s / 360) / 10) })))) : t('mrvw_no_gaps'));
  return h('section', { class: 'mrv-result', id: `${idp}-result`, 'aria-labelledby': `${idp}-result-h` },
    h('h3', { id: `${idp}-result-h` }, t(title)),
    h('dl', { class: 'fields' },
      kv('mrv_er', `${fmt(res.er_tco2e)} tCO2e`),
      kv('mrv_re', `${fmt(res.re_tco2e)} tCO2e`),
      kv('mrv_pe', `${fmt(res.pe_tco2e)} tCO2e`),
      kv('mrvw_rows_in', fmt(d.rows_in_period ?? 0)),
      kv('mrvw_excluded', tf('mrvw_excluded_n', { n: fmt(d.rows_skipped ?? 0) })),
      kv('mrv_meters_h', fmt(d.meters ?? 0))),
    // each formula's value, the steps the JCM Monitoring Report Sheet lists
    (res.calculation || []).length ? h('div', { class: 'tablewrap', tabindex: '0', role: 'region', 'aria-label': t('mrvw_calc_h') },
      h('table', { class: 'plist calculation', 'data-table': 'calculation' },
        h('caption', {}, t('mrvw_calc_h')),
        h('thead', {}, h('tr', {}, ['mrvw_calc_step', 'mrvw_calc_formula', 'mrvw_calc_value'].map((c) => h('th', { scope: 'col' }, t(c))))),
        h('tbody', {}, res.calculation.map((c) => h('tr', { 'data-symbol': c.symbol },
          h('th', { scope: 'row' }, h('code', { lang: 'en' }, c.symbol)),
          h('td', { 'data-label': t('mrvw_calc_formula') }, h('code', { lang: 'en' }, c.formula)),
          h('td', { 'data-label': t('mrvw_calc_value'), class: 'num' }, `${c.value} ${c.unit}`)))))) : null,
    h('div', { class: 'tablewrap', tabindex: '0', role: 'region', 'aria-label': t('mrvw_meters_table') },
      h('table', { class: 'plist meters', 'data-table': 'meters' },
        h('thead', {}, h('tr', {}, ['mrvw_meter', 'mrvw_m_rows', 'mrvw_m_sum', 'mrvw_m_interval', 'mrvw_m_gaps']
          .map((c) => h('th', { scope: 'col' }, t(c))))),
        h('tbody', {}, (res.meters || []).map((m) => h('tr', { 'data-meter': m.meter_id },
          h('th', { scope: 'row' }, m.meter_id),
          h('td', { 'data-label': t('mrvw_m_rows'), class: 'num' }, fmt(m.rows)),
          h('td', { 'data-label': t('mrvw_m_sum'), class: 'num' }, fmt(m.sum)),
          h('td', { 'data-label': t('mrvw_m_interval'), class: 'num' }, tf('mrvw_minutes', { n: fmt(m.interval_s / 60) })),
          h('td', { 'data-label': t('mrvw_m_gaps'), 'data-col': 'gaps' }, gaps(m))))))));
}

// The file's errors, each at its row and column.
function errorTable(errors) {
  return h('div', { class: 'tablewrap', tabindex: '0', role: 'region', 'aria-label': t('mrvw_errors_h') },
    h('table', { class: 'plist file-errors', id: 'mrv-file-errors' },
      h('caption', {}, tf('mrvw_errors_n', { n: fmt(errors.length) })),
      h('thead', {}, h('tr', {}, ['mrvw_e_row', 'mrvw_e_column', 'mrvw_e_message'].map((c) => h('th', { scope: 'col' }, t(c))))),
      h('tbody', {}, errors.map((e) => h('tr', {},
        h('td', { class: 'num' }, e.row ?? '—'),
        h('td', {}, e.field ? `${e.column} (${e.field})` : '—'),
        h('td', { lang: serverLang(e.message) }, e.message))))));
}

// --- upload: check, then submit ----------------------------------------------
export async function uploadForm(mrvProjects) {
  const mine = mrvProjects.filter((p) => inScope('project', p.id, p.atlas_project));
  if (!mine.length) return h('p', { class: 'empty-list', id: 'mrv-upload-none' }, t('mrvw_upload_none'));
  // named as the atlas names the project it monitors
  const atlas = new Map((await api('projects')).map((p) => [p.id, p]));
  const label = (p) => (atlas.has(p.atlas_project) ? name1(atlas.get(p.atlas_project).name_ja, atlas.get(p.atlas_project).name_en) : p.title || p.id);
  const id = 'mrv-upload';
  const proj = fieldBox(`${id}-project`, t('mrvw_f_mrv_project'), h('select', { id: `${id}-project`, required: true },
    mine.map((p) => h('option', { value: p.id }, label(p)))));
  const from = fieldBox(`${id}-from`, t('mrvw_f_from'), h('input', { id: `${id}-from`, type: 'date', required: true }));
  const to = fieldBox(`${id}-to`, t('mrvw_f_to'), h('input', { id: `${id}-to`, type: 'date', required: true }));
  const file = fieldBox(`${id}-file`, t('mrvw_f_file'), h('input', { id: `${id}-file`, type: 'file', accept: '.csv,text/csv', required: true }),
    t('mrvw_f_file_hint'));
  const bar = h('progress', { id: `${id}-progress`, max: 100, value: 0, 'aria-label': t('mrvw_progress') });
  const barText = h('span', { id: `${id}-progress-text`, 'aria-live': 'polite' });
  const progress = h('div', { class: 'upload-progress', hidden: true }, bar, ' ', barText);
  const alert = h('div', { class: 'form-alert', id: `${id}-alert`, role: 'alert', tabindex: '-1' });
  const status = h('p', { class: 'form-status', id: `${id}-status`, role: 'status', tabindex: '-1' });
  const out = h('div', { id: `${id}-out` });
  const check = h('button', { type: 'submit', class: 'primary', id: `${id}-check` }, t('mrvw_check_button'));
  const submit = h('button', { type: 'button', id: `${id}-submit`, hidden: true }, t('mrvw_submit_button'));
  const form = h('form', { id, class: 'write', novalidate: true, 'aria-labelledby': `${id}-h` },
    h('h3', { id: `${id}-h` }, t('mrvw_upload_h')), h('p', { class: 'intro' }, t('mrvw_upload_intro')),
    status, alert, proj.wrap, from.wrap, to.wrap, file.wrap, progress, h('div', { class: 'actions' }, check, ' ', submit), out);
  const boxes = [proj, from, to, file];
  // a change of any input makes the shown result stale: check again first
  for (const b of boxes) b.input.addEventListener('change', () => { submit.hidden = true; out.replaceChildren(); });

  async function upload(checkOnly) {
    clearErr(boxes);
    alert.textContent = '';
    status.textContent = '';
    status.classList.remove('ok');
    const empty = boxes.filter((b) => (b === file ? !b.input.files.length : !b.input.value));
    if (empty.length) {
      empty.forEach((b) => setErr(b, t('required')));
      alert.textContent = t('form_fix');
      empty[0].input.focus();
      return;
    }
    const f = file.input.files[0];
    const q = new URLSearchParams({ project: proj.input.value, from: from.input.value, to: to.input.value });
    if (checkOnly) q.set('check', '1');
    check.disabled = submit.disabled = true;
    form.setAttribute('aria-busy', 'true');
    progress.hidden = false;
    bar.value = 0;
    const r = await send('POST', `mrv/reports?${q}`, f, 'text/csv', (done, total) => {
      const all = total || f.size;
      bar.value = all ? Math.round((100 * done) / all) : 0;
      barText.textContent = tf('mrvw_sent', { done: mb(done), total: mb(all) });
    });
    barText.textContent = r.ok && checkOnly ? t('mrvw_computed') : r.status ? t('mrvw_sent_all') : '';
    check.disabled = submit.disabled = false;
    form.removeAttribute('aria-busy');
    if (r.ok && checkOnly) {
      out.replaceChildren(resultView(r.data.result, id));
      submit.hidden = false;
      status.textContent = t('mrvw_checked');
      status.classList.add('ok');
      status.focus();
      return;
    }
    if (r.ok) {
      invalidate();
      location.hash = `#/mrv/${r.data.id}`;
      return;
    }
    submit.hidden = true;
    const e = r.error;
    if (e.errors?.length) {
      setErr(file, tf('mrvw_errors_n', { n: fmt(e.errors.length) }));
      out.replaceChildren(h('h3', {}, t('mrvw_errors_h')), errorTable(e.errors));
      alert.textContent = t('mrvw_not_stored');
      file.input.focus();
      return;
    }
    const at = { project: proj, from, to, data: file }[e.field];
    if (at) setErr(at, e.message);
    const why = r.status === 401 ? t('err_401') : r.status === 403 ? t('err_403') : t('not_saved');
    alert.replaceChildren(`${why}: `, serverText(e.message));
    (at ? at.input : alert).focus();
  }
  form.addEventListener('submit', (e) => { e.preventDefault(); upload(true); });
  submit.addEventListener('click', () => upload(false));
  return form;
}

// Whose work this page shows: a participant's own projects.
export const participantView = () => session.role === 'participant' || session.role === 'admin';
