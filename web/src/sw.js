// sw.js - the service worker: a repeat visit draws the app without waiting on
// the network for the app itself (issue 20: a phone's repeat visit waited on
// two round trips in a row, index.html's 304 and then the API's).
//
// build.mjs writes it to dist/sw.js (a fixed name: a service worker is known
// by its address) with BUILD, the hash of this build, and SHELL, index.html
// and the hashed assets it names, in place of the two lines marked below.
//   - index.html ("./"): from this worker's cache at once, and fetched again
//     in the background (If-None-Match: a 304 while unchanged) so the next
//     visit has the newest;
//   - assets/*: their names carry their hash, so a cached one never goes
//     stale: the cache, else the network (and then kept: the map's chunk);
//   - everything else, /api/ first of all, is not touched: the API's reads
//     go to the server as before (ETag and 304), so the data is never older
//     than the server's.
// A new deployment: the browser asks for sw.js again on every visit (at most
// once a day without one, here on each); a new build is a new sw.js, which
// installs with its own cache and removes the old ones: that visit still
// runs the old build, the next one runs the new (docs/web.md, "Speed").
const BUILD = 'dev'; // build.mjs: BUILD
const SHELL = ['./']; // build.mjs: SHELL
const CACHE = `c2c-shell-${BUILD}`;
const scope = new URL(self.registration.scope);
const INDEX = new URL('./', scope).href;

self.addEventListener('install', (e) => {
  e.waitUntil(caches.open(CACHE).then((c) => c.addAll(SHELL.map((u) => new URL(u, scope).href)))
    .then(() => self.skipWaiting()));
});

self.addEventListener('activate', (e) => {
  e.waitUntil(caches.keys()
    .then((keys) => Promise.all(keys.filter((k) => k.startsWith('c2c-shell-') && k !== CACHE).map((k) => caches.delete(k))))
    .then(() => self.clients.claim()));
});

// index.html again from the server, kept if it came whole
function refresh(cache) {
  return fetch(INDEX, { cache: 'no-cache' }).then((r) => (r.ok ? cache.put(INDEX, r) : undefined)).catch(() => {});
}

self.addEventListener('fetch', (e) => {
  const req = e.request;
  if (req.method !== 'GET') return;
  const url = new URL(req.url);
  if (url.origin !== scope.origin) return;
  const path = url.pathname.slice(scope.pathname.length - 1);
  if (req.mode === 'navigate' && (path === '/' || path === '/index.html')) {
    e.respondWith(caches.open(CACHE).then(async (cache) => {
      const kept = await cache.match(INDEX);
      if (!kept) {
        const r = await fetch(req);
        if (r.ok) cache.put(INDEX, r.clone());
        return r;
      }
      e.waitUntil(refresh(cache));
      return kept;
    }));
  } else if (path.startsWith('/assets/')) {
    e.respondWith(caches.open(CACHE).then(async (cache) => {
      const kept = await cache.match(req, { ignoreSearch: true });
      if (kept) return kept;
      const r = await fetch(req);
      if (r.ok) cache.put(req, r.clone());
      return r;
    }));
  }
});
