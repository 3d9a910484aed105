// browser.mjs - the pages in a real browser: Debian's chromium, headless,
// driven by playwright-core against a `c2c serve` that tests/web.sh started.
// Prints "ok: …" or "FAILED: …" per check (web.sh counts them) and saves a
// screenshot of each page to SHOT_DIR, for a person to look at.
//
// usage: node test/browser.mjs BASE_URL SHOT_DIR
import { chromium } from 'playwright-core';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const [base, shots] = process.argv.slice(2);
const origin = new URL(base).origin;
let failed = 0;
const ok = (m) => console.log(`ok: ${m}`);
const bad = (m) => { failed++; console.log(`FAILED: ${m}`); };
const check = (m, got, want) => (got === want ? ok(`${m} (${got})`) : bad(`${m}: got ${JSON.stringify(got)}, expected ${JSON.stringify(want)}`));
const json = async (p) => (await fetch(`${origin}/api/v1/${p}`)).json();
mkdirSync(shots, { recursive: true });

const profile = mkdtempSync(join(tmpdir(), 'c2c-chromium-'));
const ctx = await chromium.launchPersistentContext(profile, {
  executablePath: '/usr/bin/chromium',
  headless: true,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  locale: 'en-US',
  viewport: { width: 1280, height: 900 },
});
const page = ctx.pages()[0] || await ctx.newPage();
const outside = [], problems = [];
// the pages must work offline: any request for another origin is refused and noted
await ctx.route('**/*', (route) => {
  const u = route.request().url();
  if (u.startsWith(origin) || u.startsWith('data:')) return route.continue();
  outside.push(u);
  return route.abort();
});
page.on('console', (m) => { if (m.type() === 'error') problems.push(m.text()); });
page.on('pageerror', (e) => problems.push(String(e)));
const ready = (name) => page.waitForSelector(`#content[data-ready="${name}"]`, { timeout: 15000 });
// the whole page, or what fits the window (the map pages: their list below is long)
const shot = (f, fullPage = true) => page.screenshot({ path: join(shots, f), fullPage });

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
  check('map: one point per place', await page.locator('circle.place').count(), places.length);
  const nlines = parts.reduce((n, p) => n + p.bodies.length * p.partners.length, 0);
  check('map: one line per body-partner pair', await page.locator('path.line').count(), nlines);
  check('map: country outlines drawn', (await page.locator('.land path').count()) > 100, true);
  await shot('map-ja.png', false);
  await page.selectOption('#f-country', 'VN');
  const vn = parts.filter((p) => p.country === 'VN');
  const vnIds = new Set(vn.flatMap((p) => [...p.bodies, ...p.partners].map((x) => x.id)));
  check('map: filter by country VN, partnerships in the list', await page.locator('.plist tbody tr').count(), vn.length);
  check('map: filter by country VN, points', await page.locator('circle.place').count(), vnIds.size);
  const fy = String(vn[0].fiscal_years[0]);
  await page.selectOption('#f-fy', fy);
  const vnfy = vn.filter((p) => p.fiscal_years.includes(Number(fy)));
  check(`map: filter by VN and FY${fy}`, await page.locator('.plist tbody tr').count(), vnfy.length);
  await shot('map-vn-fy.png', false);
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

  // --- accessibility basics ---
  const unlabelled = await page.evaluate(() => [...document.querySelectorAll('input, select')]
    .filter((e) => !e.labels?.length && !e.getAttribute('aria-label')).length);
  check('every input has a label', unlabelled, 0);
  await page.goto(`${base}#/`);
  await page.reload(); // a fresh load: focus at the top of the page
  await ready('dashboard');
  await page.keyboard.press('Tab');
  check('keyboard: first Tab reaches the skip link', await page.evaluate(() => document.activeElement.className), 'skip');

  // --- phone ---
  await page.setViewportSize({ width: 390, height: 844 });
  for (const [route, name] of [['#/', 'dashboard'], ['#/map', 'map'], ['#/partnerships?q=Toyama', 'partnerships']]) {
    await page.goto(`${base}${route}`);
    await ready(name);
    const wide = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    check(`phone: ${name} fits the width`, wide <= 0, true);
    await shot(`phone-${name}.png`, false);
  }

  check('no request left the server', outside.join(' '), '');
  check('no console errors (CSP included)', problems.join(' | '), '');
} catch (e) {
  bad(`browser run stopped: ${e.message.split('\n')[0]}`);
  await shot('error.png').catch(() => {});
} finally {
  await ctx.close();
  rmSync(profile, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);
