// city.mjs - the decarbonization domino (#/domino) and cities' GHG work
// (#/cities) in a real browser, against a `c2c serve` of a database that
// tests/web.sh filled for it: the example scenario, the example inventory
// (my-iskandar-region 2022, AR5) and four Tianjin observations.  The figures
// are checked against the API of the run and against the worked example of
// docs/city.md, written down here on purpose: a page that showed the API's
// numbers wrongly, or an API that changed them, must fail.
//
// usage: C2C_BIN=build/c2c C2C_DB=the-served.db node test/city.mjs BASE_URL SHOT_DIR
// (C2C_BIN and C2C_DB: the channel of each domino edge, which the API's rows
// do not carry, is read with `c2c domino --format json`)
import { launch, ok, bad, check, counts } from './harness.mjs';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { L } from '../src/i18n.js';

const [base, shots] = process.argv.slice(2);
const origin = new URL(base).origin;
const json = async (p) => (await fetch(`${origin}/api/v1/${p}`)).json();

// --- the labels, before any browser: every key the two pages name is in
// i18n.js with a Japanese and an English text
for (const f of ['domino.js', 'city.js']) {
  const src = readFileSync(new URL(`../src/${f}`, import.meta.url), 'utf8');
  const keys = [...new Set([...src.matchAll(/'((?:dm|cy|nav|c)_[a-z0-9_]+)'/g)].map((m) => m[1]))];
  const missing = keys.filter((k) => !(Array.isArray(L[k]) && L[k].length === 2 && L[k][0] && L[k][1]));
  check(`${f}: every label named (${keys.length}) is in i18n.js in both languages`, missing.join(','), '');
}
const ours = Object.keys(L).filter((k) => /^(dm_|cy_|nav_domino|nav_cities|v_channel:)/.test(k));
check('i18n.js: the new labels have both languages', ours.filter((k) => !(L[k][0] && L[k][1])).join(','), '');

const { page, outside, problems, ready, shot, close } = await launch(origin, shots);
const texts = (sel) => page.locator(sel).allTextContents();
// a key t() did not find shows as itself: look for one in the text, the
// aria-labels and the SVG titles of the page
const leaked = () => page.evaluate(() => {
  const said = [document.getElementById('content').innerText,
    ...[...document.querySelectorAll('[aria-label]')].map((e) => e.getAttribute('aria-label')),
    ...[...document.querySelectorAll('title')].map((e) => e.textContent)].join('\n');
  // and a value that was never there: null, undefined, an object as text
  return [...new Set(said.match(/\b(?:dm|cy)_[a-z0-9_]+|\b(?:v_channel|cy_[a-z]+):[a-z_ ]+|\bnull\b|\bundefined\b|\[object \w+\]|\bNaN\b/g) || [])].join(',');
});
const switchLang = async (name) => { await page.click('#lang'); await ready(name); };
const num = (s) => Number(String(s).replace(/[^\d.-]/g, ''));

try {
  // ============ the domino ============
  const edges = await json('domino/edges');
  const chains = await json('domino/chains');
  check('API: the built-in domino has 8 edges', edges.length, 8);
  await page.goto(`${base}#/domino`);
  await ready('domino');
  check('domino: heading', await page.locator('h1').textContent(), 'The decarbonization domino');
  check('domino: nav link current', await page.locator('nav a[data-route="domino"]').getAttribute('aria-current'), 'page');
  check('domino: one arrow per edge of the API', await page.locator('svg.domino g.edge').count(), edges.length);
  check('domino: every arrow has its head', await page.locator('svg.domino path.dm-line[marker-end^="url(#dm-arrow-"]').count(), edges.length);
  const svg = page.locator('svg.domino');
  check('domino: the SVG is a labelled group (its boxes are links)', await svg.getAttribute('role'), 'group');
  const aria = await svg.getAttribute('aria-label');
  check('domino: its label counts the edges', aria.includes(`${edges.length} spreads`), true);
  // one node per place, or per country where the edge names no place
  const want = new Set(edges.flatMap((e) => [`place:${e.from_place_id}`, e.to_place_id ? `place:${e.to_place_id}` : `country:${e.to_country}`]));
  const got = await page.locator('svg.domino a.node').evaluateAll((els) => els.map((e) => `${e.dataset.kind}:${e.dataset.id}`));
  check('domino: one node per place or country', got.sort().join(','), [...want].sort().join(','));
  // layered left to right: every arrow starts left of where it ends
  const backwards = await page.locator('svg.domino path.dm-line').evaluateAll((ps) => ps.filter((p) => {
    const n = p.getAttribute('d').match(/-?[\d.]+/g).map(Number);
    return !(n[0] < n[n.length - 2]);
  }).length);
  check('domino: every arrow points right (one column per step)', backwards, 0);
  const cols = await page.locator('svg.domino a.node rect').evaluateAll((rs) => new Set(rs.map((r) => r.getAttribute('x'))).size);
  check('domino: as many columns as the longest chain has steps, plus its origin',
    cols, Math.max(...chains.map((c) => c.steps)) + 1);
  // the solution in each edge's <title>, in the page's language
  const titles = await page.locator('svg.domino g.edge').evaluateAll((gs) => gs.map((g) => [g.dataset.id, g.querySelector('title').textContent]));
  check('domino: each edge\'s title gives its solution in English',
    titles.filter(([id, s]) => !s.includes(edges.find((e) => e.id === id).solution_en)).map(([id]) => id).join(','), '');
  // channels: each edge's as the CLI reads it from the database
  const bin = process.env.C2C_BIN, db = process.env.C2C_DB;
  if (!bin || !db) bad('C2C_BIN and C2C_DB not set: the channels cannot be checked (run through tests/web.sh)');
  else {
    const truth = JSON.parse(execFileSync(bin, ['--db', db, 'domino', '--format', 'json'], { encoding: 'utf8' }));
    const drawn = await page.locator('svg.domino g.edge').evaluateAll((gs) => gs.map((g) => [g.dataset.id, g.dataset.channel]));
    const wrong = drawn.filter(([id, c]) => c !== truth.find((e) => e.id === id)?.channel);
    check('domino: every edge drawn with its channel', wrong.map(([id, c]) => `${id}=${c}`).join(','), '');
    check('domino: every edge of the database drawn', drawn.length, truth.length);
  }
  const strokes = await page.locator('svg.domino path.dm-line').evaluateAll((ps) =>
    [...new Set(ps.map((p) => `${p.classList[1]}=${getComputedStyle(p).stroke}`))]);
  const perChannel = new Map(strokes.map((s) => s.split('=')));
  check('domino: one colour per channel', new Set(perChannel.values()).size, perChannel.size);
  const legend = await page.locator('.dm-legend li').evaluateAll((lis) => lis.map((l) => l.dataset.channel));
  check('domino: the legend names every channel drawn', legend.sort().join(','),
    [...perChannel.keys()].map((k) => k.replace(/^ch-/, '')).sort().join(','));
  check('domino: the legend in both languages', await page.locator('.dm-legend li .name .other[lang="ja"]').count(), legend.length);
  // the tables
  check('domino: one row per chain', await page.locator('.dm-chains tbody tr').count(), chains.length);
  const chainRows = await page.locator('.dm-chains tbody tr').evaluateAll((trs) => trs.map((tr) =>
    [tr.dataset.origin, ...[...tr.querySelectorAll('td.num')].map((td) => td.textContent)].join(':')));
  check('domino: each chain\'s steps, places and countries reached', chainRows.join(' '),
    chains.map((c) => [c.origin_id, c.steps, c.places_reached, c.countries_reached].join(':')).join(' '));
  const pathsShown = await page.locator('.dm-chains tbody tr').evaluateAll((trs) => trs.map((tr) => tr.querySelectorAll('.dm-paths li').length));
  check('domino: each chain\'s paths, one per end', pathsShown.join(','), chains.map((c) => c.paths.length).join(','));
  check('domino: one row per edge', await page.locator('.dm-edges tbody tr').count(), edges.length);
  check('domino: each edge\'s source', (await texts('.dm-edges td.dm-source')).join('|'), edges.map((e) => e.source).join('|'));
  check('domino: no missing label (English)', await leaked(), '');
  await shot('domino-en.png');
  // a place node opens the place
  await page.click('svg.domino a.node[data-id="jp-tokyo-prefecture"]');
  await ready('places/jp-tokyo-prefecture');
  ok('domino: a click on a place opens its page');
  // Japanese
  await page.goto(`${base}#/domino`);
  await ready('domino');
  await switchLang('domino');
  check('domino in Japanese: heading', await page.locator('h1').textContent(), '脱炭素ドミノ');
  check('domino in Japanese: nav', await page.locator('nav a[data-route="domino"]').textContent(), '脱炭素ドミノ');
  const titlesJa = await page.locator('svg.domino g.edge').evaluateAll((gs) => gs.map((g) => [g.dataset.id, g.querySelector('title').textContent]));
  check('domino in Japanese: each edge\'s title gives its solution in Japanese',
    titlesJa.filter(([id, s]) => !s.includes(edges.find((e) => e.id === id).solution_ja)).map(([id]) => id).join(','), '');
  check('domino in Japanese: table heading', await page.locator('.dm-chains th').first().textContent(), '展開元');
  check('domino in Japanese: no missing label', await leaked(), '');
  await shot('domino-ja.png');
  await switchLang('domino');
  // from a case to its spread
  const kc = 'cs-kitakyushu-case-analysis';
  await page.goto(`${base}#/cases/${kc}`);
  await ready(`cases/${kc}`);
  await page.click('.dm-see a');
  await ready('domino');
  check('case page → domino: the case\'s edges highlighted', await page.locator('svg.domino g.edge.hl').count(),
    edges.filter((e) => e.case_id === kc).length);

  // ============ cities: the scenario ============
  const sid = 'example-iskandar-2030';
  const runS = await json(`city/scenarios/${sid}/run?attribution=shapley`);
  const runQ = await json(`city/scenarios/${sid}/run?attribution=sequential`);
  await page.goto(`${base}#/cities`);
  await ready('cities');
  check('cities: heading', await page.locator('h1').textContent(), "Cities' greenhouse gas work");
  check('cities: nav link current', await page.locator('nav a[data-route="cities"]').getAttribute('aria-current'), 'page');
  check('cities: the scenario chosen', await page.locator('#cy-scenario').inputValue(), sid);
  const sum = page.locator('.cy-summary');
  check('scenario: BaU, case, reduction (docs/city.md)',
    [await sum.getAttribute('data-bau'), await sum.getAttribute('data-cm'), await sum.getAttribute('data-reduction')].join(' '),
    '549500 352350 197150');
  check('scenario: the summary says them', (await sum.textContent()).includes('549,500') && (await sum.textContent()).includes('352,350')
    && (await sum.textContent()).includes('197,150'), true);
  const fig = 'figure[data-chart="scenario-sectors"]';
  check('scenario chart: one group per sector', await page.locator(`${fig} .bar`).count(), runS.sectors.length);
  check('scenario chart: three bars per sector', await page.locator(`${fig} rect.val`).count(), runS.sectors.length * 3);
  const partSum = (p) => page.locator(`${fig} rect.val.part-${p}`).evaluateAll((rs) => rs.reduce((s, r) => s + Number(r.dataset.value), 0));
  check('scenario chart: the base-year bars add up to the base total', await partSum('base'), 429500);
  check('scenario chart: the BaU bars add up to 549,500', await partSum('bau'), 549500);
  check('scenario chart: the case bars add up to 352,350', await partSum('cm'), 352350);
  const heights = await page.locator(`${fig} .bar[data-key="commercial"] rect.val`).evaluateAll((rs) => rs.map((r) => Number(r.getAttribute('height'))));
  check('scenario chart: commercial BaU drawn taller than its case', heights[1] > heights[2], true);
  check('scenario chart: a group in words', await page.locator(`${fig} .bar[data-key="residential"]`).getAttribute('aria-label'),
    'Residential (I.1): Base year 168,000 t CO2e, BaU 201,600 t CO2e, Countermeasure case 129,600 t CO2e');
  check('scenario table: one row per sector', await page.locator('.cy-sectors tbody tr').count(), runS.sectors.length);
  check('scenario table: the totals', (await texts('.cy-sectors tfoot td.num')).join(' '), '429,500 549,500 352,350 197,150');
  const measures = async () => (await page.locator('figure[data-chart="scenario-measures"] .bar')
    .evaluateAll((gs) => gs.map((g) => g.dataset.value))).join(' ');
  check('measures chart (Shapley): the parts of docs/city.md', await measures(), '139500 22500 15600 17550 2000');
  check('measures chart: the API\'s parts', await measures(), runS.measures.map((m) => m.reduction_t).join(' '));
  check('measures table (Shapley)', (await texts('.cy-measures tbody td.num:nth-child(4)')).join(' '), '139,500 22,500 15,600 17,550 2,000');
  check('measures table: the total', await page.locator('.cy-measures tfoot td.num').textContent(), '197,150');
  check('measures: each basis', (await page.locator('.cy-measures tbody tr').evaluateAll((trs) => trs.map((tr) => tr.dataset.basis))).join(' '),
    'model model model model stated');
  check('measures: the stated basis said', await page.locator('.cy-measures tr[data-key="small-hydro"] td').last().textContent(),
    'Stated project reduction');
  check('measures: coloured by basis', await page.locator('figure[data-chart="scenario-measures"] rect.part-basis-stated').count(), 1);
  check('scenario: the parts add up, said', await page.locator('.cy-adds-up').getAttribute('data-ok'), 'true');
  check('scenario: the sentence', await page.locator('.cy-adds-up').textContent(), 'The parts add up to the total reduction: 197,150 t = 197,150 t.');
  check('scenario: the rule used', await page.locator('.cy-rule').getAttribute('data-rule'), 'shapley');
  check('scenario: the rule said', (await page.locator('.cy-rule').textContent()).startsWith('Rule used: Shapley'), true);
  // the other rule
  await page.focus('#cy-attribution'); // as a keyboard user would: the select in focus, then a choice
  await page.selectOption('#cy-attribution', 'sequential');
  await ready('cities');
  check('sequential: the hash remembers the rule', await page.evaluate(() => location.hash), '#/cities?attribution=sequential');
  check('measures chart (sequential): the parts of docs/city.md', await measures(), '147000 15000 15600 17550 2000');
  check('measures chart (sequential): the API\'s parts', await measures(), runQ.measures.map((m) => m.reduction_t).join(' '));
  check('sequential: the totals unchanged', await page.locator('.cy-summary').getAttribute('data-reduction'), '197150');
  check('sequential: the parts still add up', await page.locator('.cy-adds-up').getAttribute('data-ok'), 'true');
  check('sequential: the rule used', await page.locator('.cy-rule').getAttribute('data-rule'), 'sequential');
  check('sequential: the order said', (await page.locator('.cy-rule').textContent()).includes(runQ.attribution.order.join(' → ')), true);
  check('sequential: the focus stays on the select', await page.evaluate(() => document.activeElement.id), 'cy-attribution');
  await page.goBack();
  await ready('cities');
  check('Back: Shapley again', await measures(), '139500 22500 15600 17550 2000');
  await page.goto(`${base}#/cities?attribution=sequential`);
  await ready('cities');
  check('a bookmarked rule: sequential', await page.locator('#cy-attribution').inputValue(), 'sequential');
  await page.goto(`${base}#/cities`);
  await ready('cities');

  // ============ cities: the inventory ============
  const invs = await json('city/inventories');
  check('inventories: one to choose', await page.locator('#cy-inventory option').count(), invs.length);
  const inv = await json('city/inventory?place=my-iskandar-region&year=2022');
  const card = (k) => page.locator(`.cy-totals [data-key="${k}"] .value`).textContent();
  check('inventory: BASIC total (docs/city.md)', await card('basic'), '1,276,533');
  check('inventory: BASIC+ total (docs/city.md)', await card('basic_plus'), '1,316,533');
  check('inventory: scopes 1, 2, 3', [await card('scope1'), await card('scope2'), await card('scope3')].join(' '), '1,536,533 640,000 40,000');
  const invBars = await page.locator('figure[data-chart="inventory-sectors"] .bar').evaluateAll((gs) => gs.map((g) => `${g.dataset.key}=${g.dataset.value}`));
  check('inventory chart: sectors I–VI with the API\'s figures', invBars.join(' '),
    ['I', 'II', 'III', 'IV', 'V', 'VI'].map((k) => `${k}=${inv.totals.by_sector_t[k]}`).join(' '));
  const filledRows = inv.rows.filter((r) => r.co2e_t != null || r.notation_key);
  check('inventory: one row per filled or keyed row', await page.locator('.cy-rows tbody tr').count(), filledRows.length);
  check('inventory: the rows\' CO2e', (await texts('.cy-rows tbody td.num')).map(num).join(' '),
    filledRows.map((r) => (r.co2e_t == null ? 0 : r.co2e_t)).join(' '));
  check('inventory: a notation key shown', await page.locator('.cy-rows tr[data-ref="III.1.2"] td').nth(2).textContent(), 'NO');

  // ============ cities: the indicators ============
  check('indicators: the place with observations is the first choice', await page.locator('#cy-place').inputValue(), 'cn-tianjin-city');
  check('indicators: the framework named', (await page.locator('.cy-ind-summary').textContent()).startsWith('Sino-Singapore Tianjin Eco-City indicators:'), true);
  await page.selectOption('#cy-place', 'cn-tianjin-city');
  await ready('cities');
  const ev = await json('city/evaluation?place=cn-tianjin-city');
  const s = page.locator('.cy-ind-summary');
  check('indicators: met, not met, no data (tests/city.sh)',
    [await s.getAttribute('data-met'), await s.getAttribute('data-not-met'), await s.getAttribute('data-no-data')].join(' '), '2 1 19');
  check('indicators: the API\'s summary', [await s.getAttribute('data-met'), await s.getAttribute('data-not-met'), await s.getAttribute('data-no-data')].join(' '),
    [ev.summary.met, ev.summary.not_met, ev.summary.no_data].join(' '));
  check('indicators: one row per target line', await page.locator('.cy-indicators tbody tr').count(),
    ev.indicators.reduce((n, i) => n + i.lines.length, 0));
  const tj10 = page.locator('.cy-indicators tr[data-indicator="tj-10"]');
  check('indicator 10: met', await tj10.getAttribute('data-status'), 'met');
  check('indicator 10: its target', await tj10.locator('td').nth(1).textContent(), '≤ 120 L/person/day');
  check('indicator 10: the trend', await tj10.locator('td').last().textContent(), 'improving (from 130 in 2012)');
  check('indicator 22: not met', await page.locator('.cy-indicators tr[data-indicator="tj-22"]').getAttribute('data-status'), 'not met');
  check('indicators: no "no observations" note for Tianjin', await page.locator('.empty-state[data-empty="observations"]').count(), 0);
  check('cities: no missing label (English)', await leaked(), '');
  const unlabelled = await page.evaluate(() => [...document.querySelectorAll('input, select')]
    .filter((e) => !e.labels?.length && !e.getAttribute('aria-label')).length);
  check('cities: every select has a label', unlabelled, 0);
  await shot('cities-en.png');
  await page.selectOption('#cy-place', 'my-iskandar-region');
  await ready('cities');
  check('indicators: the hash remembers a place other than the first', (await page.evaluate(() => location.hash)).includes('place=my-iskandar-region'), true);
  // issue 15: it sends the city's staff to the form, naming no command
  check('indicators: a place without observations says how to add them, with no command',
    [await page.locator('.empty-state[data-empty="observations"]').textContent(),
      await page.locator('.empty-state[data-empty="observations"] code').count()].join(' | '), `${L.cy_ind_nodata[1]} | 0`);

  // ============ Japanese ============
  await page.goto(`${base}#/cities?place=cn-tianjin-city`);
  await ready('cities');
  await switchLang('cities');
  check('cities in Japanese: heading', await page.locator('h1').textContent(), '都市の温室効果ガス対策');
  check('cities in Japanese: nav', await page.locator('nav a[data-route="cities"]').textContent(), '都市の GHG');
  check('cities in Japanese: the rule', (await page.locator('.cy-rule').textContent()).startsWith('配分方法: シャープレイ値'), true);
  check('cities in Japanese: the parts add up', await page.locator('.cy-adds-up').textContent(),
    '対策ごとの削減量の合計 197,150 t は削減量全体 197,150 t と一致します。');
  check('cities in Japanese: a measure\'s basis', await page.locator('.cy-measures tr[data-key="small-hydro"] td').last().textContent(),
    '事業の記載削減量');
  check('cities in Japanese: indicator 10 met', await page.locator('.cy-indicators tr[data-indicator="tj-10"] td').nth(4).textContent(), '✓ 達成');
  check('cities in Japanese: no missing label', await leaked(), '');
  await shot('cities-ja.png');
  await switchLang('cities');

  // ============ an observation recorded through the form ============
  // tests/web.sh made tianjin (partner city, scope cn-tianjin-city); tj-22's
  // target is >= 50 % and its 2013 value 40: 55 in 2014 meets it
  await page.goto(`${base}#/cities?place=cn-tianjin-city`);
  await ready('cities');
  check('observe: no form for the public', await page.locator('#cy-observe').count(), 0);
  await page.click('#login-open');
  await page.fill('#login-name', 'tianjin');
  await page.fill('#login-password', 'pass-tianjin-0123');
  await page.click('#login-form button[type="submit"]');
  await page.waitForSelector('#who');
  await ready('cities');
  check('observe: the form for the partner city at its own place', await page.locator('#cy-observe').count(), 1);
  await page.click('#cy-observe button[type=submit]');
  check('observe: empty, the required fields named', await page.locator('#cy-observe [aria-invalid="true"]').count(), 3);
  await page.selectOption('#cy-observe-measure', 'tj-22');
  await page.fill('#cy-observe-year', '2014');
  await page.fill('#cy-observe-value', 'fifty-five');
  await page.fill('#cy-observe-source', 'browser test');
  await page.click('#cy-observe button[type=submit]');
  check('observe: a value that is no number refused on the page', await page.locator('#cy-observe-alert').textContent(), 'The value must be a number.');
  check('observe: nothing stored', (await json('city/observations?place=cn-tianjin-city')).some((o) => o.year === 2014), false);
  await page.fill('#cy-observe-value', '55');
  await page.click('#cy-observe button[type=submit]');
  check('observe: said', await page.waitForSelector('#cy-observe-status.ok', { timeout: 10000 }).then((e) => e.textContent()),
    'Recorded: tj-22, 2014, 55');
  await ready('cities');
  check('observe: stored as sent', JSON.stringify((await json('city/observations?place=cn-tianjin-city'))
    .filter((o) => o.year === 2014).map((o) => [o.measure_id, o.value, o.source])), '[["tj-22",55,"browser test"]]');
  const s2 = page.locator('.cy-ind-summary');
  check('observe: the evaluation drawn again (3 met, 0 not met, 19 no data)',
    [await s2.getAttribute('data-met'), await s2.getAttribute('data-not-met'), await s2.getAttribute('data-no-data')].join(' '), '3 0 19');
  check('observe: indicator 22 now met, improving', [await page.locator('.cy-indicators tr[data-indicator="tj-22"]').getAttribute('data-status'),
    await page.locator('.cy-indicators tr[data-indicator="tj-22"] td').last().textContent()].join(' / '), 'met / improving (from 40 in 2013)');
  await shot('cities-observe.png');
  await page.selectOption('#cy-place', 'my-iskandar-region');
  await ready('cities');
  check('observe: no form at a place outside the scope', await page.locator('#cy-observe').count(), 0);
  check("sync: no button on another place's scenario", await page.locator('#cy-sync').count(), 0);
  await page.click('#logout');
  await page.waitForSelector('#login-open', { timeout: 10000 });
  // the scenario's own city draws its project measures from its place's JCM projects
  await page.click('#login-open');
  await page.fill('#login-name', 'iskandar');
  await page.fill('#login-password', 'pass-iskandar-0123');
  await page.click('#login-form button[type="submit"]');
  await page.waitForSelector('#who');
  await ready('cities');
  check("sync: the button for the scenario's own city", await page.locator('#cy-sync button[type=submit]').count(), 1);
  const measuresBefore = (await json('city/scenarios/example-iskandar-2030')).measures.length;
  await page.click('#cy-sync button[type=submit]');
  check('sync: said, with what was not counted', await page.waitForSelector('#cy-sync-status.ok', { timeout: 10000 }).then((e) => e.textContent()),
    '0 project measures counted (3 not counted).');
  check('sync: no project under MRV here, the measures as they were',
    (await json('city/scenarios/example-iskandar-2030')).measures.length, measuresBefore);
  await shot('cities-sync.png');
  await page.click('#logout');
  await page.waitForSelector('#login-open', { timeout: 10000 });

  // ============ phone ============
  await page.setViewportSize({ width: 390, height: 844 });
  for (const name of ['domino', 'cities']) {
    await page.goto(`${base}#/${name}`);
    await ready(name);
    check(`phone: ${name} fits the width`, await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth) <= 0, true);
    await shot(`phone-${name}.png`, false);
  }

  check('no request left the server', outside.join(' '), '');
  check('no console errors (CSP included)', problems.join(' | '), '');
} catch (e) {
  bad(`city run stopped: ${e.message.split('\n')[0]}`);
  await shot('city-error.png').catch(() => {});
} finally {
  await close();
}
process.exit(counts.failed ? 1 : 0);
