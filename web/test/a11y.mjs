// a11y.mjs - every page as a screen reader or keyboard user meets it (issue
// 20), in English and Japanese: its own <title>, one <h1> and headings that
// do not skip a level, the landmarks (banner, navigation, main, contentinfo),
// and axe-core (npm, Deque's rules for WCAG 2.x) with no serious or critical
// violation; and no developer text shown (paths, source ids, commands, role
// lists, "null").  axe runs through the DevTools protocol (page.evaluate), which
// the page's CSP does not govern, so the page is tested with its CSP on.
//
// usage: node test/a11y.mjs BASE_URL SHOT_DIR
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { launch, ok, bad, check, counts } from './harness.mjs';

const [base, shots] = process.argv.slice(2);
const origin = new URL(base).origin;
const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const json = async (p) => (await fetch(`${origin}/api/v1/${p}`)).json();

// every page of the nav, every table's list, and one row of each table
// (a table keyed by more than one column, the figures, has no pages of its own)
const tables = (await json('tables')).filter((x) => x.listable && x.key.length === 1);
const routes = ['', 'map', 'charts', 'domino', 'cities', 'readiness', 'match', 'registry', 'mrv', 'calls', 'data', 'admin', 'city-workspace'];
for (const tb of tables) {
  if (!routes.includes(tb.name)) routes.push(tb.name);
  const rows = await json(`${tb.name}?limit=1`).catch(() => []);
  const key = Array.isArray(rows) && rows[0] ? rows[0][tb.key[0]] : null;
  if (key != null) routes.push(`${tb.name}/${encodeURIComponent(key)}`);
}
const calls = await json('calls');
if (calls[0]) routes.push(`calls/${calls[0].id}`);

const { page, problems, close } = await launch(origin, shots);
try {
  for (const lang of ['en', 'ja']) {
    await page.goto(base);
    await page.evaluate((l) => localStorage.setItem('c2c.lang', l), lang);
    const titles = new Map();
    const found = [];
    for (const r of routes) {
      await page.goto(`${base}#/${r}`);
      await page.reload();
      await page.waitForSelector('#content[data-ready]', { timeout: 20000 });
      const where = `${lang} #/${r}`;
      const title = await page.title();
      if (titles.has(title)) found.push(`${where}: the same title as #/${titles.get(title)} ("${title}")`);
      else titles.set(title, r);
      const shape = await page.evaluate(() => {
        const hs = [...document.querySelectorAll('h1, h2, h3, h4, h5, h6')].filter((e) => e.getClientRects().length);
        const skips = [];
        let last = 0;
        for (const e of hs) {
          const n = Number(e.tagName[1]);
          if (n > last + 1) skips.push(`h${last} then ${e.tagName.toLowerCase()} "${e.textContent.trim().slice(0, 40)}"`);
          last = n;
        }
        const marks = ['header', 'nav', 'main', 'footer'].filter((s) => !document.querySelector(`body > ${s}, body > * > ${s}`));
        // developer text (issue 20): file paths, source ids, commands, role
        // lists, JavaScript's empties, as the page shows them
        const dev = (document.body.innerText.match(
          /tests\/\S+|\S+\.c\b|seed 00\d|read route|\bc2c [a-z]+ [a-z]+|\(admin [a-z ]+\)|\bnull\b|\bundefined\b|\bNaN\b/g) || []);
        return { h1: hs.filter((e) => e.tagName === 'H1').length, skips, missing: marks, dev };
      });
      if (shape.h1 !== 1) found.push(`${where}: ${shape.h1} <h1>`);
      for (const s of shape.skips) found.push(`${where}: heading skips a level: ${s}`);
      if (shape.dev.length) found.push(`${where}: developer text on the page: ${[...new Set(shape.dev)].join(' | ')}`);
      if (shape.missing.length) found.push(`${where}: no landmark ${shape.missing.join(', ')}`);
      await page.evaluate(axeSource);
      const res = await page.evaluate(() => window.axe.run(document, { resultTypes: ['violations'] }));
      for (const v of res.violations.filter((x) => x.impact === 'serious' || x.impact === 'critical'))
        found.push(`${where}: axe ${v.impact} ${v.id} (${v.nodes.length}): ${v.help} — ${v.nodes[0].target.join(' ')}`);
    }
    console.log(`a11y: ${lang}: ${routes.length} pages, ${titles.size} titles`);
    check(`${lang}: every page its own title`, titles.size, routes.length);
    if (found.length) for (const f of found) bad(f);
    else ok(`${lang}: ${routes.length} pages, one h1 each, headings in order, landmarks, no developer text, axe: no serious or critical issue`);
  }
  check('no error in the console', problems.join(' | '), '');
} catch (e) {
  bad(`a11y: ${e.stack || e}`);
} finally {
  await close();
}
process.exit(counts.failed ? 1 : 0);
