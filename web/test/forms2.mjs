// forms2.mjs - the registrar's and the programme's forms in a real browser,
// on the database tests/web.sh prepared for forms.mjs (run before it: that
// run ends by locking the log-in address out).  A registrar of Cambodia
// issues credits from the approved MRV report (report 2), authorizes the
// issuance and allocates it between JP-GOV-1 and KH-GOV-1 (a wrong sum
// refused at the shares field); a municipality submits a proposal to the
// call; the office sees it in the ranking and scores it (a point out of
// range refused at its criterion).  Every expected value comes from the API.
//
// usage: node test/forms2.mjs BASE_URL SHOT_DIR
import { launch, ok, bad, check, counts } from './harness.mjs';
import { join } from 'node:path';

const [base, shots] = process.argv.slice(2);
const origin = new URL(base).origin;
const json = async (p) => (await fetch(`${origin}/api/v1/${p}`)).json();
const pw = (name) => `pass-${name}-0123`;

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
const focused = () => page.evaluate(() => document.activeElement?.id || document.activeElement?.tagName);
const text = async (sel) => ((await page.locator(sel).first().textContent()) || '').trim();
const said = (form) => page.waitForSelector(`#${form}-status.ok`, { timeout: 10000 }).then((e) => e.textContent());
const labelled = () => page.evaluate(() => [...document.querySelectorAll('input, select, textarea')]
  .filter((e) => !e.labels?.length && !e.getAttribute('aria-label')).map((e) => e.id || e.name));
const lastBody = (path) => writes.filter((w) => w.path === `/api/v1/${path}`).at(-1)?.body;
async function login(name) {
  if (await page.locator('#login-form').isHidden()) await page.click('#login-open');
  await page.fill('#login-name', name);
  await page.fill('#login-password', pw(name));
  await page.click('#login-form button[type="submit"]');
  await page.waitForSelector('#who');
}
async function logout() {
  await page.click('#logout');
  await page.waitForSelector('#login-open', { timeout: 10000 });
}

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
  check('issue: the same period again is refused, saying why',
    /overlaps issuance/.test(`${await text('#issue-alert')} ${await text('#issue-report-err')}`), true);
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
  await logout();

  // --- a municipality submits a proposal -----------------------------------------------
  const call = (await json('calls'))[0];
  await page.goto(`${base}#/calls/${call.id}`);
  await ready(`calls/${call.id}`);
  check('call, public: no proposal form', await page.locator('#propose').count(), 0);
  await login('toyama');
  await ready(`calls/${call.id}`);
  check('municipality: the proposal form', await page.locator('#propose').count(), 1);
  check('proposal form: every field labelled', (await labelled()).join(','), '');
  check('proposal form: no ranking for a municipality', await page.locator('table.rank').count(), 0);
  await page.locator('#propose').scrollIntoViewIfNeeded();
  await shot('propose-form.png');
  await page.click('#propose button[type="submit"]');
  await page.waitForSelector('#propose-partner-err:not(:empty)');
  check('proposal, empty: the partner asked for', await text('#propose-partner-err'), 'This is required.');
  check('proposal, empty: focus on the first missing field', await focused(), 'propose-partner');
  await page.selectOption('#propose-partner', 'vn-da-nang-city');
  await page.fill('#propose-title_ja', 'ダナン市の廃棄物発電');
  await page.fill('#propose-title_en', 'Waste to energy in Da Nang');
  await page.selectOption('#propose-sector', 'waste');
  await page.fill('#propose-outputs', 'capacity_building;project_formation');
  await page.fill('#propose-budget_jpy', '25000000');
  await page.fill('#propose-lead', 'IGES');
  await page.fill('#propose-submitted_on', call.rounds.at(-1).opens_on);
  await page.click('#propose button[type="submit"]');
  const msg = await said('propose');
  check('proposal: the page says so', /^Proposal \S+ submitted\.$/.test(msg), true);
  const sent = JSON.parse(lastBody('proposals') || '{}');
  check('proposal: the body has no body (the municipality\'s own)', 'body' in sent, false);
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
  await page.fill('#score-reviewer', 'rv-a');
  const [c1, c2, c3] = call.criteria.map((k) => k.id);
  await page.fill(`#score-${c1}`, '4');
  await page.fill(`#score-${c2}`, '7');
  await page.fill(`#score-${c3}`, '3');
  await page.click('#score button[type="submit"]');
  await page.waitForSelector(`#score-${c2}-err:not(:empty)`);
  check('score, 7 points: the message at its criterion', (await text(`#score-${c2}-err`)).includes('7 points'), true);
  check('score, 7 points: focus there', await focused(), `score-${c2}`);
  await shot('score-error.png');
  await page.fill(`#score-${c2}`, '5');
  await page.click('#score button[type="submit"]');
  check('score: the page says so', await said('score'), `Scores of rv-a for ${mine.id} recorded.`);
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
