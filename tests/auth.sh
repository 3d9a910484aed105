#!/bin/sh
# auth.sh - `c2c user` through the real binary: the first admin from a
# password on standard input (first line only), the prompt on a terminal
# (twice, no echo, a mismatch refused), every refusal with its message and
# exit status, roles and scopes against the atlas, the registry and MRV,
# passwd, disable/enable, API tokens shown once and stored as a hash, the
# list without any hash, and `c2c init` making the tables.
# usage: tests/auth.sh BUILD_DIR; last line "auth: N passed, N failed".
set -u
BIN="$(cd "$1" && pwd)/c2c"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
. "$(dirname "$0")/lib/db.sh"
test_db a.db
. "$(dirname "$0")/lib/assert.sh"
# add NAME STATUS PASSWORD ARGS...: `c2c user add` with the password on stdin
add() {
	name=$1; want=$2; pw=$3; shift 3
	printf '%s\n' "$pw" | "$BIN" user add "$@" >"$WORK/out" 2>"$WORK/err"; got=$?
	if [ "$got" = "$want" ]; then ok "$name (exit $got)"; else bad "$name: exit $got, expected $want: $(head -c 300 "$WORK/err")"; fi
}
hasnt() { if grep -qF -- "$3" "$2"; then bad "$1: '$3' found in $(head -c 400 "$2")"; else ok "$1"; fi; }
json() { python3 -c "import json,sys; d=json.load(open('$WORK/out')); v=($1,); print(v[0] if len(v) == 1 else v)"; }
# the stored hash of a user (SQLite file only: read with Python's sqlite3)
stored_hash() {
	python3 -c "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute(
		'SELECT password_hash FROM users WHERE name = ?', (sys.argv[2],)).fetchone()[0])" "$C2C_DB" "$1"
}
# pw_ok USER PASSWORD: does the stored hash verify it?  Through libsodium itself.
pw_ok() {
	python3 - "$(stored_hash "$1")" "$2" <<'EOF'
import ctypes, ctypes.util, sys
so = ctypes.CDLL(ctypes.util.find_library("sodium") or "libsodium.so.23")
assert so.sodium_init() >= 0
h, pw = sys.argv[1].encode(), sys.argv[2].encode()
print("yes" if so.crypto_pwhash_str_verify(h, pw, ctypes.c_ulonglong(len(pw))) == 0 else "no")
EOF
}
cd "$WORK"
PW="correct horse battery"
PW2="staple paper clip tree"

"$BIN" init >/dev/null 2>&1 || bad "init"
if sqlite_only "init made the auth tables (store_migrations)"; then
	check "init made the auth tables" "$(python3 -c "import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); print(c.execute(
		\"SELECT version FROM store_migrations WHERE module = 'auth'\").fetchone()[0], c.execute(
		\"SELECT COUNT(*) FROM sqlite_master WHERE name IN ('users','sessions','tokens','login_failures')\").fetchone()[0])" "$C2C_DB")" "1 4"
fi
run "help lists user" 0 "$BIN" help
has "help line" "$WORK/out" "user           users of the web side: roles and scopes, passwords, API tokens"
run "user help" 0 "$BIN" user help
has "user help lists token" "$WORK/out" "c2c user token add NAME --label L"
run "user without subcommand" 2 "$BIN" user
has "says so" "$WORK/err" "user: give a subcommand"
run "unknown subcommand" 2 "$BIN" user frobnicate
has "names it" "$WORK/err" "user: unknown subcommand 'frobnicate'"

# --- the first admin, password from standard input ------------------------------------------
printf '%s\n%s\n' "$PW" "the second line is not read" | "$BIN" user add admin --role admin >"$WORK/out" 2>"$WORK/err"
check "add admin from stdin" "$?" 0
has "add says what it did" "$WORK/out" "user 'admin' added: role admin"
if sqlite_only "password checks against the stored hash"; then
	check "the first line is the password" "$(pw_ok admin "$PW")" yes
	check "the second line is not" "$(pw_ok admin "the second line is not read")" no
	h=$(stored_hash admin)
	check "stored as argon2id at the interactive cost" "${h%%\$*}|$(echo "$h" | cut -d'$' -f2-4)" "|argon2id\$v=19\$m=65536,t=2,p=1"
	# a password without a final newline, and one with CRLF
	printf '%s' "$PW2" | "$BIN" user add nonl --role office >/dev/null 2>&1
	check "no final newline" "$(pw_ok nonl "$PW2")" yes
	printf '%s\r\n' "$PW2" | "$BIN" user add crlf --role office >/dev/null 2>&1
	check "CRLF line end is not part of it" "$(pw_ok crlf "$PW2")" yes
	printf '%s\n' "$PW" | C2C_AUTH_INSECURE_FAST_HASH=1 "$BIN" user add fast --role office >/dev/null 2>&1
	h=$(stored_hash fast)
	check "the test-only fast cost" "$(echo "$h" | cut -d'$' -f2-4)" "argon2id\$v=19\$m=8,t=1,p=1"
fi

# --- refusals, each with its message ----------------------------------------------------------
add "password too short" 3 "short pw!" ota --role office
has "short named" "$WORK/err" "password is too short: 9 characters, at least 10 needed"
: | "$BIN" user add ota --role office >"$WORK/out" 2>"$WORK/err"
check "empty stdin refused" "$?" 3
has "empty stdin named" "$WORK/err" "no password on standard input (the first line is read)"
python3 -c 'print("p" * 1100)' 2>/dev/null | "$BIN" user add ota --role office >"$WORK/out" 2>"$WORK/err"
check "a 1100-byte line refused" "$?" 3
has "long named" "$WORK/err" "the password on standard input (the first line is read) is longer than 1024 bytes"
run "never from argv" 2 "$BIN" user add ota --role office --password "$PW"
has "no --password option" "$WORK/err" "user add: unknown option '--password'"
add "role missing" 2 "$PW" ota
has "role missing named" "$WORK/err" "--role is required (public, admin, office, municipality, partner, participant, verifier, registrar or reviewer)"
add "role unknown" 2 "$PW" ota --role root
has "role unknown named" "$WORK/err" "role 'root' is not known (use public, admin, office, municipality, partner, participant, verifier, registrar or reviewer)"
add "role public" 2 "$PW" ota --role public
has "public named" "$WORK/err" "role public is the visitor without a log-in; a user cannot have it"
add "name bad" 3 "$PW" "Ota" --role office
has "name named" "$WORK/err" "user name 'Ota' must start with a-z or 0-9"
add "name with a space" 3 "$PW" "ota san" --role office
has "space named" "$WORK/err" "user name 'ota san' has a character other than a-z 0-9 . _ -"
add "no name" 2 "$PW" --role office
has "no name named" "$WORK/err" "user add: give one user NAME"
add "duplicate" 5 "$PW" admin --role office
has "duplicate named" "$WORK/err" "user 'admin' exists already"
add "scope on admin" 2 "$PW" ota --role admin --scope jp-toyama-city
has "scope on admin named" "$WORK/err" "role admin takes no scope"
add "municipality without scope" 2 "$PW" toyama --role municipality
has "needs a scope" "$WORK/err" "role municipality needs a scope"
has "hint shows the form" "$WORK/err" "hint: --scope PLACE_ID of its own Japanese body, e.g. jp-toyama-city"
add "municipality, unknown place" 3 "$PW" toyama --role municipality --scope jp-atlantis-city
has "unknown place named" "$WORK/err" "scope 'jp-atlantis-city' is not an atlas place"
add "municipality, foreign place" 3 "$PW" toyama --role municipality --scope vn-da-nang-city
has "foreign place named" "$WORK/err" "scope 'vn-da-nang-city' (ダナン市) is a place in VN, not a Japanese body"
add "partner, Japanese place" 3 "$PW" danang --role partner --scope jp-toyama-city
has "Japanese place named" "$WORK/err" "scope 'jp-toyama-city' (富山市) is a Japanese body, not a partner place"
add "registrar, not ISO" 3 "$PW" kh --role registrar --scope XX
has "not ISO named" "$WORK/err" "scope 'XX' is not an ISO 3166-1 alpha-2 country code"
add "participant, unknown id" 3 "$PW" company --role participant --scope KH003
has "unknown id named" "$WORK/err" "scope item 'KH003' is neither a project nor a registry account"
run "nothing was added by the refusals" 0 "$BIN" user list --format json
check "still the first users only" "$(json "[u['name'] for u in d]")" \
	"$(if [ "$DB_BACKEND" = sqlite ]; then echo "['admin', 'crlf', 'fast', 'nonl']"; else echo "['admin']"; fi)"

# --- scoped users ----------------------------------------------------------------------------------
add "municipality" 0 "$PW" toyama --role municipality --scope jp-toyama-city
has "scope shown" "$WORK/out" "user 'toyama' added: role municipality, scope jp-toyama-city"
add "partner" 0 "$PW" danang --role partner --scope vn-da-nang-city
add "registrar" 0 "$PW" kh-registrar --role registrar --scope KH
"$BIN" registry account open --id JP-ENT-1 --country JP --kind entity --holder "A company" >/dev/null 2>&1 || bad "account open"
"$BIN" mrv project add --id KH003 --host KH --methodology KH_AM002 --param EF_RE=0.533 >/dev/null 2>&1 || bad "mrv project add"
add "participant: MRV project, account, atlas project" 0 "$PW" company --role participant \
	--scope "KH003, JP-ENT-1,pj-tabanan-rice-mill"
has "list kept in order, spaces gone, each item typed" "$WORK/out" "scope project:KH003,account:JP-ENT-1,project:pj-tabanan-rice-mill"
# issue 18 item 2: a scope item says what it is; an id that is both a project and an account
"$BIN" registry account open --id KH003 --country KH --kind entity --holder "Named like a project" >/dev/null 2>&1 ||
	bad "account KH003 open"
add "participant, KH003 both a project and an account" 3 "$PW" both --role participant --scope KH003
has "the ambiguity named, with the fix" "$WORK/err" "scope item 'KH003' is both a project and a registry account"
add "participant, project:KH003 said" 0 "$PW" both --role participant --scope "project:KH003"
has "typed item kept" "$WORK/out" "scope project:KH003"
add "participant, account: of a project only" 3 "$PW" both2 --role participant --scope "account:pj-tabanan-rice-mill"
has "wrong kind named" "$WORK/err" "scope item 'pj-tabanan-rice-mill' is not a registry account"
add "verifier" 0 "$PW" verifier-1 --role verifier

# --- role ------------------------------------------------------------------------------------------
run "role change" 0 "$BIN" user role toyama --role municipality --scope jp-kitakyushu-city
has "role change said" "$WORK/out" "user 'toyama' changed: role municipality, scope jp-kitakyushu-city"
run "role change refused" 3 "$BIN" user role toyama --role partner --scope jp-toyama-city
has "refusal named" "$WORK/err" "is a Japanese body, not a partner place"
run "role of nobody" 4 "$BIN" user role nobody --role office
has "nobody named" "$WORK/err" "no user 'nobody'"
run "last admin kept" 5 "$BIN" user role admin --role office
has "last admin named" "$WORK/err" "'admin' is the last enabled admin"
run "last admin not disabled" 5 "$BIN" user disable admin

# --- passwd ----------------------------------------------------------------------------------------
printf '%s\n' "$PW2" | "$BIN" user passwd toyama >"$WORK/out" 2>"$WORK/err"
check "passwd from stdin" "$?" 0
has "passwd said" "$WORK/out" "user 'toyama': password changed, sessions ended"
if sqlite_only "new password in the stored hash"; then
	check "new password verifies" "$(pw_ok toyama "$PW2")" yes
	check "old password does not" "$(pw_ok toyama "$PW")" no
fi
printf '%s\n' "$PW2" | "$BIN" user passwd nobody >"$WORK/out" 2>"$WORK/err"
check "passwd of nobody" "$?" 4
printf 'short\n' | "$BIN" user passwd toyama >"$WORK/out" 2>"$WORK/err"
check "passwd too short" "$?" 3
has "passwd short named" "$WORK/err" "password is too short: 5 characters, at least 10 needed"

# --- tokens ----------------------------------------------------------------------------------------
run "token add" 0 "$BIN" user token add company --label nightly
TOKEN=$(cat "$WORK/out")
check "token alone on stdout, c2c_ and 43 base64url characters" \
	"$(printf '%s' "$TOKEN" | grep -cE '^c2c_[A-Za-z0-9_-]{43}$')" 1
has "shown once" "$WORK/err" "token 'nightly' of user 'company': shown this once, only its hash is kept"
if sqlite_only "only the token's SHA-256 stored"; then
	check "only the token's SHA-256 stored" "$(python3 -c "import sqlite3,sys,hashlib; c=sqlite3.connect(sys.argv[1])
h=hashlib.sha256(sys.argv[2].encode()).hexdigest()
print(c.execute('SELECT COUNT(*) FROM tokens WHERE hash = ?', (h,)).fetchone()[0],
      c.execute('SELECT COUNT(*) FROM tokens WHERE hash = ?', (sys.argv[2],)).fetchone()[0])" "$C2C_DB" "$TOKEN")" "1 0"
fi
run "token label taken" 5 "$BIN" user token add company --label nightly
has "label taken named" "$WORK/err" "user 'company' has a token labelled 'nightly' already"
run "token label bad" 3 "$BIN" user token add company --label "two words"
run "token without label" 2 "$BIN" user token add company
has "label required" "$WORK/err" "--label is required"
run "token for nobody" 4 "$BIN" user token add nobody --label x
run "token bad verb" 2 "$BIN" user token show company --label nightly
run "second token" 0 "$BIN" user token add company --label backup
TOKEN2=$(cat "$WORK/out")
check "two tokens differ" "$([ "$TOKEN" != "$TOKEN2" ] && echo differ)" differ

# --- the list: no hash, no secret -----------------------------------------------------------------------
run "list json" 0 "$BIN" user list --format json
hasnt "no hash in the list" "$WORK/out" "hash"
hasnt "no argon2id string in the list" "$WORK/out" '$argon2id$'
hasnt "no token in the list" "$WORK/out" "$TOKEN"
check "token labels listed" "$(json "[u['tokens'] for u in d if u['name'] == 'company'][0]")" "['backup', 'nightly']"
check "company's scope and role" "$(json "[(u['role'], u['scope']) for u in d if u['name'] == 'company'][0]")" \
	"('participant', 'project:KH003,account:JP-ENT-1,project:pj-tabanan-rice-mill')"
# issue 18 item 2: a database of before typed scopes is upgraded when c2c opens it: KH003,
# the participant's project, stays a project though an account KH003 exists now
if sqlite_only "the upgrade of untyped participant scopes"; then
	python3 -c 'import sqlite3,sys; c=sqlite3.connect(sys.argv[1])
c.execute("UPDATE users SET scope=? WHERE name=?", ("KH003, JP-ENT-1,pj-tabanan-rice-mill", "company"))
c.execute("DELETE FROM store_migrations WHERE module=? AND version=3", ("auth",))
c.execute("DROP INDEX auth_users_by_role"); c.commit()' "$C2C_DB"
	run "list after the downgrade" 0 "$BIN" user list --format json
	check "the old scope upgraded, each item typed" "$(json "[u['scope'] for u in d if u['name'] == 'company'][0]")" \
		"project:KH003,account:JP-ENT-1,project:pj-tabanan-rice-mill"
fi
check "keys of a user" "$(json "sorted(d[0].keys())")" \
	"['created_at', 'disabled', 'id', 'name', 'role', 'scope', 'sessions', 'tokens', 'updated_at']"
run "list table" 0 "$BIN" user list
has "table header" "$WORK/out" "name"
has "table row" "$WORK/out" "kh-registrar"
hasnt "no hash in the table" "$WORK/out" '$argon2id$'
run "list csv refused" 2 "$BIN" user list --format csv
has "format named" "$WORK/err" "user list: unknown format 'csv' (use table or json)"

# --- revoke, disable, enable -------------------------------------------------------------------------
run "token revoke" 0 "$BIN" user token revoke company --label nightly
has "revoke said" "$WORK/out" "token 'nightly' of user 'company' revoked"
run "revoke again" 4 "$BIN" user token revoke company --label nightly
has "revoke again named" "$WORK/err" "user 'company' has no live token labelled 'nightly'"
run "label free again" 0 "$BIN" user token add company --label nightly
run "disable" 0 "$BIN" user disable company
has "disable said" "$WORK/out" "user 'company' disabled: sessions ended, tokens revoked"
run "list after disable" 0 "$BIN" user list --format json
check "disabled, no live token" "$(json "[(u['disabled'], u['tokens']) for u in d if u['name'] == 'company'][0]")" "(True, [])"
run "disabled gets no token" 5 "$BIN" user token add company --label again
run "enable" 0 "$BIN" user enable company
run "enable again" 5 "$BIN" user enable company
has "enable again named" "$WORK/err" "user 'company' is not disabled"
run "disable nobody" 4 "$BIN" user disable nobody

# --- the terminal: asked twice, no echo ----------------------------------------------------------------
# A pseudo-terminal (Python's pty) plays the person typing.
tty_add() { # tty_add NAME FIRST SECOND: prints the exit status, the screen in $WORK/screen
	python3 - "$BIN" "$1" "$2" "$3" "$WORK/screen" <<'EOF'
import os, pty, select, sys
binary, name, first, second, screen = sys.argv[1:6]
pid, fd = pty.fork()
if pid == 0:
    os.execv(binary, [binary, "user", "add", name, "--role", "office"])
seen = b""
def read_until(marker, timeout=60):
    global seen
    while marker not in seen:
        r, _, _ = select.select([fd], [], [], timeout)
        if not r:
            return False
        try:
            chunk = os.read(fd, 1024)
        except OSError:
            return False
        if not chunk:
            return False
        seen += chunk
    return True
if read_until(b"New password for " + name.encode() + b": "):
    os.write(fd, first.encode() + b"\n")
    if read_until(b"The same again: "):
        os.write(fd, second.encode() + b"\n")
read_until(b"\0", 60)  # to the end of its output (or a minute, then it is stopped)
done, status = os.waitpid(pid, os.WNOHANG)
if not done:
    os.kill(pid, 9)
    _, status = os.waitpid(pid, 0)
open(screen, "wb").write(seen)
print(os.waitstatus_to_exitcode(status))
EOF
}
check "terminal: asked twice, added" "$(tty_add ttyuser "$PW" "$PW")" 0
has "terminal: first prompt" "$WORK/screen" "New password for ttyuser: "
has "terminal: second prompt" "$WORK/screen" "The same again: "
has "terminal: added" "$WORK/screen" "user 'ttyuser' added: role office"
hasnt "terminal: the password is not echoed" "$WORK/screen" "$PW"
if sqlite_only "terminal password stored"; then
	check "terminal: the typed password is the one" "$(pw_ok ttyuser "$PW")" yes
fi
check "terminal: two different passwords refused" "$(tty_add ttyuser2 "$PW" "$PW2")" 3
has "terminal: mismatch named" "$WORK/screen" "the two passwords differ; nothing was changed"
check "terminal: a short one refused before asking again" "$(tty_add ttyuser3 "short" "short")" 3
has "terminal: short named" "$WORK/screen" "password is too short"
hasnt "terminal: not asked again" "$WORK/screen" "The same again"
check "terminal: a taken name is refused before any prompt" "$(tty_add ttyuser "$PW" "$PW")" 5
has "terminal: taken named" "$WORK/screen" "user 'ttyuser' exists already"
hasnt "terminal: no prompt for it" "$WORK/screen" "New password"
run "terminal refusals added no one" 0 "$BIN" user list --format json
check "no ttyuser2 or ttyuser3" "$(json "[u['name'] for u in d if u['name'].startswith('ttyuser')]")" "['ttyuser']"

# --- a database from before users: `c2c user` makes the tables itself ---------------------------------
if sqlite_only "an old database upgraded by c2c user"; then
	python3 -c "import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.execute(
		'CREATE TABLE store_migrations (module TEXT NOT NULL, version INTEGER NOT NULL, name TEXT NOT NULL, PRIMARY KEY (module, version))'); c.commit()" "$WORK/old.db"
	printf '%s\n' "$PW" | "$BIN" --db "$WORK/old.db" user add first --role admin >"$WORK/out" 2>"$WORK/err"
	check "old database: first admin added" "$?" 0
fi

echo "auth: $pass passed, $fail failed"
