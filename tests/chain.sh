#!/bin/sh
# chain.sh - one JCM project through its whole life, through the real binary
# and the API (docs/atlas.md "A project's life"): a proposal selected in a
# public call becomes the project, linked to its partnership, its study the
# first stage; stages recorded in order, every refusal checked for its
# message and for nothing written; the built-in data's links; the MRV
# project linked, its report approved and issued, the credits allocated
# 50/50 and part retired for Japan's NDC; the host city's scenario synced
# from its place's projects, counting the host's share; `projects show`
# holding every link, and GET /api/v1/projects/{id} and the sync over HTTP
# (by role and scope) giving the same as the CLI.
# usage: tests/chain.sh BUILD_DIR; last line "chain: N passed, N failed".
set -u
BIN="$(cd "$1" && pwd)/c2c"
HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$HERE/.." && pwd)"
WORK="$(mktemp -d)"
PID=""
trap '[ -n "$PID" ] && kill -TERM "$PID" 2>/dev/null; rm -rf "$WORK"' EXIT
export LC_ALL=C.UTF-8
export C2C_AUTH_INSECURE_FAST_HASH=1 # argon2id at its minimum cost for the suite's users (docs/auth.md)
. "$HERE/lib/db.sh"
test_db chain.db
. "$HERE/lib/assert.sh"
. "$HERE/lib/serve.sh"
py() { python3 -c "$1"; }
c2c() { "$BIN" "$@"; }
# life ID EXPR: EXPR over d, the project's life as `projects show --format json` gives it
life() { c2c projects show "$1" --format json | py "import json,sys; d=json.load(sys.stdin); print($2)"; }
stages() { c2c export project_stages; }
# refused NAME STATUS MESSAGE CMD...: exit STATUS, MESSAGE on stderr, the stages as they were
refused() {
	name=$1 want=$2 msg=$3
	shift 3
	before=$(stages)
	run "$name" "$want" "$@"
	has "$name: the message" "$WORK/err" "$msg"
	check "$name: nothing written" "$(stages)" "$before"
}

c2c init >/dev/null || bad "init"

# --- the built-in data: the seeds' JCM projects, their partnerships and stages ------------
check "Semarang's CNG buses were formed from the Toyama–Semarang partnership" \
	"$(life pj-semarang-cng-bus '[p["id"] for p in d["partnerships"]], [x["name_en"] for x in d["partnerships"][0]["places"]]')" \
	"['p049'] ['Semarang', 'Toyama']"
check "its stages: the FY2017 study (selected 2017-08), the FY2018 model project" \
	"$(life pj-semarang-cng-bus '[(s["stage"], s["on_date"], s["fiscal_year"]) for s in d["stages"]]')" \
	"[('feasibility_study', '2017-08', 2017), ('model_project', None, 2018)]"
check "a stage the source dates by fiscal year only has no day made up" \
	"$(life pj-palau-ppr-solar-battery '[(s["stage"], s["on_date"], s["fiscal_year"]) for s in d["stages"]][:2]')" \
	"[('feasibility_study', None, 2021), ('model_project', None, 2024)]"
check "every built-in stage and link names its source" \
	"$(c2c export project_stages --format json | py 'import json,sys; print(all(r["source"] for r in json.load(sys.stdin)))') $(c2c export project_partnerships --format json | py 'import json,sys; print(all(r["source"] for r in json.load(sys.stdin)))')" \
	"True True"
check "a project with nothing linked: empty parts, mrv null" \
	"$(life pj-th-floating-solar 'd["partnerships"], d["stages"], d["mrv"], d["issuances"], d["holdings"], d["ca"], d["scenarios"]')" \
	"[] [] None [] [] [] []"
run "show an unknown project" 4 c2c projects show pj-nowhere
has "show an unknown project: the message" "$WORK/err" "'pj-nowhere' is not an atlas project"
run "show as a table" 0 c2c projects show pj-semarang-cng-bus
has "the table names the partnership" "$WORK/out" "p049  スマラン市"
run "the list is still the list" 0 c2c projects --kind jcm --country PW --format csv
check "the list filters as before" "$(cut -d, -f1 "$WORK/out" | tail -n +2)" "pj-palau-ppr-solar-battery"

# --- a proposal selected: the project, its partnership, its first stage ------------------
c2c score reviewer add --id rv-a --name 審査員A --affiliation 環境省 >/dev/null &&
	c2c score reviewer add --id rv-b --name 審査員B --affiliation 大学 >/dev/null &&
	c2c proposal submit --call c2c-2026 --on 2026-02-10 --body 横浜市 --partner vn-da-nang-city \
		--title-ja "ダナン市浄水場の太陽光" --sector renewable_energy --outputs "capacity_building;jcm_equipment" \
		--budget-jpy 30,000,000 --lead "公益財団法人地球環境戦略研究機関(IGES)" >/dev/null &&
	c2c score pr-c2c-2026-001 --reviewer rv-a originality=4 local-companies=4 feasibility=5 >/dev/null &&
	c2c score pr-c2c-2026-001 --reviewer rv-b originality=5 local-companies=4 feasibility=4 >/dev/null &&
	ok "a proposal submitted and scored" || bad "proposal set-up"
run "the proposal selected" 0 c2c proposal select pr-c2c-2026-001 --reason "実現可能性" --on 2026-06-30 --format json
PJ=$(py 'import json; print(json.load(open("'"$WORK/out"'"))["project_id"])')
PART=$(py 'import json; print(json.load(open("'"$WORK/out"'"))["partnership_id"])')
check "the selection made the project" "$PJ" "pj-pr-c2c-2026-001"
check "the project is formed from the selection's partnership" "$(life "$PJ" '[p["id"] for p in d["partnerships"]]')" "['$PART']"
check "its life starts with the study, on the day of the selection" \
	"$(life "$PJ" '[(s["seq"], s["stage"], s["on_date"], s["ref"]) for s in d["stages"]]')" \
	"[(1, 'feasibility_study', '2026-06-30', 'pr-c2c-2026-001')]"

# --- stages in order ----------------------------------------------------------------------
stage() { c2c projects stage "$PJ" "$@"; }
run "model project" 0 stage --stage model_project --on 2026-09-01 --ref "遠藤照明" --source "MOE adoption notice"
run "registration" 0 stage --stage registration --on 2027-03-01 --ref VN099 --source "JC decision" --format json
check "registration as JSON: its number and reference" \
	"$(py 'import json; d=json.load(open("'"$WORK/out"'")); print(d["seq"], d["stage"], d["ref"])')" "3 registration VN099"
run "operation start" 0 stage --stage operation_start --on 2027-04-01 --source "commissioning report"
run "first monitoring period" 0 stage --stage monitoring_period --on 2027-04-01 --source "monitoring plan"
run "first issuance" 0 stage --stage issuance --on 2028-02-01 --source "JC notification"
run "a second monitoring period after the first issuance" 0 stage --stage monitoring_period --on 2028-04-01 --source "monitoring plan"

refused "unknown stage" 2 "'launch' is not a stage of a project's life; the stages are feasibility_study, model_project, methodology, registration, operation_start, monitoring_period, verification, issuance, allocation, roll_out" \
	c2c projects stage "$PJ" --stage launch --on 2028-05-01 --source x
refused "unknown project" 4 "'pj-nowhere' is not an atlas project" \
	c2c projects stage pj-nowhere --stage registration --on 2028-05-01 --source x
refused "a one-time stage twice" 5 "project $PJ: the registration is recorded already on 2027-03-01; it comes once in a project's life" \
	c2c projects stage "$PJ" --stage registration --on 2028-05-01 --source x
refused "a date going backwards" 5 "project $PJ: monitoring_period on 2028-01-01 goes back in time: the last monitoring_period is on 2028-04-01" \
	c2c projects stage "$PJ" --stage monitoring_period --on 2028-01-01 --source x
refused "an earlier stage after a later one" 5 "project $PJ: methodology on 2027-05-01 would come after the registration on 2027-03-01, which comes later in a project's life" \
	c2c projects stage "$PJ" --stage methodology --on 2027-05-01 --source x
refused "a later stage before an earlier one" 5 "project $PJ: verification on 2027-01-01 would come before the registration on 2027-03-01, which comes earlier in a project's life" \
	c2c projects stage "$PJ" --stage verification --on 2027-01-01 --source x
refused "not a date" 2 "--on: '2027-02-30' is not a date YYYY-MM-DD" \
	c2c projects stage "$PJ" --stage verification --on 2027-02-30 --source x
refused "a month is not a day" 2 "--on: '2027-05' is not a date YYYY-MM-DD" \
	c2c projects stage "$PJ" --stage verification --on 2027-05 --source x
refused "no source" 2 "--source is required" c2c projects stage "$PJ" --stage verification --on 2027-05-01
# a built-in stage dated to the month (the study, 2017-08) bounds a day on what it gives
refused "before a stage dated by month" 5 "project pj-semarang-cng-bus: methodology on 2017-07-31 would come before the feasibility_study on 2017-08, which comes earlier in a project's life" \
	c2c projects stage pj-semarang-cng-bus --stage methodology --on 2017-07-31 --source x
run "within the month of the study: neither before nor after it" 0 \
	c2c projects stage pj-semarang-cng-bus --stage methodology --on 2017-08-20 --source "test: same month"
run "a methodology dated between the model project and the registration" 0 \
	stage --stage methodology --on 2026-12-01 --ref VN_AM099 --source "JC approval"
check "the stages, numbered as recorded" "$(life "$PJ" '" ".join(s["stage"] for s in d["stages"])')" \
	"feasibility_study model_project registration operation_start monitoring_period issuance monitoring_period methodology"

# --- MRV, credits, the city's books ------------------------------------------------------------
run "the MRV project linked to the atlas project" 0 \
	c2c mrv project add --atlas-project "$PJ" --methodology KH_AM002 --jcm-ref VN099 --param EF_RE=0.5
# 1000 MWh x 0.5 t/MWh = 500 t over 2027-04-01..2027-12-31 (275 days)
printf 'meter_id,timestamp,value\nPV1,2027-06-15T00:00:00Z,1000\n' >"$WORK/pv.csv"
run "a report submitted for the atlas project" 0 c2c mrv report submit --project "$PJ" --data "$WORK/pv.csv" --from 2027-04-01 --to 2027-12-31
run "the report approved" 0 c2c mrv report verify 1 --approve --comment reproduced
{
	c2c registry account open --id JP-GOV-1 --country JP --kind government --holder Japan &&
	c2c registry account open --id VN-GOV-1 --country VN --kind government --holder "Viet Nam"
} >/dev/null && ok "the two governments' accounts" || bad "accounts"
run "issued from the report" 0 c2c registry issue --report 1
ISS=$(life "$PJ" 'd["issuances"][0]["id"]')
run "authorized" 0 c2c registry authorize "$ISS"
run "allocated 50/50 to Japan and the host" 0 c2c registry allocate "$ISS" JP-GOV-1=50 VN-GOV-1=50
run "part retired for Japan's NDC" 0 c2c registry retire --account JP-GOV-1 --quantity 100 --purpose ndc --beneficiary "Japan NDC"
check "projects show: the MRV project, its JCM reference, its approved report" \
	"$(life "$PJ" 'd["mrv"]["jcm_ref"], d["mrv"]["host_country"], [(r["id"], r["status"], r["er_t"]) for r in d["mrv"]["reports"]]')" \
	"VN099 VN [(1, 'approved', 500)]"
check "projects show: the issuance names its report" "$(life "$PJ" '[(x["report"], x["quantity"], x["authorized"]) for x in d["issuances"]]')" \
	"[(1, 500, True)]"
check "projects show: the holdings, by account and state" \
	"$(life "$PJ" '[(x["account"], x["state"], x["quantity"]) for x in d["holdings"]]')" \
	"[('JP-GOV-1', 'active', 150), ('JP-RETIREMENT', 'retired', 100), ('VN-GOV-1', 'active', 250)]"
check "projects show: its adjustments are the registry's" "$(life "$PJ" 'sum(x["quantity"] for x in d["ca"] if x["country"] == "VN")')" \
	"$(c2c registry ca-report --country VN --format json | py 'import json,sys; d=json.load(sys.stdin); print(sum(r.get("adjustment", r.get("quantity", 0)) for r in (d if isinstance(d, list) else d.get("rows", []))))')"

# an authorized issuance allocated 50/50: Japan's 250 first transferred at the allocation
check "the allocation recorded the corresponding adjustment: VN +250, JP -250 (vintage 2027)" \
	"$(life "$PJ" 'sorted((x["country"], x["vintage"], x["quantity"]) for x in d["ca"])')" \
	"[('JP', 2027, -250), ('VN', 2027, 250)]"
check "ca-report: Japan's net for vintage 2027" \
	"$(c2c registry ca-report --country JP --year 2027 --format json | py 'import json,sys; print(sum(r["adjustment"] for r in json.load(sys.stdin)))')" "-250"

# the host city's scenario: the example's model, placed in Da Nang, its own measures only
py 'import json; d=json.load(open("'"$ROOT"'/data/city/scenario-example.json")); d.update(id="da-nang-2030", place_id="vn-da-nang-city", name="Da Nang 2030"); d["measures"]=[m for m in d["measures"] if m["kind"] != "project"]; json.dump(d, open("'"$WORK"'/dn.json", "w"))'
c2c city scenario add "$WORK/dn.json" >/dev/null && ok "the host city's scenario" || bad "scenario add"
before=$(c2c city scenario show da-nang-2030)
run "sync of an unknown scenario" 4 c2c city scenario sync nowhere-2030
has "sync of an unknown scenario: the message" "$WORK/err" "nowhere-2030"
check "sync of an unknown scenario: nothing changed" "$(c2c city scenario show da-nang-2030)" "$before"
run "the scenario drawn from the place's projects" 0 c2c city scenario sync da-nang-2030 --format json
cp "$WORK/out" "$WORK/sync.json"
SPLIT=$(life "$PJ" 'sum(x["quantity"] for x in d["ca"] if x["country"] == "VN" and x["quantity"] > 0)')
# 500 t x 365 / 275 days = 663.636 t a year; the host keeps what did not go to Japan with an adjustment
HOST=$(py "print(round(500 * 365 / 275 * (500 - $SPLIT) / 500, 3))")
check "the measure: the verified rate, the host's share, the split" \
	"$(py 'import json; d=json.load(open("'"$WORK"'/sync.json")); m=[m for m in d["measures"] if m["project"] == "'"$PJ"'"][0]; print(m["measure"], m["verified_t_per_year"], m["reduction_t"], m["issued"], m["transferred_with_ca"], m["host_kept"], m["retired_for_ndc"])')" \
	"$PJ 663.636 $HOST 500 $SPLIT $((500 - SPLIT)) {'JP': 100}"
check "a project of the place without MRV is not counted, and says why" \
	"$(py 'import json; d=json.load(open("'"$WORK"'/sync.json")); print([(s["project"], s["reason"]) for s in d["skipped"]])')" \
	"[('pj-da-nang-water-pumps', 'no MRV project names it')]"
check "the run counts the host's share" \
	"$(c2c city scenario run da-nang-2030 --format json | py 'import json,sys; print([m["reduction_t"] for m in json.load(sys.stdin)["measures"] if m["project"] == "'"$PJ"'"])')" "[$HOST]"
run "sync again" 0 c2c city scenario sync da-nang-2030
check "sync again: the measure replaced, not added" "$(c2c city scenario show da-nang-2030 | py 'import json,sys; print(sum(m.get("project") == "'"$PJ"'" for m in json.load(sys.stdin)["measures"]))')" 1
check "projects show: the scenario counting it, with the split" \
	"$(life "$PJ" '[(s["id"], s["reduction_t"], s["split"]["issued"]) for s in d["scenarios"]]')" "[('da-nang-2030', $HOST, 500)]"

# --- the API gives the same object -----------------------------------------------------------
if serve_start api; then
	curl -s "$URL/api/v1/projects/$PJ" >"$WORK/api.json"
	c2c projects show "$PJ" --format json >"$WORK/cli.json"
	cmp -s "$WORK/api.json" "$WORK/cli.json" && ok "GET /api/v1/projects/{id}: the bytes of projects show --format json" ||
		bad "API and CLI differ: $(diff "$WORK/api.json" "$WORK/cli.json" | head -5)"
	check "GET an unknown project: 404 with the message" \
		"$(curl -s -w ' %{http_code}' "$URL/api/v1/projects/pj-nowhere" | tr -d '\n ')" \
		'{"error":{"code":"not_found","message":"'"'"'pj-nowhere'"'"'isnotanatlasproject","field":"project"}}404'
	check "the generic row route is not shadowed for the list" "$(curl -s "$URL/api/v1/projects?kind=jcm&country=PW" | py 'import json,sys; print([p["id"] for p in json.load(sys.stdin)])')" \
		"['pj-palau-ppr-solar-battery']"
	# the sync over HTTP: the place's own city may, another city may not, the public must log in
	echo pass-danang-0123 | c2c user add danang --role partner --scope vn-da-nang-city >/dev/null 2>&1
	echo pass-toyama-0123 | c2c user add toyama --role municipality --scope jp-toyama-city >/dev/null 2>&1
	login() { # login NAME PASSWORD: the cookie jar in $WORK/NAME.jar, the CSRF token printed
		curl -s -c "$WORK/$1.jar" -H 'Content-Type: application/json' -d '{"name":"'"$1"'","password":"'"$2"'"}' \
			"$URL/api/v1/session" | py 'import json,sys; print(json.load(sys.stdin)["csrf"])'
	}
	sync() { # sync NAME CSRF: the status, the body in $WORK/sync.http
		curl -s -o "$WORK/sync.http" -w '%{http_code}' -b "$WORK/$1.jar" -H "X-CSRF-Token: $2" -X POST \
			"$URL/api/v1/city/scenarios/da-nang-2030/sync"
	}
	before=$(c2c city scenario show da-nang-2030)
	check "sync over HTTP without logging in: 401" \
		"$(curl -s -o /dev/null -w '%{http_code}' -X POST "$URL/api/v1/city/scenarios/da-nang-2030/sync")" 401
	check "sync over HTTP by another city: 403" "$(sync toyama "$(login toyama pass-toyama-0123)")" 403
	has "sync over HTTP by another city: the message" "$WORK/sync.http" "forbidden"
	check "the refused syncs changed nothing" "$(c2c city scenario show da-nang-2030)" "$before"
	check "sync over HTTP by the place's own city: 200" "$(sync danang "$(login danang pass-danang-0123)")" 200
	check "sync over HTTP: the measures the CLI's sync gave" \
		"$(py 'import json; print(json.load(open("'"$WORK"'/sync.http"))["measures"] == json.load(open("'"$WORK"'/sync.json"))["measures"])')" True
	kill -TERM "$PID" && wait "$PID"
	PID=""
fi

echo "chain: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
