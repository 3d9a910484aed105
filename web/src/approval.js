// approval.js - four-eyes approval on the registry page (issue 16, as the EU
// Union Registry does it).  A registry may require that transfers above a
// threshold, cancellations and retirements proposed by one registrar are
// approved by another (docs/registry.md, "Four-eyes approval"); the server
// holds the rule and refuses a direct operation that needs approval, so the
// page reads the settings (GET /api/v1/registry/four-eyes, public) to send
// such an operation as a proposal instead, and says that nothing has moved.
//
// The section shows each registry's setting, the proposals the user may see
// (GET /api/v1/registry/proposals: a registrar its country's, a participant
// those of its accounts, an admin all) with their status, and the forms:
// approve or reject (a registrar of the registry, never on its own
// proposal: the server refuses it and the page does not offer it), withdraw
// one's own, and the administrator's setting of a registry.
import { api, fmt, h, lang, serverText, t, tf } from './core.js';
import { flashNote, writeForm } from './forms.js';
import { canCall, inScope, session, write } from './session.js';

// "7d", "12h": how long a proposal lives, in words
export function duration(seconds) {
  for (const [unit, n] of [['d', 86400], ['h', 3600], ['m', 60]])
    if (seconds % n === 0) return tf(`fe_dur_${unit}`, { n: fmt(seconds / n) });
  return tf('fe_dur_s', { n: fmt(seconds) });
}

// An instant of the server (ISO 8601 UTC) in the page's language and the
// browser's time zone, with the zone said.
export const when = (iso) => (iso ? new Date(iso).toLocaleString(lang === 'ja' ? 'ja-JP' : 'en-GB',
  { year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', timeZoneName: 'short' }) : '—');

// Does `op` of `quantity` credits out of the registry `country` need
// approval?  The server's rule (approval.c needs_approval): every
// cancellation and retirement, a transfer of more than the threshold.
export function needsApproval(settings, country, op, quantity) {
  const s = settings.find((x) => x.country === country);
  return !!s && s.required && (op !== 'transfer' || Number(quantity) > s.threshold);
}

const settingsOf = () => api('registry/four-eyes').catch(() => []);

// What an operation form says when its registry requires approval, or null.
export async function approvalNote(op, countries) {
  const settings = await settingsOf();
  const on = settings.filter((s) => s.required && countries.includes(s.country));
  if (!on.length) return null;
  return h('p', { class: 'note four-eyes-note', id: `${op}-four-eyes` }, on.map((s) =>
    tf(op === 'transfer' ? 'fe_form_note_transfer' : `fe_form_note_${op}`, { country: s.country, threshold: fmt(s.threshold) })).join(' '));
}

// The body of a proposal of the operation a form was filled for.
function proposalBody(op, v) {
  if (op === 'transfer') return { operation: op, from: v.from, to: v.to, quantity: v.quantity };
  const b = { operation: op, account: v.account, quantity: v.quantity };
  return op === 'retire' ? { ...b, purpose: v.purpose, beneficiary: v.beneficiary } : b;
}

// A transfer, cancellation or retirement from the page: done at once, or,
// where the registry of `country` requires approval, proposed.  A setting
// changed since the page was drawn shows as the server's refusal naming
// four-eyes approval: then it is proposed too.  The reply is the journal
// entry (op "propose" for a proposal: its seq is the proposal's number).
export async function moveOrPropose(op, v, country) {
  if (needsApproval(await settingsOf(), country, op, v.quantity)) return write('POST', 'registry/propose', proposalBody(op, v));
  const r = await write('POST', `registry/${op}`, v);
  if (!r.ok && r.status === 403 && /requires four-eyes approval/.test(r.error?.message_en ?? r.error?.message ?? ''))
    return write('POST', 'registry/propose', proposalBody(op, v));
  return r;
}

const bodyOf = (e) => (typeof e?.body === 'string' ? JSON.parse(e.body) : e?.body || {});

// What a proposal is, in words: "Transfer of 100 credits from KH-A to KH-B".
function what(p) {
  const vars = { q: fmt(p.quantity), from: p.from, to: p.to || '', account: p.from,
    purpose: p.purpose ? t(`purpose_${p.purpose}`) : '', beneficiary: p.beneficiary || '' };
  return tf(`fe_what_${p.operation}`, vars);
}

// The status line of a form whose operation became a proposal: not done.
export function proposedText(entry) {
  const p = bodyOf(entry).proposal || {};
  // a span of its own: the status line is styled as waiting, not as done (style.css)
  return h('span', { class: 'proposed' }, tf('fe_proposed', { id: entry.seq, what: what(p), until: when(p.expires_at) }));
}

// A proposal's state in words; one pending past its expiry is expired
// (the journal records it at the registry's next write).
const stateOf = (p) => (p.status === 'pending' && p.overdue ? 'expired' : p.status);

function settingsTable(settings) {
  return h('div', { class: 'tablewrap', tabindex: '0', role: 'region', 'aria-labelledby': 'fe-settings-h' },
    h('table', { class: 'plist four-eyes', 'data-table': 'four-eyes' },
      h('thead', {}, h('tr', {}, ['fe_registry', 'fe_required', 'fe_what_needs', 'fe_expiry'].map((k) => h('th', { scope: 'col' }, t(k))))),
      h('tbody', {}, settings.map((s) => h('tr', { 'data-country': s.country },
        h('th', { scope: 'row', 'data-label': t('fe_registry') }, s.country),
        h('td', { 'data-label': t('fe_required') }, t(s.required ? 'fe_yes' : 'fe_no')),
        h('td', { 'data-label': t('fe_what_needs') }, s.required ? tf('fe_threshold_v', { n: fmt(s.threshold) }) : '—'),
        h('td', { 'data-label': t('fe_expiry') }, duration(s.expiry_seconds)))))));
}

function proposalsTable(rows) {
  const td = (k, v, extra = {}) => h('td', { 'data-label': t(k), ...extra }, v);
  const accounts = (p) => (p.operation === 'transfer' ? `${p.from} → ${p.to}` : p.from);
  // each cell one element: at phone width a cell is a grid of its label and its value
  const decision = (p) => {
    const s = stateOf(p);
    if (s === 'pending' || s === 'expired') return tf(s === 'pending' ? 'fe_until' : 'fe_expired_at', { at: when(p.expires_at) });
    return h('span', {}, tf('fe_decided', { by: p.decided_by, at: when(p.decided_at) }),
      p.reason ? [h('br'), t('fe_reason_label'), serverText(p.reason, { class: 'fe-reason' })] : null);
  };
  return h('div', { class: 'tablewrap', tabindex: '0', role: 'region', 'aria-labelledby': 'fe-list-h' },
    h('table', { class: 'plist proposals', 'data-table': 'proposals' },
      h('thead', {}, h('tr', {}, ['fe_num', 'acct_status', 'fe_operation', 'f_quantity', 'fe_accounts', 'fe_proposed_by', 'fe_decision']
        .map((k) => h('th', { scope: 'col', class: k === 'f_quantity' ? 'num' : null }, t(k))))),
      h('tbody', {}, rows.map((p) => h('tr', { 'data-id': p.id, 'data-status': stateOf(p) },
        h('th', { scope: 'row', 'data-label': t('fe_num') }, String(p.id)),
        td('acct_status', h('span', { class: `fe-status fe-${stateOf(p)}` }, t(`fe_status_${stateOf(p)}`))),
        td('fe_operation', [t(`fe_op_${p.operation}`), p.purpose ? ` (${t(`purpose_${p.purpose}`)} — ${p.beneficiary})` : '']),
        td('f_quantity', fmt(p.quantity), { class: 'num', 'data-col': 'quantity' }),
        td('fe_accounts', accounts(p)),
        td('fe_proposed_by', h('span', {}, p.proposed_by, h('br'), when(p.proposed_at))),
        td('fe_decision', decision(p)))))));
}

const option = (p) => [String(p.id), `${tf('fe_num_n', { id: p.id })} — ${what(p)} (${p.proposed_by})`];

// Approve or reject (a registrar of the registry, on another's proposal),
// and withdraw one's own pending proposal.
async function decideForms(section, seen) {
  const [mayApprove, mayReject] = await Promise.all([canCall('POST', '/api/v1/registry/approve'), canCall('POST', '/api/v1/registry/reject')]);
  const open = seen.filter((p) => stateOf(p) === 'pending');
  const byId = (id) => open.find((p) => String(p.id) === String(id));
  // approve is the registrar's alone; a registrar decides in its own country's registry
  const others = mayApprove ? open.filter((p) => p.proposed_by !== session.name && inScope('country', p.country)) : [];
  const mine = mayReject ? open.filter((p) => p.proposed_by === session.name) : [];
  if (mayApprove) {
    if (others.length)
      section.append(writeForm({
        id: 'decide', title: t('fe_decide_h'), intro: t('fe_decide_intro'), submitLabel: t('fe_decide_button'),
        fields: [
          { name: 'id', label: t('fe_proposal'), type: 'select', required: true, value: String(others[0].id), options: others.map(option) },
          { name: 'decision', label: t('fe_decision_f'), type: 'radio', required: true,
            options: [['approve', t('fe_approve')], ['reject', t('fe_reject')]] },
          { name: 'reason', label: t('fe_reason'), type: 'textarea', hint: t('fe_reason_hint') },
        ],
        // a rejection without its reason is refused before any confirmation
        confirm: (v) => (v.decision === 'reject' && !v.reason ? null
          : tf(v.decision === 'approve' ? 'fe_confirm_approve' : 'fe_confirm_reject', { id: v.id, what: what(byId(v.id) || {}) })),
        submit: (v) => {
          if (v.decision === 'reject' && !v.reason)
            return { ok: false, status: 0, error: { field: 'reason', message: t('fe_reason_needed') } };
          return v.decision === 'approve' ? write('POST', 'registry/approve', { id: Number(v.id) })
            : write('POST', 'registry/reject', { id: Number(v.id), reason: v.reason });
        },
        done: (e, v) => tf(v.decision === 'approve' ? 'fe_approved' : 'fe_rejected', { id: v.id }),
      }));
    else section.append(...[flashNote('decide')].filter(Boolean), h('p', { class: 'note', id: 'decide-none' }, t('fe_decide_none')));
  }
  if (mine.length)
    section.append(writeForm({
      id: 'withdraw', title: t('fe_withdraw_h'), intro: t('fe_withdraw_intro'), submitLabel: t('fe_withdraw_button'),
      fields: [
        { name: 'id', label: t('fe_proposal'), type: 'select', required: true, value: String(mine[0].id), options: mine.map(option) },
        { name: 'reason', label: t('fe_reason'), type: 'textarea' },
      ],
      submit: (v) => write('POST', 'registry/reject', { id: Number(v.id), reason: v.reason || undefined }),
      done: (e, v) => tf('fe_withdrawn', { id: v.id }),
    }));
  else if (mayReject) {
    const note = flashNote('withdraw');
    if (note) section.append(note);
  }
}

// The administrator's setting of a registry (POST /api/v1/registry/four-eyes).
function settingForm(section, accounts, settings) {
  const countries = [...new Set([...accounts.map((a) => a.country), ...settings.map((s) => s.country)])].sort();
  section.append(writeForm({
    id: 'four-eyes', title: t('fe_set_h'), intro: t('fe_set_intro'), submitLabel: t('fe_set_button'),
    fields: [
      { name: 'country', label: t('fe_registry'), type: 'select', required: true, placeholder: t('choose'),
        options: countries.map((c) => [c, c]) },
      { name: 'require', label: t('fe_required'), type: 'radio', required: true, options: [['yes', t('fe_yes')], ['no', t('fe_no')]] },
      { name: 'threshold', label: t('fe_threshold'), type: 'number', min: 0, value: '0', hint: t('fe_threshold_hint') },
      { name: 'expiry', label: t('fe_expiry'), value: '7d', hint: t('fe_expiry_hint') },
    ],
    submit: (v) => write('POST', 'registry/four-eyes', { country: v.country, require: v.require === 'yes',
      threshold: v.threshold === '' ? 0 : v.threshold, expiry: v.expiry || '7d' }),
    done: (e, v) => tf(v.require === 'yes' ? 'fe_set_on' : 'fe_set_off', { country: v.country }),
  }));
}

// The section: settings for all, proposals and forms for those who may.
export async function fourEyesSection(page, accounts) {
  const [settings, mayList, maySet] = await Promise.all([settingsOf(), canCall('GET', '/api/v1/registry/proposals'),
    canCall('POST', '/api/v1/registry/four-eyes')]);
  if (!settings.length && !mayList && !maySet) return;
  const section = h('section', { class: 'four-eyes', 'aria-labelledby': 'fe-h' },
    h('h2', { id: 'fe-h' }, t('fe_h')), h('p', { class: 'intro' }, t('fe_intro')),
    h('h3', { id: 'fe-settings-h' }, t('fe_settings_h')),
    settings.some((s) => s.required) ? settingsTable(settings) : h('p', { class: 'empty-list', id: 'fe-none' }, t('fe_settings_none')));
  page.append(section);
  if (mayList) {
    const all = await api('registry/proposals').catch(() => []);
    // what the user's role lets it see: a registrar its country's, a participant its accounts'
    const seen = session.role === 'participant' ? all.filter((p) => inScope('account', p.from, p.to))
      : session.role === 'registrar' ? all.filter((p) => inScope('country', p.country)) : all;
    const pending = seen.filter((p) => stateOf(p) === 'pending').length;
    section.append(h('h3', { id: 'fe-list-h' }, t('fe_list_h')),
      ...(seen.length ? [h('p', { id: 'fe-count' }, tf(seen.length === 1 ? 'fe_count_one' : 'fe_count', { n: fmt(seen.length), pending: fmt(pending) })), proposalsTable(seen)]
        : [h('p', { class: 'empty-list', id: 'fe-list-none' }, t('fe_list_none'))]));
    await decideForms(section, seen);
  }
  if (maySet) settingForm(section, accounts, settings);
}
