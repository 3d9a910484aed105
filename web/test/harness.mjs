// harness.mjs - what the browser test files share: the counting of checks
// (tests/web.sh reads the "ok: …" and "FAILED: …" lines), Debian's chromium
// launched headless in a throw-away profile, and the offline rule: the pages
// must work with nothing from the internet, so any request for another origin
// is refused and noted in `outside`.
import { chromium } from 'playwright-core';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const counts = { failed: 0 };
export const ok = (m) => console.log(`ok: ${m}`);
export const bad = (m) => { counts.failed++; console.log(`FAILED: ${m}`); };
export const check = (m, got, want) =>
  (got === want ? ok(`${m} (${got})`) : bad(`${m}: got ${JSON.stringify(got)}, expected ${JSON.stringify(want)}`));

// { ctx, page, outside, problems, ready, shot, close }: a browser on a
// 1280x900 window, English locale.  problems: the console's errors and the
// page's uncaught exceptions, but those `expected` matches (a refusal the
// test provokes); ready(name): wait for <main data-ready=name> (main.js sets
// it when a page is drawn); shot(file, fullPage): a screenshot into shots/.
//
// { httpCache: true }: playwright's routing turns the browser's HTTP cache
// off, so a test of caching (speed.mjs) only watches for other origins: it
// notes them in `outside` without refusing them.
export async function launch(origin, shots, expected = null, { httpCache = false } = {}) {
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
  const outside = [];
  const local = (u) => u.startsWith(origin) || u.startsWith('data:') || u === 'about:blank';
  if (httpCache) {
    ctx.on('request', (r) => { if (!local(r.url())) outside.push(r.url()); });
  } else {
    await ctx.route('**/*', (route) => {
      const u = route.request().url();
      if (local(u)) return route.continue();
      outside.push(u);
      return route.abort();
    });
  }
  const problems = [];
  page.on('console', (m) => { if (m.type() === 'error' && !(expected && expected.test(m.text()))) problems.push(m.text()); });
  page.on('pageerror', (e) => problems.push(String(e)));
  const ready = (name) => page.waitForSelector(`#content[data-ready="${name}"]`, { timeout: 15000 });
  const shot = (f, fullPage = true) => page.screenshot({ path: join(shots, f), fullPage });
  const close = async () => {
    await ctx.close();
    rmSync(profile, { recursive: true, force: true });
  };
  return { ctx, page, outside, problems, ready, shot, close };
}

// What the tests of the forms ask of a page: the id of the focused element,
// an element's text, a form's success line (the page is drawn again after a
// write and says what was done), the fields without a label, and log-in and
// log-out through the header's box with the test users' password
// pass-NAME-0123.
export function formHelpers(page) {
  const focused = () => page.evaluate(() => document.activeElement?.id || document.activeElement?.tagName);
  const text = async (sel) => ((await page.locator(sel).first().textContent()) || '').trim();
  const said = (form) => page.waitForSelector(`#${form}-status.ok`, { timeout: 10000 }).then((e) => e.textContent());
  const labelled = () => page.evaluate(() => [...document.querySelectorAll('input, select, textarea')]
    .filter((e) => !e.labels?.length && !e.getAttribute('aria-label')).map((e) => e.id || e.name));
  async function login(name) {
    if (await page.locator('#login-form').isHidden()) await page.click('#login-open');
    await page.fill('#login-name', name);
    await page.fill('#login-password', `pass-${name}-0123`);
    await page.click('#login-form button[type="submit"]');
    await page.waitForSelector('#who');
  }
  async function logout() {
    await page.click('#logout');
    await page.waitForSelector('#login-open', { timeout: 10000 });
  }
  return { focused, text, said, labelled, login, logout };
}

// The API as the page's session sees it (its cookie): {status, body}.
export function asPageOf(page) {
  return (p, init = {}) => page.evaluate(async ([p, init]) => {
    const r = await fetch(`/api/v1/${p}`, init);
    let body = null;
    try { body = await r.json(); } catch { /* none */ }
    return { status: r.status, body };
  }, [p, init]);
}
