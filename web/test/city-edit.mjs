// city-edit.mjs - a partner city's work in the browser, from its log-in to
// the stored result (issue 15): the user `danang` (partner city, scope
// vn-da-nang-city, made by tests/web.sh) reaches its workspace from the
// account box, enters inventory rows, corrects and deletes one, sees a
// mistake at its field, uploads a CSV with mistakes (each named by row and
// column, nothing stored) and then a good one, reads the check of what is
// missing, records an observation against the framework it chose, and
// builds a scenario from a copy of the example and edits it; once in
// English, once in Japanese.  What was stored is then read back with the
// CLI (C2C_BIN, C2C_DB), not from the page.
//
// Screenshots of the window only (not the whole long page), so the run stays
// well inside tests/web.sh's two minutes on a busy machine.
//
// usage: C2C_BIN=build/c2c C2C_DB=the-served.db node test/city-edit.mjs BASE_URL SHOT_DIR
import { launch, ok, bad, check, counts, formHelpers } from './harness.mjs';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { L } from '../src/i18n.js';

const [base, shots] = process.argv.slice(2);
const origin = new URL(base).origin;
const bin = process.env.C2C_BIN, db = process.env.C2C_DB;
const cli = (...args) => JSON.parse(execFileSync(bin, ['--db', db, ...args, '--format', 'json'], { encoding: 'utf8' }));
const inventory = (year) => cli('city', 'inventory', 'show', '--place', 'vn-da-nang-city', '--year', String(year));
const PLACE = 'vn-da-nang-city';

// every label the workspace names is in i18n.js in both languages
{
  const src = readFileSync(new URL('../src/cityspace.js', import.meta.url), 'utf8');
  const keys = [...new Set([...src.matchAll(/'((?:cw|cy)_[a-z0-9_]+)'/g)].map((m) => m[1]))];
  const missing = keys.filter((k) => !(Array.isArray(L[k]) && L[k][0] && L[k][1]));
  check(`cityspace.js: every label named (${keys.length}) is in i18n.js in both languages`, missing.join(','), '');
}
if (!bin || !db) bad('C2C_BIN and C2C_DB not set: the stored result cannot be read (run through tests/web.sh)');

const { page, outside, problems, ready, shot, close } = await launch(origin, shots, /status of 4\d\d/);
const { login, logout, labelled } = formHelpers(page);
const T = (k, lang) => L[k][lang === 'ja' ? 0 : 1];
// no key shown as itself, no null or undefined in the text
const leaked = () => page.evaluate(() => [...new Set(document.getElementById('content').innerText
  .match(/\b(?:cw|cy)_[a-z0-9_]+|\bnull\b|\bundefined\b|\bNaN\b|\[object \w+\]/g) || [])].join(','));
const cell = (ref, i) => page.locator(`table.cw-rows tr[data-ref="${ref}"] td`).nth(i).textContent();
const num = (s) => Number(String(s).replace(/[^\d.-]/g, ''));
const GOOD = readFileSync(new URL('../../tests/city/inventory-example.csv', import.meta.url));
const BAD = Buffer.from('gpc_ref,activity_value,activity_unit,ef_co2,ef_unit,ef_source\n'
  + 'I.1.1,abc,MWh,1,t/MWh,x\nI.1.2,5,MWh,1,t/MWh,x\nI.1.3,5,MWh,1,kg/kL,x\n');

async function saveRow(lang, values) {
  for (const [k, v] of Object.entries(values)) {
    const sel = `#cw-row-${k}`;
    if (await page.locator(sel).evaluate((e) => e.tagName) === 'SELECT') await page.selectOption(sel, v);
    else await page.fill(sel, String(v));
  }
  await page.click('#cw-row button[type=submit]');
}

async function journey(lang, year) {
  const tag = `${lang}:`;
  await page.goto(`${base}#/cities`);
  await ready('cities');
  if (lang === 'ja') { await page.click('#lang'); await ready('cities'); }
  check(`${tag} the cities page links the workspaces`, await page.locator('a.cw-link').getAttribute('href'), '#/city-workspace');
  await login('danang');
  await ready('cities');
  check(`${tag} the account box offers "my city"`, (await page.locator('#my-city').textContent()).trim(), T('cw_menu', lang));
  await page.click('#my-city');
  await ready('city-workspace');
  check(`${tag} the workspace of the user's own city`, await page.locator('#cw-place').inputValue(), PLACE);
  check(`${tag} it may write here`, await page.locator('.page-city-workspace').getAttribute('data-may'), 'true');
  check(`${tag} its partnership with Yokohama listed`, (await page.locator('.cw-partners li').allTextContents()).join('|').includes(lang === 'ja' ? '横浜市' : 'Yokohama'), true);
  check(`${tag} every field has a label`, (await labelled()).join(','), '');
  check(`${tag} no missing label, no stray value, on arrival`, await leaked(), '');

  // --- rows: one filled, one keyed; a mistake at its field ---
  const gpcLabel = await page.locator('#cw-row-gpc_ref option[value="I.1.2"]').textContent();
  check(`${tag} the GPC line is picked by its name`, /^I\.1\.2 — .+: .+/.test(gpcLabel), true);
  await saveRow(lang, { year, gwp: 'AR6', gpc_ref: 'I.1.2', activity_value: 'lots', activity_unit: 'MWh', ef_co2: '0.5', ef_unit: 't/MWh', ef_source: 'EVN grid factor' });
  await page.waitForSelector('#cw-row-activity_value[aria-invalid="true"]', { timeout: 10000 });
  check(`${tag} a bad number said at its field`, (await page.locator('#cw-row-activity_value-err').textContent()).includes(lang === 'ja' ? '「lots」は数値ではありません' : "'lots' is not a number"), true);
  check(`${tag} the form's alert names the field in the page's language`, (await page.locator('#cw-row-alert').textContent()).includes(T('cw_activity_value', lang)), true);
  await page.fill('#cw-row-activity_value', '1000');
  await page.click('#cw-row button[type=submit]');
  check(`${tag} row saved`, await page.waitForSelector('#cw-row-status.ok', { timeout: 10000 }).then((e) => e.textContent()),
    T('cw_row_done', lang).replace('{ref}', 'I.1.2').replace('{year}', year));
  await ready('city-workspace');
  check(`${tag} its CO2e computed by the server`, num(await cell('I.1.2', 4)), 500);
  await saveRow(lang, { gpc_ref: 'I.3.1', notation_key: 'NO', explanation: 'no such plant in the city' });
  await page.waitForSelector('#cw-row-status.ok', { timeout: 10000 });
  await ready('city-workspace');
  check(`${tag} a keyed row`, (await cell('I.3.1', 0)).trim(), 'NO');

  // --- correct one (the form filled from the row), delete one ---
  await page.click('table.cw-rows tr[data-ref="I.1.2"] .cw-edit');
  check(`${tag} correcting fills the form`, await page.locator('#cw-row-ef_source').inputValue(), 'EVN grid factor');
  await page.fill('#cw-row-activity_value', '2000');
  await page.click('#cw-row button[type=submit]');
  await page.waitForSelector('#cw-row-status.ok', { timeout: 10000 });
  await ready('city-workspace');
  check(`${tag} the corrected row`, num(await cell('I.1.2', 4)), 1000);
  await page.click('table.cw-rows tr[data-ref="I.3.1"] .cw-delete');
  await page.waitForSelector('#cw-note', { timeout: 10000 });
  await ready('city-workspace');
  check(`${tag} the row deleted`, await page.locator('table.cw-rows tr[data-ref="I.3.1"]').count(), 0);
  const stored = inventory(year);
  check(`${tag} stored (CLI): one row, 1000 t BASIC`, [stored.totals.rows_filled, stored.totals.rows_keyed, stored.totals.basic_t].join(' '), '1 0 1000');
  await shot(`city-edit-rows-${lang}.png`, false);

  // --- an upload with mistakes: each named, nothing stored; then a good one ---
  await page.setInputFiles('#cw-up-file', { name: 'mine.csv', mimeType: 'text/csv', buffer: BAD });
  await page.fill('#cw-up-year', String(year));
  await page.click('#cw-upload button[type=submit]');
  await page.waitForSelector('.cw-up-errors li', { timeout: 10000 });
  check(`${tag} upload: each mistake by row and column`,
    JSON.stringify(await page.locator('.cw-up-errors li').evaluateAll((ls) => ls.map((l) => [l.dataset.row, l.dataset.column]))),
    '[["2","activity_value"],["4","ef_unit"]]');
  check(`${tag} upload: said in the page's language`, (await page.locator('.cw-up-errors li strong').first().textContent()).trim(),
    T('cw_err_at', lang).replace('{row}', '2').replace('{col}', 'activity_value'));
  check(`${tag} upload: "nothing was stored"`, (await page.locator('.cw-up-nothing').textContent()).trim(), T('cw_up_nothing', lang));
  check(`${tag} upload: nothing stored (CLI)`, JSON.stringify(inventory(year).totals), JSON.stringify(stored.totals));
  await shot(`city-edit-upload-errors-${lang}.png`, false);
  // the worked example is AR5's (docs/city.md): the year's GWP changed with it
  await page.setInputFiles('#cw-up-file', { name: 'inventory.csv', mimeType: 'text/csv', buffer: GOOD });
  await page.selectOption('#cw-up-gwp', 'AR5');
  await page.click('#cw-upload button[type=submit]');
  await page.waitForSelector('#cw-note', { timeout: 10000 });
  await ready('city-workspace');
  // the page is drawn again after the write: on a slow (sanitizer) build the old totals can
  // still be up when the note shows, so wait (10 s at most) for the new ones before checking
  await page.waitForFunction(() => document.querySelector('.cw-totals li[data-key="basic"]')?.dataset.value === '1276533',
    null, { timeout: 10000 }).catch(() => {});
  check(`${tag} upload: BASIC total of the worked example`, await page.locator('.cw-totals li[data-key="basic"]').getAttribute('data-value'), '1276533');
  check(`${tag} the check: 26 BASIC rows missing`, await page.locator('.cw-check').getAttribute('data-missing-basic'), '26');
  check(`${tag} and I.2.1 among them`, await page.locator('.cw-missing li[data-ref="I.2.1"]').count(), 1);
  const up = inventory(year);
  check(`${tag} stored (CLI): the file's rows, BASIC+`, [up.totals.rows_filled, up.totals.basic_plus_t].join(' '), '7 1316533');

  // --- an indicator framework chosen, an observation recorded ---
  const fws = await page.locator('#cw-framework option').evaluateAll((os) => os.map((o) => o.value));
  await page.selectOption('#cw-framework', fws[fws.length - 1]);
  await ready('city-workspace');
  check(`${tag} the framework chosen stays in the address`, page.url().includes(`framework=${fws[fws.length - 1]}`), true);
  await page.selectOption('#cw-framework', 'tianjin-eco-city');
  await ready('city-workspace');
  await page.selectOption('#cy-observe-measure', 'tj-22');
  await page.fill('#cy-observe-year', String(year));
  await page.fill('#cy-observe-value', '45');
  await page.fill('#cy-observe-source', `browser ${lang}`);
  await page.click('#cy-observe button[type=submit]');
  await page.waitForSelector('#cy-observe-status.ok', { timeout: 10000 });
  await ready('city-workspace');
  check(`${tag} observation stored (CLI)`, cli('city', 'indicators', 'observations', '--place', PLACE)
    .filter((o) => o.year === year).map((o) => `${o.measure_id}=${o.value}`).join(','), 'tj-22=45');
}

try {
  await journey('en', 2023);

  // --- a scenario built from a copy of the example ---
  await page.selectOption('#cw-build-from', 'example-iskandar-2030');
  await ready('city-workspace');
  check('en: the copy is for this city, under a new id', await page.locator('#cw-scn-id').inputValue(), 'vn-da-nang-city-2030');
  await page.fill('#cw-scn-name', 'Da Nang 2030 (browser test)');
  await page.fill('#cw-drv-0-target', 'many');
  await page.click('#cw-scenario button[type=submit]');
  check('en: a driver that is no number said at it', (await page.locator('#cw-drv-0-target-err').textContent()).trim(), T('not_a_number', 'en'));
  await page.fill('#cw-drv-0-target', '130000');
  await page.fill('#cw-m-id', 'led-lighting');
  await page.selectOption('#cw-m-type', 'cut');
  await page.selectOption('#cw-m-sector', 'commercial');
  await page.fill('#cw-m-amount', '1500');
  await page.click('#cw-scenario button[type=submit]');
  await page.waitForSelector('#cw-note', { timeout: 10000 });
  await ready('city-workspace');
  check('en: the scenario drawn with its chart', await page.locator('.cw-scenarios figure[data-chart="scenario-sectors"]').count(), 1);
  const scn = cli('city', 'scenario', 'show', 'vn-da-nang-city-2030');
  check('en: stored (CLI): place, BaU driver, measures', [scn.place_id, scn.drivers[0].target, scn.measures.map((m) => m.id).join('+')].join(' '),
    'vn-da-nang-city 130000 solar-power+efficient-buildings+bus-priority+composting+small-hydro+led-lighting');
  // a second build from the stored one: a solar plant's grid electricity, worth the case's factor
  await page.selectOption('#cw-build-from', 'vn-da-nang-city-2030');
  await ready('city-workspace');
  await page.fill('#cw-m-id', 'rooftop-solar');
  await page.selectOption('#cw-m-type', 'displace');
  await page.selectOption('#cw-m-sector', 'commercial');
  await page.fill('#cw-m-amount', '5000');
  await page.click('#cw-scenario button[type=submit]');
  // stored when the CLI sees it (the note of the first save may still be on the page)
  let solar;
  for (let i = 0; i < 100 && !solar; i++) {
    solar = cli('city', 'scenario', 'show', 'vn-da-nang-city-2030').measures.find((m) => m.id === 'rooftop-solar');
    if (!solar) await page.waitForTimeout(100);
  }
  check('en: a displacement stored as MWh of the grid fuel (CLI)', JSON.stringify(solar?.changes), '[{"type":"displace","sector":"commercial","fuel":"electricity","mwh":5000}]');
  const run = cli('city', 'scenario', 'run', 'vn-da-nang-city-2030');
  await page.waitForFunction((want) => document.querySelector('.cw-scenarios .cy-summary')?.dataset.reduction === want,
    String(run.totals.reduction_t), { timeout: 10000 }).catch(() => {});
  await ready('city-workspace');
  check('en: the page shows the run of the CLI', await page.locator('.cw-scenarios .cy-summary').getAttribute('data-reduction'), String(run.totals.reduction_t));
  await shot('city-edit-scenario-en.png', false);
  await page.setViewportSize({ width: 390, height: 800 });
  check('en: at 390 px the workspace is no wider than the screen', await page.evaluate(() => document.documentElement.scrollWidth <= 390), true);
  await shot('city-edit-en-390.png', false);
  await page.setViewportSize({ width: 1280, height: 900 });
  check('en: no missing label', await leaked(), '');

  // --- another city's place: readable, not writable ---
  await page.goto(`${base}#/city-workspace?place=my-iskandar-region`);
  await ready('city-workspace');
  check('en: another city: no writing', [await page.locator('.page-city-workspace').getAttribute('data-may'),
    await page.locator('#cw-row, #cw-upload, #cw-scenario').count()].join(' '), 'false 0');
  await logout();

  await journey('ja', 2024);
  // edit this city's scenario: one measure dropped
  await page.selectOption('#cw-build-from', 'vn-da-nang-city-2030');
  await ready('city-workspace');
  check('ja: editing keeps the id', await page.locator('#cw-scn-id').getAttribute('readonly'), '');
  await page.uncheck('#cw-scenario input[data-measure="small-hydro"]');
  await page.click('#cw-scenario button[type=submit]');
  await page.waitForSelector('#cw-note', { timeout: 10000 });
  await ready('city-workspace');
  check('ja: said in Japanese', (await page.locator('#cw-note').textContent()).trim(), 'シナリオ vn-da-nang-city-2030 を保存しました。');
  check('ja: stored (CLI): the measure dropped', cli('city', 'scenario', 'show', 'vn-da-nang-city-2030').measures.map((m) => m.id).includes('small-hydro'), false);
  check('ja: no missing label', await leaked(), '');
  await shot('city-edit-ja.png', false);
  await page.setViewportSize({ width: 390, height: 800 });
  check('ja: at 390 px the workspace is no wider than the screen', await page.evaluate(() => document.documentElement.scrollWidth <= 390), true);
  await shot('city-edit-ja-390.png', false);
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.click('#lang');
  await logout();
} catch (e) {
  bad(`city-edit: ${e.message.split('\n')[0]}`);
}
check('no request left the server', outside.join(','), '');
check('no error in the console', problems.join(' | '), '');
await close();
if (counts.failed) process.exitCode = 1;
else ok('city-edit: done');
