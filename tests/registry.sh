#!/bin/sh
# registry.sh - the registry under several processes at once, and under
# kill -9.  Runs the real binary against one database file:
#  1. concurrency: 8 processes move credits out of the same accounts at
#     once; every acknowledged transfer must be in the balances, none twice,
#     no overdraw, and verify must pass (the UNDP registry lost 254 of 287).
#  2. crash: transfers in a loop while the c2c process is killed with
#     SIGKILL at random moments; after every kill verify must pass and every
#     acknowledged transfer must be in the journal.
#  3. a batch (apply) killed half-way leaves nothing of itself behind.
#  4. refusals from the command line: exit status, message, nothing changed.
#  5. corresponding adjustments as the JCM does them: an authorized
#     issuance allocated to Japan is adjusted at the allocation; retiring
#     toward an NDC credits the country may not count is refused; verify
#     finds an adjustment or a ca_done edited behind its back.
#  ...
#  8. authorizations as records (Article 6.2): recorded, shown, journalled,
#     proved; refusals name their flag.
#  9. backups: `db backup` of the live file while a server moves credits
#     over HTTP; each copy's printed head is a real point of the live
#     journal and the copy verifies against it; `db restore` of a copy.
# 11. the Article 6.2 annual information (AEF) of a scripted year, and the
#     public retirement log.
# 10. the journal as a file (`journal --format jsonl`), proved without the
#     database (`verify --journal`); edited, cut, reordered files refused.
# 12. four-eyes approval (proposals hold nothing; no self-approval, no
#     non-registrar; carried out on approval or left pending; rejection,
#     expiry, journalled by the next write of any kind, CLI or HTTP, even a
#     refused one; verify replays it and finds edited rows), and the CADT export.
# usage: tests/registry.sh BUILD_DIR; last line "registry: N passed, N failed".
set -u
BIN="$(cd "$1" && pwd)/c2c"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
. "$(dirname "$0")/lib/db.sh"
test_db r.db
. "$(dirname "$0")/lib/assert.sh"
reg() { "$BIN" registry "$@"; }
bal() { reg balance --account "$1" --format json | python3 -c "import json,sys; print(sum(r['credits'] for r in json.load(sys.stdin) if r['state']=='active'))"; }

"$BIN" init >/dev/null
for a in JP-GOV-1 JP-ENT-1 JP-ENT-2 JP-ENT-3 JP-ENT-4; do
	kind=entity; [ "$a" = JP-GOV-1 ] && kind=government
	reg account open --id "$a" --country JP --kind $kind --holder "$a" >/dev/null
done
reg account open --id KH-GOV-1 --country KH --kind government --holder Cambodia >/dev/null
reg issue --external-verification EV-1 --source test-fixture --project KH003 --from 2023-01-01 --to 2023-12-31 --quantity 1000 >/dev/null
reg allocate KH003-01 JP-GOV-1=30 KH-GOV-1=70 >/dev/null
check "allocation 30/70" "$(bal JP-GOV-1)" 300

# --- 1. concurrency --------------------------------------------------------------
# 8 workers x 50 transfers of 1 credit from JP-GOV-1 (300 credits): at most 300
# may succeed, and exactly as many credits must have moved as were acknowledged.
for w in 1 2 3 4 5 6 7 8; do
	(
		to=JP-ENT-$(( (w - 1) % 4 + 1 ))
		i=0
		while [ $i -lt 50 ]; do
			if reg transfer --from JP-GOV-1 --to "$to" --quantity 1 >/dev/null 2>>"$WORK/errs.$w"; then
				echo "$to" >>"$WORK/acks.$w"
			fi
			i=$((i + 1))
		done
	) &
done
wait
acked=$(cat "$WORK"/acks.* 2>/dev/null | wc -l)
moved=$(( $(bal JP-ENT-1) + $(bal JP-ENT-2) + $(bal JP-ENT-3) + $(bal JP-ENT-4) ))
check "every acknowledged concurrent transfer moved exactly one credit" "$moved" "$acked"
check "no credit created or lost under concurrency" "$(( $(bal JP-GOV-1) + moved ))" 300
[ "$acked" -eq 300 ] && ok "all 300 credits moved, 100 transfers refused for want of credits" \
	|| bad "acked $acked of 400 attempts (expected 300: the rest overdraw)"
if grep -qv "holds 0 credits" "$WORK"/errs.* 2>/dev/null; then
	bad "a refused transfer failed for another reason: $(grep -hv 'holds 0 credits' "$WORK"/errs.* | head -3)"
else ok "the only refusals were overdraws"; fi
reg verify >/dev/null 2>&1 && ok "verify after concurrency" || bad "verify after concurrency: $(reg verify 2>&1)"

# --- 2. crash ------------------------------------------------------------------------
: >"$WORK/crash.acks"
(
	while :; do
		reg transfer --from KH-GOV-1 --to JP-ENT-1 --quantity 1 >/dev/null 2>&1 && echo 1 >>"$WORK/crash.acks"
		reg transfer --from JP-ENT-1 --to KH-GOV-1 --quantity 1 >/dev/null 2>&1 && echo 2 >>"$WORK/crash.acks"
	done
) 2>/dev/null &
loop=$!
reg authorize KH003-01 >/dev/null 2>&1 || true
kills=0
while [ $kills -lt 25 ]; do
	sleep 0.0$(( ($(od -An -N1 -tu1 /dev/urandom) % 9) + 1 ))
	pkill -9 -f "$BIN registry transfer" 2>/dev/null && kills=$((kills + 1))
done
kill -9 $loop 2>/dev/null
wait $loop 2>/dev/null
pkill -9 -f "$BIN registry transfer" 2>/dev/null
sleep 0.2
ok "killed a transferring c2c $kills times"
reg verify >/dev/null 2>&1 && ok "verify after $kills kills" || bad "verify after kills: $(reg verify 2>&1)"
acks=$(wc -l <"$WORK/crash.acks")
journalled=$(reg journal --format json | python3 -c "import json,sys; j=json.load(sys.stdin); print(sum(1 for e in j if e['op']=='transfer' and e['body']['from'] in ('KH-GOV-1','JP-ENT-1') and e['body']['to'] in ('KH-GOV-1','JP-ENT-1')))")
[ "$journalled" -ge "$acks" ] && ok "all $acks acknowledged transfers are in the journal ($journalled)" \
	|| bad "acknowledged $acks transfers but the journal has $journalled"
check "credits conserved after crashes" "$(( $(bal KH-GOV-1) + $(bal JP-ENT-1) + $(bal JP-ENT-2) + $(bal JP-ENT-3) + $(bal JP-ENT-4) + $(bal JP-GOV-1) ))" 1000

# --- 3. a batch is all or nothing, even when killed ----------------------------------
seq_before=$(reg journal --format json | python3 -c "import json,sys; print(len(json.load(sys.stdin)))")
python3 -c "
for i in range(200000):
    print('{\"op\":\"transfer\",\"from\":\"JP-ENT-%d\",\"to\":\"JP-ENT-%d\",\"quantity\":1}' % (1 + i % 2, 2 - i % 2))
" >"$WORK/batch.jsonl"
reg apply "$WORK/batch.jsonl" >/dev/null 2>&1 &
sleep 0.5
pkill -9 -f "$BIN registry apply" 2>/dev/null
wait 2>/dev/null
seq_after=$(reg journal --format json | python3 -c "import json,sys; print(len(json.load(sys.stdin)))")
reg verify >/dev/null 2>&1 && ok "verify after a killed batch" || bad "verify after killed batch: $(reg verify 2>&1)"
case $((seq_after - seq_before)) in
0 | 200000) ok "killed batch left all or nothing ($((seq_after - seq_before)) entries)";;
*) bad "killed batch left $((seq_after - seq_before)) of 200000 entries";;
esac
printf '{"op":"transfer","from":"JP-ENT-1","to":"JP-ENT-2","quantity":1}\n{"op":"transfer","from":"JP-ENT-1","to":"NOPE","quantity":1}\n' >"$WORK/bad.jsonl"
before=$(reg journal --format json | python3 -c "import json,sys; print(len(json.load(sys.stdin)))")
if reg apply "$WORK/bad.jsonl" 2>"$WORK/err"; then bad "a batch with a bad line was applied"; else
	grep -q "bad.jsonl: line 2: account 'NOPE' does not exist" "$WORK/err" && ok "bad batch names the line" || bad "bad batch message: $(cat "$WORK/err")"
fi
check "a bad batch changes nothing" "$(reg journal --format json | python3 -c "import json,sys; print(len(json.load(sys.stdin)))")" "$before"

# --- 4. refusals from the command line: exit status, message, nothing changed ---------
refused() { # refused NAME STATUS MESSAGE ARGS...
	name=$1 want=$2 msg=$3
	shift 3
	before=$(reg journal --format json | sha256sum)
	reg "$@" >/dev/null 2>"$WORK/err"
	got=$?
	[ "$got" -eq "$want" ] && ok "$name: exit $got" || bad "$name: exit $got, expected $want ($(cat "$WORK/err"))"
	grep -qF -- "$msg" "$WORK/err" && ok "$name: says why" || bad "$name: message '$(cat "$WORK/err")' lacks '$msg'"
	[ "$(reg journal --format json | sha256sum)" = "$before" ] && ok "$name: changed nothing" || bad "$name changed the journal"
}
refused "overdraw" 5 "holds" transfer --from JP-ENT-3 --to JP-ENT-4 --quantity 100000
refused "unknown account" 4 "account 'JP-NOPE' does not exist" transfer --from JP-NOPE --to JP-ENT-4 --quantity 1
refused "moving retired credits" 4 "JP-RETIREMENT" transfer --from JP-RETIREMENT --to JP-ENT-4 --quantity 1
reg retire --account JP-ENT-4 --quantity 1 --purpose voluntary --beneficiary "Someone" >/dev/null
refused "moving retired credits" 5 "never move again" transfer --from JP-RETIREMENT --to JP-ENT-4 --quantity 1
refused "issuing above the verified ER" 5 "verified emission reductions" issue --external-verification EV-1 --source test-fixture --project KH003 --from 2024-01-01 --to 2024-12-31 --quantity 500 --verified-er 499
refused "issuing a period twice" 5 "overlaps issuance KH003-01" issue --external-verification EV-1 --source test-fixture --project KH003 --from 2023-06-01 --to 2023-06-30 --quantity 5
reg issue --external-verification EV-1 --source test-fixture --project KH003 --from 2024-01-01 --to 2024-12-31 --quantity 500 --verified-er 500 >/dev/null
# no credit without a verified report (tests/mrv.sh issues from reports)
refused "issuing with neither a report nor an external verification" 3 "no credit without a verified report" issue --project VN777 --from 2025-01-01 --to 2025-12-31 --quantity 999999
[ "$(wc -l <"$WORK/err")" -eq 1 ] && ok "in one line" || bad "the refusal is $(wc -l <"$WORK/err") lines"
refused "an external verification without its source" 2 "--source is required" issue --external-verification EV-9 --project VN777 --from 2025-01-01 --to 2025-12-31 --quantity 5
refused "a project that is neither an MRV project nor a JCM reference" 4 "project 'pj-nowhere' is no MRV project" issue --external-verification EV-9 --source test-fixture --project pj-nowhere --from 2025-01-01 --to 2025-12-31 --quantity 5
refused "a report and an external verification together" 2 "not both" issue --report 1 --external-verification EV-9
refused "shares not adding up to 100%" 3 "the shares add up to 99.99%, not 100%" allocate KH003-02 JP-GOV-1=50 KH-GOV-1=49.99
refused "a bad share" 2 "is not a percentage" allocate KH003-02 JP-GOV-1=half
refused "closing a non-empty account" 5 "only an empty account can be closed" account close KH-GOV-1
refused "unknown subcommand" 2 "unknown subcommand 'mint'" mint
refused "missing option" 2 "--quantity is required" transfer --from JP-ENT-1 --to JP-ENT-2

# --- 5. corresponding adjustments as the JCM does them ---------------------------------
issue() { # issue PROJECT FROM TO QUANTITY: where this section issues credits (verified outside
	# c2c: the adjustments do not depend on where the verification was made)
	reg issue --project "$1" --from "$2" --to "$3" --quantity "$4" \
		--external-verification "test: verification report of $1" --source "test fixture"
}
ca_sum() { # ca_sum COUNTRY ISSUANCE [YEAR]: the net adjustment ca-report shows
	reg ca-report --country "$1" ${3:+--year "$3"} --format json |
		python3 -c "import json,sys; print(sum(r['adjustment'] for r in json.load(sys.stdin) if r['issuance']=='$2'))"
}
state() { db_rows registry_accounts registry_blocks registry_ca registry_journal registry_authorizations | sha256sum; }
reg account open --id TH-GOV-1 --country TH --kind government --holder Thailand >/dev/null
reg account open --id TH-ENT-1 --country TH --kind entity --holder "Thai Co" >/dev/null
reg account open --id JP-ENT-9 --country JP --kind entity --holder "Japanese Co" >/dev/null
issue TH010 2024-01-01 2024-12-31 801 >/dev/null
reg authorize TH010-01 >/dev/null
reg allocate TH010-01 JP-ENT-9=50 TH-GOV-1=50 >/dev/null
check "an authorized issuance allocated 50/50 to Japan: the host +401 (the odd credit to the first listed)" "$(ca_sum TH TH010-01)" 401
check "... Japan -401" "$(ca_sum JP TH010-01)" -401
check "... for vintage 2024" "$(ca_sum JP TH010-01 2024)" -401
check "... and no other vintage" "$(ca_sum JP TH010-01 2023)" 0
reg ca-report --country TH --year 2024 2>/dev/null | tail -n 1 | grep -qF "net corresponding adjustment for TH, vintage 2024: +401 tCO2e" &&
	ok "ca-report's table sums the host's +401" || bad "ca-report table: $(reg ca-report --country TH --year 2024 | tail -n 1)"
check "the allocation's journal entry carries the adjustment" \
	"$(reg journal --format json | python3 -c "import json,sys; print([e['body']['adjustments'] for e in json.load(sys.stdin) if e['op']=='allocate' and e['body']['issuance']=='TH010-01'][0][0]['quantity'])")" 401
issue TH010 2025-01-01 2025-06-30 100 >/dev/null
reg allocate TH010-02 JP-ENT-9=50 TH-GOV-1=50 >/dev/null
check "an unauthorized issuance allocated to Japan: no adjustment" "$(ca_sum TH TH010-02)" 0
refused_ndc() { # refused_ndc NAME MESSAGE ARGS...: refused with exit 5, nothing stored changed
	name=$1 msg=$2
	shift 2
	before=$(state)
	reg "$@" >/dev/null 2>"$WORK/err"
	got=$?
	[ "$got" -eq 5 ] && ok "$name: exit 5" || bad "$name: exit $got, expected 5 ($(cat "$WORK/err"))"
	grep -qF -- "$msg" "$WORK/err" && ok "$name: says why" || bad "$name: message '$(cat "$WORK/err")' lacks '$msg'"
	[ "$(state)" = "$before" ] && ok "$name: accounts, blocks, adjustments and journal unchanged" || bad "$name changed the registry"
}
refused_ndc "Japan retiring unauthorized credits for its NDC" \
	"account 'JP-ENT-9' holds 401 credits JP may count toward its NDC, cannot retire 451 for it: block JCM-TH-010-2025-000802-000851 of issuance TH010-02 is of an unauthorized issuance" \
	retire --account JP-ENT-9 --quantity 451 --purpose ndc --beneficiary Japan
check "... the balance stays" "$(bal JP-ENT-9)" 451
reg transfer --from JP-ENT-9 --to TH-ENT-1 --quantity 10 >/dev/null
check "credits adjusted once are not adjusted again on their way back" "$(ca_sum TH TH010-01)" 401
refused_ndc "the host retiring credits it adjusted away for its NDC" \
	"block JCM-TH-010-2024-000001-000010 of issuance TH010-01 went abroad with a corresponding adjustment" \
	retire --account TH-ENT-1 --quantity 1 --purpose ndc --beneficiary Thailand
check "... the balance stays" "$(bal TH-ENT-1)" 10
reg verify >/dev/null 2>&1 && ok "verify after the refused NDC retirements" || bad "verify: $(reg verify 2>&1)"
reg retire --account JP-ENT-9 --quantity 391 --purpose ndc --beneficiary Japan >"$WORK/out" 2>&1 &&
	grep -qF "391 credits of JP-ENT-9 retired toward JP's NDC (for Japan)" "$WORK/out" &&
	ok "Japan retires the adjusted credits toward its NDC" || bad "JP NDC retire: $(cat "$WORK/out")"
reg retire --account TH-GOV-1 --quantity 400 --purpose ndc --beneficiary Thailand >/dev/null 2>&1 &&
	ok "the host retires its own unadjusted credits toward its NDC" || bad "TH NDC retire refused"
reg retire --account TH-ENT-1 --quantity 10 --purpose voluntary --beneficiary Someone >/dev/null 2>&1 &&
	ok "adjusted credits back home may still be retired voluntarily" || bad "voluntary retire refused"
db_exec "UPDATE registry_ca SET quantity = quantity - 1 WHERE issuance_id = 'TH010-01' AND country = 'JP'"
reg verify >/dev/null 2>"$WORK/err" && bad "verify missed a registry_ca row edited behind its back" ||
	{ grep -qF "stored corresponding adjustment JP -402 (TH010-01 serials 1..401" "$WORK/err" &&
		ok "verify names an edited registry_ca row" || bad "verify said: $(cat "$WORK/err")"; }
db_exec "UPDATE registry_ca SET quantity = quantity + 1 WHERE issuance_id = 'TH010-01' AND country = 'JP'"
db_exec "UPDATE registry_blocks SET ca_done = 0 WHERE account_id = 'TH-RETIREMENT' AND issuance_id = 'TH010-01' AND ca_done = 1"
reg verify >/dev/null 2>"$WORK/err" && bad "verify missed a ca_done edited behind its back" ||
	{ grep -qF "stored block TH010-01 serials 1..10 in TH-RETIREMENT (retired) is not what the journal records" "$WORK/err" &&
		ok "verify names a block whose adjustment was erased" || bad "verify said: $(cat "$WORK/err")"; }
db_exec "UPDATE registry_blocks SET ca_done = 1 WHERE account_id = 'TH-RETIREMENT' AND issuance_id = 'TH010-01' AND first_serial = 1"
reg verify >/dev/null 2>&1 && ok "verify at the end" || bad "verify at the end: $(reg verify 2>&1)"

# --- 6. an account's history: every movement with its journal entry ------------------
hist=$(reg history --account JP-ENT-9 --format json | python3 -c "
import json,sys
rows = json.load(sys.stdin)
print(' | '.join('%s %s %+d %s %s' % (r['op'], r['direction'], r['quantity'], r['counterpart'], r['serials']) for r in rows))")
check "history of JP-ENT-9: opened, two allocations in, a transfer out, a retirement out" "$hist" \
"open none +0 None  | allocate in +401 TH-PENDING JCM-TH-010-2024-000001-000401 | allocate in +50 TH-PENDING JCM-TH-010-2025-000802-000851 | transfer out -10 TH-ENT-1 JCM-TH-010-2024-000001-000010 | retire out -391 JP-RETIREMENT JCM-TH-010-2024-000011-000401"
check "history: each row is its journal entry (seq and hash as the journal has them)" \
	"$(reg history --account JP-ENT-9 --format json | python3 -c "
import json,sys,subprocess
j = {e['seq']: e['hash'] for e in json.loads(subprocess.check_output(['$BIN', 'registry', 'journal', '--format', 'json']))}
rows = json.load(sys.stdin)
print(all(j[r['seq']] == r['hash'] for r in rows), rows[-1]['purpose'], rows[-1]['beneficiary'])")" "True ndc Japan"
check "history: the quantities sum to the balance" \
	"$(reg history --account JP-ENT-9 --format json | python3 -c "import json,sys; print(sum(r['quantity'] for r in json.load(sys.stdin)))")" "$(bal JP-ENT-9)"
reg history --account NO-SUCH >/dev/null 2>"$WORK/err"
check "history of an unknown account: exit 4" "$?" 4

# --- 7. the proof covers everything stored (issue 16's four holes) -------------------
# a retired block's beneficiary and purpose, edited behind the registry's back
retired_edit() { # retired_edit COLUMN VALUE ORIGINAL: verify names the block, then it is put back
	db_exec "UPDATE registry_blocks SET $1 = '$2' WHERE account_id = 'JP-RETIREMENT' AND issuance_id = 'TH010-01'"
	if reg verify >/dev/null 2>"$WORK/err"; then bad "verify missed a retired block's $1 edited behind its back"
	elif grep -qF "in JP-RETIREMENT (retired): its purpose or beneficiary is not what the journal records" "$WORK/err"; then
		ok "verify names a retired block whose $1 was edited"
	else bad "verify said: $(cat "$WORK/err")"; fi
	db_exec "UPDATE registry_blocks SET $1 = '$3' WHERE account_id = 'JP-RETIREMENT' AND issuance_id = 'TH010-01'"
}
retired_edit beneficiary Mallory Japan
retired_edit purpose voluntary ndc
reg verify >/dev/null 2>&1 && ok "verify clean once the beneficiary and purpose are put back" || bad "verify: $(reg verify 2>&1)"

# the truncation anchor: deleting the last entry, one that moved no credits
issue TH010 2025-07-01 2025-12-31 30 >/dev/null
head_before=$(reg head)
reg authorize TH010-03 >/dev/null
head_after=$(reg head)
check "registry head: SEQ:HASH of the last entry" "$(echo "$head_after" | grep -cE '^[0-9]+:[0-9a-f]{64}$')" 1
reg verify --head "$head_after" >"$WORK/out" 2>&1 && grep -qF "the journal reaches the head kept elsewhere, entry ${head_after%%:*}" "$WORK/out" &&
	ok "verify --head: the journal reaches the head kept elsewhere" || bad "verify --head: $(cat "$WORK/out")"
db_exec "DELETE FROM registry_journal WHERE seq = ${head_after%%:*}"
db_exec "UPDATE registry_issuances SET authorized = 0 WHERE id = 'TH010-03'"
reg verify >/dev/null 2>&1 && ok "an authorization deleted from the journal's end: the chain alone cannot see it (documented)" ||
	bad "verify without a head: $(reg verify 2>&1)"
reg verify --head "$head_after" >/dev/null 2>"$WORK/err"
check "verify --head with the head kept before the truncation: exit 5" "$?" 5
grep -qF "the journal ends at entry ${head_before%%:*}, but the head kept elsewhere is entry ${head_after%%:*}: entries were removed" "$WORK/err" &&
	ok "verify --head names the truncation" || bad "verify --head said: $(cat "$WORK/err")"
reg verify --head "${head_before%%:*}:$(printf '%064d' 0)" >/dev/null 2>"$WORK/err" && bad "verify --head took a wrong hash" ||
	{ grep -qF "hash is not the head kept elsewhere" "$WORK/err" && ok "verify --head refuses a head whose hash differs" ||
		bad "verify --head said: $(cat "$WORK/err")"; }
reg verify --head "$head_before" >/dev/null 2>&1 && ok "verify --head with an older head kept elsewhere passes" || bad "older head: $(reg verify --head "$head_before" 2>&1)"
reg verify --head "12x" >/dev/null 2>&1
check "verify --head that is not SEQ:HASH: exit 2" "$?" 2

# reserved account ids: nobody opens the registry's own accounts
for id in KH-PENDING LA-PENDING TH-RETIREMENT VN-CANCELLATION; do
	before=$(state)
	reg account open --id "$id" --country "${id%%-*}" --kind entity --holder Mallory >/dev/null 2>"$WORK/err"
	got=$?
	[ "$got" -eq 3 ] && grep -qF "account id '$id' is reserved" "$WORK/err" && [ "$(state)" = "$before" ] &&
		ok "account open --id $id refused (exit 3), nothing changed" || bad "account open --id $id: exit $got, $(cat "$WORK/err")"
done
db_exec "INSERT INTO registry_accounts (id, country, kind, holder, status, balance, opened_seq) VALUES ('LA-PENDING', 'LA', 'entity', 'Mallory', 'open', 0, 1)"
reg issue --external-verification EV-9 --source test-fixture --project LA001 --from 2023-01-01 --to 2023-12-31 --quantity 5 >/dev/null 2>"$WORK/err"
check "an issuance never lands in a user's account under the registry's name: exit 5" "$?" 5
grep -qF "account 'LA-PENDING' is a entity account, not the registry's own pending account" "$WORK/err" &&
	ok "... and says so" || bad "said: $(cat "$WORK/err")"
db_exec "DELETE FROM registry_accounts WHERE id = 'LA-PENDING'"

# the registry's stated maximum: 9,300 issuances of 10^15 credits in one apply
python3 -c "
for i in range(9300):
    import datetime  # a day of its own for each: periods never overlap
    day = (datetime.date(1990, 1, 1) + datetime.timedelta(days=i)).isoformat()
    print('{\"op\": \"issue\", \"project\": \"MN%03d\", \"period_start\": \"%s\", \"period_end\": \"%s\", \"quantity\": 1000000000000000, \"external_verification\": \"EV\", \"source\": \"test\"}' % (1 + i % 900, day, day))
" >"$WORK/big.jsonl"
before=$(state)
reg apply "$WORK/big.jsonl" >/dev/null 2>"$WORK/err"
check "9,300 issuances of 10^15 credits: refused (exit 5)" "$?" 5
grep -qF "line 1000: cannot issue 1000000000000000 credits: the registry holds" "$WORK/err" && grep -qF "its maximum is 1000000000000000000" "$WORK/err" &&
	ok "... at the issuance that would pass the registry's maximum, named" || bad "said: $(cat "$WORK/err")"
[ "$(state)" = "$before" ] && ok "... and nothing of the batch stays" || bad "the refused batch changed the registry"
head -n 990 "$WORK/big.jsonl" >"$WORK/some.jsonl"
reg apply "$WORK/some.jsonl" >/dev/null 2>"$WORK/err" && ok "990 issuances of 10^15 fit below the maximum" || bad "990 issuances: $(cat "$WORK/err")"
reg verify --format json >"$WORK/out" 2>&1
check "verify after 990 x 10^15: clean, the sum exact" "$(python3 -c "import json; v=json.load(open('$WORK/out')); print(v['ok'], v['issued'] >= 990 * 10**15, v['issued'] == v['held'] + v['cancelled'] + v['retired'])")" "True True True"

# --- 8. authorizations as records (Article 6.2) --------------------------------------
issue TH010 2026-01-01 2026-06-30 40 >/dev/null
refuse_auth() { # refuse_auth FLAG TEXT ARGS...: exit 3, the flag and TEXT named, nothing changed
	flag=$1 text=$2
	shift 2
	before=$(state)
	reg authorize TH010-04 "$@" >/dev/null 2>"$WORK/err"
	got=$?
	[ "$got" -eq 3 ] && grep -qF -- "$flag: authorize: $text" "$WORK/err" && [ "$(state)" = "$before" ] &&
		ok "authorize refuses $text (exit 3, $flag), nothing changed" || bad "authorize $*: exit $got, $(cat "$WORK/err")"
}
good="--purpose ndc+oimp --first-transfer issuance --on 2026-01-15 --ref MOE-2026-7"
refuse_auth --purpose "purpose 'ndc-oimp' is not one of ndc, oimp, ndc+oimp" --purpose ndc-oimp --first-transfer issuance --on 2026-01-15 --ref R
refuse_auth --first-transfer "first transfer 'sale' is not one of issuance, transfer, use, cancellation" --purpose ndc --first-transfer sale --on 2026-01-15 --ref R
refuse_auth --on "the date of the authorization '2026-02-30' is not a date" --purpose ndc --first-transfer use --on 2026-02-30 --ref R
refuse_auth --on "the authorization is dated 2999-01-01, after today" --purpose ndc --first-transfer use --on 2999-01-01 --ref R
refuse_auth --ref "give the authorization's reference" --purpose ndc --first-transfer use --on 2026-01-15
refuse_auth --authorized-entity "authorized entity 'Toyama Co' is named twice" $good --authorized-entity "Toyama Co" --authorized-entity "Toyama Co"
reg authorize TH010-04 $good --authorized-entity "Toyama Co" --authorized-entity "北九州市" >"$WORK/out" 2>"$WORK/err" &&
	ok "authorize with its record: $(cat "$WORK/out")" || bad "authorize with a record: $(cat "$WORK/err")"
check "the record is shown on the issuance" "$(reg issuances --project TH010 --format json | python3 -c "
import json, sys
a = [i for i in json.load(sys.stdin) if i['id'] == 'TH010-04'][0]['authorization']
print(a['purpose'], a['authorized_entities'], a['first_transfer'], a['on'], a['ref'])")" "ndc+oimp ['Toyama Co', '北九州市'] issuance 2026-01-15 MOE-2026-7"
check "... and in its journal entry" "$(reg journal --format json | python3 -c "
import json, sys
e = [e for e in json.load(sys.stdin) if e['op'] == 'authorize' and e['body']['issuance'] == 'TH010-04'][0]
print(sorted(e['body']['authorization'].items()))")" "[('authorized_entities', ['Toyama Co', '北九州市']), ('first_transfer', 'issuance'), ('on', '2026-01-15'), ('purpose', 'ndc+oimp'), ('ref', 'MOE-2026-7')]"
reg verify >/dev/null 2>&1 && ok "verify clean with the record" || bad "verify: $(reg verify 2>&1)"
db_exec "UPDATE registry_authorizations SET ref = 'MOE-2026-8' WHERE issuance_id = 'TH010-04'"
reg verify >/dev/null 2>"$WORK/err"
check "a record's reference edited behind the registry's back: verify exit 5" "$?:$(grep -c 'the stored authorization of issuance TH010-04 is not what the journal records' "$WORK/err")" "5:1"
db_exec "DELETE FROM registry_authorizations WHERE issuance_id = 'TH010-04'"
reg verify >/dev/null 2>"$WORK/err"
check "a record deleted: verify exit 5, naming its entry" "$?:$(grep -cE 'journal entry [0-9]+ authorized issuance TH010-04 with a record, but registry_authorizations does not hold it' "$WORK/err")" "5:1"
db_exec "INSERT INTO registry_authorizations (issuance_id, seq, purpose, authorized_entities, first_transfer, authorized_on, ref) SELECT 'TH010-04', seq, 'ndc+oimp', '[\"Toyama Co\",\"\\u5317\\u4e5d\\u5dde\\u5e02\"]', 'issuance', '2026-01-15', 'MOE-2026-7' FROM registry_journal WHERE op = 'authorize' AND body LIKE '%TH010-04%'"
reg verify >/dev/null 2>&1 && ok "verify clean once the record is put back as journalled" || bad "verify after putting back: $(reg verify 2>&1)"
issue TH010 2026-07-01 2026-09-30 10 >/dev/null
printf '{"op": "authorize", "issuance": "TH010-05", "purpose": "oimp", "first_transfer": "use", "on": "2026-07-02", "ref": "R-5", "authorized_entities": ["A"]}\n' >"$WORK/auth.jsonl"
reg apply "$WORK/auth.jsonl" >/dev/null 2>"$WORK/err" && ok "apply: an authorize operation with its record" || bad "apply authorize: $(cat "$WORK/err")"
check "... recorded as given" "$(reg issuances --project TH010 --format json | python3 -c "
import json, sys
print([i['authorization']['purpose'] + '/' + i['authorization']['first_transfer'] for i in json.load(sys.stdin) if i['id'] == 'TH010-05'])")" "['oimp/use']"

# --- 9. backups while the server writes ---------------------------------------------
if sqlite_only "db backup and restore of a live SQLite file"; then
	. "$(dirname "$0")/lib/serve.sh"
	echo "pass-bkjp-0123" | "$BIN" user add bkjp --role registrar --scope JP >/dev/null 2>"$WORK/err" || bad "user add: $(cat "$WORK/err")"
	tok=$("$BIN" user token add bkjp --label backup-test | tr -d '\n')
	if serve_start backup; then
		post() { curl -s -o /dev/null -w '%{http_code}\n' -H "Authorization: Bearer $tok" -H 'Content-Type: application/json' \
			-d "{\"from\": \"$1\", \"to\": \"$2\", \"quantity\": 1}" "$URL/api/v1/registry/transfer"; }
		: >"$WORK/codes"
		(
			while [ ! -e "$WORK/stop" ]; do
				post JP-ENT-1 JP-ENT-2 >>"$WORK/codes"
				post JP-ENT-2 JP-ENT-1 >>"$WORK/codes"
			done
		) &
		writer=$!
		while [ "$(grep -c '^200$' "$WORK/codes")" -lt 20 ]; do sleep 0.05; done
		for n in 1 2 3; do
			w0=$(grep -c '^200$' "$WORK/codes")
			"$BIN" db backup "$WORK/bk$n.db" >"$WORK/bk$n.out" 2>"$WORK/err" || bad "db backup $n: $(cat "$WORK/err")"
			h=$(sed -n 's/^journal head of the copy (keep it elsewhere): //p' "$WORK/bk$n.out")
			eval "head$n=\$h"
			"$BIN" --db "$WORK/bk$n.db" registry verify --head "$h" >/dev/null 2>"$WORK/err" &&
				ok "backup $n taken while the server wrote: its copy verifies against the head it printed ($h)" ||
				bad "backup $n: verify --head on the copy: $(cat "$WORK/err")"
			live=$(reg journal --since "${h%%:*}" --format json | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["hash"])')
			check "backup $n: its head is the live journal's entry ${h%%:*}" "$live" "${h#*:}"
			while [ "$(grep -c '^200$' "$WORK/codes")" -le "$w0" ]; do sleep 0.05; done
		done
		touch "$WORK/stop"
		wait "$writer"
		n200=$(grep -c '^200$' "$WORK/codes")
		nother=$(grep -vc '^200$' "$WORK/codes")
		check "every transfer over HTTP during the backups succeeded ($n200)" "$nother" 0
		[ "${head3%%:*}" -gt "${head1%%:*}" ] && ok "the server kept writing between backups (entry ${head1%%:*} to ${head3%%:*})" ||
			bad "heads did not move: $head1 $head3"
		reg verify >/dev/null 2>&1 && ok "the live database verifies after the backups" || bad "live verify: $(reg verify 2>&1)"
		kill "$PID"
		wait "$PID" 2>/dev/null
		"$BIN" --db "$WORK/restored.db" db restore "$WORK/bk2.db" --head "$head2" >"$WORK/out" 2>"$WORK/err" &&
			"$BIN" --db "$WORK/restored.db" registry verify --head "$head2" >/dev/null 2>&1 &&
			ok "db restore of backup 2 into a new file: it verifies against backup 2's head" || bad "restore: $(cat "$WORK/err")"
		run "db restore over an existing database without --replace: refused" 5 "$BIN" --db "$WORK/restored.db" db restore "$WORK/bk3.db"
		has "... saying what it would do" "$WORK/err" "restoring would replace everything in it"
		run "db restore --replace with the head kept elsewhere" 0 "$BIN" --db "$WORK/restored.db" db restore "$WORK/bk3.db" --replace --head "$head3"
		"$BIN" --db "$WORK/restored.db" registry verify --head "$head3" >/dev/null 2>&1 && ok "... then the database is backup 3" || bad "after --replace: $("$BIN" --db "$WORK/restored.db" registry verify --head "$head3" 2>&1)"
		run "db restore with a head the backup does not reach: refused" 5 "$BIN" --db "$WORK/none.db" db restore "$WORK/bk1.db" --head "$head3"
		has "... naming the truncation" "$WORK/err" "entries were removed from its end"
		[ ! -e "$WORK/none.db" ] && ok "... and no database was made" || bad "a refused restore left $WORK/none.db"
		run "db backup onto a file that exists: refused" 5 "$BIN" db backup "$WORK/bk1.db"
		sqlite3 "$WORK/bk1.db" "UPDATE registry_blocks SET state = 'active' WHERE state = 'retired'"
		run "db restore of a tampered backup: refused" 5 "$BIN" --db "$WORK/none.db" db restore "$WORK/bk1.db"
		has "... nothing restored" "$WORK/err" "nothing was restored"
	fi
fi

# --- 10. the journal as a file, proved without the database ----------------------------
reg journal --format jsonl >"$WORK/j.jsonl" 2>"$WORK/err" || bad "journal --format jsonl: $(cat "$WORK/err")"
jhead=$(reg head)
check "the export holds every entry" "$(wc -l <"$WORK/j.jsonl")" "${jhead%%:*}"
(cd "$WORK" && C2C_DB="$WORK/no-such.db" "$BIN" registry verify --journal j.jsonl --head "$jhead" --format json >"$WORK/vj.json" 2>"$WORK/err") &&
	ok "verify --journal: the export verifies from the file alone, against the head" || bad "verify --journal: $(cat "$WORK/err")"
[ ! -e "$WORK/no-such.db" ] && ok "... without opening or making a database" || bad "verify --journal made a database"
reg balance --format json >"$WORK/bal.json"
reg verify --format json >"$WORK/v.json"
check "the balances the file implies are the database's, account by account and state by state" "$(python3 -c "
import json, collections
got = {(b['account'], s): b[s] for b in json.load(open('$WORK/vj.json'))['balances'] for s in ('active', 'cancelled', 'retired') if b[s]}
want = collections.Counter()
for r in json.load(open('$WORK/bal.json')):
    want[(r['account'], r['state'])] += r['credits']
v, d = json.load(open('$WORK/vj.json')), json.load(open('$WORK/v.json'))
print(got == dict(want) and len(got) > 5, [v[k] == d[k] for k in ('entries', 'issued', 'held', 'cancelled', 'retired')])
")" "True [True, True, True, True, True]"
# tamper with copies of the file: python rewrites one entry and, with "rechain", every hash after it
tamper() { # tamper NAME PYTHON-ON-LINES [rechain]
	python3 - "$WORK/j.jsonl" "$WORK/t.jsonl" "$2" "${3:-}" <<'PY'
import hashlib, json, sys
lines = [json.loads(l) for l in open(sys.argv[1])]
exec(sys.argv[3])
if sys.argv[4] == "rechain":
    prev = "0" * 64
    for e in lines:
        e["prev_hash"] = prev
        e["hash"] = hashlib.sha256("\n".join([prev, str(e["seq"]), e["at"], e["user"], e["op"], e["body"], ""]).encode()).hexdigest()
        prev = e["hash"]
with open(sys.argv[2], "w") as f:
    for e in lines:
        f.write(json.dumps(e, separators=(",", ":"), ensure_ascii=False) + "\n")
PY
}
refused_file() { # refused_file NAME TEXT [--head H]: verify --journal of t.jsonl exits 5 saying TEXT
	name=$1 text=$2
	shift 2
	"$BIN" registry verify --journal "$WORK/t.jsonl" "$@" >/dev/null 2>"$WORK/err"
	got=$?
	[ "$got" -eq 5 ] && grep -qF -- "$text" "$WORK/err" && ok "verify --journal refuses $name: $(head -c 160 "$WORK/err")" ||
		bad "verify --journal, $name: exit $got, $(cat "$WORK/err")"
}
tamper untouched ""
cmp -s "$WORK/j.jsonl" "$WORK/t.jsonl" && ok "the tamper helper writes the export back byte for byte" || bad "tamper helper changes the file by itself"
tamper edited 'b = json.loads(lines[40]["body"]); b["quantity"] = 999; lines[40]["body"] = json.dumps(b, sort_keys=True, separators=(",", ":"))'
refused_file "an edited entry" "line 41: journal entry 41 has been altered"
tamper reordered 'lines[30], lines[31] = lines[31], lines[30]'
refused_file "two entries swapped" "line 31: journal entry 32 is out of sequence"
tamper removed 'del lines[50]'
refused_file "an entry removed from the middle" "line 51: journal entry 52 is out of sequence"
head -c $(( $(wc -c <"$WORK/j.jsonl") - 40 )) "$WORK/j.jsonl" >"$WORK/t.jsonl"
refused_file "a file cut in the middle of its last entry" "the file ends in the middle of an entry"
head -n $(( ${jhead%%:*} - 3 )) "$WORK/j.jsonl" >"$WORK/t.jsonl"
"$BIN" registry verify --journal "$WORK/t.jsonl" >/dev/null 2>&1 && ok "whole entries cut from the end: the file alone cannot see it (as the database cannot)" ||
	bad "a shorter export failed without a head"
refused_file "whole entries cut from the end, with the head kept elsewhere" "entries were removed from its end" --head "$jhead"
# a movement redirected and the whole chain recomputed: the chain holds, the head does not
tamper redirected '
k = next(i for i, e in enumerate(lines) if e["op"] == "transfer" and json.loads(e["body"])["moves"][0]["to"] == "JP-ENT-2")
b = json.loads(lines[k]["body"]); b["moves"][0]["to"] = "JP-ENT-3"; lines[k]["body"] = json.dumps(b, sort_keys=True, separators=(",", ":"))
open(sys.argv[2] + ".seq", "w").write(str(lines[k]["seq"]))' rechain
# (refused at the head, or earlier when a later entry moves those credits on from where they were)
"$BIN" registry verify --journal "$WORK/t.jsonl" --head "$jhead" >/dev/null 2>"$WORK/err"
got=$?
[ "$got" -eq 5 ] && grep -qE "the journal was rewritten from there|journal entry [0-9]+: a movement takes credits from an account that did not hold them" "$WORK/err" &&
	ok "verify --journal refuses a movement redirected, its chain recomputed, with the head kept elsewhere: $(head -c 160 "$WORK/err")" ||
	bad "verify --journal, a redirected movement: exit $got, $(cat "$WORK/err")"
tamper redated 'lines[-1]["at"] = "2000-01-01T00:00:00.000Z"' rechain
"$BIN" registry verify --journal "$WORK/t.jsonl" >/dev/null 2>&1 && ok "the last entry redated, its chain recomputed: whole to the file alone" ||
	bad "a rechained file failed without a head: $("$BIN" registry verify --journal "$WORK/t.jsonl" 2>&1)"
refused_file "the last entry redated, its chain recomputed, against the head kept elsewhere" "the journal was rewritten from there" --head "$jhead"
# credits taken from an account that never held them, chain recomputed: the replay names the entry
tamper stolen '
k = next(i for i, e in enumerate(lines) if e["op"] == "transfer")
b = json.loads(lines[k]["body"]); b["moves"][0]["from"] = "JP-GOV-1" if b["moves"][0]["from"] != "JP-GOV-1" else "JP-ENT-4"
lines[k]["body"] = json.dumps(b, sort_keys=True, separators=(",", ":"))
open(sys.argv[2] + ".seq", "w").write(str(lines[k]["seq"]))' rechain
refused_file "a movement from an account that did not hold the credits (chain recomputed)" "journal entry $(cat "$WORK/t.jsonl.seq"): a movement takes credits from an account that did not hold them"
printf '{"seq": 1}\n' >"$WORK/t.jsonl"
"$BIN" registry verify --journal "$WORK/t.jsonl" >/dev/null 2>"$WORK/err"
check "a line that is not a journal entry: exit 3, naming the member" "$?:$(grep -c 'line 1 (after journal entry 0): the entry has no at (a string)' "$WORK/err")" "3:1"
reg journal --format jsonl --since 3 >/dev/null 2>&1
check "journal --format jsonl --since: refused (it would cut the chain)" "$?" 2

# --- 11. the AEF of a scripted year --------------------------------------------------
(
	C2C_DB="$WORK/aef.db"
	export C2C_DB
	"$BIN" init >/dev/null
	for a in "JP-A JP" "JP-B JP" "KH-A KH"; do set -- $a; reg account open --id "$1" --country "$2" --kind government --holder "$1" >/dev/null; done
	issue KH005 2024-01-01 2024-12-31 100 >/dev/null
	issue KH006 2024-01-01 2024-12-31 50 >/dev/null
	reg authorize KH005-01 --purpose ndc --first-transfer transfer --on 2025-05-01 --ref KH-2025-1 >/dev/null
	reg allocate KH005-01 JP-A=30 KH-A=70 >/dev/null          # first transfer KH->JP 30 (serials 1-30)
	reg allocate KH006-01 JP-A=50 KH-A=50 >/dev/null          # unauthorized: no ITMO
	reg transfer --from JP-A --to KH-A --quantity 5 >/dev/null # ITMOs back: 1-5 (KH006 is later in order)
	reg transfer --from KH-A --to JP-B --quantity 10 >/dev/null # 1-5 again (transfer), 31-35 (first transfer)
	reg retire --account JP-A --quantity 8 --purpose ndc --beneficiary Japan >/dev/null
	reg cancel --account JP-A --quantity 2 >/dev/null
	reg retire --account JP-A --quantity 3 --purpose voluntary --beneficiary "Toyama Co" >/dev/null
	y=$(date -u +%Y)
	reg aef --party JP --year "$y" --format json >"$WORK/aef-jp.json" 2>"$WORK/err" || bad "aef JP: $(cat "$WORK/err")"
	reg aef --party KH --year "$y" --format json >"$WORK/aef-kh.json" 2>"$WORK/err" || bad "aef KH: $(cat "$WORK/err")"
	sum() { # sum FILE: "type:from>to:first_transfer quantity" lines, summed
		python3 -c "
import json, collections
c = collections.Counter()
for a in json.load(open('$1'))['actions']:
    c['%s:%s>%s:%s' % (a['action_type'], a['transferring_party'], a['acquiring_party'], a['first_transfer'])] += a['quantity_tco2e']
print(' '.join('%s=%d' % kv for kv in sorted(c.items())))"
	}
	check "AEF of JP: every action, with its Parties and quantities" "$(sum "$WORK/aef-jp.json")" \
		"Acquisition:KH>JP:no=5 Acquisition:KH>JP:yes=35 Cancellation:>:=2 Transfer:JP>KH:no=5 Use:>:=8 Voluntary cancellation:>:=3"
	check "AEF of KH: every action, with its Parties and quantities" "$(sum "$WORK/aef-kh.json")" \
		"Acquisition:JP>KH:no=5 Authorization:>:=100 First transfer:KH>JP:yes=35 Transfer:KH>JP:no=5"
	check "... the unauthorized issuance is in neither (no ITMO)" "$(grep -c 'KH-006' "$WORK/aef-jp.json" "$WORK/aef-kh.json" | cut -d: -f2 | tr '\n' ' ')" "0 0 "
	check "... the authorization record on every row of the ITMOs" "$(python3 -c "
import json
a = json.load(open('$WORK/aef-jp.json'))['actions']
print({(r['authorization_id'], r['purposes_for_authorization'], r['date_of_authorization']) for r in a})")" "{('KH-2025-1', 'NDC', '2025-05-01')}"
	reg balance --format json >"$WORK/aef-bal.json"
	check "holdings on 31 December equal the day's balances of the ITMOs, account by account" "$(python3 -c "
import json, collections
h, b = collections.Counter(), collections.Counter()
for r in json.load(open('$WORK/aef-jp.json'))['holdings']:
    h[r['account']] += r['quantity_tco2e']
for r in json.load(open('$WORK/aef-bal.json')):
    if r['issuance'] == 'KH005-01' and r['state'] == 'active' and r['account'].startswith('JP-'):
        b[r['account']] += r['credits']
print(dict(h) == dict(b), sorted(h.items()))")" "True [('JP-A', 12), ('JP-B', 10)]"
	check "... and KH holds no ITMO (its credits were never first transferred)" "$(python3 -c "import json; print(len(json.load(open('$WORK/aef-kh.json'))['holdings']))")" 0
	check "a year before anything happened: nothing" "$(reg aef --party JP --year $((y - 1)) --format json | python3 -c "import json,sys; d=json.load(sys.stdin); print(len(d['actions']), len(d['holdings']))")" "0 0"
	check "fields c2c does not hold are named in notes, not invented" "$(python3 -c "
import json
d = json.load(open('$WORK/aef-jp.json'))
notes = {n['field'] for n in d['notes']}
print(all(r['article6_database_record_id'] == '' and r['sectors'] == '' for r in d['actions']), {'article6_database_record_id', 'sectors', 'activity_types'} <= notes)")" "True True"
	reg aef --party JP --year "$y" --format csv >"$WORK/aef.csv"
	check "--format csv: the actions table, a header and one line each" "$(( $(wc -l <"$WORK/aef.csv") - 1 )):$(head -n 1 "$WORK/aef.csv" | cut -c1-60)" \
		"$(python3 -c "import json; print(len(json.load(open('$WORK/aef-jp.json'))['actions']))"):article6_database_record_id,cooperative_approach,first_uniqu"
	reg aef --party JP --year "$y" --format xlsx --output "$WORK/aef.xlsx" 2>"$WORK/err" &&
		python3 -c "import zipfile,sys; z=zipfile.ZipFile(sys.argv[1]); n=[x for x in z.namelist() if x.startswith('xl/worksheets/')]; sys.exit(0 if len(n) >= 4 else 1)" "$WORK/aef.xlsx" &&
		ok "--format xlsx: a workbook with its sheets (summary, actions, holdings, notes)" || bad "aef xlsx: $(cat "$WORK/err")"
	reg aef --party jp --year "$y" >/dev/null 2>"$WORK/err"
	check "a party that is no country code: exit 3, naming --party" "$?:$(grep -c -- '--party: aef: party' "$WORK/err")" "3:1"
	# the public retirement log of the same year
	reg retirements --format json >"$WORK/ret.json" 2>"$WORK/err" || bad "retirements: $(cat "$WORK/err")"
	reg journal --format json >"$WORK/aef-journal.json"
	check "registry retirements: every retirement, its account, purpose, beneficiary and quantity, each its journal entry's hash" "$(python3 -c "
import json
r = json.load(open('$WORK/ret.json'))
j = {e['seq']: e for e in json.load(open('$WORK/aef-journal.json'))}
print([(x['country'], x['account'], x['quantity'], x['purpose'], x['beneficiary']) for x in r],
      all(x['hash'] == j[x['seq']]['hash'] and j[x['seq']]['op'] == 'retire' for x in r),
      len([e for e in j.values() if e['op'] == 'retire']) == len(r))")" 		"[('JP', 'JP-A', 8, 'ndc', 'Japan'), ('JP', 'JP-A', 3, 'voluntary', 'Toyama Co')] True True"
	check "registry retirements --country KH: none" "$(reg retirements --country KH --format json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')" 0
	echo "$pass $fail" >"$WORK/aef.counts"
)
read p f <"$WORK/aef.counts"
pass=$p fail=$f

# --- 12. four-eyes approval, and the CADT export -------------------------------------
(
	C2C_DB="$WORK/fe.db" DB_BACKEND=sqlite # its own file, as section 11
	export C2C_DB C2C_AUTH_INSECURE_FAST_HASH=1
	"$BIN" init >/dev/null
	for u in "alice KH" "bob KH" "carol JP"; do set -- $u
		echo "correct-horse-$1" | "$BIN" user add "$1" --role registrar --scope "$2" >/dev/null || bad "user add $1"
	done
	echo correct-horse-olga | "$BIN" user add olga --role office >/dev/null
	for a in "KH-A KH" "KH-B KH" "JP-A JP"; do set -- $a; reg account open --id "$1" --country "$2" --kind entity --holder "Holder $1" >/dev/null; done
	issue KH007 2024-01-01 2024-12-31 1000 >/dev/null
	reg authorize KH007-01 --purpose ndc --first-transfer transfer --on 2025-05-01 --ref KH-2025-7 >/dev/null
	reg allocate KH007-01 KH-A=60 JP-A=40 >/dev/null
	# off by default: everything as before
	run "four-eyes off by default: a transfer goes through" 0 reg transfer --from KH-A --to KH-B --quantity 10
	run "setting four-eyes on KH (threshold 50, proposals live 10 minutes)" 0 reg four-eyes --country KH --require yes --threshold 50 --expiry 10m --user admin
	run "a transfer at the threshold needs no approval" 0 reg transfer --from KH-A --to KH-B --quantity 50
	kh_a=$(bal KH-A)
	run "a transfer above the threshold is refused: exit 12" 12 reg transfer --from KH-A --to KH-B --quantity 51
	has "... saying it needs approval" "$WORK/err" "the KH registry requires four-eyes approval for a transfer of more than 50 credits"
	run "a cancellation is refused without approval" 12 reg cancel --account KH-A --quantity 1
	run "a retirement is refused without approval" 12 reg retire --account KH-A --quantity 1 --purpose voluntary --beneficiary X
	run "JP's registry is not affected" 0 reg cancel --account JP-A --quantity 1
	check "nothing moved by the refusals" "$(bal KH-A)" "$kh_a"
	# a proposal holds nothing
	run "alice proposes a transfer of 100" 0 reg propose transfer --from KH-A --to KH-B --quantity 100 --user alice
	p1=$(sed -n 's/^proposal \([0-9]*\):.*/\1/p' "$WORK/out")
	check "a proposal holds nothing: KH-A unchanged" "$(bal KH-A)" "$kh_a"
	run "a proposal below what needs approval is refused" 5 reg propose transfer --from KH-A --to KH-B --quantity 5 --user alice
	run "a proposal of more than the account holds is refused" 5 reg propose cancel --account KH-A --quantity 100000 --user alice
	run "a proposal of an unknown operation: exit 3" 3 reg propose burn --account KH-A --quantity 1 --user alice
	run "alice cannot approve her own proposal (four eyes): exit 12" 12 reg approve "$p1" --user alice
	has "... saying another registrar must" "$WORK/err" "another registrar must approve it"
	run "carol, a JP registrar, cannot approve a KH proposal" 12 reg approve "$p1" --user carol
	run "olga, not a registrar, cannot approve" 12 reg approve "$p1" --user olga
	run "nobody known cannot approve" 12 reg approve "$p1" --user mallory
	check "still nothing moved, still pending" "$(bal KH-A):$(reg proposals --status pending --format json | python3 -c 'import json,sys; print([p["id"] for p in json.load(sys.stdin)])')" "$kh_a:[$p1]"
	run "bob approves it: carried out at once" 0 reg approve "$p1" --user bob
	check "the 100 credits moved" "$(bal KH-A)" "$((kh_a - 100))"
	run "a second approval is refused" 5 reg approve "$p1" --user bob
	reg journal --format json >"$WORK/fe-j.json"
	check "journal: propose, approve, then the transfer naming the proposal, by bob" "$(python3 -c "
import json
j = json.load(open('$WORK/fe-j.json'))
p = [e for e in j if e['seq'] == $p1][0]
a = [e for e in j if e['op'] == 'approve'][0]
t = [e for e in j if e['seq'] == a['seq'] + 1][0]
print(p['op'], p['user'], a['user'], a['body']['proposal'], t['op'], t['body']['proposal'], len(p['body']['moves']))")" "propose alice bob $p1 transfer $p1 0"
	# approval when the credits moved meanwhile
	run "alice proposes cancelling 150 of KH-B" 0 reg propose cancel --account KH-B --quantity 150 --user alice
	p2=$(sed -n 's/^proposal \([0-9]*\):.*/\1/p' "$WORK/out")
	run "KH-B moves 50 away meanwhile (at the threshold)" 0 reg transfer --from KH-B --to KH-A --quantity 50
	before=$(db_rows registry_journal registry_blocks registry_proposals | sha256sum)
	run "bob's approval cannot be carried out: exit 5" 5 reg approve "$p2" --user bob
	has "... saying so, and that it stays pending" "$WORK/err" "proposal $p2 cannot be carried out now, so it is not approved and stays pending"
	has "... and why" "$WORK/err" "holds 110 credits"
	check "nothing written by the failed approval" "$(db_rows registry_journal registry_blocks registry_proposals | sha256sum)" "$before"
	run "bob rejects it, with a reason" 0 reg reject "$p2" --reason "KH-B no longer holds them" --user bob
	check "rejected, with its reason" "$(reg proposals --format json | python3 -c "import json,sys; print([(p['status'], p['reason'], p['decided_by']) for p in json.load(sys.stdin) if p['id'] == $p2])")" "[('rejected', 'KH-B no longer holds them', 'bob')]"
	# retirement through four eyes; withdrawal by the proposer
	run "bob proposes a retirement" 0 reg propose retire --account KH-B --quantity 5 --purpose voluntary --beneficiary "Toyama Co" --user bob
	p3=$(sed -n 's/^proposal \([0-9]*\):.*/\1/p' "$WORK/out")
	run "alice approves it" 0 reg approve "$p3" --user alice
	check "the retirement log holds it" "$(reg retirements --format json | python3 -c 'import json,sys; print([(r["account"], r["quantity"], r["beneficiary"]) for r in json.load(sys.stdin)])')" "[('KH-B', 5, 'Toyama Co')]"
	run "alice proposes, then withdraws her own proposal" 0 reg propose cancel --account KH-A --quantity 1 --user alice
	p4=$(sed -n 's/^proposal \([0-9]*\):.*/\1/p' "$WORK/out")
	run "... reject by its proposer" 0 reg reject "$p4" --user alice
	# expiry
	run "proposals of KH now live 2 s" 0 reg four-eyes --country KH --require yes --threshold 50 --expiry 2s
	run "alice proposes a cancellation that will expire" 0 reg propose cancel --account KH-A --quantity 2 --user alice
	p5=$(sed -n 's/^proposal \([0-9]*\):.*/\1/p' "$WORK/out")
	sleep 3
	check "overdue before its expiry is journalled" "$(reg proposals --status pending --format json | python3 -c 'import json,sys; print([(p["id"], p["overdue"]) for p in json.load(sys.stdin)])')" "[($p5, True)]"
	run "an expired proposal cannot be approved" 5 reg approve "$p5" --user bob
	has "... saying it expired" "$WORK/err" "proposal $p5 expired at"
	check "its expiry is journalled" "$(reg proposals --format json | python3 -c "import json,sys; print([p['status'] for p in json.load(sys.stdin) if p['id'] == $p5])"):$(reg journal --format json | python3 -c 'import json,sys; print(sum(1 for e in json.load(sys.stdin) if e["op"] == "expire"))')" "['expired']:1"
	# nothing runs on a timer: the registry's next write, of any kind, journals an expiry
	expired_in_journal() { reg journal --format json | python3 -c "import json,sys; print([e['body']['proposal'] for e in json.load(sys.stdin) if e['op'] == 'expire'])"; }
	run "alice proposes another cancellation that will expire" 0 reg propose cancel --account KH-A --quantity 3 --user alice
	p6=$(sed -n 's/^proposal \([0-9]*\):.*/\1/p' "$WORK/out")
	sleep 3
	reg four-eyes >/dev/null && reg account list >/dev/null
	check "reading the settings and the accounts journals nothing" "$(expired_in_journal)" "[$p5]"
	run "a transfer needing no approval" 0 reg transfer --from KH-A --to KH-B --quantity 5
	check "... journalled the expiry before it" "$(expired_in_journal):$(reg proposals --format json | python3 -c "import json,sys; print([p['status'] for p in json.load(sys.stdin) if p['id'] == $p6])")" "[$p5, $p6]:['expired']"
	# over HTTP a refused approval of an expired proposal still journals its
	# expiry (in its own transaction: inside the refused one it was rolled back)
	. "$(dirname "$0")/lib/serve.sh"
	tok_a=$("$BIN" user token add alice --label fe-test | tr -d '\n')
	tok_b=$("$BIN" user token add bob --label fe-test | tr -d '\n')
	if serve_start four-eyes; then
		post() { # post TOKEN ROUTE BODY: the status; the reply in $WORK/reply
			curl -s -o "$WORK/reply" -w '%{http_code}' -H "Authorization: Bearer $1" -H 'Content-Type: application/json' -d "$3" "$URL/api/v1/registry/$2"; }
		check "alice proposes over HTTP" "$(post "$tok_a" propose '{"operation": "cancel", "account": "KH-A", "quantity": 4}')" 200
		p7=$(python3 -c "import json; print(json.load(open('$WORK/reply'))['seq'])")
		sleep 3
		check "bob's approval over HTTP after its expiry: 409" "$(post "$tok_b" approve "{\"id\": $p7}")" 409
		has "... saying it expired" "$WORK/reply" "proposal $p7 expired at"
		check "... and its expiry is journalled all the same" "$(expired_in_journal):$(reg proposals --format json | python3 -c "import json,sys; print([p['status'] for p in json.load(sys.stdin) if p['id'] == $p7])")" "[$p5, $p6, $p7]:['expired']"
		check "a rejection of it afterwards: 409, nothing more journalled" "$(post "$tok_b" reject "{\"id\": $p7, \"reason\": \"late\"}"):$(expired_in_journal)" "409:[$p5, $p6, $p7]"
		kill "$PID"
		wait "$PID" 2>/dev/null
	fi
	run "verify replays the setting, proposals, approvals, the rejection and the expiry: clean" 0 reg verify
	reg journal --format jsonl >"$WORK/fe.jsonl"
	(cd "$WORK" && C2C_DB="$WORK/none.db" "$BIN" registry verify --journal fe.jsonl >/dev/null 2>"$WORK/err") &&
		ok "verify --journal of the exported file: clean" || bad "verify --journal: $(cat "$WORK/err")"
	# tampering
	tamper() { # tamper NAME SQL EXPECTED_MESSAGE: verify fails naming it, then the row is put back
		cp "$C2C_DB" "$WORK/fe-save.db"
		db_exec "$2"
		reg verify >/dev/null 2>"$WORK/err"
		check "$1" "$?:$(grep -c -- "$3" "$WORK/err")" "5:1"
		cp "$WORK/fe-save.db" "$C2C_DB"
	}
	tamper "a proposal's quantity edited: verify names it" "UPDATE registry_proposals SET quantity = 99 WHERE id = $p1" "stored proposal $p1 is not what the journal records"
	tamper "a rejected proposal set back to pending: found" "UPDATE registry_proposals SET status = 'pending', decided_seq = NULL WHERE id = $p2" "stored proposal $p2 is not what the journal records"
	tamper "a proposal row deleted: found" "DELETE FROM registry_proposals WHERE id = $p5" "registry_proposals does not hold it"
	tamper "the four-eyes setting turned off behind the registry's back: found" "UPDATE registry_four_eyes SET required = 0" "four-eyes setting of the KH registry is not what the journal records"
	# a journal rewritten so that the proposer approves (chain recomputed) is still refused
	python3 - "$WORK/fe.jsonl" "$p1" >"$WORK/fe-forged.jsonl" <<'PY'
import hashlib, json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
p1 = int(sys.argv[2])
prev = '0' * 64
for r in rows:
    if r['op'] == 'approve' and json.loads(r['body'])['proposal'] == p1:
        r['user'] = 'alice'
    r['prev_hash'] = prev
    text = '\n'.join([prev, str(r['seq']), r['at'], r['user'], r['op'], r['body'], ''])
    r['hash'] = prev = hashlib.sha256(text.encode()).hexdigest()
    print(json.dumps(r))
PY
	(cd "$WORK" && C2C_DB="$WORK/none.db" "$BIN" registry verify --journal fe-forged.jsonl >/dev/null 2>"$WORK/err")
	check "a journal rewritten so the proposer approves (chain recomputed): refused" "$?:$(grep -c 'approves a proposal by its own proposer' "$WORK/err")" "5:1"
	run "four-eyes off again" 0 reg four-eyes --country KH --require no
	run "... a cancellation goes through directly" 0 reg cancel --account KH-A --quantity 1
	check "four-eyes lists each registry's setting" "$(reg four-eyes --format json | python3 -c 'import json,sys; print([(s["country"], s["required"], s["threshold"]) for s in json.load(sys.stdin)])')" "[('KH', False, 0)]"
	run "verify still clean" 0 reg verify

	# --- the CADT export of this scripted registry
	reg cadt --format json >"$WORK/cadt.json" 2>"$WORK/err" || bad "cadt: $(cat "$WORK/err")"
	reg blocks --format json >"$WORK/blocks.json"
	check "cadt: one unit per block, each count, status and owner from its block" "$(python3 -c "
import json
d = json.load(open('$WORK/cadt.json'))
b = json.load(open('$WORK/blocks.json'))
u = d['units']
st = {'active': 'Held', 'retired': 'Retired', 'cancelled': 'Cancelled'}
print(len(u) == len(b), sum(x['unitCount'] for x in u) == sum(x['credits'] for x in b) == 1000,
      sorted((x['c2c_account'], x['unitCount'], x['unitStatus']) for x in u) == sorted((x['account'], x['credits'], st[x['state']]) for x in b))")" "True True True"
	check "cadt: serial block, first and last unit, vintage, CA declaration and status, owner and country" "$(python3 -c "
import json
u = json.load(open('$WORK/cadt.json'))['units']
x = [x for x in u if x['c2c_account'] == 'JP-A'][0]
print(x['serialNumberBlock'], x['unitBlockStart'], x['unitBlockEnd'], x['vintageYear'], x['correspondingAdjustmentDeclaration'],
      x['correspondingAdjustmentStatus'], x['unitOwner'], x['countryJurisdictionOfOwner'])
y = [x for x in u if x['c2c_account'] == 'KH-B' and x['c2c_state'] == 'active'][0]
print(y['correspondingAdjustmentStatus'], y['countryJurisdictionOfOwner'])
r = [x for x in u if x['unitStatus'] == 'Retired'][0]
print(r['unitCount'], r['unitStatusReason'])")" "JCM-KH-007-2024-000602-001000 JCM-KH-007-2024-000602 JCM-KH-007-2024-001000 2024 Committed Completed Holder JP-A Japan
Not Started Cambodia
5 retired (voluntary); beneficiary: Toyama Co"
	check "cadt: fields c2c does not hold are null and named in notes" "$(python3 -c "
import json
d = json.load(open('$WORK/cadt.json'))
notes = {n['field'] for n in d['notes']}
empty = ['warehouseUnitId', 'issuanceId', 'projectLocationId', 'orgUid', 'unitType', 'marketplace', 'unitRegistryLink']
print(all(x[f] is None for x in d['units'] for f in empty), set(empty) <= notes, d['model'].startswith('Chia-Network/cadt v1.7.24'))")" "True True True"
	reg cadt --country JP --format csv >"$WORK/cadt.csv"
	check "cadt --country JP --format csv: JP's blocks, a header and a line each" "$(( $(wc -l <"$WORK/cadt.csv") - 1 )):$(head -n 1 "$WORK/cadt.csv" | cut -c1-40)" \
		"$(python3 -c "import json; print(len([b for b in json.load(open('$WORK/blocks.json')) if b['account'].startswith('JP-')]))"):warehouseUnitId,issuanceId,projectLocati"
	run "cadt --country jp: exit 3" 3 reg cadt --country jp
	echo "$pass $fail" >"$WORK/fe.counts"
)
read p f <"$WORK/fe.counts"
pass=$p fail=$f

echo "registry: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
