import { chromium } from 'playwright-core';
import { readFileSync } from 'node:fs';
const [, , base, printed, outDir] = process.argv;
const pw = Object.fromEntries(readFileSync(printed, 'utf8').split('\n').map((l) => l.trim().split(/\s+/)).filter((p) => p.length === 3 && p[0].startsWith('example-')).map((p) => [p[0], p[2]]));
const pages = [['example-admin', '#/admin', 'admin'], ['example-office', '#/calls/example-call', 'office'], ['example-yokohama', '#/workspace', 'muni'],
  ['example-reviewer', '#/reviews', 'reviewer'], ['example-bangkok', '#/city-workspace?place=th-bangkok-city', 'partner'], ['example-company', '#/mrv', 'participant'],
  ['example-verifier', '#/mrv/2', 'verifier'], ['example-registrar', '#/registry', 'registrar'], [null, '#/places?country=VN', 'places']];
const b = await chromium.launch({ executablePath: '/usr/bin/chromium' });
const problems = [];
for (const [user, hash, file] of pages) for (const width of [1366, 390]) for (const lang of ['ja', 'en']) {
  const ctx = await b.newContext({ viewport: { width, height: 900 } });
  const p = await ctx.newPage();
  p.on('console', (m) => { if (m.type() === 'error') problems.push(`${file} ${lang} ${width}: ${m.text()}`); });
  await p.addInitScript((l) => localStorage.setItem('c2c.lang', l), lang);
  await p.goto(base + '/');
  if (user) await p.evaluate(async ([n, w]) => fetch('/api/v1/session', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ name: n, password: w }) }), [user, pw[user]]);
  await p.goto(base + '/' + hash); await p.reload();
  await p.waitForSelector('main[data-ready]');
  const over = await p.evaluate(() => document.documentElement.scrollWidth > window.innerWidth + 1);
  if (over) problems.push(`${file} ${lang} ${width}: wider than the window`);
  await p.screenshot({ path: `${outDir}/${file}-${lang}-${width}.png`, fullPage: width === 390 });
  await ctx.close();
}
console.log(problems.join('\n') || 'no console errors, nothing wider than the window');
await b.close();
