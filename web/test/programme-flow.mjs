// programme-flow.mjs - the programme's roles at work in a real browser, one
// after the other (issue 15), then the stored result read back through the
// CLI: the office opens a call (a round that closes before it opens refused
// at its date field) in English; Tokyo, a municipality, in Japanese, saves a
// readiness check and submits a joint proposal with Saitama to two partner
// places with that check attached, and finds it in its workspace; the office
// assigns it (a reviewer of Saitama refused at the reviewer field) to an
// outside reviewer, who scores it on its desk; the office, in Japanese,
// ranks it, selects it with a reason and closes the call.
//
// usage: C2C_BIN=build/c2c C2C_DB=the-served.db node test/programme-flow.mjs BASE_URL SHOT_DIR
// (tests/web.sh makes the database: users off1, tokyo, rev.ext; reviewers
// rv-ext and rv-sai, the latter of Saitama)
import { execFileSync } from 'node:child_process';
import { launch, bad, check, counts, formHelpers } from './harness.mjs';

const [base, shots] = process.argv.slice(2);
const origin = new URL(base).origin;
const cli = (...args) => JSON.parse(execFileSync(process.env.C2C_BIN, ['--db', process.env.C2C_DB, ...args, '--format', 'json']));
const { page, outside, problems, ready, shot, close } =
  await launch(origin, shots, /^Failed to load resource: the server responded with a status of (409|422) /);
const { focused, text, said, labelled, login, logout } = formHelpers(page);
const apiGet = (p) => page.evaluate((q) => fetch(`/api/v1/${q}`).then((r) => r.json()), p);
const day = (n) => new Date(Date.now() + n * 86400000).toISOString().slice(0, 10);
// the language button, then the page drawn again in that language (a log-in
// form opened before it is drawn would lose what was typed)
async function toLang(l) {
  if ((await page.getAttribute('html', 'lang')) === l) return;
  await page.click('#lang');
  await page.waitForSelector(`html[lang="${l}"] #content[data-ready]`);
  await page.waitForLoadState('networkidle');
}
const toJa = () => toLang('ja');
const toEn = () => toLang('en');

try {
  if (!process.env.C2C_BIN || !process.env.C2C_DB) bad('C2C_BIN and C2C_DB not set (run through tests/web.sh)');
  // --- the office opens a call (English) ----------------------------------------------
  await page.goto(`${base}#/calls`);
  await ready('calls');
  check('calls, public: no form to open one', await page.locator('#open-call').count(), 0);
  await login('off1');
  await ready('calls');
  check('office: the form to open a call', await page.locator('#open-call').count(), 1);
  check('open-call form: every field labelled', (await labelled()).join(','), '');
  await page.fill('#open-call-id', 'c2c-flow');
  await page.fill('#open-call-fiscal_year', '2027');
  await page.fill('#open-call-title_ja', '令和9年度 試験公募');
  await page.fill('#open-call-title_en', 'FY2027 test call');
  await page.fill('#open-call-planned_selections', '3');
  await page.fill('#open-call-min_reviews', '1');
  await page.fill('#open-call-r1_opens', day(10));
  await page.fill('#open-call-r1_closes', day(-1));
  await page.fill('#open-call-criteria', 'originality:独自性:2\nfeasibility:実現可能性:1');
  await page.click('#open-call button[type="submit"]');
  await page.waitForSelector('#open-call-r1_opens-err:not(:empty)');
  check('a round that closes before it opens: said at its first date', await text('#open-call-r1_opens-err'), 'The round closes before it opens.');
  check('the focus goes there', await focused(), 'open-call-r1_opens');
  check('nothing stored', (await apiGet('calls')).some((c) => c.id === 'c2c-flow'), false);
  await page.fill('#open-call-r1_opens', day(-1));
  await page.fill('#open-call-r1_closes', day(30));
  await page.click('#open-call button[type="submit"]');
  check('open: the page says so', await said('open-call'), 'Call c2c-flow is open. Go to the call');
  const call = (await apiGet('calls')).find((c) => c.id === 'c2c-flow');
  check('the API has the call, its round open and its weights', `${call?.rounds[0].state} ${call?.criteria.map((k) => `${k.id}:${k.weight}`).join(',')}`,
    'open originality:2,feasibility:1');
  await shot('flow-open-call.png');
  await logout();

  // --- Tokyo (Japanese): a readiness check saved, a joint proposal submitted ------------
  await toJa();
  await login('tokyo');
  check('the account box links the workspace', await text('#my-work'), 'ワークスペース');
  await page.goto(`${base}#/readiness`);
  await ready('readiness');
  for (const sel of await page.locator('#readiness-form select').all()) await sel.selectOption('2');
  await page.click('#readiness-form button[type="submit"]');
  await page.waitForSelector('#rd-save');
  await page.click('#rd-save');
  await page.waitForSelector('#rd-save-status.ok');
  check('readiness: saved, the page says so in Japanese', (await text('#rd-save-status')).startsWith(`保存しました（${day(0)}、66.67 / 100）`), true);
  const saved = await apiGet('readiness');
  check('readiness: the API has it, Tokyo\'s', saved.map((r) => `${r.body_id} ${r.overall}`).join(','), 'jp-tokyo-prefecture 66.67');
  await page.goto(`${base}#/calls/c2c-flow`);
  await ready('calls/c2c-flow');
  check('municipality: the proposal form', await page.locator('#propose').count(), 1);
  check('proposal form: every field labelled', (await labelled()).join(','), '');
  check('proposal form: the saved check offered and chosen', await page.inputValue('#propose-readiness'), saved[0]?.id);
  await page.selectOption('#propose-partners', ['my-kuala-lumpur-city', 'my-iskandar-region']);
  await page.selectOption('#propose-bodies', ['jp-saitama-city']);
  await page.fill('#propose-title_ja', 'クアラルンプールとイスカンダルの脱炭素');
  await page.selectOption('#propose-sector', 'energy_efficiency');
  await page.selectOption('#propose-outputs', ['capacity_building', 'project_formation']);
  await page.fill('#propose-budget_jpy', '25000000');
  await page.fill('#propose-lead', '株式会社テスト');
  await page.locator('#propose').scrollIntoViewIfNeeded();
  await shot('flow-propose-ja.png');
  await page.click('#propose button[type="submit"]');
  check('proposal: the page says so in Japanese', await said('propose'), '提案 pr-c2c-flow-001 を提出しました。');
  await page.click('#my-work');
  await ready('workspace');
  check('workspace: the proposal, its bodies and its status',
    await text('table[data-table="ws-proposals"] tr[data-id="pr-c2c-flow-001"] [data-col="bodies"]'), '東京都・さいたま市');
  check('workspace: submitted', await text('table[data-table="ws-proposals"] tr[data-id="pr-c2c-flow-001"] [data-status]'), '審査中');
  check('workspace: the saved check', await page.locator('table[data-table="ws-readiness"] tbody tr').count(), 1);
  // its proposals download as Excel opens them, with the session's rights
  const dl = await page.locator('.ws-part:has(table[data-table="ws-proposals"]) .downloads a').first().getAttribute('href');
  const got = await page.evaluate(async (u) => { const r = await fetch(u); return [r.status, r.headers.get('content-type'), (await r.text()).includes('pr-c2c-flow-001')]; }, dl);
  check('workspace: the proposals download as CSV, with the proposal', JSON.stringify(got), '[200,"text/csv; charset=utf-8",true]');
  await shot('flow-workspace-ja.png');
  await logout();
  await toEn();

  // --- the office assigns; the reviewer scores ------------------------------------------
  await login('off1');
  await page.goto(`${base}#/calls/c2c-flow`);
  await ready('calls/c2c-flow');
  check('office: the assignment form', await page.locator('#assign').count(), 1);
  await page.selectOption('#assign-reviewer', 'rv-sai');
  await page.click('#assign button[type="submit"]');
  await page.waitForSelector('#assign-reviewer-err:not(:empty)');
  check('a Saitama reviewer refused at the reviewer field', await text('#assign-reviewer-err'),
    'This reviewer belongs to one of the proposal’s bodies and cannot review it.');
  await page.selectOption('#assign-reviewer', 'rv-ext');
  await page.click('#assign button[type="submit"]');
  check('assign: the page says so', await said('assign'), 'Assigned to 外部審査員 (大学).');
  await logout();
  await login('rev.ext');
  check('the account box links the reviewer\'s desk', await text('#my-work'), 'My reviews');
  await page.click('#my-work');
  await ready('reviews');
  check('desk: one proposal', await page.locator('article.review').count(), 1);
  check('desk: the whole proposal, its bodies', (await text('article.review .facts')).includes('Tokyo Metropolis, Saitama'), true);
  check('desk: the readiness check attached', (await text('article.review .facts')).includes('66.67 / 100'), true);
  check('desk: every field labelled', (await labelled()).join(','), '');
  await page.fill('#rv-pr-c2c-flow-001-originality', '4');
  await page.fill('#rv-pr-c2c-flow-001-feasibility', '3');
  await shot('flow-review.png');
  await page.click('#rv-pr-c2c-flow-001 button[type="submit"]');
  check('score: the page says so', await said('rv-pr-c2c-flow-001'), 'Your scores for "クアラルンプールとイスカンダルの脱炭素" are recorded.');
  check('desk: its sheet shown', await text('[data-sheet]'), 'Your scores: originality 4, feasibility 3'.replace('originality', '独自性').replace('feasibility', '実現可能性'));
  await logout();

  // --- the office (Japanese) ranks, selects, closes ---------------------------------------
  await toJa();
  await login('off1');
  await page.goto(`${base}#/calls/c2c-flow`);
  await ready('calls/c2c-flow');
  check('ranking: rank 1, 73.33', await text('table.rank tr[data-id="pr-c2c-flow-001"] td:nth-of-type(4)'), '73.33');
  await page.check('#decide-decision-0');
  await page.fill('#decide-reason', '共同提案として有望');
  await page.click('#decide button[type="submit"]');
  check('decision: the page says so in Japanese', await said('decide'), 'pr-c2c-flow-001 を採択しました。');
  await page.click('#close-call button[type="submit"]');
  check('close: the page says so', await said('close-call'), `${day(0)} に締め切りました。`);
  check('the call page says it is closed', await text('#call-closed'), `この公募は ${day(0)} に締め切られました。`);
  await shot('flow-decided-ja.png');
  await logout();
  await toEn();

  // --- the stored result, through the CLI ---------------------------------------------------
  let p = cli('proposal', 'show', 'pr-c2c-flow-001');
  p = Array.isArray(p) ? p[0] : p;
  check('CLI: selected', p.status, 'selected');
  check('CLI: every body and partner place', `${p.bodies.map((b) => b.id).join(';')} / ${p.partners.map((b) => b.id).join(';')}`,
    // the partner places in the order the list shows them (by their Japanese names)
    'jp-tokyo-prefecture;jp-saitama-city / my-iskandar-region;my-kuala-lumpur-city');
  check('CLI: the readiness check attached', p.readiness_id, saved[0]?.id);
  check('CLI: the reason kept', p.reason.startsWith('共同提案として有望'), true);
  check('CLI: the reviewer\'s sheet', cli('score', 'list').filter((s) => s.proposal_id === p.id).map((s) => `${s.reviewer_id}:${s.criterion_id}=${s.points}`).join(','),
    'rv-ext:originality=4,rv-ext:feasibility=3');
  const c = cli('call', 'show', 'c2c-flow');
  check('CLI: the call closed today', (Array.isArray(c) ? c[0] : c).closed_on, day(0));
  check('no request left the server', outside.join(' '), '');
  check('no console errors but the refusals provoked', problems.join(' | '), '');
} catch (e) {
  bad(`programme-flow run stopped: ${e.message.split('\n')[0]}`);
  await shot('programme-flow-error.png').catch(() => {});
} finally {
  await close();
}
process.exit(counts.failed ? 1 : 0);
