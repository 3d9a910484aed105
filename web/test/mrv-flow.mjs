// mrv-flow.mjs - the MRV journey of two roles in a real browser, on a
// database of its own (tests/web.sh: a participant mpart scoped to two JCM
// projects, a verifier mver).  Once in English and once in Japanese: the
// participant logs in, puts one of its projects under MRV (picked by name,
// the methodology by title), sends a bad file (every error listed by row and
// column, nothing stored), sends the monitoring file (the upload's progress
// shown, the computed reductions, gaps and excluded rows), submits it; the
// verifier logs in, finds it in its queue, reviews it and approves it; the
// decision is then shown as final.  Each result is checked through the API
// and the CLI afterwards; screenshots at 1280 and 390 px.
//
// usage: node test/mrv-flow.mjs BASE_URL SHOT_DIR   (C2C_BIN, C2C_DB: the CLI's view)
import { execFileSync } from 'node:child_process';
import { launch, ok, bad, check, counts, formHelpers } from './harness.mjs';

const [base, shots] = process.argv.slice(2);
const origin = new URL(base).origin;
const json = async (p) => (await fetch(`${origin}/api/v1/${p}`)).json();
const cli = (...args) => JSON.parse(execFileSync(process.env.C2C_BIN, ['--db', process.env.C2C_DB, ...args, '--format', 'json'], { encoding: 'utf8' }));

// the refusals this run provokes: the bad file (422)
const expected = /^Failed to load resource: the server responded with a status of (409|422) /;
const { page, outside, problems, ready, shot, close } = await launch(origin, shots, expected);
const { text, login, logout, labelled } = formHelpers(page);

// 48 half-hour readings of two meters on 2024-06-01, one of M2's missing,
// and a row of 2024-07-01 outside the one-day period
function monitoring() {
  const rows = ['meter_id,timestamp,value'];
  for (const m of ['M1', 'M2'])
    for (let k = 0; k < 48; k++) {
      if (m === 'M2' && k === 10) continue;
      const hh = String(Math.floor(k / 2)).padStart(2, '0'), mm = k % 2 ? '30' : '00';
      rows.push(`${m},2024-06-01T${hh}:${mm}:00Z,0.25`);
    }
  rows.push('M1,2024-07-01T00:00:00Z,5');
  return Buffer.from(`${rows.join('\n')}\n`);
}
// 95 readings x 0.25 MWh = 23.75 MWh x 0.533 = 12.65875 t: 12 credits' worth
const badFile = Buffer.from('meter_id,timestamp,value\nM1,2024-06-01T00:00:00Z,1\nM1,2024-06-31T00:00:00Z,1\nM1,2024-06-02T00:00:00Z,x\n');

async function setLang(l) {
  const now = await page.evaluate(() => document.documentElement.lang);
  if (now !== l) {
    await page.click('#lang');
    await page.waitForFunction((x) => document.documentElement.lang === x, l);
  }
}

async function journey(lang, project, words) {
  // --- the participant -------------------------------------------------------
  await page.goto(`${base}#/mrv`);
  await ready('mrv');
  await setLang(lang);
  await ready('mrv');
  if (await page.locator('#logout').count()) await logout();
  await login('mpart');
  await ready('mrv');
  check(`${lang}: the register form`, await page.locator('#mrv-register').count(), 1);
  check(`${lang}: the register form's title`, await text('#mrv-register-h'), words.register);
  const names = await page.locator('#mrv-register-project option').allTextContents();
  check(`${lang}: projects offered by name, no ids`, names.some((n) => n.startsWith('pj-')), false);
  await page.selectOption('#mrv-register-project', project);
  await page.selectOption('#mrv-register-methodology', 'KH_AM002');
  await page.waitForSelector('#mrv-register-p-EF_RE');
  await page.click('#mrv-register button[type="submit"]');
  check(`${lang}: an empty ex-ante value asked for`, (await text('#mrv-register-p-EF_RE-err')).length > 0, true);
  await page.fill('#mrv-register-p-EF_RE', '0.533');
  await page.click('#mrv-register button[type="submit"]');
  await page.waitForSelector('#mrv-register-status.ok');
  const mp = await json(`mrv/projects`);
  check(`${lang}: the project is under MRV (API)`, mp.some((p) => p.id === project && p.methodology === 'KH_AM002'), true);
  check(`${lang}: every field labelled`, (await labelled()).join(','), '');
  await shot(`mrv-participant-${lang}.png`);

  // the upload form now offers it
  await page.waitForSelector(`#mrv-upload-project option[value="${project}"]`, { state: 'attached' });
  check(`${lang}: the upload form names projects, no ids`, (await page.locator('#mrv-upload-project option').allTextContents()).some((n) => n.startsWith('pj-')), false);
  await page.selectOption('#mrv-upload-project', project);
  await page.fill('#mrv-upload-from', '2024-06-01');
  await page.fill('#mrv-upload-to', '2024-06-01');
  const before = (await json('mrv/reports')).length;
  await page.setInputFiles('#mrv-upload-file', { name: 'bad.csv', mimeType: 'text/csv', buffer: badFile });
  await page.click('#mrv-upload-check');
  await page.waitForSelector('#mrv-file-errors');
  check(`${lang}: bad file: errors by row`, (await page.locator('#mrv-file-errors tbody tr td:first-child').allTextContents()).join(','), '3,4');
  check(`${lang}: bad file: and column`, (await page.locator('#mrv-file-errors tbody tr td:nth-child(2)').allTextContents()).join(','), '2 (timestamp),3 (value)');
  check(`${lang}: bad file: said at the file field`, (await text('#mrv-upload-file-err')).length > 0, true);
  check(`${lang}: bad file: nothing stored (API)`, (await json('mrv/reports')).length, before);
  await shot(`mrv-errors-${lang}.png`);

  await page.setInputFiles('#mrv-upload-file', { name: 'june.csv', mimeType: 'text/csv', buffer: monitoring() });
  await page.click('#mrv-upload-check');
  await page.waitForSelector('#mrv-upload-result');
  check(`${lang}: progress reached the end`, await page.getAttribute('#mrv-upload-progress', 'value'), '100');
  check(`${lang}: the reductions`, await text('#mrv-upload-result .field-row[data-col="mrv_er"] dd'), '12 tCO2e');
  check(`${lang}: the excluded row`, (await text('#mrv-upload-result .field-row[data-col="mrvw_excluded"] dd')).startsWith('1'), true);
  check(`${lang}: M2's gap`, (await text('#mrv-upload-result tr[data-meter="M2"] td[data-col="gaps"]')).includes('2024-06-01T05:00:00Z'), true);
  check(`${lang}: M1 has none`, await text('#mrv-upload-result tr[data-meter="M1"] td[data-col="gaps"]'), words.none);
  check(`${lang}: checked, nothing stored yet (API)`, (await json('mrv/reports')).length, before);
  await shot(`mrv-checked-${lang}.png`);
  await page.setViewportSize({ width: 390, height: 844 });
  await shot(`mrv-checked-${lang}-390.png`);
  const wide = await page.evaluate(() => document.documentElement.scrollWidth);
  check(`${lang}: phone width: no sideways scroll`, wide <= 390, true);
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.click('#mrv-upload-submit');
  await page.waitForFunction(() => /^#\/mrv\/\d+$/.test(location.hash));
  const id = (await page.evaluate(() => location.hash)).split('/')[2];
  await ready(`mrv/${id}`);
  const stored = await json(`mrv/reports/${id}`);
  check(`${lang}: submitted (API): status, ER, by`, `${stored.status} ${stored.er_tco2e} ${stored.submitted_by}`, 'submitted 12 mpart');
  check(`${lang}: the public report names no server file`, 'data_path' in stored || 'file' in (stored.result.data || {}), false);
  // the report as the JCM Monitoring Spreadsheet, linked from its page
  const sheetHref = await page.getAttribute('#report-sheet', 'href');
  check(`${lang}: the Monitoring Spreadsheet downloads as XLSX`, await page.evaluate(async (u) => {
    const r = await fetch(u);
    return `${r.status} ${r.headers.get('content-type')}`;
  }, sheetHref), '200 application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
  await logout();

  // --- the verifier ----------------------------------------------------------
  await page.goto(`${base}#/mrv`);
  await ready('mrv');
  await login('mver');
  await ready('mrv');
  check(`${lang}: the verifier's queue lists it`, await page.locator(`#verify-queue li[data-id="${id}"]`).count(), 1);
  check(`${lang}: the queue's title`, await text('#queue-h'), words.queue);
  await shot(`mrv-queue-${lang}.png`);
  await page.click(`#verify-queue li[data-id="${id}"] a`);
  await ready(`mrv/${id}`);
  check(`${lang}: the review: meters as submitted`, await page.locator('#report-result tr[data-meter]').count(), 2);
  check(`${lang}: the review: recomputed beside it`, await page.locator('#recomputed-result tr[data-meter]').count(), 2);
  check(`${lang}: the review: the recomputation matches`, await text('#recomputed-match'), words.same);
  check(`${lang}: the review: the same ER recomputed`, await text('#recomputed-result .field-row[data-col="mrv_er"] dd'), '12 tCO2e');
  check(`${lang}: the review: parameters beside them`, await page.locator('#report-review table.params tbody tr').count() > 0, true);
  await page.check('#verify-decision-0');
  await page.fill('#verify-comment', `recomputed (${lang})`);
  await shot(`mrv-review-${lang}.png`);
  await page.setViewportSize({ width: 390, height: 844 });
  await shot(`mrv-review-${lang}-390.png`);
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.click('#verify button[type="submit"]');
  await page.waitForSelector('#decision-final');
  check(`${lang}: no second decision offered`, await page.locator('#verify').count(), 0);
  check(`${lang}: the decision shown as final`, (await text('#decision-final')).includes('mver'), true);
  const shown = cli('mrv', 'report', 'show', id);
  check(`${lang}: stored (CLI): approved by the verifier`, `${shown.status} ${shown.verified_by} ${shown.comment}`, `approved mver recomputed (${lang})`);
  const again = await page.evaluate(async (rid) => {
    const s = await (await fetch('/api/v1/session')).json();
    const r = await fetch(`/api/v1/mrv/reports/${rid}/verification`, { method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': s.csrf }, body: JSON.stringify({ decision: 'reject', comment: 'again' }) });
    return r.status;
  }, id);
  check(`${lang}: a second decision refused (409)`, again, 409);
  check(`${lang}: still approved (CLI)`, cli('mrv', 'report', 'show', id).status, 'approved');
  await logout();
}

try {
  await journey('en', 'pj-hcmc-osaka-gas-rooftop-solar', { register: 'Put a project under MRV', none: 'none', queue: 'Reports awaiting your verification',
    same: 'The file is the one submitted and the reductions are the same.' });
  await journey('ja', 'pj-da-nang-water-pumps', { register: 'プロジェクトを MRV に登録', none: 'なし', queue: '検証待ちの報告',
    same: '提出されたファイルと同一で、排出削減量も一致します。' });
} catch (e) {
  bad(`journey stopped: ${e.stack || e}`);
}
check('no request left the server', outside.length, 0);
check('no console errors', problems.join(' | '), '');
await close();
if (counts.failed) process.exitCode = 1;
else ok('mrv-flow done');
