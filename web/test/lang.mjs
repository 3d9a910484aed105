// lang.mjs - the server's words in the page's language, in a real browser
// (issue 20 "Language", issue 15 "errors at their field, in the page's
// language"): on the example database (c2c init --example), a registrar on
// the Japanese page opens an account with an id the server refuses; the
// refusal comes back in Japanese, beside the id field, marked lang="ja",
// and the request said Accept-Language: ja.  The same on the English page
// gives the server's English at the same field.  The matching page shows
// its reasons in Japanese.  Nothing of the refused account is stored.
// Prints "ok: …" / "FAILED: …" (tests/lang.sh counts them).
//
// usage: node test/lang.mjs BASE_URL SHOT_DIR REGISTRAR_PASSWORD
import { launch, ok, bad, check, counts } from './harness.mjs';

const [base, shots, regPw] = process.argv.slice(2);
const origin = new URL(base).origin;
const expected = /^Failed to load resource: the server responded with a status of (401|403|422) /;
const { ctx, page, outside, problems, ready, shot, close } = await launch(origin, shots, expected);
const sent = [];
page.on('request', (r) => { if (r.url().includes('/api/v1/')) sent.push({ url: r.url(), method: r.method(), lang: r.headers()['accept-language'] }); });
const JA = /[\u3040-\u30ff\u4e00-\u9fff]/;

async function inLanguage(l) {
  await page.goto(base);
  await page.evaluate((x) => localStorage.setItem('c2c.lang', x), l);
  await page.goto(`${base}#/registry`);
  await page.reload();
  await ready('registry');
}

async function refusedOpen(l) {
  await inLanguage(l);
  if (await page.locator('#logout').count() === 0) {
    if (await page.locator('#login-form').isHidden()) await page.click('#login-open');
    await page.fill('#login-name', 'example-registrar');
    await page.fill('#login-password', regPw);
    await page.click('#login-form button[type="submit"]');
    await page.waitForSelector('#logout', { timeout: 10000 });
  }
  await page.waitForSelector('#account-open', { timeout: 15000 });
  sent.length = 0;
  await page.fill('#account-open-id', 'jp x');
  await page.selectOption('#account-open-kind', 'entity');
  await page.fill('#account-open-holder', l === 'ja' ? '【例】言語の試験' : '(Example) language test');
  await page.click('#account-open button[type="submit"]');
  await page.waitForFunction(() => (document.getElementById('account-open-id-err')?.textContent || '') !== '', null, { timeout: 10000 });
  const err = page.locator('#account-open-id-err');
  return {
    text: (await err.textContent()).trim(),
    lang: await err.getAttribute('lang'),
    invalid: await page.getAttribute('#account-open-id', 'aria-invalid'),
    focused: await page.evaluate(() => document.activeElement?.id),
    write: sent.find((r) => r.method === 'POST' && r.url.endsWith('/registry/account-open')),
  };
}

const ja = await refusedOpen('ja');
check('Japanese page: the refusal beside the id field, in Japanese', ja.text, '口座番号「jp x」：A-Z、0-9、「-」で 3〜40 文字にしてください');
check('Japanese page: the error marked lang="ja"', ja.lang, 'ja');
check('Japanese page: the id field marked invalid and focused', `${ja.invalid} ${ja.focused}`, 'true account-open-id');
check('Japanese page: the write said Accept-Language: ja', ja.write?.lang, 'ja');
await shot('lang-error-ja.png', false);
await page.setViewportSize({ width: 390, height: 844 });
await page.locator('#account-open-id-err').scrollIntoViewIfNeeded();
// the screenshot only: let the page finish painting at its new width
await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
await shot('lang-error-ja-phone.png', false);
const wide = await page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth + 1);
check('phone width: the Japanese error makes no horizontal scroll', wide, false);
await page.setViewportSize({ width: 1280, height: 900 });

const en = await refusedOpen('en');
check('English page: the server\'s English at the same field', en.text, "account id 'jp x': use 3 to 40 of A-Z, 0-9 and '-'");
check('English page: the error marked lang="en"', en.lang, 'en');
check('English page: the write said Accept-Language: en', en.write?.lang, 'en');

// every API call of the pages says the page's language
const unsaid = sent.filter((r) => r.lang !== 'en').map((r) => `${r.method} ${r.url}`);
check('English page: every API call after the switch said its language', unsaid.join(', '), '');

const accounts = await (await fetch(`${origin}/api/v1/registry/accounts`)).json().catch(() => null);
if (Array.isArray(accounts)) check('nothing stored by the refusals', accounts.some((a) => /jp x/i.test(a.id)), false);
else ok('the accounts are not public: nothing to list (the refusals were 422)');

// the matching page: its reasons in Japanese
await page.goto(base);
await page.evaluate(() => localStorage.setItem('c2c.lang', 'ja'));
await page.goto(`${base}#/match?country=VN&sector=water&size=large`);
await page.reload();
await ready('match');
if (!(await page.locator('ul.why li').count())) await page.click('#match-form button[type="submit"]');
await page.waitForSelector('ul.why li', { timeout: 15000 }).catch(() => null);
const whys = await page.locator('ul.why li').evaluateAll((ls) => ls.map((l) => [l.textContent, l.getAttribute('lang')]));
check('matching page in Japanese: reasons shown', whys.length > 0, true);
check('matching page in Japanese: every reason in Japanese, marked so',
  whys.filter(([w, l]) => !JA.test(w) || l !== 'ja').map(([w]) => w).join(' | '), '');
await page.locator('ul.why').first().scrollIntoViewIfNeeded().catch(() => null);
await shot('lang-match-ja.png', false);

check('no request left the server', outside.join(', '), '');
check('no console error or page exception', problems.join(' | '), '');
await close();
if (counts.failed) process.exitCode = 1;
