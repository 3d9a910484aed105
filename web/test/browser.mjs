// browser.mjs - the pages in a real browser: Debian's chromium, headless,
// driven by playwright-core against a `c2c serve` that tests/web.sh started.
// Prints "ok: …" or "FAILED: …" per check (web.sh counts them) and saves a
// screenshot of each page to SHOT_DIR, for a person to look at.  Expected
// numbers come from the API in the run, never written down here.
//
// usage: C2C_BIN=build/c2c C2C_DB=the-served.db node test/browser.mjs BASE_URL SHOT_DIR
// (C2C_BIN and C2C_DB: near the end the run puts credits into the served
// database's registry with the CLI, to see the credits chart fill)
import { launch, ok, bad, check, counts } from './harness.mjs';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

const [base, shots] = process.argv.slice(2);
const origin = new URL(base).origin;
const json = async (p) => (await fetch(`${origin}/api/v1/${p}`)).json();

const { ctx, page, outside, problems, ready, shot, close } = await launch(origin, shots);

try {
  // --- dashboard ---
  await page.goto(`${base}#/`);
  await ready('dashboard');
  const fig = (k) => page.locator(`.card[data-key="${k}"] .value`).textContent();
  check('dashboard: partner countries', await fig('countries'), '14');
  check('dashboard: partner places', await fig('partner_places'), '67');
  check('dashboard: Japanese local governments', await fig('japanese_bodies'), '25');
  const verify = await json('registry/verify');
  check('dashboard: registry summary says verified', await page.locator('.registry .good').count(), verify.ok ? 1 : 0);
  await shot('dashboard-en.png');

  // --- language switch, remembered across a reload ---
  check('starts in English (browser locale)', await page.locator('h1').textContent(), 'Headline figures');
  await page.click('#lang');
  await ready('dashboard');
  check('switch: heading in Japanese', await page.locator('h1').textContent(), '主要な数値');
  check('switch: nav label in Japanese', await page.locator('nav a[data-route="map"]').textContent(), '地図');
  check('switch: <html lang>', await page.getAttribute('html', 'lang'), 'ja');
  await page.reload();
  await ready('dashboard');
  check('after reload: still Japanese', await page.locator('h1').textContent(), '主要な数値');
  await shot('dashboard-ja.png');

  // --- map (in Japanese; names ja first with en beside) ---
  const places = await json('places');
  const parts = await json('partnerships');
  await page.goto(`${base}#/map`);
  await ready('map');
  // a point per place a partnership names: a place only an event names is not drawn
  const named = new Set(parts.flatMap((p) => [...p.bodies, ...p.partners].map((x) => x.id)));
  const mapped = places.filter((p) => named.has(p.id) && p.lat != null && p.lon != null);
  check('map: one point per place a partnership names', await page.locator('circle.place').count(), mapped.length);
  const venues = places.filter((p) => !named.has(p.id)).map((p) => p.id);
  check('map: no event venue drawn', await page.locator('circle.place').evaluateAll(
    (cs, v) => cs.filter((c) => v.includes(c.dataset.id)).map((c) => c.dataset.id).join(','), venues), '');
  check('map: each point a link to its place', await page.locator('a.pt').evaluateAll((as) => as.every((a) =>
    a.getAttribute('href') === `#/places/${encodeURIComponent(a.querySelector('circle').dataset.id)}` && a.getAttribute('aria-label'))), true);
  check('map: each line a link to its partnership', await page.locator('path.line').evaluateAll((ps) => ps.every((p) =>
    p.parentElement.getAttribute('href') === `#/partnerships/${encodeURIComponent(p.dataset.id)}`)), true);
  // centred on the Pacific: Toyama west of Renca (Chile) on the map, both inside it
  const cx = (id) => page.locator(`circle.place[data-id="${id}"]`).getAttribute('cx').then(Number);
  {
    const [toyamaX, rencaX] = [await cx('jp-toyama-city'), await cx('cl-renca-ward')];
    const mapW = Number((await page.locator('svg.map').getAttribute('viewBox')).split(' ')[2]);
    check('map: Pacific in the middle (Toyama left of Renca)', toyamaX > 0 && toyamaX < rencaX && rencaX < mapW, true);
  }
  // the keyboard: Tab from the map itself (a Tab stop for its arrow keys,
  // web/test/map.mjs) reaches the first point
  await page.focus('svg.map');
  await page.keyboard.press('Tab');
  check('map: Tab reaches a point', await page.evaluate(() => document.activeElement.getAttribute('class')), 'pt');
  const nlines = parts.reduce((n, p) => n + p.bodies.length * p.partners.length, 0);
  check('map: one line per body-partner pair', await page.locator('path.line').count(), nlines);
  check('map: country outlines drawn', (await page.locator('.land path').count()) > 100, true);
  await shot('map-ja.png', false);
  await page.selectOption('#f-country', 'VN');
  const vn = parts.filter((p) => p.country === 'VN');
  const vnIds = new Set(vn.flatMap((p) => [...p.bodies, ...p.partners].map((x) => x.id)));
  check('map: filter by country VN, partnerships in the list', await page.locator('.plist tbody tr').count(), vn.length);
  check('map: filter by country VN, points', await page.locator('circle.place').count(), vnIds.size);
  check('map: the filter in the address', new URL(page.url()).hash, '#/map?country=VN');
  const fy = String(vn[0].fiscal_years[0]);
  await page.selectOption('#f-fy', fy);
  const vnfy = vn.filter((p) => p.fiscal_years.includes(Number(fy)));
  check(`map: filter by VN and FY${fy}`, await page.locator('.plist tbody tr').count(), vnfy.length);
  await shot('map-vn-fy.png', false);
  await page.reload();
  await ready('map');
  check('map: a reload keeps both filters', [await page.inputValue('#f-country'), await page.inputValue('#f-fy'),
    await page.locator('.plist tbody tr').count()].join(' '), `VN ${fy} ${vnfy.length}`);
  await page.goBack();
  await ready('map');
  check('map: Back undoes the last filter', [await page.inputValue('#f-country'), await page.inputValue('#f-fy')].join('|'), 'VN|');
  await page.selectOption('#f-country', '');
  await page.selectOption('#f-fy', '');

  // back to English for the rest
  await page.click('#lang');
  await ready('map');
  check('switch back: map heading in English', await page.locator('h1').textContent(), 'Map of the partnerships');
  const cell = page.locator('.plist tbody tr[data-id="p001"] td').nth(1);
  check('names: English first', await cell.locator('.name > span').first().textContent(), 'Toyama');
  check('names: Japanese beside', await cell.locator('.name .other').textContent(), '富山市');
  check('names: marked lang="ja"', await cell.locator('.name .other').getAttribute('lang'), 'ja');

  // --- partnerships and search ---
  await page.goto(`${base}#/partnerships`);
  await ready('partnerships');
  check('partnerships: the whole list', await page.locator('.plist tbody tr').count(), parts.length);
  await shot('partnerships.png');
  const projects = await json('projects');
  const toyama = projects.filter((p) => p.body_id === 'jp-toyama-city').map((p) => p.id).sort();
  check("dataset has Toyama's projects", toyama.length > 0, true);
  for (const q of ['富山', 'Toyama']) {
    await page.fill('#q', q);
    await page.press('#q', 'Enter'); // the keyboard, as a person would
    await ready('partnerships');
    const found = await page.locator('.hits[data-table="projects"] li').evaluateAll((els) => els.map((e) => e.dataset.id));
    const missing = toyama.filter((id) => !found.includes(id));
    check(`search ${q}: finds every Toyama project`, missing.join(','), '');
    check(`search ${q}: Toyama's partnerships listed`, (await page.locator('.plist tbody tr').count()) > 0, true);
    await shot(`search-${q === 'Toyama' ? 'toyama' : 'toyama-ja'}.png`);
  }
  // the spellings people type (src/atlas/fold.c): Da Nang without its
  // space, in Vietnamese, in half-width katakana; Malé without its accent;
  // Toyama in full-width letters
  for (const [q, id] of [['Danang', 'vn-da-nang-city'], ['Đà Nẵng', 'vn-da-nang-city'], ['ﾀﾞﾅﾝ', 'vn-da-nang-city'],
    ['Male', 'mv-male-city'], ['ＴＯＹＡＭＡ', 'jp-toyama-city']]) {
    await page.fill('#q', q);
    await page.press('#q', 'Enter');
    await ready('partnerships');
    const places = await page.locator('.hits[data-table="places"] li').evaluateAll((els) => els.map((e) => e.dataset.id));
    check(`search ${q}: finds ${id}`, places.includes(id), true);
  }

  // --- charts: bars from the API's rows, counted here independently ---
  // [first..last year] with the count of each (0 where none), as [key, value] pairs
  const span = (pairs) => {
    const n = new Map();
    for (const y of pairs) n.set(y, (n.get(y) || 0) + 1);
    if (!n.size) return [];
    const out = [];
    for (let y = Math.min(...n.keys()); y <= Math.max(...n.keys()); y++) out.push([String(y), n.get(y) || 0]);
    return out;
  };
  const tally = (keys) => {
    const n = new Map();
    for (const k of keys) n.set(k, (n.get(k) || 0) + 1);
    return [...n].sort((a, b) => a[0].localeCompare(b[0]));
  };
  const jcm = projects.filter((p) => p.kind === 'jcm');
  const want = {
    'partnerships-fy': span(parts.flatMap((p) => p.fiscal_years)),
    'partnerships-country': tally(parts.map((p) => p.country)),
    'jcm-fy': span(jcm.filter((p) => p.fiscal_year != null).map((p) => p.fiscal_year)),
    'jcm-country': tally(jcm.map((p) => p.country)),
  };
  const bars = (id) => page.locator(`figure[data-chart="${id}"] .bar`).evaluateAll((els) =>
    els.map((e) => [e.dataset.key, Number(e.dataset.value)]));
  await page.goto(`${base}#/charts`);
  await ready('charts');
  for (const [id, w] of Object.entries(want)) {
    const got = await bars(id);
    check(`chart ${id}: number of bars`, got.length, w.length);
    const sorted = id.endsWith('country') ? [...got].sort((a, b) => a[0].localeCompare(b[0])) : got;
    check(`chart ${id}: each bar's value`, JSON.stringify(sorted), JSON.stringify(w));
    // the drawing itself: bar length proportional to the value, no bar where the value is 0
    const dims = await page.locator(`figure[data-chart="${id}"] .bar`).evaluateAll((els) => els.map((e) => {
      const r = e.querySelector('rect.val');
      return [Number(e.dataset.value), r ? Math.max(Number(r.getAttribute('width')), 0) : null, r ? Number(r.getAttribute('height')) : null];
    }));
    const len = dims.map(([v, wd, ht]) => [v, id.endsWith('country') ? wd : ht]);
    const ratios = len.filter(([v]) => v > 0).map(([v, l]) => l / v);
    const even = ratios.every((r) => Math.abs(r - ratios[0]) < 0.01 * ratios[0]) && ratios[0] > 0;
    check(`chart ${id}: bar length proportional to value`, even, true);
    check(`chart ${id}: no bar drawn for 0`, len.filter(([v, l]) => v === 0 && l !== null).length, 0);
  }
  const noFy = parts.filter((p) => !p.fiscal_years.length).length;
  check('chart partnerships-fy: says how many have no fiscal year',
    (await page.locator('figure[data-chart="partnerships-fy"] .chart-note').textContent()).includes(`${noFy} of ${parts.length}`), true);
  const balance0 = await json('registry/balance');
  check('dataset: the registry starts empty', balance0.length, 0);
  check('chart credits: "no credits yet" on an empty registry',
    await page.locator('figure[data-chart="credits-vintage"] .chart-empty').textContent(), 'No credits yet: the registry has issued none.');
  check('chart credits: no bars on an empty registry', (await bars('credits-vintage')).length, 0);
  // every chart: a title naming its SVG, a summary describing it, one Tab stop
  const a11y = await page.locator('figure.chart').evaluateAll((figs) => figs.map((f) => {
    const svg = f.querySelector('svg');
    const cap = f.querySelector('figcaption')?.textContent || '';
    if (!svg) return cap ? 'ok' : 'no title';
    const named = document.getElementById(svg.getAttribute('aria-labelledby'))?.textContent === cap && cap !== '';
    const described = (document.getElementById(svg.getAttribute('aria-describedby'))?.textContent || '') !== '';
    const stops = svg.querySelectorAll('[tabindex="0"]').length;
    const labelled = [...svg.querySelectorAll('.bar')].every((b) => /\d/.test(b.getAttribute('aria-label') || ''));
    return named && described && stops === 1 && labelled ? 'ok' : `${cap}: named ${named}, described ${described}, tab stops ${stops}, bars labelled ${labelled}`;
  }));
  check('charts: each has a title, a summary, one Tab stop, labelled bars', a11y.filter((x) => x !== 'ok').join('; '), '');
  check('charts: five charts', a11y.length, 5);
  await shot('charts-en.png');
  // drawn at the width of its box, and again when that changes
  const svgW = () => page.locator('figure[data-chart="partnerships-country"] svg').evaluate((e) =>
    Number(e.getAttribute('width')) - e.parentElement.clientWidth);
  check('chart: as wide as its box', Math.abs(await svgW()) <= 2, true);
  await page.setViewportSize({ width: 700, height: 900 });
  await page.waitForFunction(() => {
    const e = document.querySelector('figure[data-chart="partnerships-country"] svg');
    return Math.abs(Number(e.getAttribute('width')) - e.parentElement.clientWidth) <= 2;
  }, null, { timeout: 5000 }).catch(() => {});
  check('chart: redrawn at the new width when the window narrows', Math.abs(await svgW()) <= 2, true);
  await page.setViewportSize({ width: 1280, height: 900 });
  // the data table: hidden, then shown by its button, one row per bar
  const fyFig = page.locator('figure[data-chart="partnerships-fy"]');
  check('chart table: hidden at first', await fyFig.locator('.tablewrap').isHidden(), true);
  await fyFig.locator('button.table-toggle').click();
  check('chart table: shown by the button', await fyFig.locator('.tablewrap').isVisible(), true);
  check('chart table: button says it is open', await fyFig.locator('button.table-toggle').getAttribute('aria-expanded'), 'true');
  check('chart table: one row per bar', await fyFig.locator('tbody tr').count(), want['partnerships-fy'].length);
  await shot('charts-table.png');
  // the keyboard: Tab reaches the chart, arrows move, Enter opens the list
  await page.locator('#ch-country').focus();
  await page.keyboard.press('Tab');
  check('chart keyboard: Tab reaches the first bar',
    await page.evaluate(() => document.activeElement.closest('figure')?.dataset.chart + ':' + document.activeElement.dataset.key),
    `partnerships-fy:${want['partnerships-fy'][0][0]}`);
  await page.keyboard.press('ArrowRight');
  const second = want['partnerships-fy'][1];
  check('chart keyboard: ArrowRight moves to the next year', await page.evaluate(() => document.activeElement.dataset.key), second[0]);
  check('chart keyboard: the readout says it', await fyFig.locator('.readout').textContent(), `FY${second[0]}: ${second[1]} partnership${second[1] === 1 ? '' : 's'}`);
  await page.keyboard.press('End');
  const last = want['partnerships-fy'].at(-1);
  check('chart keyboard: End moves to the last year', await page.evaluate(() => document.activeElement.dataset.key), last[0]);
  await fyFig.locator('.chart-box').screenshot({ path: join(shots, 'charts-focus.png') }); // the bar in focus shows it
  await page.keyboard.press('Enter');
  await ready('partnerships');
  check('chart keyboard: Enter opens the partnerships of that year', await page.locator('.plist tbody tr').count(), last[1]);
  check('chart link: the list is filtered by the year', await page.inputValue('#f-fy'), last[0]);
  // a country's bar by mouse
  await page.goto(`${base}#/charts`);
  await ready('charts');
  const topCountry = [...want['partnerships-country']].sort((a, b) => b[1] - a[1])[0];
  await page.click(`figure[data-chart="partnerships-country"] .bar[data-key="${topCountry[0]}"]`);
  await ready('partnerships');
  check(`chart click: ${topCountry[0]}'s bar opens its partnerships`, await page.locator('.plist tbody tr').count(), topCountry[1]);

  // --- what the atlas rests on: the sources on #/data, as the API counts them (c2c sources) ---
  {
    const srcs = await json('sources');
    await page.goto(`${base}#/data`);
    await ready('data');
    const first = await page.locator('table[data-table="sources"] tbody tr').first().locator('th, td').allTextContents();
    check('data: the most cited source first, with its count', `${first[0]} | ${first[1]}`, `${srcs[0].source} | ${srcs[0].facts}`);
    check('data: ten sources in view, the others behind one click',
      `${await page.locator('.data-sources > .tablewrap tbody tr').count()} ${await page.locator('.data-sources details tbody tr').count()}`, `10 ${srcs.length - 10}`);
  }

  // --- lists and detail pages of every table ---
  const tables = { partnerships: 'id', places: 'id', agreements: 'id', projects: 'id', companies: 'id', schemes: 'id',
    networks: 'id', cases: 'id', events: 'id', domino: 'id', countries: 'code' };
  for (const [tb, key] of Object.entries(tables)) {
    const rows = await json(tb);
    await page.goto(`${base}#/data`);
    await ready('data');
    if (tb === 'partnerships') await shot('data.png');
    await page.click(`.tables-index [data-table="${tb}"] a.label`);
    await ready(tb);
    // #/domino is the domino's graph page: its rows are the table of every spread
    const rowSel = tb === 'domino' ? '.dm-edges tbody tr' : '.plist tbody tr';
    check(`list ${tb}: one row per row of the API`, await page.locator(rowSel).count(), rows.length);
    const unnamed = await page.locator('.plist thead th').evaluateAll((ths) => ths.filter((e) => !e.textContent.trim() || e.querySelector('.raw')).length);
    check(`list ${tb}: every column has a label`, unnamed, 0);
    await shot(`list-${tb}.png`, false); // the top: a long list takes seconds to shoot whole
    // the first row's link opens its page
    const first = page.locator(rowSel).first();
    const id = await first.getAttribute('data-id');
    await first.locator('a.rowlink').click();
    await ready(`${tb}/${id}`);
    const row = rows.find((r) => String(r[key]) === id);
    const shown = await page.locator('dl.fields .field-row').evaluateAll((els) => els.map((e) => e.dataset.col));
    check(`detail ${tb}: every field of the row`, shown.join(','), Object.keys(row).join(','));
    check(`detail ${tb}: every field labelled`, await page.locator('dl.fields dt .raw').count(), 0);
    check(`detail ${tb}: every coded value translated`, await page.locator('dl.fields .raw-value').count(), 0);
    await shot(`detail-${tb}.png`);
  }

  // cities on the built-in data: no scenario, no inventory yet; the page
  // sends a city's staff to its workspace (issue 15), no command to run
  await page.goto(`${base}#/cities`);
  await ready('cities');
  check('cities, built-in data: the empty states name no command',
    await page.locator('.empty-state[data-empty="scenarios"] code, .empty-state[data-empty="inventories"] code').count(), 0);
  check("cities, built-in data: they point to the city's workspace, which the page links",
    [(await page.locator('.empty-state[data-empty="inventories"]').textContent()).includes('workspace'),
      await page.locator('a.cw-link').getAttribute('href')].join(' '), 'true #/city-workspace');
  await shot('cities-empty.png');

  // a project's page: its place and body, as links that work
  const pj = projects.find((p) => p.place_id && p.body_id && p.country !== 'JP');
  const pjPlace = places.find((p) => p.id === pj.place_id), pjBody = places.find((p) => p.id === pj.body_id);
  await page.goto(`${base}#/projects/${pj.id}`);
  await ready(`projects/${pj.id}`);
  check('project page: heading is its English name', await page.locator('h1 .name > span').first().textContent(), pj.name_en || pj.name_ja);
  check('project page: the Japanese name beside', await page.locator('h1 .name .other').textContent(), pj.name_ja);
  const placeLink = page.locator('.field-row[data-col="place_id"] a');
  check('project page: its place, named', await placeLink.locator('.name > span').first().textContent(), pjPlace.name_en);
  check('project page: its body, named', await page.locator('.field-row[data-col="body_id"] a .name > span').first().textContent(), pjBody.name_en);
  await placeLink.click();
  await ready(`places/${pj.place_id}`);
  check('place link: opens the place', await page.locator('h1 .name > span').first().textContent(), pjPlace.name_en);
  const here = projects.filter((p) => p.place_id === pj.place_id).map((p) => p.id).sort();
  check("place page: lists the projects there", (await page.locator('.rel[data-rel="projects-place"] li')
    .evaluateAll((els) => els.map((e) => e.dataset.id))).sort().join(','), here.join(','));
  const partnersHere = parts.filter((p) => p.partners.some((x) => x.id === pj.place_id)).map((p) => p.id).sort();
  check('place page: lists its partnerships', (await page.locator('.rel[data-rel="partnerships-partner"] li')
    .evaluateAll((els) => els.map((e) => e.dataset.id))).sort().join(','), partnersHere.join(','));
  await page.goBack();
  await ready(`projects/${pj.id}`);
  await page.click('.field-row[data-col="body_id"] a');
  await ready(`places/${pj.body_id}`);
  const asBody = parts.filter((p) => p.bodies.some((x) => x.id === pj.body_id)).length;
  check("body page: lists the body's partnerships", await page.locator('.rel[data-rel="partnerships-body"] li').count(), asBody);
  await shot('detail-place-body.png');
  // an agreement's parties
  const agreements = await json('agreements');
  const ag = agreements.find((a) => a.partner_place_id);
  await page.goto(`${base}#/agreements/${ag.id}`);
  await ready(`agreements/${ag.id}`);
  check("agreement page: the Japanese party links to its place",
    await page.locator('.field-row[data-col="body_id"] a').getAttribute('href'), `#/places/${ag.body_id}`);
  check("agreement page: the partner links to its place",
    await page.locator('.field-row[data-col="partner_place_id"] a').getAttribute('href'), `#/places/${ag.partner_place_id}`);
  // a project's life: the partnership it was formed from and its stages, as the API gives them
  const lifeId = 'pj-palau-ppr-solar-battery';
  const life = await json(`projects/${lifeId}`);
  await page.goto(`${base}#/projects/${lifeId}`);
  await ready(`projects/${lifeId}`);
  check('life: the partnership it was formed from, linked', await page.locator('.life-parts li a').getAttribute('href'),
    `#/partnerships/${life.partnerships[0].id}`);
  check('life: the partnership named, not by its id', (await page.locator('.life-parts li a').textContent()).includes('Airai'), true);
  check('life: one timeline entry per stage, in order', (await page.locator('ol.timeline li').evaluateAll((els) =>
    els.map((e) => e.dataset.stage))).join(','), life.stages.map((x) => x.stage).join(','));
  check('life: a stage known by its fiscal year says the year', await page.locator('ol.timeline li .tl-when').first().textContent(), 'FY2021');
  check('life: no MRV yet, said so', await page.locator('.life-mrv .empty-list').count(), 1);
  await page.locator('.life').screenshot({ path: join(shots, 'life-project.png') });
  await page.goto(`${base}#/projects/no-such-project`);
  await ready('projects/no-such-project');
  check('unknown id: says so', await page.locator('h1').textContent(), 'No such row');

  // --- filtering a list narrows it, as the API does ---
  await page.goto(`${base}#/projects`);
  await ready('projects');
  check('projects list: every project', await page.locator('.plist tbody tr').count(), projects.length);
  await page.selectOption('#f-kind', 'jcm');
  await ready('projects');
  const apiJcm = await json('projects?kind=jcm');
  check('filter kind=jcm: as many rows as the API gives', await page.locator('.plist tbody tr').count(), apiJcm.length);
  check('filter kind=jcm: fewer than all', apiJcm.length < projects.length && apiJcm.length > 0, true);
  check('filter kind=jcm: every row a JCM project', (await page.locator('.plist td[data-col="kind"]').allTextContents())
    .every((x) => x === 'JCM project'), true);
  await page.selectOption('#f-country', 'VN');
  await ready('projects');
  const apiJcmVn = await json('projects?kind=jcm&country=VN');
  check('filter kind=jcm, country=VN', await page.locator('.plist tbody tr').count(), apiJcmVn.length);
  check('filter: in the address', new URL(page.url()).hash, '#/projects?kind=jcm&country=VN');
  await shot('list-projects-filtered.png');
  await page.reload();
  await ready('projects');
  check('filter: survives a reload', await page.locator('.plist tbody tr').count(), apiJcmVn.length);
  await page.goBack();
  await ready('projects');
  check('filter: Back undoes the last one', await page.locator('.plist tbody tr').count(), apiJcm.length);
  // free text within one table
  await page.goto(`${base}#/places`);
  await ready('places');
  await page.fill('#q', 'Da Nang');
  await page.press('#q', 'Enter');
  await ready('places');
  const hitPlaces = (await json('search?q=Da%20Nang&limit=10000')).filter((x) => x.table === 'places').map((x) => x.id).sort();
  const listed = (await page.locator('.plist tbody tr').evaluateAll((els) => els.map((e) => e.dataset.id))).sort();
  check('search in places: the places the search finds', listed.join(','), hitPlaces.join(','));
  check('search in places: narrows the list', listed.length > 0 && listed.length < places.length, true);
  await page.selectOption('#f-country', 'JP');
  await ready('places');
  check('search and filter together: nothing in Japan is Da Nang', await page.locator('.plist tbody tr').count(), 0);
  check('search and filter together: says so', await page.locator('.results .empty-list').count(), 1);
  const unlabelledList = await page.evaluate(() => [...document.querySelectorAll('input, select')]
    .filter((e) => !e.labels?.length && !e.getAttribute('aria-label')).length);
  check('list page: every input and filter has a label', unlabelledList, 0);

  // --- the language switch on the new pages ---
  await page.goto(`${base}#/projects/${pj.id}`);
  await ready(`projects/${pj.id}`);
  check('detail in English: label', await page.locator('.field-row[data-col="sector"] dt').textContent(), 'Sector');
  await page.click('#lang');
  await ready(`projects/${pj.id}`);
  check('detail in Japanese: label', await page.locator('.field-row[data-col="sector"] dt').textContent(), '分野');
  check('detail in Japanese: name first in Japanese', await page.locator('h1 .name > span').first().textContent(), pj.name_ja);
  check('detail in Japanese: kind', await page.locator('.field-row[data-col="kind"] dd').textContent(),
    { jcm: 'JCMプロジェクト', feasibility_study: '実現可能性調査', other: 'その他' }[pj.kind] || '?');
  await shot('detail-projects-ja.png');
  await page.goto(`${base}#/projects`);
  await ready('projects');
  check('list in Japanese: heading', await page.locator('h1').textContent(), '事業');
  check('list in Japanese: column', await page.locator('.plist th[data-col="sector"]').textContent(), '分野');
  check('list in Japanese: search label', await page.locator('label[for="q"]').textContent(), '検索（日本語・英語）');
  await page.goto(`${base}#/charts`);
  await ready('charts');
  check('charts in Japanese: title', await page.locator('figure[data-chart="partnerships-fy"] figcaption').textContent(), '年度別の連携事業数');
  check('charts in Japanese: bar label', await page.locator('figure[data-chart="partnerships-fy"] .bar').first().getAttribute('aria-label'),
    `${want['partnerships-fy'][0][0]}年度: ${want['partnerships-fy'][0][1]} 件`);
  check('charts in Japanese: nav', await page.locator('nav a[data-route="charts"]').textContent(), 'グラフ');
  await shot('charts-ja.png');
  await page.click('#lang');
  await ready('charts');
  check('charts back in English', await page.locator('h1').textContent(), 'Charts');

  // --- accessibility basics ---
  const unlabelled = await page.evaluate(() => [...document.querySelectorAll('input, select')]
    .filter((e) => !e.labels?.length && !e.getAttribute('aria-label')).length);
  check('every input has a label', unlabelled, 0);
  await page.goto(`${base}#/`);
  await page.reload(); // a fresh load: focus at the top of the page
  await ready('dashboard');
  await page.keyboard.press('Tab');
  check('keyboard: first Tab reaches the skip link', await page.evaluate(() => document.activeElement.className), 'skip');

  // --- the JCM methodologies, as their files describe them ---
  const meths = await json('mrv/methodologies');
  await page.goto(`${base}#/methodologies`);
  await ready('methodologies');
  check('methodologies: one row per methodology of the API', await page.locator('table.methodologies tbody tr').count(), meths.length);
  check('methodologies: reached from the MRV page', await (async () => { await page.goto(`${base}#/mrv`); await ready('mrv');
    await page.click('#meth-link'); await ready('methodologies'); return page.locator('h1').textContent(); })(), 'JCM methodologies');
  const th16 = await json('mrv/methodologies/TH_AM016');
  await page.goto(`${base}#/methodologies/TH_AM016`);
  await ready('methodologies/TH_AM016');
  check('methodology: its own title', await page.locator('h1').textContent(), `TH_AM016 · ${th16.title}`);
  check('methodology: one line per formula', await page.locator('ol.formulas li').count(), th16.formulas.length);
  check('methodology: one row per parameter', await page.locator('table[data-table="methodology-parameters"] tbody tr').count(), th16.parameters.length);
  check('methodology: what is not confirmed, said', await page.locator('#meth-unconfirmed').count(), 1);
  await shot('methodology-en.png');
  await page.click('#lang');
  await ready('methodologies/TH_AM016');
  check('methodology in Japanese: label', await page.locator('.field-row[data-col="meth_countries"] dt').textContent(), 'パートナー国');
  check('methodology in Japanese: the country', await page.locator('.field-row[data-col="meth_countries"] dd').textContent(), 'タイ');
  await shot('methodology-ja.png');
  await page.click('#lang');
  await ready('methodologies/TH_AM016');

  // --- phone ---
  await page.setViewportSize({ width: 390, height: 844 });
  for (const [route, name] of [['#/', 'dashboard'], ['#/map', 'map'], ['#/partnerships?q=Toyama', 'partnerships'],
    ['#/charts', 'charts'], ['#/projects?kind=jcm', 'projects'], [`#/projects/${pj.id}`, `projects/${pj.id}`],
    [`#/places/${pj.place_id}`, `places/${pj.place_id}`], ['#/methodologies', 'methodologies'],
    ['#/methodologies/VN_AM003', 'methodologies/VN_AM003']]) {
    await page.goto(`${base}${route}`);
    await ready(name);
    const wide = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    check(`phone: ${name} fits the width`, wide <= 0, true);
    await shot(`phone-${name.replace(/\//g, '-')}.png`, name === 'charts' || name === 'projects');
  }
  // the nav: one "Menu" button, then every link on the screen at once
  await page.goto(`${base}#/charts`);
  await ready('charts');
  check('phone: the menu button names this page', (await page.locator('#menu').textContent()).trim(), 'Menu: Charts');
  check('phone: the menu starts folded', await page.getAttribute('#menu', 'aria-expanded'), 'false');
  check('phone: no nav link shown while folded', await page.locator('header nav li:not([hidden]) a').evaluateAll(
    (as) => as.filter((a) => a.getClientRects().length).length), 0);
  await page.click('#menu');
  const navLinks = await page.locator('header nav li:not([hidden]) a').evaluateAll((as) => as.map((a) => {
    const r = a.getBoundingClientRect();
    return { text: a.textContent, shown: r.width > 0 && r.left >= 0 && r.right <= window.innerWidth, tall: r.height >= 44 };
  }));
  check('phone: the menu opens to all 14 links', navLinks.length, 14);
  check('phone: every link within the screen', navLinks.filter((l) => !l.shown).map((l) => l.text).join(','), '');
  check('phone: every link 44 px tall', navLinks.filter((l) => !l.tall).map((l) => l.text).join(','), '');
  await shot('phone-menu.png', false);
  await page.keyboard.press('Escape');
  check('phone: Escape folds the menu', await page.getAttribute('#menu', 'aria-expanded'), 'false');
  check('phone: ... and gives the focus back to it', await page.evaluate(() => document.activeElement.id), 'menu');
  await page.click('#menu');
  await page.click('header nav a[data-route="domino"]');
  await ready('domino');
  check('phone: a chosen link opens its page, the menu folded', await page.getAttribute('#menu', 'aria-expanded'), 'false');
  // the domino: the page keeps its width, the graph scrolls in its frame and
  // says so, and a tap on a line tells its solution
  check('phone: domino fits the width', await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth) <= 0, true);
  check('phone: domino says it scrolls sideways', await page.locator('.dm-swipe').isVisible(), true);
  const box = await page.evaluate(() => { const b = document.querySelector('.dm-box'); return [b.scrollWidth, b.clientWidth, getComputedStyle(b).overflowX]; });
  check('phone: the graph scrolls inside its frame, not cut', box[2] === 'auto' && box[0] >= box[1], true);
  await page.locator('svg.domino .edge .dm-hit').first().dispatchEvent('click');
  check('phone: a tap on a line tells its solution', /→/.test(await page.locator('.dm-said').textContent()), true);
  await shot('phone-domino.png', false);
  // the partnerships: each row a card, its fiscal years inside the screen
  await page.goto(`${base}#/partnerships`);
  await ready('partnerships');
  const fyCut = await page.locator('.plist tbody td.num').evaluateAll((tds) => tds.filter((td) => td.getBoundingClientRect().right > window.innerWidth).length);
  check('phone: no fiscal-year cell cut off', fyCut, 0);
  check('phone: the fiscal years named in each card', await page.locator('.plist tbody td.num').first().getAttribute('data-label'), 'Fiscal years');
  await shot('phone-partnerships-cards.png', false);


  // --- credits: the registry fills, the chart follows ---
  // (last: the registry is now not empty for the checks above)
  await page.setViewportSize({ width: 1280, height: 900 });
  const bin = process.env.C2C_BIN, db = process.env.C2C_DB;
  if (!bin || !db) bad('C2C_BIN and C2C_DB not set: the credits chart cannot be filled (run through tests/web.sh)');
  else {
    const reg = (...a) => execFileSync(bin, ['--db', db, 'registry', ...a], { stdio: ['ignore', 'pipe', 'pipe'] });
    reg('account', 'open', '--id', 'JP-GOV-1', '--country', 'JP', '--kind', 'government', '--holder', 'Government of Japan');
    reg('account', 'open', '--id', 'KH-GOV-1', '--country', 'KH', '--kind', 'government', '--holder', 'Ministry of Environment');
    reg('issue', '--external-verification', 'EV-1', '--source', 'test-fixture', '--project', 'KH003', '--from', '2022-01-01', '--to', '2022-12-31', '--quantity', '1200');
    reg('issue', '--external-verification', 'EV-1', '--source', 'test-fixture', '--project', 'KH003', '--from', '2024-01-01', '--to', '2024-12-31', '--quantity', '800');
    // authorized first: Japan may retire toward its NDC only credits adjusted to it
    reg('authorize', 'KH003-01');
    reg('allocate', 'KH003-01', 'JP-GOV-1=50', 'KH-GOV-1=50');
    reg('retire', '--account', 'JP-GOV-1', '--quantity', '250', '--purpose', 'ndc', '--beneficiary', 'Japan NDC');
    reg('cancel', '--account', 'KH-GOV-1', '--quantity', '100');
    const balance = await json('registry/balance');
    const vint = new Map();
    for (const b of balance) {
      const v = vint.get(b.vintage) || { active: 0, retired: 0, cancelled: 0 };
      v[b.state] += b.credits;
      vint.set(b.vintage, v);
    }
    const ys = [...vint.keys()];
    const wantV = [];
    for (let y = Math.min(...ys); y <= Math.max(...ys); y++) {
      const v = vint.get(y) || { active: 0, retired: 0, cancelled: 0 };
      wantV.push([String(y), v.active + v.retired + v.cancelled, v.active, v.retired, v.cancelled]);
    }
    await page.goto(`${base}#/charts`); // a new load: the page's API cache starts empty
    await page.reload();
    await ready('charts');
    const got = await page.locator('figure[data-chart="credits-vintage"] .bar').evaluateAll((els) => els.map((e) => {
      const part = (s) => Number(e.querySelector(`rect.part-${s}`)?.getAttribute('height') || 0);
      return [e.dataset.key, Number(e.dataset.value), part('active'), part('retired'), part('cancelled')];
    }));
    check('chart credits: one bar per vintage, first to last', got.map((g) => g[0]).join(','), wantV.map((w) => w[0]).join(','));
    check('chart credits: each vintage\'s credits', got.map((g) => g[1]).join(','), wantV.map((w) => w[1]).join(','));
    check('chart credits: three states drawn where there are credits in them',
      got.map((g) => g.slice(2).map((x) => (x > 0 ? 1 : 0)).join('')).join(','),
      wantV.map((w) => w.slice(2).map((x) => (x > 0 ? 1 : 0)).join('')).join(','));
    const fills = await page.locator('figure[data-chart="credits-vintage"] rect.val').evaluateAll((els) =>
      [...new Set(els.map((e) => getComputedStyle(e).fill))]);
    const statesUsed = ['active', 'retired', 'cancelled'].filter((s) => balance.some((b) => b.state === s)).length;
    check('chart credits: one colour per state', fills.length, statesUsed);
    check('chart credits: the table has the states',
      (await page.locator('figure[data-chart="credits-vintage"] thead th').allTextContents()).slice(2).join(','), 'Active,Retired,Cancelled');
    check('chart credits: no "no credits" note any more', await page.locator('figure[data-chart="credits-vintage"] .chart-empty').count(), 0);
    await page.locator('figure[data-chart="credits-vintage"]').scrollIntoViewIfNeeded();
    await page.locator('figure[data-chart="credits-vintage"]').screenshot({ path: join(shots, 'charts-credits.png') });
  }

  check('no request left the server', outside.join(' '), '');
  check('no console errors (CSP included)', problems.join(' | '), '');
} catch (e) {
  bad(`browser run stopped: ${e.message.split('\n')[0]}`);
  await shot('error.png').catch(() => {});
} finally {
  await close();
}
process.exit(counts.failed ? 1 : 0);
