// four-eyes.mjs - four-eyes approval in the browser (issue 16), on a
// database of its own (tests/web.sh: KH-GOV-1 with 400 credits, KH-ENT-1
// with 200, JP-GOV-1; registrars regkh1 and regkh2 of KH, a participant
// partkh of KH-ENT-1, an admin adm1; no registry requires approval yet).
// The admin turns it on for KH (over 50 credits) in the page; regkh1's
// transfer of 60 becomes a proposal, said as not done, with nothing moved
// and the proposal pending in the list; regkh1 is offered no approval of it
// (and the server refuses one forced from its session); regkh2, in
// Japanese, approves it: the credits move once, and a second approval is
// refused.  The participant's cancellation becomes a proposal too, and
// regkh1 rejects it (a reason needed, then given).  A proposal of 2 s
// expires: the list says so and offers no decision, and the registry's next
// write journals its expiry.  At 1366 and 390 px in both languages
// (screenshots), with axe-core finding no serious or critical issue.
// Every result is checked through the API.
//
// usage: node test/four-eyes.mjs BASE_URL SHOT_DIR
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { asPageOf, launch, ok, bad, check, counts, formHelpers } from './harness.mjs';

const [base, shots] = process.argv.slice(2);
const origin = new URL(base).origin;
const json = async (p) => (await fetch(`${origin}/api/v1/${p}`)).json();
const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

// the refusals this run provokes: 403 (an approval by its proposer), 409 (approved twice)
const expected = /^Failed to load resource: the server responded with a status of (403|409) /;
const { page, outside, problems, ready, shot, close } = await launch(origin, shots, expected);
const { text, said, labelled, login, logout } = formHelpers(page);
const asPage = asPageOf(page);
// a write forced from the page's session, with its CSRF token
const forced = (p, body) => page.evaluate(async ([p, body]) => {
  const s = await (await fetch('/api/v1/session')).json();
  const r = await fetch(`/api/v1/${p}`, { method: 'POST', headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': s.csrf },
    body: JSON.stringify(body) });
  return r.status;
}, [p, body]);
const balances = async () => Object.fromEntries((await json('registry/accounts')).map((a) => [a.id, a.balance]));
const proposals = async () => (await asPage('registry/proposals')).body;
const registry = async () => { await page.goto(`${base}#/registry`); await ready('registry'); };
const options = (sel) => page.locator(`${sel} option`).evaluateAll((os) => os.map((o) => o.value).filter(Boolean));
const rowStatus = (id) => page.locator(`table.proposals tr[data-id="${id}"]`).getAttribute('data-status');
const setLang = async (l) => {
  if ((await page.getAttribute('html', 'lang')) === l) return;
  await page.click('#lang');
  await page.waitForFunction((l) => document.documentElement.lang === l, l);
  await page.waitForSelector('#content[data-ready]'); // drawn again in it
};
async function axe(where) {
  await page.evaluate(axeSource);
  const res = await page.evaluate(() => window.axe.run(document, { resultTypes: ['violations'] }));
  const bad_ = res.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.nodes.length}): ${v.nodes[0].target.join(' ')}`);
  check(`${where}: axe finds no serious or critical issue`, bad_.join(' | '), '');
}
const fits = () => page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth <= 0);

try {
  // --- the admin turns four-eyes on for KH ---------------------------------------------
  await page.setViewportSize({ width: 1366, height: 900 });
  // the page drawn (and the header's log-in box with it) before the log-in is typed
  await registry();
  await login('adm1');
  await registry();
  check('off everywhere: said', await text('#fe-none'), 'No registry requires four-eyes approval.');
  check('the admin has the setting form, every field labelled', `${await page.locator('form#four-eyes').count()} ${(await labelled()).join(',')}`, '1 ');
  await page.selectOption('#four-eyes-country', 'KH');
  await page.check('#four-eyes-require-0');
  await page.fill('#four-eyes-threshold', '50');
  await page.click('#four-eyes button[type="submit"]');
  check('the setting saved, said', await said('four-eyes'), 'The KH registry now requires four-eyes approval.');
  const fe = (await json('registry/four-eyes')).map((s) => `${s.country} ${s.required} ${s.threshold} ${s.expiry_seconds}`).join(';');
  check('the API has it', fe, 'KH true 50 604800');
  check('the page shows it', await text('table.four-eyes tr[data-country="KH"]'),
    'KHYestransfers of more than 50, every cancellation and retirement7 days');
  await logout();

  // --- regkh1 transfers 60: a proposal, not done ----------------------------------------
  const before = await balances();
  await login('regkh1');
  await registry();
  check('the transfer form says KH needs approval above 50', await text('#transfer-four-eyes'),
    "The KH registry requires another registrar's approval for a transfer of more than 50 credits: such a transfer becomes a proposal and nothing moves until it is approved.");
  check('no proposals yet', await text('#fe-list-none'), 'No proposals yet.');
  await page.selectOption('#transfer-from', 'KH-GOV-1');
  await page.selectOption('#transfer-to', 'KH-ENT-1');
  await page.fill('#transfer-quantity', '60');
  await page.click('#transfer button[type="submit"]');
  const note = await said('transfer');
  const p1 = (await proposals())[0];
  check('a proposal in the API: pending, by regkh1, 60 from KH-GOV-1 to KH-ENT-1',
    `${p1.status} ${p1.proposed_by} ${p1.operation} ${p1.quantity} ${p1.from} ${p1.to}`, 'pending regkh1 transfer 60 KH-GOV-1 KH-ENT-1');
  check('the page says it is a proposal awaiting approval, not done',
    /^Proposal \d+ made: transfer of 60 credits from KH-GOV-1 to KH-ENT-1\. It is not done yet: nothing moves until another registrar approves it \(by .+\)\.$/.test(note) &&
    note.startsWith(`Proposal ${p1.id} `), true);
  check('nothing moved', JSON.stringify(await balances()), JSON.stringify(before));
  check('the list shows it pending', await rowStatus(p1.id), 'pending');
  check('... in words', await text(`table.proposals tr[data-id="${p1.id}"] .fe-status`), 'Awaiting approval');
  check('the proposer is offered no approval of its own proposal', await page.locator('form#decide').count(), 0);
  check('... and told why', await text('#decide-none'), 'No proposal awaits your decision (your own proposals are for another registrar to decide).');
  check('... but may withdraw it', (await options('#withdraw-id')).join(','), String(p1.id));
  check('an approval forced from the proposer\'s session: 403', await forced('registry/approve', { id: p1.id }), 403);
  check('... nothing moved, still pending', `${JSON.stringify(await balances()) === JSON.stringify(before)} ${(await proposals())[0].status}`, 'true pending');
  await shot('four-eyes-proposed-1366-en.png');
  await axe('regkh1, English, a proposal pending');
  await logout();

  // --- regkh2, in Japanese, approves it ----------------------------------------------------
  await setLang('ja');
  await login('regkh2');
  await registry();
  check('ja: the list says it awaits approval', await text(`table.proposals tr[data-id="${p1.id}"] .fe-status`), '承認待ち');
  check('the other registrar is offered it', (await options('#decide-id')).join(','), String(p1.id));
  await page.check('#decide-decision-0');
  await page.click('#decide button[type="submit"]');
  check('ja: approval is confirmed in words first', await text('#decide-confirm-text'),
    `提案 ${p1.id}（KH-GOV-1 から KH-ENT-1 へ 60 クレジットの移転）を承認し、いま実行します。`);
  await page.click('#decide-confirm-yes');
  check('ja: approved, said', await said('decide'), `提案 ${p1.id} を承認し、実行しました。`);
  const after = await balances();
  check('the credits moved once: KH-GOV-1 −60, KH-ENT-1 +60', `${before['KH-GOV-1'] - after['KH-GOV-1']} ${after['KH-ENT-1'] - before['KH-ENT-1']}`, '60 60');
  const a1 = (await proposals()).find((p) => p.id === p1.id);
  check('the API: approved by regkh2 and carried out', `${a1.status} ${a1.decided_by} ${a1.executed_seq > a1.decided_seq}`, 'approved regkh2 true');
  check('ja: the list says so', await text(`table.proposals tr[data-id="${p1.id}"] .fe-status`), '承認・実行済み');
  check('a second approval is refused: 409', await forced('registry/approve', { id: p1.id }), 409);
  check('... and moves nothing', JSON.stringify(await balances()), JSON.stringify(after));
  await shot('four-eyes-approved-1366-ja.png');
  await axe('regkh2, Japanese, after an approval');
  await page.setViewportSize({ width: 390, height: 844 });
  await registry();
  check('ja, 390 px: the page fits the width', await fits(), true);
  await shot('four-eyes-390-ja.png');
  await axe('regkh2, Japanese, 390 px');
  await page.setViewportSize({ width: 1366, height: 900 });
  await setLang('en');
  await logout();

  // --- the participant cancels 5: a proposal; regkh1 rejects it -----------------------------
  await login('partkh');
  await registry();
  check('the participant is offered no approval', await page.locator('form#decide').count(), 0);
  await page.selectOption('#cancel-account', 'KH-ENT-1');
  await page.fill('#cancel-quantity', '5');
  await page.click('#cancel button[type="submit"]');
  check('the confirmation says it will be a proposal', (await text('#cancel-confirm-text')).endsWith(
    "This registry requires another registrar's approval: it will be proposed, and nothing happens until it is approved."), true);
  await page.click('#cancel-confirm-yes');
  const note2 = await said('cancel');
  const p2 = (await proposals())[0];
  check('the participant\'s cancellation is a proposal', `${p2.operation} ${p2.quantity} ${p2.from} ${p2.status} ${p2.proposed_by}`, 'cancel 5 KH-ENT-1 pending partkh');
  check('... said as not done', note2.startsWith(`Proposal ${p2.id} made: cancellation of 5 credits of KH-ENT-1. It is not done yet`), true);
  check('the participant sees its account\'s proposals', (await page.locator('table.proposals tbody tr').evaluateAll((rs) => rs.map((r) => r.dataset.id))).join(','),
    `${p2.id},${p1.id}`);
  await logout();
  await login('regkh1');
  await registry();
  check('regkh1 is offered the participant\'s proposal', (await options('#decide-id')).join(','), String(p2.id));
  // by keyboard alone: the select, Tab to the decision, an arrow to "reject", Tab to the reason and the button
  const { focused } = formHelpers(page);
  await page.focus('#decide-id');
  await page.keyboard.press('Tab');
  await page.keyboard.press('ArrowRight');
  check('by keyboard: "reject" chosen with an arrow', await page.isChecked('#decide-decision-1'), true);
  await page.keyboard.press('Tab');
  await page.keyboard.press('Tab');
  await page.keyboard.press('Enter');
  await page.waitForSelector('#decide-reason-err:not(:empty)');
  check('a rejection without a reason: said at the reason, the focus there', `${await text('#decide-reason-err')} ${await focused()}`,
    'Write why it is rejected. decide-reason');
  check('... nothing sent', (await proposals())[0].status, 'pending');
  await page.keyboard.type('Not agreed with the holder');
  await page.keyboard.press('Tab');
  await page.keyboard.press('Enter');
  await page.waitForSelector('#decide-confirm-text');
  check('the confirmation takes the focus', await focused(), 'decide-confirm-text');
  await page.keyboard.press('Tab');
  await page.keyboard.press('Enter');
  check('rejected, said', await said('decide'), `Rejected proposal ${p2.id}.`);
  const r2 = (await proposals())[0];
  check('the API: rejected by regkh1 with the reason', `${r2.status} ${r2.decided_by} ${r2.reason}`, 'rejected regkh1 Not agreed with the holder');
  check('nothing cancelled', JSON.stringify(await balances()), JSON.stringify(after));
  check('the list shows the reason', (await text(`table.proposals tr[data-id="${p2.id}"]`)).includes('Reason: Not agreed with the holder'), true);
  await page.setViewportSize({ width: 390, height: 844 });
  await registry();
  check('en, 390 px: the page fits the width', await fits(), true);
  await shot('four-eyes-390-en.png');
  await axe('regkh1, English, 390 px');
  await page.setViewportSize({ width: 1366, height: 900 });
  await logout();

  // --- expiry: shown, not decidable, journalled by the next write ----------------------------
  await login('adm1');
  await registry();
  await page.selectOption('#four-eyes-country', 'KH');
  await page.check('#four-eyes-require-0');
  await page.fill('#four-eyes-threshold', '50');
  await page.fill('#four-eyes-expiry', '2s');
  await page.click('#four-eyes button[type="submit"]');
  await said('four-eyes');
  await logout();
  await login('regkh1');
  await registry();
  await page.selectOption('#cancel-account', 'KH-GOV-1');
  await page.fill('#cancel-quantity', '1');
  await page.click('#cancel button[type="submit"]');
  await page.click('#cancel-confirm-yes');
  await said('cancel');
  const p3 = (await proposals())[0];
  await page.waitForTimeout(2500);
  await logout();
  await login('regkh2');
  await registry();
  check('past its expiry the list says expired', await text(`table.proposals tr[data-id="${p3.id}"] .fe-status`), 'Expired');
  check('... and offers no decision on it', (await page.locator('#decide-id').count()) ? (await options('#decide-id')).includes(String(p3.id)) : false, false);
  // the journal has no public route: the CLI reads it (tests/web.sh gives C2C_BIN and C2C_DB)
  const journal = async () => JSON.parse(execFileSync(process.env.C2C_BIN, ['registry', 'journal', '--format', 'json'], { encoding: 'utf8' }))
    .filter((e) => e.op === 'expire').map((e) => (typeof e.body === 'string' ? JSON.parse(e.body) : e.body).proposal);
  check('not journalled until the next write', (await journal()).join(','), '');
  await page.selectOption('#transfer-from', 'KH-GOV-1');
  await page.selectOption('#transfer-to', 'KH-ENT-1');
  await page.fill('#transfer-quantity', '10');
  await page.click('#transfer button[type="submit"]');
  check('a transfer of 10 (at most 50) is done at once', await said('transfer'), 'Moved 10 credits from KH-GOV-1 to KH-ENT-1.');
  check('that write journalled the expiry', `${(await journal()).join(',')} ${(await proposals()).find((p) => p.id === p3.id).status}`, `${p3.id} expired`);
  await shot('four-eyes-expired-1366-en.png');
  await setLang('ja');
  await ready('registry');
  await shot('four-eyes-1366-ja.png');
  await axe('regkh2, Japanese, 1366 px, every status');
  await setLang('en');

  check('no console error', problems.join(' | '), '');
  check('nothing asked of another origin', outside.join(' '), '');
} catch (e) {
  bad(`four-eyes run stopped: ${e.stack || e}`);
} finally {
  await close();
}
process.exit(counts.failed ? 1 : 0);
