// admin.mjs - the administrator's page in a real browser, on a database of
// its own (tests/web.sh: an admin adm1, a participant part1 with a token).
// Logged out, the page says it is for administrators and offers the log-in;
// logged in as adm1: the users table against the API; refusals (a weak
// password, a name taken, a scope abroad for a municipality) said at their
// field in the page's language with nothing changed; a user added, given a
// new role and scope, a token created (shown once) and revoked, the user
// disabled (it cannot log in) and, in Japanese and by keyboard alone,
// enabled again; the log of writes in words, newest first, against
// GET /api/v1/audit; the page at phone width; a non-admin told whom the page
// is for.  Every result is checked through the API afterwards.
//
// usage: node test/admin.mjs BASE_URL SHOT_DIR
import { asPageOf, launch, ok, bad, check, counts, formHelpers } from './harness.mjs';

const [base, shots] = process.argv.slice(2);
const origin = new URL(base).origin;
const json = async (p) => (await fetch(`${origin}/api/v1/${p}`)).json();
const pw = (name) => `pass-${name}-0123`;

// the refusals this run provokes: 400 (a scope for a role without one), 401, 403, 409, 422
const expected = /^Failed to load resource: the server responded with a status of (400|401|403|409|422) /;
const { page, outside, problems, ready, shot, close } = await launch(origin, shots, expected);
const writes = [];
page.on('request', (r) => {
  if (r.url().includes('/api/v1/') && r.method() !== 'GET')
    writes.push({ method: r.method(), path: new URL(r.url()).pathname, body: r.postData(), csrf: r.headers()['x-csrf-token'] || '' });
});
const { focused, text, said, labelled, login, logout } = formHelpers(page);
// the API as the page's session sees it (the admin's cookie)
const asPage = asPageOf(page);
const users = async () => (await asPage('users')).body;
const user = async (name) => (await users()).find((u) => u.name === name);
// a refusal: the form's field holds the message, the focus is on it, nothing changed
async function refused(what, form, field, message) {
  const before = JSON.stringify(await users());
  const nwrites = writes.length;
  await page.click(`#${form} button[type="submit"]`);
  await page.waitForSelector(`#${form}-${field}-err:not(:empty)`, { timeout: 10000 });
  check(`${what}: the message at the ${field}`, await text(`#${form}-${field}-err`), message);
  check(`${what}: the focus on the ${field}`, await focused(), `${form}-${field}`);
  check(`${what}: sent through the API once`, writes.length - nwrites, 1);
  check(`${what}: nothing changed (users through the API)`, JSON.stringify(await users()), before);
}
const navShown = () => page.locator('header nav a[data-route="admin"]').isVisible();

try {
  // --- logged out: whom the page is for, and the log-in offered -----------------------
  await page.goto(`${base}#/admin`);
  await ready('admin');
  check('logged out: no link to the page', await navShown(), false);
  check('logged out: the page says whom it is for', await text('#admin-need'),
    'This page is for administrators: log in as an administrator to use it.');
  check('logged out: no users table, no form', await page.locator('table.users, form.write').count(), 0);
  await page.focus('#admin-login');
  await page.keyboard.press('Enter');
  await page.waitForSelector('#login-form:not([hidden])');
  check('the offer opens the log-in form at the user name', await focused(), 'login-name');
  await shot('admin-login.png');
  await page.keyboard.type('adm1');
  await page.keyboard.press('Tab');
  await page.keyboard.type(pw('adm1'));
  await page.keyboard.press('Enter');
  await page.waitForSelector('#who');
  await ready('admin');
  await page.waitForSelector('table.users');
  ok('logged in as adm1 by keyboard, the page drawn for the admin');
  check('admin: the link to the page is shown', await navShown(), true);
  check('admin forms: every field labelled', (await labelled()).join(','), '');

  // --- the users table against the API --------------------------------------------------
  const list0 = await users();
  check('the table has a row per user of the API',
    (await page.locator('table.users tbody tr').evaluateAll((rs) => rs.map((r) => r.dataset.user))).join(','),
    list0.map((u) => u.name).join(','));
  const places = await json('places');
  const toyama = places.find((p) => p.id === 'jp-toyama-city'), male = places.find((p) => p.id === 'mv-male-city');
  const accounts = await json('registry/accounts');
  check("part1's scope is named by its account's holder, not its id",
    await text('tr[data-user="part1"] td[data-col="scope"]'), accounts.find((a) => a.id === 'JP-ENT-1').holder);
  check("part1's token label is listed", await text('tr[data-user="part1"] td[data-col="tokens"]'), 'script');
  check('the page shows no hash or token', /argon|\$argon2|c2c_[A-Za-z0-9_-]{43}/.test(await page.locator('main').innerText()), false);

  // --- refusals, each at its field, in English ------------------------------------------
  await page.fill('#user-add-name', 'newbie');
  await page.selectOption('#user-add-role', 'municipality');
  await page.fill('#user-add-scope', 'jp-toyama-city');
  await page.dispatchEvent('#user-add-scope', 'input');
  check('the scope typed is named under it', await text('#user-add-scope-names'), `= ${toyama.name_en}`);
  await page.fill('#user-add-password', 'short');
  await refused('a weak password', 'user-add', 'password', 'The password is too short (5 characters): it needs at least 10.');
  check('the weak password went in the body of POST /api/v1/users with the CSRF token',
    writes.at(-1).path === '/api/v1/users' && JSON.parse(writes.at(-1).body).password === 'short' && writes.at(-1).csrf.length > 20, true);
  await page.fill('#user-add-password', pw('newbie'));
  await page.fill('#user-add-name', 'part1');
  await refused('a name taken', 'user-add', 'name', 'There is a user part1 already.');
  await page.fill('#user-add-name', 'newbie');
  await page.fill('#user-add-scope', 'vn-da-nang-city');
  const danang = places.find((p) => p.id === 'vn-da-nang-city');
  await refused('a municipality scoped abroad', 'user-add', 'scope',
    `${danang.name_en} is not a Japanese body: a municipality’s scope is its own body.`);
  await shot('admin-error.png');

  // --- add, role and scope, token, revoke, disable ---------------------------------------
  await page.fill('#user-add-scope', 'jp-toyama-city');
  await page.click('#user-add button[type="submit"]');
  check('add: the page says so', await said('user-add'), 'User newbie (municipality) added.');
  let nb = await user('newbie');
  check('add: the API has newbie, a municipality of Toyama, enabled',
    nb && [nb.role, nb.scope, nb.disabled].join('|'), 'municipality|jp-toyama-city|false');
  check("add: the table names newbie's scope", await text('tr[data-user="newbie"] td[data-col="scope"]'), toyama.name_en);
  const newbieLogin = async () => (await fetch(`${origin}/api/v1/session`, { method: 'POST', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ name: 'newbie', password: pw('newbie') }) })).status;
  check('add: newbie logs in with the password set on the page', await newbieLogin(), 200);

  await page.selectOption('#user-role-name', 'newbie');
  check('role form: the chosen user\'s role comes up', await page.inputValue('#user-role-role'), 'municipality');
  check('role form: and its scope', await page.inputValue('#user-role-scope'), 'jp-toyama-city');
  await page.selectOption('#user-role-role', 'partner');
  await page.fill('#user-role-scope', 'mv-male-city');
  await page.click('#user-role button[type="submit"]');
  check('role: the page says so', await said('user-role'), 'The role of newbie is now partner city.');
  nb = await user('newbie');
  check('role: the API has newbie as the partner city of Malé', `${nb.role}|${nb.scope}`, 'partner|mv-male-city');
  check('role: the table names the new scope', await text('tr[data-user="newbie"] td[data-col="scope"]'), male.name_en);

  await page.selectOption('#token-add-name', 'newbie');
  await page.fill('#token-add-label', 'nightly');
  await page.click('#token-add button[type="submit"]');
  const tokSaid = await said('token-add');
  const token = await text('#new-token');
  check('token: shown once on the page', /^c2c_[A-Za-z0-9_-]{43}$/.test(token), true);
  check('token: with the copy hint', tokSaid.includes("Token 'nightly' created for newbie:") && tokSaid.includes('Copy it now'), true);
  const toks = (await asPage('users/newbie/tokens')).body;
  check('token: the API lists its label, live, never the token',
    toks.length === 1 && toks[0].label === 'nightly' && toks[0].revoked_at === null && !JSON.stringify(toks).includes(token), true);
  const bearer = async () => (await fetch(`${origin}/api/v1/audit`, { headers: { Authorization: `Bearer ${token}` } })).status;
  check('token: it is valid (a partner city is refused the log with 403, not 401)', await bearer(), 403);
  await shot('admin-token.png');
  await page.reload();
  await ready('admin');
  check('token: not shown again after a reload', await page.locator('#new-token').count(), 0);

  await page.selectOption('#token-revoke-token', 'newbie/nightly');
  await page.click('#token-revoke button[type="submit"]');
  check('revoke: the page says so', await said('token-revoke'), "Token 'nightly' of newbie revoked.");
  check('revoke: the API has it revoked', (await asPage('users/newbie/tokens')).body[0].revoked_at !== null, true);
  check('revoke: the token no longer works (401)', await bearer(), 401);

  await page.selectOption('#user-state-name', 'newbie');
  check('state form: an enabled user is offered disabling', await page.isChecked('#user-state-action-0'), true);
  await page.click('#user-state button[type="submit"]');
  check('disable: the page says so', await said('user-state'), 'newbie is disabled.');
  check('disable: the API has newbie disabled', (await user('newbie')).disabled, true);
  check('disable: the table says so', await text('tr[data-user="newbie"] td[data-col="state"]'), 'disabled');
  check('disable: newbie cannot log in (401)', await newbieLogin(), 401);
  await page.selectOption('#user-state-name', 'adm1');
  await page.click('#user-state button[type="submit"]');
  await page.waitForSelector('#user-state-alert:not(:empty)');
  check('disabling the last admin: refused, said in the alert',
    (await text('#user-state-alert')).includes('adm1 is the last enabled administrator: add another one first.'), true);
  check('disabling the last admin: adm1 still enabled', (await user('adm1')).disabled, false);

  // --- the log of writes, in words --------------------------------------------------------
  const audit = (await asPage('audit')).body;
  const whatEn = ['disabled newbie', 'revoked an API token of newbie', 'created an API token for newbie',
    'changed the role and scope of newbie', 'added a user'];
  const shown = () => page.locator('table.audit tbody tr').evaluateAll((rs) =>
    rs.map((r) => ({ seq: Number(r.dataset.seq), who: r.dataset.user, what: r.querySelector('[data-col="what"]').textContent })));
  // adm1's rows: newbie's own log-ins (made above to test its password) are in the log too
  const byAdmin = (rs) => rs.filter((r) => r.who === 'adm1');
  let rows = await shown();
  check('the log: newest first, a row per write of the API',
    rows.map((r) => r.seq).join(','), audit.slice(-rows.length).reverse().map((e) => e.seq).join(','));
  check("the log: adm1's writes in words", byAdmin(rows).slice(0, 5).map((r) => r.what).join(' / '), whatEn.join(' / '));
  check("the log: newbie's log-ins in words", rows.filter((r) => r.who === 'newbie').map((r) => r.what).join(' / '), 'logged in');
  check('the log: the API records the user writes by adm1, an admin',
    audit.filter((e) => e.path.startsWith('/api/v1/users')).map((e) => `${e.user}:${e.role}`).join(' '), Array(5).fill('adm1:admin').join(' '));
  check('the log: no refused write in it', audit.filter((e) => e.path === '/api/v1/users').length, 1);
  check('the log: the range said', await text('#audit-range'), `1–${rows.length} of ${audit.length}`);
  check('the log: no raw route shown for these', rows.some((r) => r.what.includes('/api/v1/')), false);
  await shot('admin-1280.png');

  // --- Japanese, and the keyboard alone ---------------------------------------------------
  await page.click('#lang');
  await ready('admin');
  check('Japanese: the heading', await text('h1'), '利用者と操作記録');
  // enable newbie again: Tab to the user, pick it, the action, Enter
  await page.focus('#user-state-name');
  const opts = await page.locator('#user-state-name option').evaluateAll((os) => os.map((o) => o.value));
  const steps = opts.indexOf('newbie') - opts.indexOf(await page.inputValue('#user-state-name'));
  for (let i = 0; i < Math.abs(steps); i++) await page.keyboard.press(steps > 0 ? 'ArrowDown' : 'ArrowUp');
  check('keyboard: newbie chosen', await page.inputValue('#user-state-name'), 'newbie');
  check('keyboard: a disabled user is offered enabling', await page.isChecked('#user-state-action-1'), true);
  await page.keyboard.press('Tab'); // the action chosen
  await page.keyboard.press('Tab'); // the button
  check('keyboard: Tab reaches the button', await page.evaluate(() => document.activeElement.closest('form')?.id +
    document.activeElement.type), 'user-statesubmit');
  await page.keyboard.press('Enter');
  check('enable (Japanese, keyboard): the page says so', await said('user-state'), 'newbie を有効に戻しました。');
  check('enable: the API has newbie enabled', (await user('newbie')).disabled, false);
  check('enable: newbie logs in again', await newbieLogin(), 200);
  await page.fill('#user-add-name', 'newbie2');
  await page.selectOption('#user-add-role', 'office');
  await page.fill('#user-add-password', '短いパス');
  await refused('Japanese: a weak password', 'user-add', 'password', 'パスワードが短すぎます（4 文字）。10 文字以上にしてください。');
  await page.fill('#user-add-scope', 'KH');
  await page.fill('#user-add-password', pw('newbie2'));
  await refused('Japanese: a scope for the office', 'user-add', 'scope', '「事務局」には範囲がありません。空欄にしてください。');
  await page.fill('#user-add-scope', '');
  await page.click('#user-add button[type="submit"]');
  check('Japanese: add', await said('user-add'), '利用者 newbie2（事務局）を追加しました。');
  check('Japanese: the API has newbie2, office staff, no scope', JSON.stringify(await user('newbie2') && [(await user('newbie2')).role, (await user('newbie2')).scope]),
    JSON.stringify(['office', '']));
  await page.selectOption('#token-add-name', 'newbie2');
  await page.fill('#token-add-label', 'report');
  await page.click('#token-add button[type="submit"]');
  check('Japanese: a token', (await said('token-add')).startsWith('newbie2 のトークン「report」を発行しました：'), true);
  await page.selectOption('#token-revoke-token', 'newbie2/report');
  await page.click('#token-revoke button[type="submit"]');
  check('Japanese: revoked', await said('token-revoke'), 'newbie2 のトークン「report」を失効させました。');
  check('Japanese: the API has it revoked', (await asPage('users/newbie2/tokens')).body[0].revoked_at !== null, true);
  rows = await shown();
  check('Japanese: the log in words',
    byAdmin(rows).slice(0, 4).map((r) => r.what).join(' / '),
    ['newbie2 の API トークンを失効', 'newbie2 の API トークンを発行', '利用者を追加', 'newbie を再有効化'].join(' / '));
  check('Japanese: the scope column named in Japanese', await text('tr[data-user="newbie"] td[data-col="scope"]'), male.name_ja);

  // --- a session that ends mid-edit keeps what was typed (forms.js drafts) ---------------------
  await page.fill('#user-add-name', 'draftee');
  await page.selectOption('#user-add-role', 'verifier');
  await page.fill('#user-add-password', pw('draftee'));
  await page.context().clearCookies(); // the session ends: expired, or logged out in another tab
  await page.click('#user-add button[type="submit"]');
  await page.waitForSelector('#user-add-alert:not(:empty)');
  check('session ended mid-edit: the alert says so, and that the text is kept',
    (await text('#user-add-alert')).startsWith('ログインの有効期限が切れました。もう一度ログインしてください （入力した内容はこのタブに保存されています）'), true);
  await login('adm1');
  await page.waitForSelector('#user-add-draft');
  check('logged in again: the form holds what was typed', [await page.inputValue('#user-add-name'),
    await page.inputValue('#user-add-role'), await page.inputValue('#user-add-password')].join('|'), 'draftee|verifier|');
  check('logged in again: the form says it is a draft', await text('#user-add-draft'),
    '前回入力した内容を復元しました（まだ保存されていません）。 入力内容を破棄する');
  check('the draft was not stored: no user draftee', await user('draftee'), undefined);
  await page.fill('#user-add-password', pw('draftee'));
  await page.click('#user-add button[type="submit"]');
  check('the draft sent: added', await said('user-add'), '利用者 draftee（検証機関）を追加しました。');
  check('the draft sent: the API has draftee, a verifier', (await user('draftee'))?.role, 'verifier');
  check('the draft sent: the form is empty again, no draft note',
    `${await page.inputValue('#user-add-name')}|${await page.locator('#user-add-draft').count()}`, '|0');
  await page.fill('#token-add-label', 'half-typed');
  await page.reload();
  await ready('admin');
  await page.waitForSelector('#token-add-draft');
  check('a reload keeps a draft too', await page.inputValue('#token-add-label'), 'half-typed');
  await page.click('#token-add-draft button');
  await page.waitForSelector('#token-add-draft', { state: 'detached' });
  check('discarding the draft empties the form', await page.inputValue('#token-add-label'), '');

  // --- the users and the log as files: the download links under each ---------------------
  const links = await page.locator('.downloads a').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
  check('download links under the users and under the log (CSV for Excel, CSV, XLSX, JSON each)', links.join(' '),
    ['users', 'audit'].map((p) => ['format=csv&bom=1', 'format=csv', 'format=xlsx', 'format=json'].map((q) => `/api/v1/${p}?${q}`).join(' ')).join(' '));
  // the bytes as sent: fetch's text() would drop the byte order mark
  const csv = await page.evaluate(async () => {
    const r = await fetch('/api/v1/users?format=csv&bom=1');
    const bytes = new Uint8Array(await r.arrayBuffer());
    return [r.status, r.headers.get('content-type'), [...bytes.slice(0, 3)].map((b) => b.toString(16)).join(''), new TextDecoder().decode(bytes)];
  });
  check('the users as CSV for Excel: 200, text/csv, a byte order mark', `${csv[0]} ${csv[1]} ${csv[2]}`, '200 text/csv; charset=utf-8 efbbbf');
  const lines = csv[3].split('\r\n').filter(Boolean);
  const nameAt = lines[0].split(',').indexOf('name');
  const csvNames = lines.slice(1).map((l) => l.split(',')[nameAt]).sort().join(' ');
  check('the users CSV: a line per user of the API, no password or hash', `${csvNames} ${/password|hash/i.test(csv[3])}`,
    `${(await users()).map((u) => u.name).sort().join(' ')} false`);

  // --- the log a page at a time: 10 more log-ins of part1 make it longer than a page ----------
  for (let i = 0; i < 10; i++)
    await fetch(`${origin}/api/v1/session`, { method: 'POST', headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ name: 'part1', password: pw('part1') }) });
  const all = (await asPage('audit')).body;
  await page.reload();
  await ready('admin');
  check('paged: the newest 20', await text('#audit-range'), `全 ${all.length} 件のうち 1～20 件目`);
  check('paged: no newer page', await page.isDisabled('#audit-newer'), true);
  await page.focus('#audit-older');
  await page.keyboard.press('Enter');
  await page.waitForSelector('#audit-newer:not([disabled])');
  check('paged: Older shows the rest', await text('#audit-range'), `全 ${all.length} 件のうち 21～${all.length} 件目`);
  check('paged: the oldest rows of the API, newest first', (await shown()).map((r) => r.seq).join(','),
    all.slice(0, all.length - 20).reverse().map((e) => e.seq).join(','));
  check('paged: the last page has no older one, the focus goes to Newer', `${await page.isDisabled('#audit-older')} ${await focused()}`,
    'true audit-newer');
  await page.keyboard.press('Enter');
  await page.waitForSelector('#audit-newer[disabled]');
  check('paged: Newer goes back to the newest', (await shown())[0].seq, all.at(-1).seq);

  // --- phone width ---------------------------------------------------------------------
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto(`${base}#/admin`);
  await ready('admin');
  check('phone: the page fits the width', await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth) <= 0, true);
  await shot('admin-390.png');
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.click('#lang'); // back to English

  // --- someone else: the page says whom it is for ------------------------------------------
  await logout();
  await login('newbie2');
  await page.goto(`${base}#/admin`);
  await ready('admin');
  check('office staff: no link to the page', await navShown(), false);
  check('office staff: told whom the page is for', await text('#admin-need'),
    'This page is for administrators. You are logged in as newbie2 (programme office): log in as an administrator to use it.');
  check('office staff: no form', await page.locator('form.write').count(), 0);
  check('office staff: the API refuses the users too (403)', (await asPage('users')).status, 403);
  await page.click('#admin-login');
  await page.waitForSelector('#login-form:not([hidden])');
  check('the offer logs newbie2 out and opens the log-in form', [await page.locator('#login-open').count(), await focused()].join(','), '1,login-name');

  // every write the page made is a route of the OpenAPI document, with its roles
  const doc = await json('openapi.json');
  const routeOf = (w) => Object.entries(doc.paths).find(([tpl, ops]) => ops[w.method.toLowerCase()] &&
    new RegExp(`^${tpl.replace(/\{id\}/g, '[^/]+')}$`).test(w.path));
  const made = [...new Set(writes.map((w) => `${w.method} ${w.path}`))].map((k) => ({ method: k.split(' ')[0], path: k.split(' ')[1] }));
  const undocumented = made.filter((w) => !routeOf(w)).map((w) => `${w.method} ${w.path}`);
  check(`the ${made.length} writes the page made are routes of openapi.json`, undocumented.join(', '), '');
  const userWrites = made.filter((w) => w.path.startsWith('/api/v1/users'));
  check('each user write the page made is for the admin alone, by its x-c2c-roles',
    [...new Set(userWrites.map((w) => routeOf(w)?.[1][w.method.toLowerCase()]['x-c2c-roles']))].join(','), 'admin');
  check('no console error', problems.join(' | '), '');
  check('nothing asked of another origin', outside.join(' '), '');
} catch (e) {
  bad(`admin run stopped: ${e.stack || e}`);
} finally {
  await close();
}
process.exit(counts.failed ? 1 : 0);
