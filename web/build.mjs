// build.mjs - `npm run build`: web/src -> web/dist, the files `c2c serve`
// sends.  One bundle (esbuild) holding our code, d3-geo, topojson-client and
// the world-atlas outlines, so the pages load nothing from the internet and
// the server's CSP can say 'self' and nothing else.
import { build } from 'esbuild';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';

const out = 'dist';
rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
await build({
  entryPoints: ['src/main.js'],
  bundle: true,
  minify: true,
  format: 'esm',
  target: ['es2020'],
  outfile: `${out}/app.js`,
  loader: { '.json': 'json' },
  legalComments: 'linked', // the packages' licences, in app.js.LEGAL.txt
  logLevel: 'warning',
});
// written, not copied, so their times are now and make sees dist is fresh
for (const f of ['index.html', 'style.css', 'favicon.svg'])
  writeFileSync(`${out}/${f}`, readFileSync(`src/${f}`));
