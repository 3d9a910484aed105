// forms.js - one builder for every write form of the pages (an atlas edit,
// a registry operation, a verification, a decision).
//
// Each field has its <label>, its hint and its error tied to it with
// aria-describedby; a required field says so in its label.  On submit, empty
// required fields are named at once; otherwise the form's submit() makes the
// write (session.js write()).  A server error goes next to the field the
// API names in it ({"error": {"field"}}: the domain's name of the input, the
// form field's name, or the form field's `field` where the two differ), and
// that field gets aria-invalid and the focus; an error naming no field (403, 409 on the whole
// record…) goes to the form's alert, which takes the focus.  On success the
// page is drawn again from fresh data, and the new form shows what was done
// in its status line, which takes the focus (main.js: [data-flash]).
//
// What is typed is kept as a draft (sessionStorage, this tab only, never a
// password) from every keystroke until the write succeeds: a session that
// ends mid-edit (a 401), a log-in or log-out that draws the page again, or a
// reload loses nothing, and the form drawn again says it holds the draft and
// offers to drop it.
import { app, h, serverLang, t } from './core.js';

let flash = null; // {form, text}: said by the form of that id when it is next drawn

// The message without what the form already says: the route and the row of
// a CSV-import message, the "request body:" prefix.
const bare = (msg) => String(msg).replace(/^(?:request body: |リクエスト本文：)/, '').replace(/^.*?row \d+, column \d+ \(\w+\): /, '');

function fieldEl(formId, f) {
  const fid = `${formId}-${f.name}`;
  const hint = f.hint ? h('p', { class: 'hint', id: `${fid}-hint` }, f.hint) : null;
  const err = h('p', { class: 'field-error', id: `${fid}-err` });
  const describedby = [hint ? `${fid}-hint` : null, `${fid}-err`].filter(Boolean).join(' ');
  const label = [f.label, f.required ? h('span', { class: 'req' }, t('required_mark')) : null];
  let inputs, wrap;
  if (f.type === 'radio') {
    inputs = f.options.map(([v, text], i) => h('input', { type: 'radio', name: f.name, value: v, id: `${fid}-${i}`,
      required: f.required || null, 'aria-describedby': describedby, checked: v === f.value }));
    wrap = h('fieldset', { class: 'field radio', 'data-field': f.name },
      h('legend', {}, label), hint,
      h('div', { class: 'choices' }, inputs.map((input, i) =>
        h('div', { class: 'choice' }, input, h('label', { for: input.id }, f.options[i][1])))),
      err);
  } else {
    const attrs = { id: fid, name: f.name, required: f.required || null, 'aria-describedby': describedby,
      autocomplete: f.autocomplete || 'off' };
    let input;
    if (f.type === 'textarea') input = h('textarea', { ...attrs, rows: 3 });
    else if (f.type === 'select')
      input = h('select', { ...attrs, multiple: f.multiple || null, size: f.multiple ? Math.min(6, f.options.length) : null },
        f.placeholder && !f.multiple ? h('option', { value: '' }, f.placeholder) : null,
        f.options.map(([v, text]) => h('option', { value: v }, text)));
    else input = h('input', { ...attrs, type: f.type || 'text', min: f.min, max: f.max, step: f.type === 'number' ? 1 : null,
      inputmode: f.type === 'number' ? 'numeric' : f.inputmode || null });
    if (!f.multiple) input.value = f.value ?? '';
    inputs = [input];
    wrap = h('div', { class: 'field', 'data-field': f.name }, h('label', { for: fid }, label), hint, input, err);
  }
  return {
    f, wrap, err,
    value() {
      if (f.type === 'radio') return inputs.find((i) => i.checked)?.value ?? '';
      const i = inputs[0];
      // several chosen: the API's ';'-separated list, in the order shown
      if (f.multiple) return [...i.selectedOptions].map((o) => o.value).join(';');
      if (f.type === 'number') return i.value === '' ? (i.validity.badInput ? NaN : '') : Number(i.value);
      return f.type === 'textarea' || f.type === 'password' ? i.value.replace(/\s+$/, '') : i.value.trim();
    },
    // lang: the language of a server's message (null: the page's own words)
    setError(msg, lang = null) {
      err.textContent = msg;
      if (lang) err.setAttribute('lang', lang);
      else err.removeAttribute('lang');
      for (const i of inputs) i.setAttribute('aria-invalid', 'true');
    },
    clear() {
      err.textContent = '';
      err.removeAttribute('lang');
      for (const i of inputs) i.removeAttribute('aria-invalid');
    },
    focus() { (inputs.find((i) => i.checked) || inputs[0]).focus(); },
  };
}

// What the form `id` just did, as its status line (taking the focus once the
// page is drawn), or null.  A page whose form is gone after the write (a
// report verified) shows it where the form was.
export function flashNote(id) {
  if (!flash || flash.form !== id) return null;
  const p = h('p', { class: 'form-status ok', id: `${id}-status`, role: 'status', tabindex: '-1', 'data-flash': '' }, flash.text);
  flash = null;
  return p;
}

// spec: {id, title, intro, fields: [{name, label, type: text|number|date|textarea|select|radio|password, value,
//   options: [[value, label]], multiple (a select of several: its value is "a;b"), placeholder, hint, required,
//   min, max, autocomplete, field (the API's name of it where it differs)}], submitLabel,
//   submit(values) -> write()'s reply, done(data, values) -> the text (or element) said on success,
//   explain(error) -> the server's error in the page's language, or null to show its own message
//   (error.message is the server's English, whatever the page's language),
//   confirm(values) -> what will happen, in words: when given (and it gives words for these values), the
//   write waits for a second, explicit "confirm" (an operation that cannot be undone is named before it is made)}
const draftKey = (id) => `c2c.draft.${id}`;
function readDraft(id) {
  try { return JSON.parse(sessionStorage.getItem(draftKey(id)) || 'null'); } catch { return null; }
}

export function writeForm(spec) {
  const { id, title, intro, submitLabel, submit, done, explain, confirm } = spec;
  const draft = readDraft(id);
  const kept = (f) => draft && f.type !== 'password' && typeof draft[f.name] === 'string';
  const fields = spec.fields.map((f) => (kept(f) ? { ...f, value: draft[f.name] } : f));
  const restored = fields.some(kept) && fields.some((f, i) => kept(f) && String(spec.fields[i].value ?? '') !== draft[f.name]);
  const els = Object.fromEntries(fields.map((f) => [f.name, fieldEl(id, f)]));
  const alert = h('div', { class: 'form-alert', id: `${id}-alert`, role: 'alert', tabindex: '-1' });
  const status = flashNote(id) || h('p', { class: 'form-status', id: `${id}-status`, role: 'status', tabindex: '-1' });
  const button = h('button', { type: 'submit', class: 'primary' }, submitLabel);
  const drop = () => { sessionStorage.removeItem(draftKey(id)); return app.rerender(); };
  const draftNote = restored ? h('p', { class: 'draft-note', id: `${id}-draft` }, t('draft_kept'), ' ',
    h('button', { type: 'button', class: 'link', onclick: drop }, t('draft_drop'))) : null;
  const form = h('form', { id, class: 'write', novalidate: true, 'aria-labelledby': `${id}-h` },
    h('h3', { id: `${id}-h` }, title), intro ? h('p', { class: 'intro' }, intro) : null,
    status, draftNote, alert, Object.values(els).map((x) => x.wrap), h('div', { class: 'actions' }, button));
  const typed = () => Object.fromEntries(Object.entries(els).filter(([, x]) => x.f.type !== 'password')
    .map(([k, x]) => [k, x.f.type === 'number' ? String(x.value()) : x.value()]));
  form.addEventListener('input', () => {
    try { sessionStorage.setItem(draftKey(id), JSON.stringify(typed())); } catch { /* storage full or off: no draft */ }
  });
  form.addEventListener('change', () => form.dispatchEvent(new Event('input')));
  const say = (...what) => alert.replaceChildren(...what);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    say();
    status.textContent = '';
    status.classList.remove('ok');
    delete status.dataset.flash;
    for (const x of Object.values(els)) x.clear();
    const values = Object.fromEntries(Object.entries(els).map(([k, x]) => [k, x.value()]));
    const wrong = fields.filter((f) => (f.required && values[f.name] === '') || Number.isNaN(values[f.name]));
    if (wrong.length) {
      for (const f of wrong) els[f.name].setError(Number.isNaN(values[f.name]) ? t('not_a_number') : t('required'));
      say(t('form_fix'));
      els[wrong[0].name].focus();
      return;
    }
    const what = confirm && confirm(values);
    if (what) {
      // the confirmation step: what will happen, and two buttons; nothing is sent until "confirm"
      const yes = h('button', { type: 'button', class: 'primary', id: `${id}-confirm-yes` }, t('confirm_yes'));
      const no = h('button', { type: 'button', id: `${id}-confirm-no` }, t('confirm_back'));
      const box = h('div', { class: 'confirm', id: `${id}-confirm`, role: 'group', 'aria-labelledby': `${id}-confirm-text` },
        h('p', { id: `${id}-confirm-text`, tabindex: '-1' }, what), h('div', { class: 'actions' }, yes, no));
      form.querySelector(`#${id}-confirm`)?.remove();
      button.before(box);
      button.hidden = true;
      const back = () => { box.remove(); button.hidden = false; };
      no.addEventListener('click', () => { back(); button.focus(); });
      yes.addEventListener('click', () => { back(); send(values); });
      box.querySelector('p').focus();
      return;
    }
    await send(values);
  });
  async function send(values) {
    button.disabled = true;
    form.setAttribute('aria-busy', 'true');
    const r = await submit(values);
    button.disabled = false;
    form.removeAttribute('aria-busy');
    if (r.ok) {
      sessionStorage.removeItem(draftKey(id));
      flash = { form: id, text: done(r.data, values) };
      await app.rerender();
      return;
    }
    // a page's own wording matches the domain's English (message_en beside a Japanese message)
    const told = r.local || !explain ? null : explain({ ...r.error, message: r.error?.message_en ?? r.error?.message });
    const msg = told || r.error?.message || '';
    const named = r.local || r.status === 401 || r.status === 403 ? null : r.error?.field;
    const at = named ? fields.find((f) => f.name === named || f.field === named)?.name : null;
    if (at) {
      els[at].setError(told || bare(msg), told ? null : serverLang(msg));
      say(`${t('not_saved')} — ${t('see_field')}: ${els[at].f.label}`);
      els[at].focus();
      return;
    }
    const why = r.local ? '' : r.status === 401 ? `${t('err_401')} ${t('draft_after_401')}` : r.status === 403 ? t('err_403') : t('not_saved');
    say(why ? `${why}: ` : '', h('span', { lang: r.local || told ? null : serverLang(msg) }, msg));
    alert.focus();
  }
  return form;
}

// Called once a page is drawn: a note no form took is not said later elsewhere.
export function dropFlash() { flash = null; }
