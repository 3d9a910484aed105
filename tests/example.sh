#!/bin/sh
# example.sh - `c2c init --example` (src/cli/example.c, data/example/): a new
# database gets one user per role, each password printed once and good for
# a log-in; an open call with scored proposals; an example JCM project
# monitored, verified, issued, allocated, moved and part retired, the proof
# clean; a partner city's inventory and scenario.  Every example row says
# it is one, the built-in data is as a plain init leaves it, `init` alone
# loads nothing of it, and a second --example (or one into a database with
# data of its own) is refused with nothing changed.
# usage: tests/example.sh BUILD_DIR; last line "example: N passed, N failed".
set -u
BIN="$(cd "$1" && pwd)/c2c"
HERE="$(cd "$(dirname "$0")" && pwd)"
WORK="$(mktemp -d)"
PID=""
trap '[ -n "$PID" ] && kill -TERM "$PID" 2>/dev/null; rm -rf "$WORK"' EXIT
export LC_ALL=C.UTF-8
export C2C_AUTH_INSECURE_FAST_HASH=1 # argon2id at its minimum cost (docs/auth.md)
unset C2C_DB
. "$HERE/lib/assert.sh"
. "$HERE/lib/serve.sh"
py() { c="$1"; shift; python3 -c "$c" "$@"; }
c2c() { "$BIN" --db "$WORK/ex.db" "$@"; }

"$BIN" --db "$WORK/plain.db" init >/dev/null || bad "plain init"
check "init alone: no user, no account, no MRV project, no example call" \
	"$("$BIN" --db "$WORK/plain.db" user list --format json | py 'import json,sys; print(len(json.load(sys.stdin)))') $("$BIN" --db "$WORK/plain.db" registry account list --format json | py 'import json,sys; print(len(json.load(sys.stdin)))') $("$BIN" --db "$WORK/plain.db" mrv project list --format json | py 'import json,sys; print(len(json.load(sys.stdin)))') $("$BIN" --db "$WORK/plain.db" call list --format csv | grep -c example)" \
	"0 0 0 0"

run "init --example on a new database" 0 c2c init --example
cp "$WORK/out" "$WORK/printed.out"
check "one user a role, each with its password printed once" \
	"$(sed -n 's/^  \(example-[a-z]*\) *\([a-z]*\) *\([A-Za-z0-9_-]\{16\}\)$/\2/p' "$WORK/printed.out" | sort | tr '\n' ' ')" \
	"admin municipality office participant partner registrar reviewer verifier "
pw() { sed -n "s/^  $1 *[a-z]* *\([A-Za-z0-9_-]\{16\}\)\$/\1/p" "$WORK/printed.out"; }
check "the passwords differ" "$(sed -n 's/.* \([A-Za-z0-9_-]\{16\}\)$/\1/p' "$WORK/printed.out" | sort -u | wc -l | tr -d ' ')" 8
has "the output says every row is an example" "$WORK/printed.out" "Every row of it says it is an example."

# --- the chain, as the commands see it -------------------------------------------
run "the proof is clean" 0 c2c registry verify
has "the proof: 8 journal entries" "$WORK/out" "registry verified: 8 journal entries"
check "the call: one round, open today; three proposals; five score sheets of three criteria; one proposal on a reviewer's desk" \
	"$(c2c call show example-call --format json | py 'import json,sys; print([r["state"] for r in json.load(sys.stdin)["rounds"]])') $(c2c proposal list --call example-call --format json | py 'import json,sys; print(len(json.load(sys.stdin)))') $(c2c score list --call example-call --format json | py 'import json,sys; print(len(json.load(sys.stdin)))')" \
	"['open'] 3 15"
LIFE=$(c2c projects show pj-example-bangkok-solar --format json)
check "the project: its first report approved, issued from it, allocated with its adjustments, part retired; the next waiting for the verifier" \
	"$(echo "$LIFE" | py 'import json,sys; d=json.load(sys.stdin); print([r["status"] for r in d["mrv"]["reports"]], [(i["report"], i["authorized"]) for i in d["issuances"]], sorted((c["country"], c["quantity"] > 0) for c in d["ca"]), [h["state"] for h in d["holdings"] if h["account"] == "JP-RETIREMENT"])')" \
	"['approved', 'submitted'] [(1, True)] [('JP', False), ('TH', True)] ['retired']"
check "the partner city's inventory and the scenario counting the project" \
	"$(c2c city inventory list --format json | py 'import json,sys; print([i["place_id"] for i in json.load(sys.stdin)])') $(echo "$LIFE" | py 'import json,sys; print([s["id"] for s in json.load(sys.stdin)["scenarios"]])')" \
	"['th-bangkok-city'] ['example-bangkok-2030']"

# --- every example row says so; the built-in data untouched ------------------------
check "every example name says it is one" \
	"$(c2c user list --format json | py 'import json,sys; print(all(u["name"].startswith("example-") for u in json.load(sys.stdin)))') $(c2c registry account list --format json | py 'import json,sys; print(all("【例】" in a["holder"] for a in json.load(sys.stdin) if not a["id"].endswith(("PENDING", "RETIREMENT", "CANCELLATION"))))') $(c2c proposal list --call example-call --format json | py 'import json,sys; print(all(p["title_ja"].startswith("【例】") for p in json.load(sys.stdin)))') $(echo "$LIFE" | py 'import json,sys; d=json.load(sys.stdin); print(d["project"]["name_ja"].startswith("【例】"), d["project"]["name_en"].startswith("(Example)"))') $(c2c city inventory show --place th-bangkok-city --year "$(($(date +%Y) - 1))" --format json | py 'import json,sys; d=json.load(sys.stdin); print(all("【例】" in r["ef_source"] for r in d["rows"] if r.get("ef_source")))')" \
	"True True True True True True"
for t in partnerships places agreements partnership_places companies project_partnerships; do
	"$BIN" --db "$WORK/plain.db" export "$t" >"$WORK/plain.$t"
	c2c export "$t" >"$WORK/ex.$t"
	cmp -s "$WORK/plain.$t" "$WORK/ex.$t" && ok "the built-in $t as a plain init leaves them" || bad "the example changed $t: $(diff "$WORK/plain.$t" "$WORK/ex.$t" | head -3)"
done
check "the projects: the built-in ones and one example row" \
	"$(c2c export projects --format json | py 'import json,sys; print([p["id"] for p in json.load(sys.stdin) if p["id"] not in set(json.load(open("'"$WORK"'/plain.projects.json")))] if False else len(json.load(sys.stdin)))' 2>/dev/null)" \
	"$(($("$BIN" --db "$WORK/plain.db" export projects --format json | py 'import json,sys; print(len(json.load(sys.stdin)))') + 1))"
check "the programme's counts do not take the example for the programme's" \
	"$(c2c stats --format json | py 'import json,sys; print([f["value"] for f in json.load(sys.stdin)["figures"] if f["key"] == "jcm_projects_from_programme"])')" \
	"$("$BIN" --db "$WORK/plain.db" stats --format json | py 'import json,sys; print([f["value"] for f in json.load(sys.stdin)["figures"] if f["key"] == "jcm_projects_from_programme"])')"

# --- a second time, or into a database with data of its own: refused, nothing changed ------
before=$(c2c registry journal --format csv | wc -l)
run "a second --example is refused" 5 c2c init --example
has "a second --example: the message" "$WORK/err" "holds registry accounts or MRV projects already: the example goes into a new database only"
check "a second --example: nothing added" "$(c2c registry journal --format csv | wc -l) $(c2c user list --format json | py 'import json,sys; print(len(json.load(sys.stdin)))')" "$before 8"

# --- the printed passwords log in, each user with its role ------------------------------
export C2C_DB="$WORK/ex.db"
if serve_start example; then
	for u in example-verifier example-company example-bangkok example-reviewer; do
		check "$u logs in with the password printed" \
			"$(curl -s -H 'Content-Type: application/json' -d '{"name":"'"$u"'","password":"'"$(pw "$u")"'"}' "$URL/api/v1/session" | py 'import json,sys; d=json.load(sys.stdin); print(d.get("name"), d.get("role"))')" \
			"$u $(sed -n "s/^  $u *\([a-z]*\) .*/\1/p" "$WORK/printed.out")"
	done
	# a record's tables download too: a report's parameters and meters sit in its result
	curl -s -o "$WORK/report.csv" "$URL/api/v1/mrv/reports/1?format=csv&bom=1"
	check "a report as CSV: its parameters, the values it was computed with" \
		"$(py 'import csv,sys; r=list(csv.DictReader(open(sys.argv[1], encoding="utf-8-sig"))); print([x["symbol"] for x in r])' "$WORK/report.csv")" \
		"$(c2c mrv report show 1 --format json | py 'import json,sys; print([p["symbol"] for p in json.load(sys.stdin)["result"]["parameters"]])')"
	curl -s -o "$WORK/report.xlsx" "$URL/api/v1/mrv/reports/1?format=xlsx"
	check "a report as XLSX: its values, then each table of its result (the values it was computed with, each formula's value, the meters)" \
		"$(py 'import re,sys,zipfile; print(re.findall(r"<sheet name=\"([^\"]*)\"", zipfile.ZipFile(sys.argv[1]).read("xl/workbook.xml").decode()))' "$WORK/report.xlsx")" \
		"['summary', 'parameters', 'calculation', 'meters']"
	kill -TERM "$PID" && wait "$PID"
	PID=""
fi

# the report waiting for the verifier can be decided: its monitoring file is kept
# beside the database (a report names its file; approving recomputes from it)
run "the waiting report approved, recomputed from its kept file" 0 c2c mrv report verify 2 --approve --comment "example test"
check "its file is beside the database" "$(c2c mrv report show 2 --format json | py 'import json,sys; print(json.load(sys.stdin)["data_path"].startswith("'"$WORK"'/ex.db.example/"))')" True

echo "example: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
