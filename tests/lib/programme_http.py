# programme_http.py - the programme's work over HTTP as each role does it in
# the browser (issue 15), checked against the CLI afterwards: the office
# opens a call, a municipality saves a readiness check and submits a joint
# proposal with it (several Japanese bodies, several partner places), the
# office assigns it, a reviewer scores what it was given (never a proposal
# of its own body), the office ranks, selects and closes the call.
#
# usage: programme_http.py URL BIN  (the users and reviewers exist: see
# tests/programme.sh); prints "ok: ..." / "FAILED: ..." lines and, last,
# "programme_http done".
import datetime
import http.cookies
import json
import subprocess
import sys
import urllib.request

URL, BIN = sys.argv[1], sys.argv[2]


def ok(msg):
    print("ok: " + msg)


def check(name, cond, detail=""):
    if cond:
        ok(name)
    else:
        print("FAILED: %s: %s" % (name, str(detail)[:400]))


def request(method, path, body=None, who=None):
    headers = {}
    if body is not None:
        headers["Content-Type"] = "application/json"
    if who:
        headers["Cookie"] = "c2c_session=" + who[0]
        headers["X-CSRF-Token"] = who[1]
    rq = urllib.request.Request(URL + path, method=method, headers=headers,
                                data=None if body is None else json.dumps(body).encode())
    try:
        with urllib.request.urlopen(rq) as r:
            return r.status, json.loads(r.read() or b"null")
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read() or b"null")


def login(name):
    rq = urllib.request.Request(URL + "/api/v1/session", method="POST", headers={"Content-Type": "application/json"},
                                data=json.dumps({"name": name, "password": "pass-%s-0123" % name}).encode())
    with urllib.request.urlopen(rq) as r:
        c = http.cookies.SimpleCookie(r.headers["Set-Cookie"])
        return c["c2c_session"].value, json.loads(r.read())["csrf"]


def cli(*args):
    return json.loads(subprocess.run([BIN, *args, "--format", "json"], check=True, capture_output=True).stdout)


def field(d):
    return (d or {}).get("error", {}).get("field")


office, tokyo, kita, rev_sai, rev_ext = (login(n) for n in ("office1", "tokyo", "kita", "rev.sai", "rev.ext"))
today = datetime.date.today()
rounds = "%s..%s" % (today - datetime.timedelta(days=3), today + datetime.timedelta(days=30))

# --- the office opens a call ---------------------------------------------------------
CALL = {"id": "c2c-web", "fiscal_year": 2027, "title_ja": "令和9年度 試験公募", "title_en": "FY2027 test call",
        "planned_selections": 3, "min_reviews": 1, "rounds": rounds,
        "criteria": "originality:独自性:2,feasibility:実現可能性:1"}
st, d = request("POST", "/api/v1/calls", dict(CALL, rounds="2027-01-01..2026-01-01"), office)
check("a round that closes before it opens: refused at field rounds", st == 422 and field(d) == "rounds", (st, d))
st, d = request("POST", "/api/v1/calls", CALL, tokyo)
check("a municipality cannot open a call (403)", st == 403, (st, d))
st, d = request("POST", "/api/v1/calls", CALL, office)
check("the office opens a call with its rounds and weighted criteria",
      st == 200 and d["id"] == "c2c-web" and d["rounds"][0]["state"] == "open"
      and [(c["id"], c["weight"]) for c in d["criteria"]] == [("originality", 2), ("feasibility", 1)], (st, d))
check("the call is stored as the CLI shows it", cli("call", "show", "c2c-web")["title_ja"] == "令和9年度 試験公募")
st, d = request("POST", "/api/v1/calls", CALL, office)
check("the same call id again: 409 at field id", st == 409 and field(d) == "id", (st, d))

# --- the municipality saves a readiness check and proposes jointly ---------------------
qs = cli("readiness", "questions")
answers = {q["item"]: 2 for q in qs}
st, d = request("POST", "/api/v1/readiness", {"answers": dict(answers, **{qs[0]["item"]: 9})}, tokyo)
check("a readiness answer out of range: refused at field answers", st == 422 and field(d) == "answers", (st, d))
st, d = request("POST", "/api/v1/readiness", {"answers": answers}, tokyo)
rid = d.get("id") if st == 200 else None
check("the municipality saves its readiness check, for its own body, dated by the server",
      st == 200 and rid == "rd-jp-tokyo-prefecture-001" and d["saved_on"] == today.isoformat()
      and d["overall"] == "66.67" and d["body_id"] == "jp-tokyo-prefecture", (st, d))
st, d = request("POST", "/api/v1/readiness", {"answers": answers, "body": "jp-toyama-city"}, tokyo)
check("a municipality cannot save another body's readiness (403)", st == 403, (st, d))
st, d = request("GET", "/api/v1/readiness", None, kita)
check("another municipality does not see Tokyo's saved checks", st == 200 and d == [], (st, d))

PROPOSAL = {"call": "c2c-web", "body": "jp-tokyo-prefecture;jp-saitama-city",
            "partner": "my-kuala-lumpur-city;my-iskandar-region", "title_ja": "クアラルンプールとイスカンダルの脱炭素",
            "sector": "energy_efficiency", "outputs": "capacity_building;project_formation", "budget_jpy": "25,000,000",
            "lead": "株式会社テスト", "readiness": rid}
st, d = request("POST", "/api/v1/proposals", dict(PROPOSAL, body="jp-saitama-city;jp-toyama-city"), tokyo)
check("a municipality is always one of its proposal's bodies (403 at body)", st == 403 and field(d) == "body", (st, d))
st, d = request("POST", "/api/v1/proposals", dict(PROPOSAL, partner="my-kuala-lumpur-city;jp-saitama-city"), tokyo)
check("a Japanese place as a partner: refused at field partner", st == 422 and field(d) == "partner", (st, d))
st, d = request("POST", "/api/v1/proposals", dict(PROPOSAL, readiness="rd-jp-toyama-city-001"), tokyo)
check("a readiness check that is not its bodies': refused at field readiness",
      st in (400, 404) and field(d) == "readiness", (st, d))
st, d = request("POST", "/api/v1/proposals", PROPOSAL, tokyo)
pid = d.get("id") if st == 200 else None
check("Tokyo submits a joint proposal with Saitama to two partner places", st == 200 and pid == "pr-c2c-web-001",
      (st, d))
shown = cli("proposal", "show", pid) if pid else {}
shown = shown[0] if isinstance(shown, list) else shown
check("the joint proposal is stored with all its bodies and places, and the readiness check",
      [b["id"] for b in shown.get("bodies", [])] == ["jp-tokyo-prefecture", "jp-saitama-city"]
      and [b["name_ja"] for b in shown.get("bodies", [])] == ["東京都", "さいたま市"]
      and [p["id"] for p in shown.get("partners", [])] == ["my-kuala-lumpur-city", "my-iskandar-region"]
      and shown.get("readiness_id") == rid and shown.get("budget_jpy") == 25000000, shown)
st, d = request("GET", "/api/v1/proposals", None, tokyo)
check("the municipality sees its proposal and its status", st == 200 and [(p["id"], p["status"]) for p in d] ==
      [(pid, "submitted")], (st, d))
st, d = request("GET", "/api/v1/proposals", None, kita)
check("another municipality sees only its own (Kitakyushu's, made with the CLI), not Tokyo's",
      st == 200 and d and pid not in [p["id"] for p in d]
      and all("jp-kitakyushu-city" in [b["id"] for b in p["bodies"]] for p in d), (st, d))

# --- the office assigns; the reviewer scores what it was given -------------------------
st, d = request("POST", "/api/v1/assignments", {"proposal": pid, "reviewer": "rv-sai"}, office)
check("a reviewer of one of the bodies (Saitama) cannot be assigned (409 at reviewer)",
      st == 409 and field(d) == "reviewer", (st, d))
st, d = request("POST", "/api/v1/scores", {"proposal": pid, "reviewer": "rv-sai",
                                           "points": {"originality": 5, "feasibility": 5}}, office)
check("a sheet by a reviewer of the proposal's second body is refused (409)",
      st == 409 and "own body" in d["error"]["message"], (st, d))
st, d = request("POST", "/api/v1/scores", {"proposal": pid, "points": {"originality": 5, "feasibility": 5}}, rev_sai)
check("the Saitama reviewer user cannot score it (403)", st == 403, (st, d))
st, d = request("GET", "/api/v1/reviews", None, rev_sai)
check("the Saitama reviewer's desk does not list it", st == 200 and d == [], (st, d))
st, d = request("POST", "/api/v1/assignments", {"proposal": pid, "reviewer": "rv-ext"}, office)
check("the office assigns it to an outside reviewer", st == 200 and d["reviewer"] == "rv-ext", (st, d))
st, d = request("GET", "/api/v1/reviews", None, rev_ext)
check("the reviewer's desk: the whole proposal, the call's criteria, the readiness check, no sheet yet",
      st == 200 and [p["id"] for p in d] == [pid] and len(d[0]["bodies"]) == 2
      and [c["id"] for c in d[0]["criteria"]] == ["originality", "feasibility"]
      and d[0]["readiness"]["id"] == rid and d[0]["readiness"]["result"]["overall"] == "66.67"
      and d[0]["my_sheet"] is None, (st, d))
st, d = request("POST", "/api/v1/scores", {"proposal": pid, "reviewer": "rv-a",
                                           "points": {"originality": 4, "feasibility": 3}}, rev_ext)
check("a reviewer user cannot score as another reviewer (403)", st == 403, (st, d))
st, d = request("POST", "/api/v1/scores", {"proposal": pid, "points": {"originality": 6, "feasibility": 3}}, rev_ext)
check("points out of range: refused at the criterion", st == 422 and field(d) == "originality", (st, d))
st, d = request("POST", "/api/v1/scores", {"proposal": pid, "points": {"originality": 4, "feasibility": 3}}, rev_ext)
check("the reviewer scores its proposal", st == 200 and d["reviewer"] == "rv-ext", (st, d))
check("the sheet is stored as the CLI lists it",
      sorted((s["criterion_id"], s["points"]) for s in cli("score", "list") if s["proposal_id"] == pid)
      == [("feasibility", 3), ("originality", 4)])

# --- the office ranks, selects, closes --------------------------------------------------
st, d = request("GET", "/api/v1/calls/c2c-web/rank", None, office)
check("the ranking: rank 1, score 73.33 (weights 2:1)", st == 200 and d[0]["rank"] == 1 and d[0]["score"] == "73.33",
      (st, d))
st, d = request("POST", "/api/v1/decisions", {"proposal": pid, "decision": "select", "reason": "共同提案として有望"},
                office)
check("the office selects it", st == 200 and d["status"] == "selected", (st, d))
st, d = request("GET", "/api/v1/proposals", None, tokyo)
check("the municipality sees it selected, with the reason",
      st == 200 and d[0]["status"] == "selected" and d[0]["reason"].startswith("共同提案として有望"), (st, d))
st, d = request("POST", "/api/v1/calls/c2c-web/close", None, office)
check("the office closes the call today", st == 200 and d["closed_on"] == today.isoformat(), (st, d))
st, d = request("POST", "/api/v1/proposals", dict(PROPOSAL, title_ja="締切後"), tokyo)
check("a proposal to the closed call is refused (422)", st == 422 and "closed" in d["error"]["message"], (st, d))
check("every round of the closed call reads closed",
      [r["state"] for r in cli("call", "show", "c2c-web")["rounds"]] == ["closed"])
st, d = request("POST", "/api/v1/calls/c2c-web/close", None, office)
check("closing it again: 409", st == 409, (st, d))

# --- every write has its audit row --------------------------------------------------------
st, d = request("GET", "/api/v1/audit", None, office)
paths = [e["path"] for e in d] if st == 200 else []
check("the audit log has each write once: call, readiness, proposal, assignment, score, decision, close",
      all(paths.count(p) == 1 for p in ("/api/v1/calls", "/api/v1/readiness", "/api/v1/proposals",
                                         "/api/v1/assignments", "/api/v1/scores", "/api/v1/decisions",
                                         "/api/v1/calls/c2c-web/close")), paths)
print("programme_http done")
