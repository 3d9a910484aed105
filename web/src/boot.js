// boot.js - the first reads of a visit, asked for before the app's code is
// read.  A classic script named in index.html's head (build.mjs hashes it
// like style.css), so it runs as soon as it arrives: on a repeat visit at
// once from the service worker, while the app's 200 KB of code is still
// being compiled (a throttled phone: about 400 ms).  It starts what every
// page reads first (the session and the tables' descriptions) and, for the
// dashboard, its two reads; core.js's api() and session.js take these
// replies instead of asking again (issue 20: the repeat visit under 0.3 s).
// The replies are fresh: asked for in this visit, answered 200 or 304.
(function () {
  // the page's language, by core.js's rule (the key its cache uses)
  var lang = localStorage.getItem('c2c.lang') || ((navigator.language || '').indexOf('ja') === 0 ? 'ja' : 'en');
  var route = location.hash.replace(/^#\/?/, '');
  var head = { 'Accept-Language': lang };
  var early = { session: fetch('/api/v1/session', { cache: 'no-store', headers: head }) };
  ['tables'].concat(route ? [] : ['stats', 'registry/verify']).forEach(function (p) {
    early[lang + ' ' + p] = fetch('/api/v1/' + p, { headers: head });
  });
  window.c2cEarly = early;
})();
