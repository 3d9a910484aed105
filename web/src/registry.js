// registry.js - the JCM registry page (#/registry): every account with its
// balance (public, GET /api/v1/registry/accounts), and for a user whose role
// may call them (the routes' x-c2c-roles) the forms of the registry's
// operations: open and close an account, issue, authorize and allocate,
// transfer, retire and cancel, offering only the accounts the user's scope
// covers (a participant: its own accounts; a registrar: its country's; an
// administrator: all).  The server checks the scope again.  An account's
// history (each movement with its journal entry) and blocks, and the proof
// (GET /api/v1/registry/verify), are public; a retirement or cancellation
// is confirmed in words before it is sent, as it cannot be undone.  Where
// the registry requires four-eyes approval, a transfer, retirement or
// cancellation is proposed instead, and the page says it awaits another
// registrar's approval (approval.js, which also lists the proposals).
import { approvalNote, fourEyesSection, moveOrPropose, needsApproval, proposedText } from './approval.js';
import { api, downloads, fmt, h, has, serverText, t, tf } from './core.js';
import { flashNote, writeForm } from './forms.js';
import { canCall, inScope, session, write } from './session.js';

const PURPOSES = ['ndc', 'voluntary', 'other'];
// the kinds of account a user opens; pending, cancellation and retirement
// accounts are the registry's own and take no transfer
const HOLDING = ['government', 'entity'];
const holding = (a) => HOLDING.includes(a.kind);
// may the user act on this account (a participant: one named in its scope;
// a registrar: one of its country)?
const inMyScope = (a) => inScope('account', a.id) || inScope('country', a.country);

// a coded value's label, or the value itself where there is none
const label = (k, v) => (has(k) ? t(k) : h('span', { class: 'raw-value' }, v));

function accountsTable(accounts) {
  const cols = ['id', 'holder', 'country', 'kind', 'status', 'balance'];
  return h('div', { class: 'tablewrap', tabindex: '0', role: 'region', 'aria-label': t('reg_accounts_h') },
    h('table', { class: 'plist accounts', 'data-table': 'accounts' },
      h('thead', {}, h('tr', {}, cols.map((c) => h('th', { scope: 'col', class: c === 'balance' ? 'num' : null }, t(`acct_${c}`))))),
      h('tbody', {}, accounts.map((a) => h('tr', { 'data-id': a.id },
        h('th', { scope: 'row', 'data-label': t('acct_id') }, a.id),
        h('td', { 'data-label': t('acct_holder') }, a.holder),
        h('td', { 'data-label': t('acct_country') }, a.country),
        h('td', { 'data-label': t('acct_kind') }, label(`acct_kind_${a.kind}`, a.kind)),
        h('td', { 'data-label': t('acct_status') }, label(`acct_status_${a.status}`, a.status)),
        h('td', { 'data-label': t('acct_balance'), class: 'num', 'data-col': 'balance' }, fmt(a.balance)))))));
}

const acctLabel = (a, withBalance) => `${a.id} — ${a.holder}${withBalance ? ` (${fmt(a.balance)})` : ''}`;

// "JP-GOV-1=40; KH-GOV-1=60" as {"JP-GOV-1": 40, "KH-GOV-1": 60}, or null
export function parseShares(text) {
  const out = {};
  for (const part of String(text).split(/[;,\s]+/).filter(Boolean)) {
    const m = /^([^=:]+)[=:](\d+(?:\.\d+)?)%?$/.exec(part);
    if (!m) return null;
    out[m[1]] = Number(m[2]);
  }
  return Object.keys(out).length ? out : null;
}

// Issue, allocate and authorize (a registrar in its country, an
// administrator): issue from an approved monitoring report whose project's
// host country (the project id's first two letters) is in scope; allocate
// and authorize the issuances the country's pending account holds
// (GET /api/v1/registry/balance).  The server refuses a period issued twice
// or an issuance authorized already; the message goes next to the field.
async function issueForms(page, accounts) {
  const [mayIssue, mayAllocate, mayAuthorize] = await Promise.all(['issue', 'allocate', 'authorize']
    .map((op) => canCall('POST', `/api/v1/registry/${op}`)));
  if (!mayIssue && !mayAllocate && !mayAuthorize) return;
  const section = h('section', { class: 'writes', 'aria-labelledby': 'issue-forms-h' },
    h('h2', { id: 'issue-forms-h' }, t('issue_forms_h')));
  page.append(section);
  const forms = [];
  if (mayIssue) {
    const reports = (await api('mrv/reports')).filter((r) => r.status === 'approved' && inScope('country', r.host_country));
    if (reports.length)
      forms.push(writeForm({
        id: 'issue', title: t('issue_h'), intro: t('issue_intro'), submitLabel: t('issue_button'),
        fields: [{ name: 'report', label: t('f_report'), type: 'select', required: true, value: String(reports[0].id),
          options: reports.map((r) => [String(r.id), `${t('mrv_report')} ${r.id} — ${r.project}, ${r.period_from} – ${r.period_to} (${fmt(r.er_tco2e)} tCO2e)`]) }],
        submit: (v) => write('POST', 'registry/issue', { report: Number(v.report) }),
        done: (e, v) => tf('issue_done', { report: v.report }),
      }));
    else forms.push(flashNote('issue'), h('p', { class: 'note', id: 'issue-none' }, t('issue_none')));
  }
  if (mayAllocate || mayAuthorize) {
    const pending = accounts.filter((a) => a.kind === 'pending' && inScope('country', a.country)).map((a) => a.id);
    const rows = pending.length ? (await api('registry/balance')).filter((b) => pending.includes(b.account) && b.state === 'active' && b.credits > 0) : [];
    const issuances = rows.map((b) => [b.issuance, `${b.issuance} — ${fmt(b.credits)} (${b.account})`]);
    if (!issuances.length) forms.push(flashNote('allocate'), flashNote('authorize'), h('p', { class: 'note', id: 'pending-none' }, t('pending_none')));
    else {
      const targets = accounts.filter((a) => a.status === 'open' && holding(a));
      if (mayAllocate)
        forms.push(writeForm({
          id: 'allocate', title: t('allocate_h'), intro: t('allocate_intro'), submitLabel: t('allocate_button'),
          fields: [
            { name: 'issuance', label: t('f_issuance'), type: 'select', required: true, value: issuances[0][0], options: issuances },
            { name: 'shares', label: t('f_shares'), required: true, hint: `${t('hint_shares')} ${targets.map((a) => a.id).join(', ')}` },
          ],
          submit: (v) => {
            const shares = parseShares(v.shares);
            return shares ? write('POST', 'registry/allocate', { issuance: v.issuance, shares })
              : { ok: false, status: 0, error: { message: `shares: ${t('shares_bad')}` } };
          },
          done: (e, v) => tf('allocate_done', { id: v.issuance }),
        }));
      if (mayAuthorize)
        forms.push(writeForm({
          id: 'authorize', title: t('authorize_h'), intro: t('authorize_intro'), submitLabel: t('authorize_button'),
          fields: [{ name: 'issuance', label: t('f_issuance'), type: 'select', required: true, value: issuances[0][0], options: issuances }],
          submit: (v) => write('POST', 'registry/authorize', { issuance: v.issuance }),
          done: (e, v) => tf('authorize_done', { id: v.issuance }),
        }));
    }
  }
  section.append(...forms.filter(Boolean));
}

// Open and close accounts (an administrator; a registrar in its own
// country's registry).  Only an empty account can be closed, so the close
// form offers only the open holding accounts in scope with nothing in them;
// a bad or taken id and a country outside the scope are the server's to
// refuse, its message next to the field it names.
async function accountForms(page, accounts) {
  const [mayOpen, mayClose] = await Promise.all(['account-open', 'account-close']
    .map((op) => canCall('POST', `/api/v1/registry/${op}`)));
  if (!mayOpen && !mayClose) return;
  const section = h('section', { class: 'writes', 'aria-labelledby': 'acct-forms-h' },
    h('h2', { id: 'acct-forms-h' }, t('acct_forms_h')));
  page.append(section);
  const forms = [];
  if (mayOpen) {
    // a registrar's scope is its country: the one registry it may open accounts in
    const own = session.role === 'registrar' ? String(session.scope || '').split(',')[0].trim() : '';
    forms.push(writeForm({
      id: 'account-open', title: t('open_acct_h'), intro: t('open_acct_intro'), submitLabel: t('open_acct_button'),
      fields: [
        { name: 'id', label: t('f_acct_id'), required: true, hint: t('hint_acct_id') },
        { name: 'country', label: t('f_registry'), required: true, value: own, hint: t('hint_registry') },
        { name: 'kind', label: t('acct_kind'), type: 'select', required: true, placeholder: t('choose'),
          options: HOLDING.map((k) => [k, t(`acct_kind_${k}`)]) },
        { name: 'holder', label: t('acct_holder'), required: true, hint: t('hint_holder') },
      ],
      submit: (v) => write('POST', 'registry/account-open', v),
      done: (e, v) => tf('open_acct_done', { id: v.id, country: v.country }),
    }));
  }
  if (mayClose) {
    const empty = accounts.filter((a) => holding(a) && a.status === 'open' && a.balance === 0 && inMyScope(a));
    if (empty.length)
      forms.push(writeForm({
        id: 'account-close', title: t('close_acct_h'), intro: t('close_acct_intro'), submitLabel: t('close_acct_button'),
        fields: [{ name: 'id', label: t('f_account'), type: 'select', required: true, value: empty[0].id,
          options: empty.map((a) => [a.id, acctLabel(a, false)]) }],
        submit: (v) => write('POST', 'registry/account-close', { id: v.id }),
        done: (e, v) => tf('close_acct_done', { id: v.id }),
      }));
    // the account just closed may have been the last empty one: its status line stays
    else forms.push(flashNote('account-close'), h('p', { class: 'note', id: 'close-none' }, t('close_acct_none')));
  }
  section.append(...forms.filter(Boolean));
}

// The proof on the page: what `registry verify` checked (GET
// /api/v1/registry/verify), or what it found wrong.
async function proofSection(page) {
  const v = await api('registry/verify').catch(() => null);
  if (!v) return;
  page.append(h('section', { class: 'proof', 'aria-labelledby': 'proof-h' },
    h('h2', { id: 'proof-h' }, t('reg_proof_h')),
    h('p', { class: v.ok ? 'good' : 'warn', id: 'proof-result' }, v.ok ? `✓ ${t('reg_ok')}` : `✗ ${t('reg_bad')}: `,
      v.ok ? null : serverText(v.message)),
    v.ok ? h('p', { id: 'proof-figures' }, tf('reg_proof_figures', { entries: fmt(v.entries), blocks: fmt(v.blocks),
      issued: fmt(v.issued), held: fmt(v.held), cancelled: fmt(v.cancelled), retired: fmt(v.retired) })) : null));
}

// One account's history (GET /api/v1/registry/history: every movement with
// its journal entry) and its blocks with their serial ranges.
async function historyTables(box, id) {
  const [rows, blocks] = await Promise.all([api(`registry/history?account=${encodeURIComponent(id)}`),
    api(`registry/blocks?account=${encodeURIComponent(id)}`)]);
  const th = (k, num) => h('th', { scope: 'col', class: num ? 'num' : null }, t(k));
  const td = (k, v, extra = {}) => h('td', { 'data-label': t(k), ...extra }, v);
  box.replaceChildren(
    h('h3', { id: 'hist-moves-h' }, tf('hist_moves_h', { id })),
    rows.length ? h('div', { class: 'tablewrap', tabindex: '0', role: 'region', 'aria-labelledby': 'hist-moves-h' },
      h('table', { class: 'plist history', 'data-table': 'history' },
        h('thead', {}, h('tr', {}, th('hist_seq'), th('hist_at'), th('hist_op'), th('hist_quantity', true), th('hist_serials'), th('hist_counterpart'))),
        h('tbody', {}, rows.map((r) => h('tr', { 'data-seq': r.seq },
          h('th', { scope: 'row', 'data-label': t('hist_seq') }, String(r.seq)),
          td('hist_at', r.at.slice(0, 10)),
          td('hist_op', [label(`hist_op_${r.op}`, r.op), r.purpose ? ` (${t(`purpose_${r.purpose}`)}${r.beneficiary ? ` — ${r.beneficiary}` : ''})` : '']),
          td('hist_quantity', r.quantity > 0 ? `+${fmt(r.quantity)}` : fmt(r.quantity), { class: 'num', 'data-col': 'quantity' }),
          td('hist_serials', r.ranges.map((x) => h('div', { class: 'serial' }, x.serial))),
          td('hist_counterpart', r.counterpart || '—')))))) : h('p', { class: 'empty-list' }, t('hist_none')),
    rows.length ? downloads(`registry/history?account=${encodeURIComponent(id)}`) : null,
    h('h3', { id: 'hist-blocks-h' }, tf('hist_blocks_h', { id })),
    blocks.length ? h('div', { class: 'tablewrap', tabindex: '0', role: 'region', 'aria-labelledby': 'hist-blocks-h' },
      h('table', { class: 'plist blocks', 'data-table': 'blocks' },
        h('thead', {}, h('tr', {}, th('hist_serials'), th('hist_quantity', true), th('acct_status'))),
        h('tbody', {}, blocks.map((b) => h('tr', {},
          h('th', { scope: 'row', 'data-label': t('hist_serials'), class: 'serial' }, b.serial),
          td('hist_quantity', fmt(b.credits), { class: 'num' }),
          td('acct_status', [label(`block_state_${b.state}`, b.state), b.beneficiary ? ` — ${b.beneficiary}` : '']))))))
      : h('p', { class: 'empty-list' }, t('hist_no_blocks')),
    blocks.length ? downloads(`registry/blocks?account=${encodeURIComponent(id)}`) : null);
}

function historySection(page, accounts) {
  if (!accounts.length) return;
  const first = accounts.find(inMyScope) || accounts[0];
  const box = h('div', { id: 'hist-box', 'aria-live': 'polite' });
  const sel = h('select', { id: 'hist-account' }, accounts.map((a) => h('option', { value: a.id }, acctLabel(a, false))));
  sel.value = first.id;
  sel.addEventListener('change', () => historyTables(box, sel.value));
  page.append(h('section', { class: 'history', 'aria-labelledby': 'hist-h' },
    h('h2', { id: 'hist-h' }, t('hist_h')), h('p', { class: 'intro' }, t('hist_intro')),
    h('div', { class: 'field' }, h('label', { for: 'hist-account' }, t('f_account')), sel), box));
  return historyTables(box, first.id);
}

export async function registryPage(page) {
  const accounts = await api('registry/accounts');
  page.append(h('h1', {}, t('registry_h')), h('p', { class: 'intro' }, t('registry_intro')),
    h('h2', { id: 'accounts-h' }, t('reg_accounts_h')),
    // the DOM's own append writes a null as "null": only what is there
    ...(accounts.length ? [accountsTable(accounts), downloads('registry/accounts')]
      : [h('p', { class: 'empty-list' }, t('reg_no_accounts'))]));
  await fourEyesSection(page, accounts);
  await historySection(page, accounts);
  await proofSection(page);

  await accountForms(page, accounts);
  await issueForms(page, accounts);
  const [mayTransfer, mayRetire, mayCancel] = await Promise.all(['transfer', 'retire', 'cancel']
    .map((op) => canCall('POST', `/api/v1/registry/${op}`)));
  if (!mayTransfer && !mayRetire && !mayCancel) return;
  const open = accounts.filter((a) => a.status === 'open' && holding(a));
  // the accounts this user may move credits out of, and that hold some
  const mine = open.filter((a) => a.balance > 0 && inMyScope(a));
  const section = h('section', { class: 'writes', 'aria-labelledby': 'reg-forms-h' }, h('h2', { id: 'reg-forms-h' }, t('reg_forms_h')));
  page.append(section);
  if (!mine.length) {
    section.append(...[flashNote('transfer'), flashNote('retire'), flashNote('cancel')].filter(Boolean),
      h('p', { class: 'note', id: 'reg-none' }, t('reg_none_mine')));
    return;
  }
  const from = mine.map((a) => [a.id, acctLabel(a, true)]);
  const countryOf = (id) => mine.find((a) => a.id === id)?.country || '';
  const countries = [...new Set(mine.map((a) => a.country))];
  // the reply of a proposal is its "propose" entry: not done, awaiting approval
  const doneOr = (key, vars) => (e) => (e?.op === 'propose' ? proposedText(e) : tf(key, vars));
  const [noteTransfer, noteRetire, noteCancel] = await Promise.all(['transfer', 'retire', 'cancel'].map((op) => approvalNote(op, countries)));
  const settings = await api('registry/four-eyes').catch(() => []);
  // a retirement or cancellation that needs approval is confirmed as the proposal it becomes
  const proposing = (op, v) => (needsApproval(settings, countryOf(v.account), op, v.quantity) ? ` ${t('fe_confirm_proposal')}` : '');
  const withNote = (form, note) => { if (note) form.querySelector('.intro').after(note); return form; };
  if (mayTransfer)
    section.append(withNote(writeForm({
      id: 'transfer', title: t('transfer_h'), intro: t('transfer_intro'), submitLabel: t('transfer_button'),
      fields: [
        { name: 'from', label: t('f_from'), type: 'select', options: from, value: from[0][0], required: true },
        { name: 'to', label: t('f_to'), type: 'select', placeholder: t('choose'), required: true,
          options: open.map((a) => [a.id, acctLabel(a, false)]) },
        { name: 'quantity', label: t('f_quantity'), type: 'number', min: 1, required: true, hint: t('hint_credits') },
      ],
      submit: (v) => moveOrPropose('transfer', v, countryOf(v.from)),
      done: (e, v) => doneOr('transfer_done', { q: fmt(v.quantity), from: v.from, to: v.to })(e),
    }), noteTransfer));
  if (mayRetire)
    section.append(withNote(writeForm({
      id: 'retire', title: t('retire_h'), intro: t('retire_intro'), submitLabel: t('retire_button'),
      fields: [
        { name: 'account', label: t('f_account'), type: 'select', options: from, value: from[0][0], required: true },
        { name: 'quantity', label: t('f_quantity'), type: 'number', min: 1, required: true, hint: t('hint_credits') },
        { name: 'purpose', label: t('f_purpose'), type: 'radio', required: true, options: PURPOSES.map((p) => [p, t(`purpose_${p}`)]) },
        { name: 'beneficiary', label: t('f_beneficiary'), required: true, hint: t('hint_beneficiary') },
      ],
      confirm: (v) => tf(v.purpose === 'ndc' ? 'retire_confirm_ndc' : 'retire_confirm', {
        q: fmt(v.quantity), account: v.account, purpose: t(`purpose_${v.purpose}`), beneficiary: v.beneficiary,
        country: mine.find((a) => a.id === v.account)?.country || '' }) + proposing('retire', v),
      submit: (v) => moveOrPropose('retire', v, countryOf(v.account)),
      done: (e, v) => doneOr('retire_done', { q: fmt(v.quantity), account: v.account })(e),
    }), noteRetire));
  // a cancellation is a retirement with no purpose or beneficiary: the
  // credits go to the registry's cancellation account and never move again
  if (mayCancel)
    section.append(withNote(writeForm({
      id: 'cancel', title: t('cancel_h'), intro: t('cancel_intro'), submitLabel: t('cancel_button'),
      fields: [
        { name: 'account', label: t('f_account'), type: 'select', options: from, value: from[0][0], required: true },
        { name: 'quantity', label: t('f_quantity'), type: 'number', min: 1, required: true, hint: t('hint_credits') },
      ],
      confirm: (v) => tf('cancel_confirm', { q: fmt(v.quantity), account: v.account }) + proposing('cancel', v),
      submit: (v) => moveOrPropose('cancel', v, countryOf(v.account)),
      done: (e, v) => doneOr('cancel_done', { q: fmt(v.quantity), account: v.account })(e),
    }), noteCancel));
}
