#!/bin/sh
# programme.sh - the programme commands as a user types them, against the
# real binary: a whole public call (open, submit, score, rank, select) that
# ends as atlas data, refusals that name their field and leave the database
# byte-for-byte as it was, the readiness check, matching and its evaluation,
# and the domino chains of the seeds.
#
# usage: tests/programme.sh BUILD_DIR; last line "programme: N passed, N failed".
set -u
BIN="$(cd "$1" && pwd)/c2c"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
. "$(dirname "$0")/lib/db.sh"
test_db p.db
export LC_ALL=C.UTF-8
. "$(dirname "$0")/lib/assert.sh"
json_ok() { # json_ok NAME PYTHON_EXPR_ON_d
	if python3 -c "import json,sys; d=json.load(open('$WORK/out')); sys.exit(0 if ($2) else 1)" 2>"$WORK/py"; then
		ok "$1"; else bad "$1: $(head -c 300 "$WORK/py")"; fi
}
snapshot() { # every atlas table and every programme table
	for t in partnerships partnership_places projects project_companies domino; do "$BIN" export "$t"; done
	db_rows programme_calls programme_rounds programme_criteria programme_reviewers \
		programme_proposals programme_scores programme_domino_channels programme_proposal_places \
		programme_readiness programme_assignments 2>/dev/null
}
refused() { # refused NAME STATUS TEXT CMD... : fails with STATUS, says TEXT, changes nothing
	name=$1 want=$2 text=$3
	shift 3
	before=$(snapshot | sha256sum)
	run "$name refused" "$want" "$@"
	has "$name says why" "$WORK/err" "$text"
	[ "$(snapshot | sha256sum)" = "$before" ] && ok "$name changed nothing" || bad "$name changed the database"
}
command -v "$(db_client)" >/dev/null 2>&1 || snapshot() { for t in partnerships partnership_places projects project_companies domino; do "$BIN" export "$t"; done; "$BIN" proposal list --format csv; "$BIN" score list --format csv; "$BIN" call list --format csv; }

"$BIN" init >/dev/null
# the snapshot must see the programme's rows, or "changed nothing" proves nothing
db_rows programme_calls 2>&1 | grep -q c2c-2026 && ok "the snapshot reads the programme tables ($(db_client))" ||
	bad "the snapshot cannot read the programme tables with $(db_client): $(db_rows programme_calls 2>&1 | head -c 200)"

# --- the seed's call -----------------------------------------------------------------
run "call list" 0 "$BIN" call list --format json
json_ok "the 2026 call: FY2026, about 20 selections, two rounds, three criteria" \
  "len(d)==1 and d[0]['id']=='c2c-2026' and d[0]['fiscal_year']==2026 and d[0]['planned_selections']==20 and [r['opens_on'] for r in d[0]['rounds']]==['2026-02-02','2026-04-01'] and d[0]['rounds'][0]['closes_on']=='2026-02-27' and [c['name_ja'] for c in d[0]['criteria']][:2]==['独自性','地元企業の参画']"
run "call show" 0 "$BIN" call show c2c-2026
has "call show names the feasibility criterion" "$WORK/out" "プロジェクトの実現可能性"
run "call show unknown" 4 "$BIN" call show c2c-1999
run "call without subcommand" 2 "$BIN" call

# --- reviewers, proposals --------------------------------------------------------------
run "reviewer a" 0 "$BIN" score reviewer add --id rv-a --name 審査員A --affiliation 環境省
run "reviewer b" 0 "$BIN" score reviewer add --id rv-b --name 審査員B --body 横浜市
run "reviewer toyama" 0 "$BIN" score reviewer add --id rv-t --name 富山の審査員 --body jp-toyama-city
submit() { "$BIN" proposal submit --call c2c-2026 --sector renewable_energy --outputs "capacity_building;jcm_equipment" \
	--budget-jpy 30,000,000 --lead "公益財団法人地球環境戦略研究機関(IGES)" --members 大阪ガス "$@"; }
run "submit A round 1" 0 submit --on 2026-02-10 --body 富山市 --partner cl-renca-ward --title-ja "レンカ区の小水力と都市公園"
has "A gets its id" "$WORK/out" "pr-c2c-2026-001"
run "submit B round 2" 0 submit --on 2026-04-15 --body jp-kitakyushu-city --partner スマラン市 --title-ja "スマラン市廃棄物発電調査" --format json
json_ok "B as JSON" "d['id']=='pr-c2c-2026-002'"
run "submit C last day" 0 submit --on 2026-05-31 --body 大阪市 --partner vn-ho-chi-minh-city --title-ja "ホーチミン市省エネ"

refused "between rounds" 3 "--on: 2026-03-05 is outside every round of call c2c-2026" \
	submit --on 2026-03-05 --body 富山市 --partner cl-renca-ward --title-ja X
has "the rounds are listed" "$WORK/err" "round 1 2026-02-02..2026-02-27, round 2 2026-04-01..2026-05-31"
refused "after the last round" 3 "outside every round" submit --on 2026-06-01 --body 富山市 --partner cl-renca-ward --title-ja X
refused "wrong round" 3 "outside round 1" submit --on 2026-04-10 --round 1 --body 富山市 --partner cl-renca-ward --title-ja X
refused "partner in Japan" 3 "--partner: 横浜市 (jp-yokohama-city) is in Japan" submit --on 2026-02-10 --body 富山市 --partner 横浜市 --title-ja X
refused "body abroad" 3 "--body: ダナン市 (vn-da-nang-city) is not a Japanese body" submit --on 2026-02-10 --body vn-da-nang-city --partner cl-renca-ward --title-ja X
refused "budget with decimals" 3 "--budget-jpy" "$BIN" proposal submit --call c2c-2026 --on 2026-02-10 --body 富山市 --partner cl-renca-ward --title-ja X --sector water --outputs capacity_building --budget-jpy 1.5 --lead L
refused "unknown sector" 3 "--sector: 'fun'" "$BIN" proposal submit --call c2c-2026 --on 2026-02-10 --body 富山市 --partner cl-renca-ward --title-ja X --sector fun --outputs capacity_building --budget-jpy 1 --lead L
refused "unknown output" 3 "--outputs: 'banquet'" "$BIN" proposal submit --call c2c-2026 --on 2026-02-10 --body 富山市 --partner cl-renca-ward --title-ja X --sector water --outputs banquet --budget-jpy 1 --lead L
refused "missing lead" 2 "--lead is required" "$BIN" proposal submit --call c2c-2026 --on 2026-02-10 --body 富山市 --partner cl-renca-ward --title-ja X --sector water --outputs capacity_building --budget-jpy 1
refused "unknown call" 4 "--call: no call 'c2c-1999'" "$BIN" proposal submit --call c2c-1999 --on 2026-02-10 --body 富山市 --partner cl-renca-ward --title-ja X --sector water --outputs capacity_building --budget-jpy 1 --lead L

# --- scores, rank, spread ---------------------------------------------------------------------
run "score A by a" 0 "$BIN" score pr-c2c-2026-001 --reviewer rv-a originality=4 local-companies=3 feasibility=5
run "score A by b" 0 "$BIN" score pr-c2c-2026-001 --reviewer rv-b originality=5 local-companies=4 feasibility=4
run "score B by a" 0 "$BIN" score pr-c2c-2026-002 --reviewer rv-a originality=2 local-companies=2 feasibility=2
run "score B by b" 0 "$BIN" score pr-c2c-2026-002 --reviewer rv-b originality=5 local-companies=5 feasibility=4
run "score C by a" 0 "$BIN" score pr-c2c-2026-003 --reviewer rv-a originality=5 local-companies=5 feasibility=5
refused "own body" 5 "cannot score a proposal of their own body" "$BIN" score pr-c2c-2026-001 --reviewer rv-t originality=3 local-companies=3 feasibility=3
refused "second sheet" 5 "has scored proposal pr-c2c-2026-001 already" "$BIN" score pr-c2c-2026-001 --reviewer rv-a originality=3 local-companies=3 feasibility=3
refused "criterion missing" 3 "feasibility: no points given" "$BIN" score pr-c2c-2026-003 --reviewer rv-b originality=3 local-companies=3
refused "unknown criterion" 3 "beauty: not a criterion of this call" "$BIN" score pr-c2c-2026-003 --reviewer rv-b originality=3 local-companies=3 feasibility=3 beauty=5
refused "points out of range" 3 "originality: 9 points is not 1 to 5" "$BIN" score pr-c2c-2026-003 --reviewer rv-b originality=9 local-companies=3 feasibility=3
run "rank" 0 "$BIN" call rank c2c-2026 --format json
json_ok "A first at 83.33, B second at 66.67 flagged, C unranked" \
  "[r['id'] for r in d]==['pr-c2c-2026-001','pr-c2c-2026-002','pr-c2c-2026-003'] and d[0]['score']=='83.33' and d[0]['rank']==1 and not d[0]['disagreement'] and d[1]['score']=='66.67' and d[1]['disagreement'] and d[1]['spread']=='53.33' and d[2]['rank'] is None and d[2]['flag']=='needs reviews'"
run "rank table" 0 "$BIN" call rank c2c-2026
has "rank table shows the flag" "$WORK/out" "disagreement"
run "rank csv" 0 "$BIN" call rank c2c-2026 --format csv
run "spread" 0 "$BIN" score spread --call c2c-2026 --format json
json_ok "spread per criterion: B's originality 2..5" \
  "any(r['proposal']=='pr-c2c-2026-002' and r['criterion']=='originality' and r['range']==3 and r['flag']=='disagreement' for r in d)"

# --- selection becomes atlas data ----------------------------------------------------------------
refused "select unranked" 5 "is not ranked: 1 score sheet" "$BIN" proposal select pr-c2c-2026-003 --reason X
refused "select without reason" 2 "--reason is required" "$BIN" proposal select pr-c2c-2026-001
run "select A" 0 "$BIN" proposal select pr-c2c-2026-001 --reason "独自性と地元企業の参画" --on 2026-06-30
has "A: year added to p064" "$WORK/out" "partnership p064 (fiscal year added)"
run "select B" 0 "$BIN" proposal select pr-c2c-2026-002 --reason "実現可能性" --on 2026-06-30 --format json
json_ok "B: a new partnership and a project for FY2026" \
  "d['partnership']=='new' and d['partnership_id']=='p-pr-c2c-2026-002' and d['project_id']=='pj-pr-c2c-2026-002' and d['fiscal_year']==2026 and '[rank 2 of 3' in d['reason'] and 'reviewers disagreed' in d['reason']"
refused "select twice" 5 "is selected already" "$BIN" proposal select pr-c2c-2026-001 --reason again
run "reject C" 0 "$BIN" proposal reject pr-c2c-2026-003 --reason "審査不足"
run "partnerships FY2026" 0 "$BIN" partnerships --fy 2026 --format json
json_ok "the atlas has both partnerships for FY2026" \
  "sorted(p['id'] for p in d)==['p-pr-c2c-2026-002','p064'] and [p for p in d if p['id']=='p064'][0]['fiscal_years']==[2020,2021,2026]"
run "projects FY2026" 0 "$BIN" projects --fiscal-year 2026 --format json
json_ok "two projects, the consortium's known companies linked" "len(d)==2"
run "project companies" 0 "$BIN" export project_companies
has "IGES leads A's project" "$WORK/out" "pj-pr-c2c-2026-001,co-iges,lead"
has "Osaka Gas takes part" "$WORK/out" "pj-pr-c2c-2026-001,co-osaka-gas,participant"
run "search finds the selection" 0 "$BIN" search スマラン市廃棄物発電 --format json
json_ok "search hit" "any(h['id']=='pj-pr-c2c-2026-002' for h in d)"
run "proposal list selected" 0 "$BIN" proposal list --status selected --format csv
[ "$(wc -l <"$WORK/out")" -eq 3 ] && ok "two selected + header" || bad "selected rows: $(cat "$WORK/out")"
run "proposal show" 0 "$BIN" proposal show pr-c2c-2026-001 --format json
json_ok "show carries the sheets and the decision" "len(d['scores'])==6 and d['status']=='selected' and d['budget_jpy']==30000000"

# --- a new call of one's own ------------------------------------------------------------------------
refused "overlapping rounds" 3 "round 2 opens (2027-02-20) before round 1 closes (2027-02-28)" \
	"$BIN" call open --id c2c-2027 --fy 2027 --title-ja 令和9年度 --planned 20 --rounds 2027-02-01..2027-02-28,2027-02-20..2027-05-31
run "open 2027" 0 "$BIN" call open --id c2c-2027 --fy 2027 --title-ja 令和9年度 --planned 15 --rounds 2027-02-01..2027-02-28 --criteria "impact:インパクト:2,cost:費用対効果:1"
refused "open twice" 5 "call c2c-2027 exists already" "$BIN" call open --id c2c-2027 --fy 2027 --title-ja X --planned 1 --rounds 2027-02-01..2027-02-28

# --- readiness ---------------------------------------------------------------------------------------
run "questions" 0 "$BIN" readiness questions --format json
json_ok "21 items over the six checks" "len(d)==21 and sorted(set(q['check'] for q in d))==[1,2,3,4,5,6]"
"$BIN" readiness questions --format csv | python3 -c "
import csv, sys
rows = list(csv.DictReader(sys.stdin))
print('item,answer')
for r in rows:
    print(r['item'] + ',' + ('0' if r['check'] in ('3', '6') else '3'))" >"$WORK/answers.csv"
run "readiness score" 0 "$BIN" readiness score "$WORK/answers.csv" --format json
json_ok "checks 3 and 6 at 0, overall 66.67, their items named with pointers" \
  "d['overall']=='66.67' and [c['score_x100'] for c in d['checks']]==[10000,10000,0,10000,10000,0] and d['lowest_checks']==[3,6] and len(d['weakest'])==8 and all(w['pointers'] for w in d['weakest'])"
run "readiness table" 0 "$BIN" readiness score "$WORK/answers.csv"
has "table names a weak point and a scheme" "$WORK/out" "sc-guide-local-gov-intl-coop-model"
printf '{"answers": {"r1-water-waste": 7}}' >"$WORK/bad.json"
run "readiness bad answer" 3 "$BIN" readiness score "$WORK/bad.json"
has "bad answer named" "$WORK/err" "r1-water-waste: answer 7 is not 0 to 3"
run "readiness missing file" 6 "$BIN" readiness score "$WORK/nope.json"

# --- matching ------------------------------------------------------------------------------------------
run "match" 0 "$BIN" match --country VN --sector water --tech "ポンプ;pump" --size medium --format json
json_ok "Yokohama first for pumps in Vietnam, every row with its parts" \
  "d['bodies'][0]['id']=='jp-yokohama-city' and all(sum(r['parts'].values())==r['score'] and r['why'] for k in ('bodies','companies','technologies','schemes') for r in d[k])"
run "match table" 0 "$BIN" match --country ID --sector waste
has "match table has schemes" "$WORK/out" "sc-city-to-city-collaboration"
# the approved JCM methodologies that fit: Viet Nam's solar PV first, then other countries'
# solar ones as models (issue 19); listed in the table too
run "match solar in Viet Nam" 0 "$BIN" match --country VN --sector renewable_energy --tech "solar PV" --format json
json_ok "VN_AM007 (Installation of Solar PV System, Viet Nam) first, with its reasons" \
  "d['methodologies'][0]['id']=='VN_AM007' and d['methodologies'][0]['score']==55 and len(d['methodologies'][0]['why'])==3"
run "match solar table" 0 "$BIN" match --country VN --sector renewable_energy --tech "solar PV"
has "the table lists methodologies by title" "$WORK/out" "VN_AM007"
run "match without country" 2 "$BIN" match --sector waste
run "match bad size" 3 "$BIN" match --country VN --size huge
has "match bad size named" "$WORK/err" "size: 'huge' is not small, medium or large"
run "match, a country that is not one" 3 "$BIN" match --country ZZ
has "the country named" "$WORK/err" "country: 'ZZ' is not an ISO 3166-1 alpha-2 code"
run "evaluate" 0 "$BIN" match evaluate --format json
json_ok "leave-one-out over the 64 atlas partnerships (plus the new one)" \
  "d['partnerships']==65 and 0 <= d['top3_hits'] <= 65 and len(d['models'])==3"
python3 -c "import json; d=json.load(open('$WORK/out')); print('evaluation: top-3 %d of %d (%s%%)' % (d['top3_hits'], d['partnerships'], d['top3_percent']))"

# --- the domino -------------------------------------------------------------------------------------------
run "domino" 0 "$BIN" domino --format json
json_ok "eight edges, each with a channel" "len(d)==8 and all(e['channel'] for e in d)"
run "domino csv" 0 "$BIN" domino --format csv
run "domino filter" 0 "$BIN" domino --to-country VN --format json
json_ok "two edges into Vietnam" "len(d)==2"
run "chains" 0 "$BIN" domino chains --format json
json_ok "the seed chains: Tokyo→KL, Yokohama→Da Nang→HCMC, Kitakyushu→Surabaya→TH/PH/MY/NP" \
  "sorted((c['origin_id'], c['steps'], c['places_reached'], c['countries_reached']) for c in d)==[('jp-kitakyushu-city',2,1,5),('jp-tokyo-prefecture',1,1,1),('jp-yokohama-city',2,2,1)] and '横浜市 → ダナン市 → ホーチミン市' in [c['path'] for c in d]"
run "chains table" 0 "$BIN" domino chains
has "Kitakyushu chain in the table" "$WORK/out" "北九州市 → スラバヤ市"
refused "bad channel" 3 "--channel: 'rumour'" "$BIN" domino add --id dm-x --from vn-ho-chi-minh-city --to vn-can-tho-city --to-country VN --solution-ja X --channel rumour --source test
run "add an edge" 0 "$BIN" domino add --id dm-hcmc-can-tho --from vn-ho-chi-minh-city --to vn-can-tho-city --to-country VN --solution-ja 取水ポンプの省エネ化 --year 2026 --channel seminar --source test
run "chains from Yokohama" 0 "$BIN" domino chains --from 横浜市 --format json
json_ok "Yokohama's chain is three steps now" "d[0]['steps']==3 and d[0]['places_reached']==3"
run "set a channel" 0 "$BIN" domino channel dm-hcmc-can-tho platform
refused "channel of nothing" 4 "domino edge 'dm-none' is not in the atlas" "$BIN" domino channel dm-none training

# --- joint proposals, saved readiness checks, assignments, closing: the CLI's faces ------------------
run "call open for today" 0 "$BIN" call open --id c2c-cli --fy 2027 --title-ja 試験 --planned 2 --min-reviews 1 \
	--rounds "$(date -d '-1 day' +%F)..$(date -d '+30 days' +%F)"
"$BIN" readiness questions --format csv | awk -F, 'NR==1{print "item,answer"} NR>1{print $5",3"}' >"$WORK/all3.csv"
run "readiness save" 0 "$BIN" readiness save "$WORK/all3.csv" --body 川崎市 --format json
json_ok "saved for Kawasaki, dated today" "d['id']=='rd-jp-kawasaki-city-001' and d['saved_on']=='$(date +%F)'"
refused "readiness of another body" 3 "readiness check rd-jp-kawasaki-city-001 is jp-kawasaki-city's" "$BIN" proposal submit --call c2c-cli --body 富山市 --partner mv-male-city --title-ja X --sector waste --outputs capacity_building --budget-jpy 1 --lead L --readiness rd-jp-kawasaki-city-001
refused "a body named twice" 3 "is named twice" "$BIN" proposal submit --call c2c-cli --body "川崎市;jp-kawasaki-city" --partner mv-male-city --title-ja X --sector waste --outputs capacity_building --budget-jpy 1 --lead L
run "joint proposal" 0 "$BIN" proposal submit --call c2c-cli --body "川崎市;さいたま市" --partner "クアラルンプール市;mv-male-city" --title-ja 共同 --sector waste --outputs capacity_building --budget-jpy 1 --lead L --readiness rd-jp-kawasaki-city-001
run "joint proposal show" 0 "$BIN" proposal show pr-c2c-cli-001 --format json
json_ok "all its bodies and places, the check attached" "(d[0] if isinstance(d, list) else d)['bodies'][1]['name_ja']=='さいたま市' and [p['id'] for p in (d[0] if isinstance(d, list) else d)['partners']]==['my-kuala-lumpur-city','mv-male-city'] and (d[0] if isinstance(d, list) else d)['readiness_id']=='rd-jp-kawasaki-city-001'"
run "reviewer of Saitama" 0 "$BIN" score reviewer add --id rv-sai-cli --name 審査員 --body さいたま市
refused "assign to a reviewer of the second body" 5 "a reviewer cannot review a proposal of their own body" "$BIN" score assign pr-c2c-cli-001 --reviewer rv-sai-cli
refused "score by a reviewer of the second body" 5 "cannot score a proposal of their own body" "$BIN" score pr-c2c-cli-001 --reviewer rv-sai-cli originality=3 local-companies=3 feasibility=3
run "assign" 0 "$BIN" score assign pr-c2c-cli-001 --reviewer rv-a
run "desk" 0 "$BIN" score desk --reviewer rv-a --format json
json_ok "the reviewer's desk has it, with the criteria" "[p['id'] for p in d]==['pr-c2c-cli-001'] and len(d[0]['criteria'])==3 and d[0]['readiness']['overall']=='100.00'"
# 札幌市 with ウランバートル市 alone: the line of exactly those places is p014, not p012 (札幌市
# and 北海道庁) nor p013 (with トゥブ県), though both link the pair
run "Sapporo's proposal" 0 "$BIN" proposal submit --call c2c-cli --body 札幌市 --partner ウランバートル市 --title-ja 札幌 --sector energy_efficiency --outputs capacity_building --budget-jpy 1 --lead L --format json
SAP=$(python3 -c "import json; d=json.load(open('$WORK/out')); print((d[0] if isinstance(d, list) else d)['id'])")
run "score Sapporo's" 0 "$BIN" score "$SAP" --reviewer rv-a originality=3 local-companies=3 feasibility=3
run "select Sapporo's" 0 "$BIN" proposal select "$SAP" --reason 継続 --format json
json_ok "it continues p014, the line of exactly its places, and says so" "d['partnership']=='fiscal year added' and d['partnership_id']=='p014'"
run "close" 0 "$BIN" call close c2c-cli
refused "a proposal to the closed call" 3 "was closed on" "$BIN" proposal submit --call c2c-cli --body 川崎市 --partner mv-male-city --title-ja X --sector waste --outputs capacity_building --budget-jpy 1 --lead L
refused "close twice" 5 "closed on $(date +%F) already" "$BIN" call close c2c-cli
# selected, a joint proposal becomes one partnership of all its places, labelled as the seeds
# write a joint one; a second selection of the same places finds it
run "score the joint proposal" 0 "$BIN" score pr-c2c-cli-001 --reviewer rv-a originality=4 local-companies=4 feasibility=4
run "select the joint proposal" 0 "$BIN" proposal select pr-c2c-cli-001 --reason 共同 --format json
json_ok "a new partnership" "d['partnership']=='new' and d['partnership_id']=='p-pr-c2c-cli-001'"
run "its places" 0 "$BIN" export partnership_places --format json
json_ok "every body and partner place of the proposal, each in its role" \
  "sorted((r['place_id'], r['role']) for r in d if r['partnership_id']=='p-pr-c2c-cli-001')==[('jp-kawasaki-city','body'),('jp-saitama-city','body'),('mv-male-city','partner'),('my-kuala-lumpur-city','partner')]"
run "its labels" 0 "$BIN" export partnerships --format json
json_ok "labelled 川崎市・さいたま市 with クアラルンプール市・マーレ市" \
  "[(r['body_label_ja'], r['partner_label_ja']) for r in d if r['id']=='p-pr-c2c-cli-001']==[('川崎市・さいたま市', 'クアラルンプール市・マーレ市')]"

# --- the same work over HTTP, role by role (issue 15) ------------------------------------------
# argon2id at libsodium's minimum cost, for the log-ins (docs/auth.md)
export C2C_AUTH_INSECURE_FAST_HASH=1
{
	"$BIN" score reviewer add --id rv-sai --name 審査員さいたま --body jp-saitama-city &&
	"$BIN" score reviewer add --id rv-ext --name 外部審査員 --affiliation 大学 &&
	for u in "office1 office" "tokyo municipality jp-tokyo-prefecture" "kita municipality jp-kitakyushu-city" \
		"rev.sai reviewer rv-sai" "rev.ext reviewer rv-ext"; do
		set -- $u
		echo "pass-$1-0123" | "$BIN" user add "$1" --role "$2" ${3:+--scope "$3"} || exit 1
	done
} >"$WORK/setup" 2>&1 && ok "reviewers and users for HTTP" || bad "HTTP set-up: $(tail -n 3 "$WORK/setup")"
run "a reviewer user's scope must be a programme reviewer" 3 sh -c "echo pass-rev.x-0123 | '$BIN' user add rev.x --role reviewer --scope rv-none"
has "the scope is named" "$WORK/err" "is not a programme reviewer"
PID=""
trap '[ -n "$PID" ] && kill -KILL "$PID" 2>/dev/null; rm -rf "$WORK"' EXIT
. "$(dirname "$0")/lib/serve.sh"
if serve_start programme; then
	python3 "$(dirname "$0")/lib/programme_http.py" "$URL" "$BIN" >"$WORK/py.out" 2>&1
	cat "$WORK/py.out"
	pass=$((pass + $(grep -c '^ok: ' "$WORK/py.out")))
	fail=$((fail + $(grep -c '^FAILED: ' "$WORK/py.out")))
	grep -q '^programme_http done$' "$WORK/py.out" || bad "programme_http.py did not run to its end: $(tail -n 5 "$WORK/py.out")"
	kill -TERM "$PID" && wait "$PID" && ok "server exits 0" || bad "server exit"
	PID=""
fi

echo "programme: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
