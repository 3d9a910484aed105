// map.mjs - the map as an official shows it in a meeting (issue 20): zoom
// and pan by buttons, wheel, drag and keyboard; labels that never overlap
// (their boxes measured in the browser), more of them as the map zooms in;
// the lines coloured by status or by fiscal year, the choice in the address
// and the legend; at 1280 and 390 px, in English and Japanese, with a
// screenshot of each (map-1280-en.png ...).  Expected counts come from the
// API in the run.
//
// usage: node test/map.mjs BASE_URL SHOT_DIR
import { launch, ok, bad, check, counts } from './harness.mjs';

const [base, shots] = process.argv.slice(2);
const origin = new URL(base).origin;
const json = async (p) => (await fetch(`${origin}/api/v1/${p}`)).json();
const { page, outside, problems, ready, shot, close } = await launch(origin, shots);

// the labels' boxes as the browser draws them, and the pairs that overlap
const labelBoxes = () => page.locator('svg.map text.label').evaluateAll((ts) => ts.map((t) => {
  const r = t.getBoundingClientRect();
  return { id: t.dataset.id, x: r.left, y: r.top, w: r.width, h: r.height };
}));
const overlaps = (bs) => {
  const out = [];
  for (let i = 0; i < bs.length; i++) for (let j = i + 1; j < bs.length; j++) {
    const a = bs[i], b = bs[j];
    if (a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h) out.push(`${a.id}/${b.id}`);
  }
  return out;
};
// the screen position of a place's point
const pos = (id) => page.locator(`circle.place[data-id="${id}"]`).evaluate((c) => {
  const r = c.getBoundingClientRect();
  return [r.left + r.width / 2, r.top + r.height / 2];
});
const dist = ([a, b], [c, d]) => Math.hypot(a - c, b - d);
const zoom = () => page.locator('svg.map').getAttribute('data-zoom').then(Number);

try {
  const parts = await json('partnerships');
  const projects = await json('projects');
  const agreements = await json('agreements');
  // the status rule of docs/web.md, computed here from the API's rows
  const ids = (xs) => new Set(xs.map((x) => x.id));
  const statusOf = (p) => {
    const bs = ids(p.bodies), ps = ids(p.partners);
    const prj = projects.filter((x) => ps.has(x.place_id) && bs.has(x.body_id));
    return prj.some((x) => x.kind === 'jcm') ? 'jcm' : prj.length ? 'project'
      : agreements.some((a) => bs.has(a.body_id) && ps.has(a.partner_place_id)) ? 'agreement' : 'none';
  };
  const want = {};
  for (const p of parts) want[statusOf(p)] = (want[statusOf(p)] || 0) + 1;

  for (const [lang, width] of [['en', 1280], ['ja', 1280], ['en', 390], ['ja', 390]]) {
    const tag = `${width} ${lang}`;
    await page.setViewportSize({ width, height: width > 600 ? 1200 : 844 });
    await page.goto(`${base}#/`);
    await page.evaluate((l) => localStorage.setItem('c2c.lang', l), lang);
    await page.goto(`${base}#/map`);
    await page.reload();
    await ready('map');
    const vb = (await page.locator('svg.map').getAttribute('viewBox')).split(' ').map(Number);
    const box = await page.locator('svg.map').boundingBox();
    check(`${tag}: the map's units are the screen's pixels`, Math.abs(vb[2] - box.width) <= 2, true);
    check(`${tag}: the page no wider than the screen`, await page.evaluate(() => document.documentElement.scrollWidth <= innerWidth), true);

    // labels: some, none overlapping, none outside the map
    const l1 = await labelBoxes();
    if (l1.length >= 5) ok(`${tag}: ${l1.length} labels at the whole map`); else bad(`${tag}: only ${l1.length} labels`);
    check(`${tag}: no two labels overlap`, overlaps(l1).join(' '), '');
    check(`${tag}: every label inside the map`, l1.filter((b) => b.x < box.x || b.y < box.y ||
      b.x + b.w > box.x + box.width + 0.5 || b.y + b.h > box.y + box.height + 0.5).map((b) => b.id).join(' '), '');
    // the first label is the place with the most partnerships
    const top = await page.locator('svg.map text.label').first().getAttribute('data-id');
    const n = (id) => parts.filter((p) => [...p.bodies, ...p.partners].some((x) => x.id === id)).length;
    const most = Math.max(...[...new Set(parts.flatMap((p) => [...p.bodies, ...p.partners].map((x) => x.id)))].map(n));
    check(`${tag}: the first label is a place with the most partnerships (${most})`, n(top), most);
    await shot(`map-${width}-${lang}.png`, false);

    // zoom in with the button: two points move apart by the zoom's factor
    const [a0, b0] = [await pos('jp-tokyo-prefecture'), await pos('jp-kitakyushu-city')];
    await page.click('#zoom-in');
    const k1 = await zoom();
    const [a1, b1] = [await pos('jp-tokyo-prefecture'), await pos('jp-kitakyushu-city')];
    check(`${tag}: + zooms in (×${k1})`, k1 > 1.5, true);
    check(`${tag}: points move apart by the zoom`, Math.abs(dist(a1, b1) / dist(a0, b0) - k1) < 0.05, true);
    const l2 = await labelBoxes();
    check(`${tag}: zoomed in, still no two labels overlap`, overlaps(l2).join(' '), '');
    // more labels once zoomed (Japan and Java are dense): twice more in
    await page.click('#zoom-in');
    await page.click('#zoom-in');
    const l3 = await labelBoxes();
    check(`${tag}: zoomed in ×${await zoom()}, no two labels overlap`, overlaps(l3).join(' '), '');
    await page.click('#zoom-reset');
    check(`${tag}: show all`, await zoom(), 1);

    // the keyboard: Tab from the reset button to the map, + zooms, an arrow
    // pans, − zooms out, 0 shows all
    await page.focus('#zoom-reset');
    await page.keyboard.press('Tab');
    check(`${tag}: Tab reaches the map`, await page.evaluate(() => document.activeElement.matches('svg.map')), true);
    await page.keyboard.press('+');
    const kk = await zoom();
    check(`${tag}: + on the map zooms`, kk > 1, true);
    const p0 = await pos('jp-tokyo-prefecture');
    await page.keyboard.press('ArrowRight');
    const p1 = await pos('jp-tokyo-prefecture');
    check(`${tag}: ArrowRight pans (the map moves left)`, p1[0] < p0[0] - 10 && Math.abs(p1[1] - p0[1]) < 1, true);
    await page.keyboard.press('ArrowDown');
    const p2 = await pos('jp-tokyo-prefecture');
    check(`${tag}: ArrowDown pans (the map moves up)`, p2[1] < p1[1] - 10 || (await zoom()) === kk, true);
    await page.keyboard.press('-');
    check(`${tag}: − zooms out`, await zoom() < kk, true);
    await page.keyboard.press('0');
    check(`${tag}: 0 shows all`, await zoom(), 1);
    await page.keyboard.press('Tab');
    check(`${tag}: the next Tab reaches a point`, await page.evaluate(() => document.activeElement.getAttribute('class')), 'pt');

    if (width > 600) {
      // the wheel zooms about the pointer: the point under it stays put
      const t = await pos('jp-toyama-city');
      await page.mouse.move(t[0], t[1]);
      await page.mouse.wheel(0, -400);
      await page.waitForFunction(() => Number(document.querySelector('svg.map').dataset.zoom) > 1);
      const t2 = await pos('jp-toyama-city');
      check(`${tag}: the wheel zooms in (×${await zoom()}) about the pointer`, dist(t, t2) < 2, true);
      // zoomed in on Japan, labels the whole map had no room for
      const before = new Set(l1.map((b) => b.id));
      const l4 = await labelBoxes();
      const fresh = l4.filter((b) => !before.has(b.id)).map((b) => b.id);
      if (fresh.length > 0) ok(`${tag}: zoomed in on Japan, ${fresh.length} labels not shown before (${fresh.slice(0, 4).join(', ')}…)`);
      else bad(`${tag}: no new label when zoomed in on Japan`);
      check(`${tag}: zoomed in on Japan, no two labels overlap`, overlaps(l4).join(' '), '');
      await shot(`map-${width}-${lang}-zoomed.png`, false);
      // a drag pans, and opens nothing
      const hash = await page.evaluate(() => location.hash);
      await page.mouse.move(t2[0], t2[1]);
      await page.mouse.down();
      await page.mouse.move(t2[0] - 60, t2[1] + 30, { steps: 5 });
      await page.mouse.up();
      const t3 = await pos('jp-toyama-city');
      check(`${tag}: a drag pans the map`, Math.abs(t3[0] - (t2[0] - 60)) < 2 && Math.abs(t3[1] - (t2[1] + 30)) < 2, true);
      check(`${tag}: a drag from a point does not open it`, await page.evaluate(() => location.hash), hash);
      await page.click('#zoom-reset');
    } else {
      // a pinch of two fingers (touch pointers) zooms in
      const r = await page.locator('svg.map').boundingBox();
      const cx = r.x + r.width / 2, cy = r.y + r.height / 2;
      await page.locator('svg.map').evaluate((svg, [x, y]) => {
        const ev = (type, id, px) => svg.dispatchEvent(new PointerEvent(type, { pointerId: id, pointerType: 'touch',
          clientX: px, clientY: y, bubbles: true, isPrimary: id === 1 }));
        ev('pointerdown', 1, x - 20); ev('pointerdown', 2, x + 20);
        for (let i = 1; i <= 5; i++) ev('pointermove', 2, x + 20 + i * 12);
        ev('pointerup', 1, x - 20); ev('pointerup', 2, x + 80);
      }, [cx, cy]);
      const kp = await zoom();
      check(`${tag}: a pinch zooms in (×${kp.toFixed(2)})`, kp > 1.5, true);
      check(`${tag}: zoomed, a finger pans the map, not the page`, await page.locator('svg.map').evaluate((s) => getComputedStyle(s).touchAction), 'none');
      await page.click('#zoom-reset');
      check(`${tag}: at the whole map, a finger scrolls the page`, await page.locator('svg.map').evaluate((s) => getComputedStyle(s).touchAction), 'pan-x pan-y');
    }

    // each point and line a link
    check(`${tag}: each point a link to its place`, await page.locator('a.pt').evaluateAll((as) => as.every((a) =>
      a.getAttribute('href') === `#/places/${encodeURIComponent(a.querySelector('circle').dataset.id)}` && a.getAttribute('aria-label'))), true);
    check(`${tag}: each line a link to its partnership`, await page.locator('path.line').evaluateAll((ps) => ps.every((p) =>
      p.parentElement.getAttribute('href') === `#/partnerships/${encodeURIComponent(p.dataset.id)}`)), true);

    // colour by status (the first choice): the legend's entries and counts
    // are the API's, each line's colour its entry's
    const legend = () => page.locator('ul.legend.lines li').evaluateAll((ls) => ls.map((l) => [l.dataset.key, l.textContent,
      l.querySelector('line').getAttribute('stroke')]));
    const lg = await legend();
    check(`${tag}: status legend: one entry per status drawn`, lg.map((x) => x[0]).join(','),
      ['jcm', 'project', 'agreement', 'none'].filter((k) => want[k]).join(','));
    check(`${tag}: status legend: the counts of the API's rows`, lg.map((x) => x[1].match(/\((\d+)\)$/)?.[1]).join(','),
      ['jcm', 'project', 'agreement', 'none'].filter((k) => want[k]).map((k) => String(want[k])).join(','));
    const strokeOf = Object.fromEntries(lg.map((x) => [x[0], x[2]]));
    check(`${tag}: each line coloured as its status`, await page.locator('path.line').evaluateAll((ps, [s, parts]) =>
      ps.filter((p) => p.getAttribute('stroke') !== s[parts[p.dataset.id]]).length, [strokeOf, Object.fromEntries(parts.map((p) => [p.id, statusOf(p)]))]), 0);
    check(`${tag}: no colour in the address at the first choice`, new URL(page.url()).hash, '#/map');

    // colour by fiscal year: in the address, kept by a reload, one legend
    // entry per latest year and one for none
    await page.selectOption('#f-colour', 'fy');
    check(`${tag}: the colour choice in the address`, new URL(page.url()).hash, '#/map?colour=fy');
    await page.reload();
    await ready('map');
    check(`${tag}: a reload keeps it`, await page.inputValue('#f-colour'), 'fy');
    const latest = (p) => (p.fiscal_years.length ? String(Math.max(...p.fiscal_years)) : 'none');
    const wantY = [...new Set(parts.map(latest))].sort((a, b) => (a === 'none') - (b === 'none') || a.localeCompare(b));
    const ly = await legend();
    check(`${tag}: year legend: one entry per latest year, then none`, ly.map((x) => x[0]).join(','), wantY.join(','));
    check(`${tag}: year legend: the counts`, ly.map((x) => x[1].match(/\((\d+)\)$/)?.[1]).join(','),
      wantY.map((y) => String(parts.filter((p) => latest(p) === y).length)).join(','));
    check(`${tag}: lines without a year dashed`, await page.locator('path.line.dashed').evaluateAll((ps) =>
      [...new Set(ps.map((p) => p.dataset.id))].length), parts.filter((p) => !p.fiscal_years.length).length);
    await shot(`map-${width}-${lang}-fy.png`, false);
    // with a country filter, both in the address; Back returns to status
    await page.selectOption('#f-country', 'VN');
    check(`${tag}: filter and colour in the address`, new URL(page.url()).hash, '#/map?country=VN&colour=fy');
    await page.goBack();
    await ready('map');
    await page.goBack();
    await ready('map');
    check(`${tag}: Back to status`, await page.inputValue('#f-colour'), '');
    if (lang === 'ja') check(`${tag}: the legend in Japanese`, (await legend())[0][1].startsWith('JCMプロジェクト'), true);
  }
  check('no error in the console', problems.join(' | '), '');
  check('nothing asked of another origin', outside.join(' '), '');
} catch (e) {
  bad(`map: ${e.stack || e}`);
} finally {
  await close();
}
process.exit(counts.failed ? 1 : 0);
