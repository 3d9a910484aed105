// build.mjs - `npm run build`: web/src -> web/dist, the files `c2c serve`
// sends.  One bundle (esbuild) holding our code, d3-geo, topojson-client and
// the world-atlas outlines, so the pages load nothing from the internet and
// the server's CSP can say 'self' and nothing else.
//
// Speed on a phone (issue 20): every asset goes to dist/assets/ with a hash
// of its bytes in its name (app.3KX7ZQ2M.js), and index.html names them, so
// the server may send an asset "immutable" (src/http/static.c) and a repeat
// visit asks only for index.html.  Each text file also gets NAME.br and
// NAME.gz beside it, compressed once here at the highest levels (node's own
// zlib), which the server sends to a client that accepts them.
import { build } from 'esbuild';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

const out = 'dist';
rmSync(out, { recursive: true, force: true });
mkdirSync(`${out}/assets`, { recursive: true });
const result = await build({
  entryPoints: ['src/main.js'],
  bundle: true,
  minify: true,
  format: 'esm',
  target: ['es2020'],
  outdir: `${out}/assets`,
  entryNames: 'app.[hash]',
  chunkNames: '[name].[hash]', // map.js (loaded when the map is opened) and the code it shares
  splitting: true,
  loader: { '.json': 'json' },
  legalComments: 'linked', // the packages' licences, in app.[hash].js.LEGAL.txt
  metafile: true,
  logLevel: 'warning',
});
const outputs = result.metafile.outputs;
const app = Object.keys(outputs).find((f) => outputs[f].entryPoint === 'src/main.js');
// the chunks app.js imports at once: named in index.html too, so the browser
// asks for them with app.js, not a round trip after reading it
const preload = outputs[app].imports.filter((i) => i.kind === 'import-statement').map((i) => `assets/${basename(i.path)}`);

// style.css and favicon.svg: the same naming, by a hash of their bytes
const hashed = (file) => {
  const bytes = readFileSync(`src/${file}`);
  const h = createHash('sha256').update(bytes).digest('hex').slice(0, 10);
  const name = `${basename(file, extname(file))}.${h}${extname(file)}`;
  writeFileSync(`${out}/assets/${name}`, bytes);
  return `assets/${name}`;
};
const names = { 'app.js': `assets/${basename(app)}`, 'style.css': hashed('style.css'), 'favicon.svg': hashed('favicon.svg'),
  'boot.js': hashed('boot.js') };

// index.html names them; it is written, not copied, so its time is now and
// make sees dist is fresh
let html = readFileSync('src/index.html', 'utf8');
for (const [plain, name] of Object.entries(names)) {
  const attr = new RegExp(`(href|src)="${plain.replace('.', '\\.')}"`);
  if (!attr.test(html)) throw new Error(`index.html does not name ${plain}`);
  html = html.replace(attr, `$1="${name}"`);
}
html = html.replace(/(<script type="module"[^>]*><\/script>)/,
  (tag) => preload.map((p) => `<link rel="modulepreload" href="${p}">\n`).join('') + tag);
writeFileSync(`${out}/index.html`, html);

// sw.js (src/sw.js, the service worker): this build's hash and the files a
// repeat visit takes from it, index.html and what it names, written into
// its two marked lines; a new build is a new sw.js, which the browser
// installs (docs/web.md, "Speed")
const shell = ['./', ...Object.values(names), ...preload];
const build_id = createHash('sha256').update(html).digest('hex').slice(0, 12);
let sw = readFileSync('src/sw.js', 'utf8');
for (const [re, line] of [[/^const BUILD = .*$/m, `const BUILD = '${build_id}';`],
  [/^const SHELL = .*$/m, `const SHELL = ${JSON.stringify(shell)};`]]) {
  if (!re.test(sw)) throw new Error(`src/sw.js has no line ${re}`);
  sw = sw.replace(re, line);
}
writeFileSync(`${out}/sw.js`, sw);

// NAME.br and NAME.gz beside every text file worth compressing
const walk = (dir) => readdirSync(dir).flatMap((f) => {
  const p = join(dir, f);
  return statSync(p).isDirectory() ? walk(p) : [p];
});
for (const f of walk(out)) {
  if (!/\.(html|js|css|svg|json|txt)$/.test(f) || statSync(f).size < 1024) continue;
  const bytes = readFileSync(f);
  writeFileSync(`${f}.gz`, gzipSync(bytes, { level: 9 }));
  writeFileSync(`${f}.br`, brotliCompressSync(bytes, {
    params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: bytes.length },
  }));
}
