// role-shots.mjs - the screenshots of docs/web.md's "Every role's page" (docs/img/role-*.png):
// one page per role, logged in as the example's user of that role.  Not a test; run by hand
// after a change to those pages:
//   build/c2c --db /tmp/ex.db init --example > /tmp/ex.out && build/c2c --db /tmp/ex.db serve --port 8099 &
//   (cd web && node test/role-shots.mjs http://127.0.0.1:8099 /tmp/ex.out ../docs/img)
import { chromium } from 'playwright-core';
import { readFileSync } from 'node:fs';
const [, , base, printed, outDir] = process.argv;
const pw = Object.fromEntries(readFileSync(printed, 'utf8').split('\n').map((l) => l.trim().split(/\s+/)).filter((p) => p.length === 3 && p[0].startsWith('example-')).map((p) => [p[0], p[2]]));
const shots = [
  ['example-admin', '#/admin', 'en', 'role-admin'],
  ['example-office', '#/calls/example-call', 'ja', 'role-office'],
  ['example-yokohama', '#/workspace', 'ja', 'role-municipality'],
  ['example-reviewer', '#/reviews', 'en', 'role-reviewer'],
  ['example-bangkok', '#/city-workspace?place=th-bangkok-city', 'en', 'role-partner'],
  ['example-company', '#/mrv', 'ja', 'role-participant'],
  ['example-verifier', '#/mrv/2', 'en', 'role-verifier'],
  ['example-registrar', '#/registry', 'ja', 'role-registrar'],
];
const b = await chromium.launch({ executablePath: '/usr/bin/chromium' });
for (const [user, hash, lang, file] of shots) {
  const ctx = await b.newContext({ viewport: { width: 1280, height: 1000 } });
  const p = await ctx.newPage();
  await p.addInitScript((l) => localStorage.setItem('c2c.lang', l), lang);
  await p.goto(base + '/');
  const st = await p.evaluate(async ([n, w]) => (await fetch('/api/v1/session', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ name: n, password: w }) })).status, [user, pw[user]]);
  await p.goto(base + '/' + hash);
  await p.reload();
  await p.waitForSelector('main[data-ready]');
  await p.waitForTimeout(500);
  await p.screenshot({ path: `${outDir}/${file}.png` });
  console.log(file, st);
  await ctx.close();
}
await b.close();
