#!/bin/sh
# owners.sh - each module's tables are read and written by SQL in that
# module only (docs: DESIGN "Who owns what"); another module asks the
# owner's functions (atlas_place_get, registry_account_get, mrv_project_get
# ...), so a column can change in one place.  This reads the string literals
# of every src/ module (comments left out, literals split over lines joined
# back) and fails on SQL naming another module's table after FROM, JOIN,
# INTO, UPDATE, TABLE, REFERENCES or EXISTS.  The owners: the atlas its
# tables as listed in src/atlas/tables.c (and its search index), auth users,
# sessions, tokens and login_failures, and registry_*, mrv_*, city_*,
# programme_*, http_* their prefix's module.  store/'s own bookkeeping
# (store_meta, store_migrations) is the mechanism every module shares, not a
# domain table, and is not checked here.
#
# It also proves it can fail: a copy of src/ with one violation of each kind
# planted must be refused, each one named, and the plants that are not
# violations (a module's own table, SQL in a comment, a word in a message)
# must not be.
# usage: tests/owners.sh [BUILD_DIR] (the build is not needed); last line
# "owners: N passed, N failed".
set -u
HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$HERE/.." && pwd)"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
. "$HERE/lib/assert.sh"

cat >"$WORK/owners.py" <<'EOF'
import os, re, sys

root = sys.argv[1]
src = os.path.join(root, 'src')
atlas = re.findall(r'^\s*T\("([a-z_]+)"', open(os.path.join(src, 'atlas/tables.c')).read(), re.M)
owners = {t: 'atlas' for t in atlas + ['atlas_search', 'atlas_search_vocab']}
owners.update({t: 'auth' for t in ('users', 'sessions', 'tokens', 'login_failures')})
prefixes = ('registry', 'mrv', 'city', 'programme', 'http')

def owner(name):
    if name in owners:
        return owners[name]
    for p in prefixes:
        if name.startswith(p + '_'):
            return p
    return None

def literals(text):
    """(line, text) of each run of adjacent string literals, comments out."""
    blank = lambda m: '\n' * m.group(0).count('\n')
    text = text.replace('\\\n', '\n')  # macro line continuations
    text = re.sub(r'/\*.*?\*/', blank, text, flags=re.S)
    text = re.sub(r'//[^\n]*', '', text)
    text = re.sub(r"'(?:[^'\\\n]|\\.)'", "' '", text)  # a '"' character is no literal
    for m in re.finditer(r'(?:"(?:[^"\\\n]|\\.)*"\s*)+', text):
        s = ''.join(re.findall(r'"((?:[^"\\\n]|\\.)*)"', m.group(0))).replace('\\"', '"')
        yield text.count('\n', 0, m.start()) + 1, s

# a table after its keyword, and the ones listed after it ("FROM a x, b y");
# the keywords in capitals as c2c writes SQL, in any case in a literal that
# holds a statement (so "come from places" in a message is not SQL)
keyword = r'\b(?:FROM|JOIN|INTO|UPDATE|TABLE|REFERENCES|EXISTS)\s+'
table = r'"?([a-z_][a-z_0-9]*)"?(?![\w.-])((?:\s*(?:[a-z_]+\s*)?,\s*"?[a-z_][a-z_0-9]*"?)*)'
sql_caps = re.compile(keyword + table)
sql_any = re.compile(keyword + table, re.I)
statement = re.compile(r'\b(?:SELECT|INSERT|UPDATE|DELETE|CREATE|ALTER|WITH)\b', re.I)
bad = 0
for mod in sorted(os.listdir(src)):
    d = os.path.join(src, mod)
    if not os.path.isdir(d):
        continue
    for f in sorted(os.listdir(d)):
        if not f.endswith(('.c', '.h', '.def')):
            continue
        path = os.path.join(d, f)
        for line, s in literals(open(path, encoding='utf-8').read()):
            for m in (sql_any if statement.search(s) else sql_caps).finditer(s):
                for n in [m.group(1)] + re.findall(r',\s*"?([a-z_][a-z_0-9]*)', m.group(2)):
                    o = owner(n.lower())
                    if o and o != mod:
                        bad += 1
                        print("%s:%d: %s names %s's table %s" % (os.path.relpath(path, root), line, mod, o, n))
print('%d reads of another module\'s table' % bad)
sys.exit(1 if bad else 0)
EOF
owners() { python3 "$WORK/owners.py" "$1" >"$WORK/out" 2>&1; }

# --- the source as it is ---------------------------------------------------------
if owners "$ROOT"; then ok "no module has SQL naming another module's table"
else bad "SQL naming another module's table: $(cat "$WORK/out")"; fi

# --- a copy with a violation of each kind planted: refused, each named ------------------
T="$WORK/tree"
mkdir -p "$T"
cp -r "$ROOT/src" "$T/src"
cat >>"$T/src/city/scenario.c" <<'EOF'
static const char plant_atlas[] = "SELECT p.\"name_ja\" FROM city_scenarios s"
				  " LEFT JOIN \"places\" p ON p.\"id\" = s.\"place_id\"";
EOF
cat >>"$T/src/http/registry_writes.c" <<'EOF'
static const char plant_registry[] = "SELECT \"country\" FROM registry_accounts WHERE \"id\" = ?";
EOF
cat >>"$T/src/auth/users.c" <<'EOF'
#define PLANT_MRV "SELECT COUNT(*) FROM "   \
	"\"mrv_project\" WHERE \"id\" = ?"
EOF
cat >>"$T/src/programme/call.c" <<'EOF'
static const char plant_city[] = "select 1 from city_inventories i, projects j";
EOF
cat >>"$T/src/registry/ops.c" <<'EOF'
static const char plant_auth[] = "UPDATE \"users\" SET \"disabled\" = 1";
EOF
cat >>"$T/src/mrv/report.c" <<'EOF'
static const char plant_programme[] = "INSERT INTO programme_scores (\"a\") VALUES (1)";
/* not violations: its own table, SQL in a comment, words in a message:
 * SELECT * FROM places */
static const char plant_own[] = "SELECT \"id\" FROM \"mrv_report\"";
static const char plant_words[] = "credits from projects.csv come from places in the atlas";
EOF
if owners "$T"; then bad "a tree with planted violations passed"; else ok "a tree with planted violations fails"; fi
check "each planted violation named, nothing else" "$(grep -c ' names ' "$WORK/out")" 7
for want in "src/city/scenario.c:.*city names atlas's table places" \
	"src/http/registry_writes.c:.*http names registry's table registry_accounts" \
	"src/auth/users.c:.*auth names mrv's table mrv_project" \
	"src/programme/call.c:.*programme names city's table city_inventories" \
	"src/programme/call.c:.*programme names atlas's table projects" \
	"src/registry/ops.c:.*registry names auth's table users" \
	"src/mrv/report.c:.*mrv names programme's table programme_scores"; do
	grep -q "$want" "$WORK/out" && ok "named: $want" || bad "not named: $want: $(cat "$WORK/out")"
done

echo "owners: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
