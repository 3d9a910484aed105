// advice.mjs - the readiness check (#/readiness) and matching (#/match) in a
// real browser, against a `c2c serve` with the built-in data: a
// questionnaire refused while unanswered, then filled and scored, its
// figures checked against the worked numbers of docs/programme.md (written
// down here: checks 1-2 best answer 3 -> 100, checks 3, 4 and 6 mean 1 ->
// 33.33, check 5 all 0 -> 0; overall 50.00, "partly ready") and against the
// API; each pointer a link to a real scheme or case; a need matched with
// the API's ranking and reasons; the leave-one-out figure as the API gives
// it; both languages; nothing from another origin.
//
// usage: node test/advice.mjs BASE_URL SHOT_DIR
import { launch, ok, bad, check, counts } from './harness.mjs';
import { readFileSync } from 'node:fs';
import { L } from '../src/i18n.js';

const [base, shots] = process.argv.slice(2);
const origin = new URL(base).origin;
const json = async (p, init) => (await fetch(`${origin}/api/v1/${p}`, init)).json();

// every key advice.js names is in i18n.js, in both languages
{
  const src = readFileSync(new URL('../src/advice.js', import.meta.url), 'utf8');
  const keys = [...new Set([...src.matchAll(/'((?:rd|m|nav)_[a-z0-9_]+)'/g)].map((m) => m[1]))];
  const missing = keys.filter((k) => !(Array.isArray(L[k]) && L[k][0] && L[k][1]));
  check(`advice.js: every label named (${keys.length}) is in i18n.js in both languages`, missing.join(','), '');
  const templ = Object.keys(L).filter((k) => /^(rd_answer_|rd_level:|rd_kind:|m_kind:|m_size:)/.test(k));
  check('advice.js: the labels it builds from values are there', templ.length >= 4 + 3 + 2 + 4 + 3, true);
}

const { page, outside, problems, ready, shot, close } = await launch(origin, shots);
const leaked = () => page.evaluate(() => {
  const said = [document.getElementById('content').innerText,
    ...[...document.querySelectorAll('[aria-label]')].map((e) => e.getAttribute('aria-label'))].join('\n');
  return [...new Set(said.match(/\b(?:rd|m)_[a-z0-9_]+(?::[a-z ]+)?|\bnull\b|\bundefined\b|\[object \w+\]|\bNaN\b/g) || [])].join(',');
});

try {
  // ============ readiness ============
  const qs = await json('readiness/questions');
  await page.goto(`${base}#/readiness`);
  await ready('readiness');
  check('readiness: nav link current', await page.locator('nav a[data-route="readiness"]').getAttribute('aria-current'), 'page');
  check('readiness: one labelled select per question', await page.locator('#readiness-form select').count(), qs.length);
  check('readiness: six checks, each a fieldset', await page.locator('#readiness-form fieldset.check').count(), 6);
  const unlabelled = await page.locator('#readiness-form select').evaluateAll((ss) =>
    ss.filter((s) => !document.querySelector(`label[for="${s.id}"]`)?.textContent.trim()).length);
  check('readiness: every select has its label', unlabelled, 0);
  // nothing answered: refused on the page, every select marked, the first focused
  await page.click('#readiness-form button[type=submit]');
  check('readiness: unanswered, said', await page.locator('#rd-alert').textContent(), `${qs.length} items are not answered yet.`);
  check('readiness: unanswered, marked', await page.locator('#readiness-form select[aria-invalid="true"]').count(), qs.length);
  check('readiness: unanswered, the first takes the focus', await page.evaluate(() => document.activeElement.dataset.item), qs[0].item);
  check('readiness: nothing scored yet', await page.locator('#rd-result h2').count(), 0);

  const answers = Object.fromEntries(qs.map((q) => [q.item, q.check <= 2 ? 3 : q.check === 5 ? 0 : 1]));
  for (const q of qs) await page.selectOption(`#rd-${q.item}`, String(answers[q.item]));
  await page.click('#readiness-form button[type=submit]');
  await page.waitForSelector('#rd-result h2');
  await ready('readiness');
  const api = await json('readiness/score', { method: 'POST', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ answers }) });
  check('readiness: the API scores it 50.00, partly ready (docs/programme.md)', `${api.overall} ${api.level}`, '50.00 partly ready');
  check('readiness: the overall score shown', await page.locator('#rd-result .overall').textContent(), 'Overall 50.00 of 100: partly ready');
  check('readiness: the lowest check named', await page.locator('#rd-result .lowest').textContent(), 'Lowest check(s): 5');
  check('readiness: six bars', await page.locator('#rd-result svg g.bar').count(), 6);
  const perCheck = await page.locator('#rd-result figure table tbody tr').evaluateAll((rs) =>
    rs.map((r) => r.querySelectorAll('td')[0]?.textContent.trim()));
  check('readiness: the scores per check as a table', perCheck.join(' '), '100 100 33.33 33.33 0 33.33');
  check('readiness: the weakest points, as the API names them',
    (await page.locator('#rd-result ol.weakest > li').evaluateAll((ls) => ls.map((l) => l.dataset.item))).join(','),
    api.weakest.map((w) => w.item).join(','));
  // every item of check 5 answered 0 is among them; no item of checks 1-2
  check('readiness: every check-5 item is a weak point',
    qs.filter((q) => q.check === 5).every((q) => api.weakest.some((w) => w.item === q.item)), true);
  check('readiness: no item of checks 1-2 is', api.weakest.some((w) => w.check <= 2), false);
  const links = await page.locator('#rd-result ul.pointers a').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
  const pointers = api.weakest.flatMap((w) => w.pointers || []);
  check('readiness: one link per scheme or case pointer', links.length, pointers.filter((p) => p.kind === 'scheme' || p.kind === 'case').length);
  check('readiness: the links go to schemes and cases', links.every((l) => /^#\/(schemes|cases)\/[a-z0-9-]+$/.test(l)), true);
  check('readiness: no missing label', await leaked(), '');
  await shot('readiness.png');
  // a pointer opens a real row of the atlas
  const first = links[0];
  await page.click(`#rd-result ul.pointers a[href="${first}"]`);
  await ready(decodeURIComponent(first.slice(2)));
  check('readiness: a pointer opens its page', (await page.locator('h1').count()) === 1 && !(await page.locator('.warn').count()), true);
  await page.goBack();
  await ready('readiness');
  check('readiness: back, the answers are still there', await page.locator(`#rd-${qs[0].item}`).inputValue(), '3');

  // Japanese
  await page.click('#lang');
  await ready('readiness');
  check('readiness in Japanese: heading', await page.locator('h1').textContent(), L.rd_h[0]);
  await page.click('#readiness-form button[type=submit]');
  await page.waitForSelector('#rd-result h2');
  await ready('readiness');
  check('readiness in Japanese: the result', await page.locator('#rd-result .overall').textContent(), '総合 50.00 点（100 点満点）：一部準備ができている');
  check('readiness in Japanese: no missing label', await leaked(), '');
  await shot('readiness-ja.png');
  await page.click('#lang');
  await ready('readiness');

  // ============ matching ============
  await page.goto(`${base}#/match`);
  await ready('match');
  check('match: nav link current', await page.locator('nav a[data-route="match"]').getAttribute('aria-current'), 'page');
  const ev = await json('match/evaluation');
  check('match: the evaluation figure is the API\'s', await page.locator('.eval-figure').getAttribute('data-top3'), String(ev.top3_hits));
  check('match: the evaluation said in words', await page.locator('.eval-figure').textContent(),
    `Hiding each partnership of the atlas in turn, the real Japanese partner ranked in the top 3 for ${ev.top3_hits} of ${ev.partnerships} (${ev.top3_percent}%).`);
  await page.click('#match-form button[type=submit]');
  check('match: no country, said', await page.locator('#m-alert').textContent(), 'Choose a country.');
  check('match: no country, marked', await page.locator('#m-country').getAttribute('aria-invalid'), 'true');
  await page.selectOption('#m-country', 'VN');
  await page.selectOption('#m-sector', 'water');
  await page.fill('#m-tech', 'pump');
  await page.selectOption('#m-size', 'medium');
  await page.click('#match-form button[type=submit]');
  await page.waitForSelector('#m-result section.match-kind');
  await ready('match');
  const m = await json('match?country=VN&sector=water&tech=pump&size=medium');
  for (const kind of ['bodies', 'companies', 'technologies', 'schemes', 'methodologies', 'counterparts']) {
    const ids = await page.locator(`#m-result section[data-kind="${kind}"] tbody tr`).evaluateAll((rs) => rs.map((r) => r.dataset.id));
    check(`match: ${kind} in the API's order`, ids.join(','), m[kind].map((r) => r.id).join(','));
  }
  check('match: Yokohama first for water in Viet Nam', m.bodies[0].id, 'jp-yokohama-city');
  // know-how from Japan, and apart from it the partner side's organisations in Viet Nam
  check('match: every company ranked is Japanese', (await json('companies')).filter((c) => m.companies.some((x) => x.id === c.id) && c.country !== 'JP').length, 0);
  check('match: the Da Nang water utility is a counterpart, not a company', `${m.companies.some((x) => x.id === 'co-dawaco')} ${m.counterparts.map((x) => x.id).join(',')}`, 'false co-dawaco');
  check('match: its reasons shown', (await page.locator('#m-result section[data-kind="bodies"] tbody tr').first().locator('ul.why li').allTextContents()).join(' | '),
    m.bodies[0].why.join(' | '));
  check('match: the body links to its place', await page.locator('#m-result section[data-kind="bodies"] tbody tr a').first().getAttribute('href'), '#/places/jp-yokohama-city');
  check('match: no missing label', await leaked(), '');
  await shot('match.png');
  // a need in the address: matched on arrival
  await page.goto(`${base}#/match?country=ID&sector=waste`);
  await ready('match');
  await page.waitForSelector('#m-result section.match-kind');
  const m2 = await json('match?country=ID&sector=waste');
  check('match: a need in the address is matched at once',
    await page.locator('#m-result section[data-kind="bodies"] tbody tr').first().getAttribute('data-id'), m2.bodies[0].id);
  await page.click('#lang');
  await ready('match');
  check('match in Japanese: a section heading', await page.locator('#m-bodies-h').textContent(), L['m_kind:bodies'][0]);
  check('match in Japanese: no missing label', await leaked(), '');
  await shot('match-ja.png');
  await page.click('#lang');
  await ready('match');

  // phone
  await page.setViewportSize({ width: 390, height: 844 });
  for (const name of ['readiness', 'match']) {
    await page.goto(`${base}#/${name}`);
    await ready(name);
    check(`phone: ${name} fits the width`, await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth) <= 0, true);
  }
  check('no request left the server', outside.join(' '), '');
  check('no console errors (CSP included)', problems.join(' | '), '');
} catch (e) {
  bad(`advice run stopped: ${e.message.split('\n')[0]}`);
  await shot('advice-error.png').catch(() => {});
} finally {
  await close();
}
process.exit(counts.failed ? 1 : 0);
