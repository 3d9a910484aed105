// speed.mjs - a first and a repeat visit of the dashboard on a throttled
// phone profile (issue 20): Chromium's own network and CPU throttling over
// CDP, at the figures of Lighthouse's mobile profile ("Slow 4G": 150 ms
// round trip, 1.6 Mbit/s down, 750 kbit/s up, CPU 4x slower).  It prints the
// time to the drawn page and the bytes each visit moved (docs/web.md keeps the
// figures), and checks what does not depend on the machine's speed: the
// assets come compressed on the first visit, which installs the service
// worker (src/sw.js); the repeat visit takes index.html and the assets from
// it, asking the network nothing for them, and gets only 304s from the API,
// which the worker leaves alone.
//
// usage: node test/speed.mjs BASE_URL SHOT_DIR
import { launch, ok, bad, check, counts } from './harness.mjs';

const [base, shots] = process.argv.slice(2);
const origin = new URL(base).origin;
const PROFILE = { latency: 150, downloadThroughput: (1.6 * 1024 * 1024) / 8, uploadThroughput: (750 * 1024) / 8 };

const { page, problems, outside, close } = await launch(origin, shots, null, { httpCache: true });
try {
  await page.setViewportSize({ width: 390, height: 844 });
  // the page's own clock at the moment <main> says the dashboard is drawn:
  // the time from the navigation's start, without the driver's own delays
  // (starting the navigation, polling for the selector), which on a loaded
  // machine add hundreds of ms to the time seen from outside
  await page.addInitScript(() => {
    new MutationObserver(() => {
      const m = document.getElementById('content');
      if (m && m.dataset.ready && !window.c2cDrawnAt) window.c2cDrawnAt = performance.now();
    }).observe(document, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-ready'] });
  });
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.emulateNetworkConditions', { offline: false, ...PROFILE });
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: 4 });

  // every response of a visit: url, status, bytes on the wire, from cache
  let log = new Map();
  cdp.on('Network.responseReceived', (e) => log.set(e.requestId, {
    url: e.response.url, status: e.response.status, cached: e.response.fromDiskCache || e.response.fromMemoryCache,
    worker: !!e.response.fromServiceWorker,
    encoding: (e.response.headers['content-encoding'] || e.response.headers['Content-Encoding'] || ''), bytes: 0,
  }));
  // the status on the wire (a 304 is shown to the page as the cached 200);
  // a response taken from the cache without asking has none
  const wire = new Map();
  cdp.on('Network.responseReceivedExtraInfo', (e) => wire.set(e.requestId, e.statusCode));
  cdp.on('Network.loadingFinished', (e) => { const r = log.get(e.requestId); if (r) r.bytes = e.encodedDataLength; });

  async function visit(name) {
    await page.goto('about:blank'); // a new document each time, not a hash change
    log = new Map();
    wire.clear();
    const t0 = Date.now();
    await page.goto(`${base}#/`, { waitUntil: 'commit' });
    await page.waitForSelector('#content[data-ready="dashboard"]', { timeout: 30000 });
    const ms = Date.now() - t0;
    const inPage = Math.round(await page.evaluate(() => window.c2cDrawnAt || 0));
    await page.waitForLoadState('networkidle');
    const rows = [...log.entries()].map(([id, r]) => ({ ...r, wire: wire.get(id), cached: r.cached || !wire.has(id) }));
    const bytes = rows.reduce((s, r) => s + r.bytes, 0);
    console.log(`speed: ${name}: dashboard drawn in ${ms} ms (${inPage} ms after the navigation started, by the page's clock), ${rows.length} responses, ${bytes} bytes on the wire`);
    for (const r of rows) console.log(`  ${r.worker ? 'worker' : r.cached ? 'cache' : r.wire} ${r.encoding || '-'} ${r.bytes} ${r.url.replace(origin, '')}`);
    return { ms, inPage, rows, bytes };
  }

  const first = await visit('first visit');
  const app = first.rows.find((r) => /\/assets\/app\.[A-Z0-9]+\.js$/.test(r.url));
  if (!app) bad('first visit: no hashed app.js loaded');
  else {
    check('first visit: app.js compressed', ['br', 'gzip'].includes(app.encoding), true);
    if (app.bytes < 150000) ok(`first visit: app.js moved ${app.bytes} bytes`); else bad(`first visit: app.js moved ${app.bytes} bytes`);
  }
  const big = first.rows.filter((r) => r.url.includes('/api/') && r.bytes > 2048 && !r.encoding);
  check('first visit: no API reply over 2 KB sent uncompressed', big.map((r) => r.url).join(' '), '');

  // the first visit registered the service worker; it is ready once its
  // install has kept the app
  const worker = await page.evaluate(() => Promise.race([navigator.serviceWorker.ready.then((r) => r.active?.state),
    new Promise((res) => setTimeout(() => res('none after 15 s'), 15000))]));
  check('first visit: the service worker is active', worker, 'activated');
  const repeat = await visit('repeat visit');
  const assets = repeat.rows.filter((r) => r.url.includes('/assets/'));
  check('repeat visit: every asset from the service worker', assets.length > 0 && assets.every((r) => r.worker), true);
  const api = repeat.rows.filter((r) => r.url.includes('/api/'));
  // the session says who is logged in: never kept, always asked
  check('repeat visit: every public API read answered 304', api.filter((r) => r.wire !== 304 && !r.url.endsWith('/session'))
    .map((r) => `${r.url} ${r.wire}`).join(' '), '');
  check('repeat visit: index.html from the service worker', repeat.rows.find((r) => r.url === `${origin}/`)?.worker, true);
  // what the page did not wait for: the worker's own check of index.html
  // (a 304 while unchanged) and of sw.js, after the page is drawn
  check('repeat visit: the page asked the network for no part of the app',
    repeat.rows.filter((r) => !r.url.includes('/api/') && !r.worker && r.wire).map((r) => r.url).join(' '), '');
  if (repeat.bytes < first.bytes / 20) ok(`repeat visit moved ${repeat.bytes} bytes, first ${first.bytes}`);
  else bad(`repeat visit moved ${repeat.bytes} bytes, first ${first.bytes}`);
  console.log(`speed: figures: first ${first.ms} ms (page ${first.inPage}) / ${first.bytes} B, repeat ${repeat.ms} ms (page ${repeat.inPage}) / ${repeat.bytes} B`);
  check('no error in the console', problems.join(' | '), '');
  check('nothing asked of another origin', outside.join(' '), '');
} catch (e) {
  bad(`speed: ${e.stack || e}`);
} finally {
  await close();
}
process.exit(counts.failed ? 1 : 0);
