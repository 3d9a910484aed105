// forms2.mjs - the registrar's and the programme's forms in a real browser,
// on the database tests/web.sh prepared for forms.mjs (run before it: that
// run ends by locking the log-in address out).  A registrar of Cambodia
// issues credits from the approved MRV report (report 2), authorizes the
// issuance and allocates it between JP-GOV-1 and KH-GOV-1 (a wrong sum
// refused at the shares field); opens an account in its registry (a bad id
// and a taken one refused at the id, nothing changed), closes it once it is
// the one empty account, and cancels credits of KH-GOV-1 (an overdraw
// refused at the quantity; the cancellation made in Japanese); a
// municipality submits a proposal to the
// call; the office sees it in the ranking and scores it (a point out of
// range refused at its criterion).  Every expected value comes from the API.
//
// usage: node test/forms2.mjs BASE_URL SHOT_DIR
import { launch, ok, bad, check, counts, formHelpers } from './harness.mjs';
import { join } from 'node:path';

const [base, shots] = process.argv.slice(2);
const origin = new URL(base).origin;
const json = async (p) => (await fetch(`${origin}/api/v1/${p}`)).json();

const { page, outside, close } = await launch(origin, shots);
const problems = [], writes = [];
const expected = /^Failed to load resource: the server responded with a status of (401|403|409|422) /;
page.on('console', (m) => { if (m.type() === 'error' && !expected.test(m.text())) problems.push(m.text()); });
page.on('pageerror', (e) => problems.push(String(e)));
page.on('request', (r) => {
  if (r.url().includes('/api/v1/') && r.method() === 'POST')
    writes.push({ path: new URL(r.url()).pathname, body: r.postData() });
});
const ready = (name) => page.waitForSelector(`#content[data-ready="${name}"]`, { timeout: 15000 });
const shot = (f) => page.screenshot({ path: join(shots, f), fullPage: true });
const { focused, text, said, labelled, login, logout } = formHelpers(page);
const lastBody = (path) => writes.filter((w) => w.path === `/api/v1/${path}`).at(-1)?.body;

try {
  // --- a registrar issues, authorizes and allocates ---------------------------------
  const approved = (await json('mrv/reports')).filter((r) => r.status === 'approved');
  check('one approved report to issue from', approved.map((r) => r.id).join(','), '2');
  const rep = approved[0];
  await page.goto(`${base}#/registry`);
  await ready('registry');
  check('registry, public: no issue form', await page.locator('#issue').count(), 0);
  await login('regkh');
  await ready('registry');
  check('registrar: the issue form, nothing pending to allocate',
    await page.locator('#issue, #allocate, #authorize').evaluateAll((fs) => fs.map((f) => f.id).join(',')), 'issue');
  check('registrar: nothing pending says so', await page.locator('#pending-none').count(), 1);
  check('registrar: the issue form offers the approved report only',
    (await page.locator('#issue-report option').evaluateAll((os) => os.map((o) => o.value))).join(','), String(rep.id));
  check('registrar forms: every field labelled', (await labelled()).join(','), '');
  await shot('issue-form.png');
  const before = new Set((await json('registry/balance?account=KH-PENDING')).map((b) => b.issuance));
  await page.click('#issue button[type="submit"]');
  check('issue: the page says so', await said('issue'), `Credits issued from report ${rep.id}.`);
  check('issue: the body sent', lastBody('registry/issue'), JSON.stringify({ report: rep.id }));
  const pend = (await json('registry/balance?account=KH-PENDING')).filter((b) => !before.has(b.issuance));
  check('issue: the registry API shows the new issuance in KH-PENDING', pend.length, 1);
  const iss = pend[0]?.issuance;
  check('issue: with the report\'s reductions as credits', pend[0]?.credits, rep.er_tco2e);
  check('issue: the allocate form offers it', await page.inputValue('#allocate-issuance'), iss);
  await page.click('#issue button[type="submit"]');
  await page.waitForSelector('#issue-alert:not(:empty), #issue-report-err:not(:empty)');
  check('issue: the same report again is refused, naming the first issuance',
    /report \d+ was issued already as issuance KH003-02/.test(`${await text('#issue-alert')} ${await text('#issue-report-err')}`), true);
  check('issue: nothing more issued', (await json('registry/balance?account=KH-PENDING')).filter((b) => !before.has(b.issuance)).length, 1);
  await page.goto(`${base}#/registry`);
  await ready('registry');
  await page.selectOption('#authorize-issuance', iss);
  await page.click('#authorize button[type="submit"]');
  check('authorize: the page says so', await said('authorize'), `${iss} is authorized.`);
  await page.selectOption('#allocate-issuance', iss);
  await page.fill('#allocate-shares', 'JP-GOV-1=40; KH-GOV-1=50');
  await page.click('#allocate button[type="submit"]');
  await page.waitForSelector('#allocate-shares-err:not(:empty)');
  check('allocate, wrong sum: the message at the shares', (await text('#allocate-shares-err')).includes('90'), true);
  check('allocate, wrong sum: focus on the shares', await focused(), 'allocate-shares');
  await shot('allocate-error.png');
  const gov = async (a) => (await json(`registry/balance?account=${a}`)).filter((b) => b.issuance === iss).reduce((n, b) => n + b.credits, 0);
  await page.fill('#allocate-shares', 'JP-GOV-1=40; KH-GOV-1=60');
  await page.click('#allocate button[type="submit"]');
  check('allocate: the page says so', await said('allocate'), `${iss} is allocated.`);
  check('allocate: the body sent', lastBody('registry/allocate'), JSON.stringify({ issuance: iss, shares: { 'JP-GOV-1': 40, 'KH-GOV-1': 60 } }));
  check('allocate: JP-GOV-1 holds 40 %', await gov('JP-GOV-1'), Math.round(rep.er_tco2e * 0.4));
  check('allocate: KH-GOV-1 holds the rest', await gov('KH-GOV-1'), rep.er_tco2e - Math.round(rep.er_tco2e * 0.4));
  check('allocate: nothing left pending', await gov('KH-PENDING'), 0);

  // --- the registrar opens and closes an account, and cancels credits ------------------
  const accts = () => json('registry/accounts');
  const table = () => page.locator('table.accounts tbody').innerText();
  const options = (sel) => page.locator(`${sel} option`).evaluateAll((os) => os.map((o) => o.value).filter(Boolean));
  // the registrar's accounts (KH) that are open holding accounts, per the API
  const khOpen = async () => (await accts()).filter((a) => a.country === 'KH' && a.status === 'open' && ['government', 'entity'].includes(a.kind));
  check('registrar: the open form, its own registry by default', await page.inputValue('#account-open-country'), 'KH');
  check('registrar: no empty account in KH, so no close form', await page.locator('#account-close').count(), 0);
  check('registrar: and the page says so', await page.locator('#close-none').count(), 1);
  check('account forms: every field labelled', (await labelled()).join(','), '');
  const accts0 = JSON.stringify(await accts()), table0 = await table();
  const opened = () => writes.filter((w) => w.path === '/api/v1/registry/account-open').length;
  await page.fill('#account-open-id', 'kh ent 9');
  await page.selectOption('#account-open-kind', 'entity');
  await page.fill('#account-open-holder', 'Phnom Penh Solar Co');
  await page.click('#account-open button[type="submit"]');
  await page.waitForSelector('#account-open-id-err:not(:empty)');
  check('open, bad id: the registry\'s message at the id', (await text('#account-open-id-err')).includes("account id 'kh ent 9'"), true);
  check('open, bad id: focus on the id', await focused(), 'account-open-id');
  check('open, bad id: it was the server that refused', opened(), 1);
  check('open, bad id: the API\'s accounts the same', JSON.stringify(await accts()) === accts0, true);
  check('open, bad id: the accounts table the same', await table() === table0, true);
  await page.fill('#account-open-id', 'KH-GOV-1');
  await page.click('#account-open button[type="submit"]');
  await page.waitForFunction(() => /exists already/.test(document.getElementById('account-open-id-err')?.textContent || ''), null, { timeout: 10000 });
  check('open, taken id: the message at the id', await text('#account-open-id-err'), "account 'KH-GOV-1' exists already");
  check('open, taken id: focus on the id', await focused(), 'account-open-id');
  check('open, taken id: the API\'s accounts the same', JSON.stringify(await accts()) === accts0, true);
  check('open, taken id: the accounts table the same', await table() === table0, true);
  await shot('account-open-error.png');
  await page.fill('#account-open-id', 'KH-ENT-9');
  await page.click('#account-open button[type="submit"]');
  check('open: the page says so', await said('account-open'), 'Opened account KH-ENT-9 in the KH registry.');
  check('open: the body sent', lastBody('registry/account-open'),
    JSON.stringify({ id: 'KH-ENT-9', country: 'KH', kind: 'entity', holder: 'Phnom Penh Solar Co' }));
  const ent9 = (await accts()).find((a) => a.id === 'KH-ENT-9');
  check('open: the API has it, open and empty', `${ent9?.country}/${ent9?.kind}/${ent9?.holder}/${ent9?.status}/${ent9?.balance}`,
    'KH/entity/Phnom Penh Solar Co/open/0');
  check('open: one account more', (await accts()).length, JSON.parse(accts0).length + 1);
  check('open: the table lists it with balance 0', await text('.plist tr[data-id="KH-ENT-9"] td[data-col="balance"]'), '0');
  check('open: the table says it is open', await text('.plist tr[data-id="KH-ENT-9"] td:nth-of-type(4)'), 'Open');
  const empty = (await khOpen()).filter((a) => a.balance === 0).map((a) => a.id);
  check('close: the form offers the empty open accounts of KH, per the API', (await options('#account-close-id')).join(','), empty.join(','));
  check('close: that is the new account', empty.join(','), 'KH-ENT-9');
  const full = (await accts()).filter((a) => a.balance > 0).map((a) => a.id);
  check('close: no account holding credits offered', (await options('#account-close-id')).filter((id) => full.includes(id)).join(','), '');
  check('close: KH-GOV-1 (holding credits) not offered', (await options('#account-close-id')).includes('KH-GOV-1'), false);
  await page.selectOption('#account-close-id', 'KH-ENT-9');
  await page.click('#account-close button[type="submit"]');
  check('close: the page says so', await said('account-close'), 'Closed account KH-ENT-9.');
  check('close: the body sent', lastBody('registry/account-close'), JSON.stringify({ id: 'KH-ENT-9' }));
  check('close: the API has it closed', (await accts()).find((a) => a.id === 'KH-ENT-9')?.status, 'closed');
  check('close: the table shows it closed', await text('.plist tr[data-id="KH-ENT-9"] td:nth-of-type(4)'), 'Closed');
  check('close: no form left, and the page says why', `${await page.locator('#account-close').count()}/${await page.locator('#close-none').count()}`, '0/1');
  await shot('account-closed.png');

  const bal = async (id) => (await accts()).find((a) => a.id === id)?.balance;
  const cancelled = async () => (await json('registry/balance')).filter((b) => b.state === 'cancelled').reduce((n, b) => n + b.credits, 0);
  const [kh0, cancelled0] = [await bal('KH-GOV-1'), await cancelled()];
  check('cancel: the form offers the KH accounts holding credits, per the API', (await options('#cancel-account')).join(','),
    (await khOpen()).filter((a) => a.balance > 0).map((a) => a.id).join(','));
  check('cancel: no account of another country', (await options('#cancel-account')).some((id) => !id.startsWith('KH-')), false);
  await page.selectOption('#cancel-account', 'KH-GOV-1');
  await page.fill('#cancel-quantity', String(kh0 + 1));
  await page.click('#cancel button[type="submit"]');
  // a cancellation waits for its confirmation, which names what will happen
  check('cancel: nothing sent before the confirmation', writes.filter((w) => w.path === '/api/v1/registry/cancel').length, 0);
  await page.click('#cancel-confirm-yes');
  await page.waitForSelector('#cancel-quantity-err:not(:empty)');
  check('cancel, overdraw: the registry\'s message at the quantity', (await text('#cancel-quantity-err')).includes(`holds ${kh0} credits`), true);
  check('cancel, overdraw: focus on the quantity', await focused(), 'cancel-quantity');
  check('cancel, overdraw: nothing cancelled', `${await bal('KH-GOV-1')}/${await cancelled()}`, `${kh0}/${cancelled0}`);
  // once in Japanese: the forms' words, the cancellation and what the page says of it
  await page.click('#lang');
  await ready('registry');
  check('in Japanese: the open form\'s title', await text('#account-open-h'), '口座の開設');
  check('in Japanese: the id\'s label', await text('label[for="account-open-id"]'), '口座番号（必須）');
  check('in Japanese: nothing to close, said', await text('#close-none'), '閉鎖できる口座はありません：残高0の開設中の口座がありません。');
  check('in Japanese: the cancel form\'s title', await text('#cancel-h'), '取消');
  check('in Japanese: every field labelled', (await labelled()).join(','), '');
  await page.selectOption('#cancel-account', 'KH-GOV-1');
  await page.fill('#cancel-quantity', '25');
  await page.click('#cancel button[type="submit"]');
  check('cancel, in Japanese: the confirmation', await text('#cancel-confirm-text'),
    'KH-GOV-1 の 25 クレジットを取り消します。取り消したクレジットは二度と動かせません。');
  await page.click('#cancel-confirm-yes');
  check('cancel, in Japanese: the page says so', await said('cancel'), 'KH-GOV-1 の 25 クレジットを取り消しました。');
  check('cancel: the body sent', lastBody('registry/cancel'), JSON.stringify({ account: 'KH-GOV-1', quantity: 25 }));
  check('cancel: the API balance of KH-GOV-1 down by exactly 25', await bal('KH-GOV-1'), kh0 - 25);
  check('cancel: 25 more cancelled', await cancelled(), cancelled0 + 25);
  check('cancel: the table shows the new balance',
    Number((await text('.plist tr[data-id="KH-GOV-1"] td[data-col="balance"]')).replace(/\D/g, '')), kh0 - 25);
  await shot('cancel-ja.png');
  await page.click('#lang');
  await ready('registry');
  await logout();

  // --- a municipality submits a proposal -----------------------------------------------
  const calls = await json('calls');
  const call = calls.find((c) => c.rounds.some((r) => r.state === 'open'));
  const closed = calls.find((c) => c.rounds.every((r) => r.state === 'closed'));
  await page.goto(`${base}#/calls/${call.id}`);
  await ready(`calls/${call.id}`);
  check('call, public: no proposal form', await page.locator('#propose').count(), 0);
  check('call: its round says it is open', await text('ul.rounds li[data-state="open"] .round-state'), 'open');
  await login('toyama');
  await page.goto(`${base}#/calls/${closed.id}`);
  await ready(`calls/${closed.id}`);
  check('closed call, municipality: no proposal form', await page.locator('#propose').count(), 0);
  check('closed call, municipality: the page says why', await text('#propose-closed'), 'This call takes no proposals now: every round has closed.');
  await page.goto(`${base}#/calls/${call.id}`);
  await ready(`calls/${call.id}`);
  check('municipality: the proposal form', await page.locator('#propose').count(), 1);
  check('proposal form: every field labelled', (await labelled()).join(','), '');
  check('proposal form: no ranking for a municipality', await page.locator('table.rank').count(), 0);
  await page.locator('#propose').scrollIntoViewIfNeeded();
  await shot('propose-form.png');
  await page.click('#propose button[type="submit"]');
  await page.waitForSelector('#propose-partners-err:not(:empty)');
  check('proposal, empty: the partner asked for', await text('#propose-partners-err'), 'This is required.');
  check('proposal, empty: focus on the first missing field', await focused(), 'propose-partners');
  await page.selectOption('#propose-partners', 'vn-da-nang-city');
  await page.fill('#propose-title_ja', 'ダナン市の廃棄物発電');
  await page.fill('#propose-title_en', 'Waste to energy in Da Nang');
  await page.selectOption('#propose-sector', 'waste');
  await page.selectOption('#propose-outputs', ['capacity_building', 'project_formation']);
  await page.fill('#propose-budget_jpy', '25000000');
  await page.fill('#propose-lead', 'IGES');
  await page.click('#propose button[type="submit"]');
  const msg = await said('propose');
  check('proposal: the page says so', /^Proposal \S+ submitted\.$/.test(msg), true);
  const sent = JSON.parse(lastBody('proposals') || '{}');
  check('proposal: the body has no body (the municipality\'s own)', 'body' in sent, false);
  check('proposal: the page sends no date (the server dates it)', 'submitted_on' in sent, false);
  await logout();

  // --- the office sees it ranked and scores it ----------------------------------------
  await login('off1');
  await ready(`calls/${call.id}`);
  const props = await page.evaluate(() => fetch('/api/v1/proposals').then((r) => r.json()));
  const mine = props.find((p) => p.title_ja === 'ダナン市の廃棄物発電');
  check('proposal: the API has it, Toyama\'s, submitted', `${mine?.body_id}/${mine?.status}`, 'jp-toyama-city/submitted');
  check('proposal: its id as the page said', msg.includes(mine?.id), true);
  check('office: the new proposal in the ranking', await page.locator(`table.rank tr[data-id="${mine?.id}"]`).count(), 1);
  check('office: the score sheet', await page.locator('#score').count(), 1);
  check('score sheet: a field per criterion', await page.locator('#score [data-field]').evaluateAll((els) => els.map((e) => e.dataset.field).join(',')),
    ['proposal', 'reviewer', ...call.criteria.map((k) => k.id)].join(','));
  check('score sheet: every field labelled', (await labelled()).join(','), '');
  await page.selectOption('#score-proposal', mine.id);
  await page.selectOption('#score-reviewer', 'rv-a');
  const [c1, c2, c3] = call.criteria.map((k) => k.id);
  await page.fill(`#score-${c1}`, '4');
  await page.fill(`#score-${c2}`, '7');
  await page.fill(`#score-${c3}`, '3');
  await page.click('#score button[type="submit"]');
  await page.waitForSelector(`#score-${c2}-err:not(:empty)`);
  check('score, 7 points: the message at its criterion, in the page\'s words', await text(`#score-${c2}-err`), 'Give 1 to 5 points.');
  check('score, 7 points: focus there', await focused(), `score-${c2}`);
  await shot('score-error.png');
  await page.fill(`#score-${c2}`, '5');
  await page.click('#score button[type="submit"]');
  check('score: the page says so, naming the reviewer and the proposal',
    /^Scores of 審査員A \(環境省\) for ダナン市の廃棄物発電 .* recorded\.$/.test(await said('score')), true);
  check('score: the body sent', lastBody('scores'), JSON.stringify({ proposal: mine.id, reviewer: 'rv-a', points: { [c1]: 4, [c2]: 5, [c3]: 3 } }));
  const rank = await page.evaluate((id) => fetch(`/api/v1/calls/${id}/rank`).then((r) => r.json()), call.id);
  check('score: the ranking API counts the review', rank.find((p) => p.id === mine.id)?.reviews, 1);
  check('score: the page shows it', await text(`table.rank tr[data-id="${mine.id}"] td:nth-of-type(6)`), '1');
  await shot('score-done.png');
  await logout();

  check('no request left the server', outside.join(' '), '');
  check('no console errors but the refusals provoked', problems.join(' | '), '');
} catch (e) {
  bad(`forms2 run stopped: ${e.message.split('\n')[0]}`);
  await shot('forms2-error.png').catch(() => {});
} finally {
  await close();
}
process.exit(counts.failed ? 1 : 0);
