"""roles_http.py - the HTTP half of tests/roles.sh (see there).

usage: roles_http.py URL ROUTES_DEF TOKEN C2C_BIN WORKDIR
Prints "ok: ..." / "FAILED: ..." lines and, last, "roles_http done".
The users and the registry were set up by roles.sh; passwords are
"pass-NAME-0123".
"""
import datetime
import hashlib
import http.client
import json
import os
import re
import socket
import subprocess
import sys
import urllib.parse

URL, ROUTES, TOKEN, BIN, WORK = sys.argv[1:6]
u = urllib.parse.urlparse(URL)
HOST, PORT = u.hostname, u.port


def ok(msg):
    print("ok: " + msg)


def bad(msg):
    print("FAILED: " + msg)


def check(name, cond, detail=""):
    (ok if cond else bad)(name if cond else "%s: %s" % (name, detail))


def request(method, path, body=None, cookie=None, csrf=None, token=None, ctype="application/json",
            raw=None, headers=None):
    """One request on a fresh connection: (status, headers dict, parsed body or text)."""
    c = http.client.HTTPConnection(HOST, PORT, timeout=30)
    h = dict(headers or {})
    data = raw
    if body is not None:
        data = json.dumps(body).encode()
    if data is not None and ctype:
        h["Content-Type"] = ctype
    if cookie:
        h["Cookie"] = "c2c_session=" + cookie
    if csrf:
        h["X-CSRF-Token"] = csrf
    if token:
        h["Authorization"] = "Bearer " + token
    c.request(method, path, body=data, headers=h)
    r = c.getresponse()
    text = r.read().decode("utf-8", "replace")
    hdrs = {k.lower(): v for k, v in r.getheaders()}
    c.close()
    try:
        doc = json.loads(text)
    except ValueError:
        doc = text
    return r.status, hdrs, doc


def login(name, password=None):
    st, h, d = request("POST", "/api/v1/session",
                       {"name": name, "password": password or "pass-%s-0123" % name})
    if st != 200:
        return None, None, st, d
    m = re.match(r"c2c_session=([^;]*)", h.get("set-cookie", ""))
    return (m.group(1) if m else None), d.get("csrf"), st, h


def state():
    """Every table a write can touch, as the CLI prints it: a refused write
    must leave this unchanged."""
    out = b""
    for t in ("partnerships", "agreements", "projects", "places", "cases", "events"):
        out += subprocess.run([BIN, "export", t], capture_output=True, check=True).stdout
    for args in (["registry", "journal", "--format", "json"], ["registry", "blocks", "--format", "json"]):
        out += subprocess.run([BIN] + args, capture_output=True, check=True).stdout
    out += json.dumps(users()).encode()
    return hashlib.sha256(out).hexdigest()


def users():
    """The users as `c2c user list` has them, but their live sessions (a
    log-in is no change to a user)."""
    return [{k: v for k, v in u.items() if k != "sessions"} for u in cli_json("user", "list")]


def cli_json(*args):
    return json.loads(subprocess.run([BIN] + list(args) + ["--format", "json"], capture_output=True,
                                     check=True).stdout)


def err_code(d):
    return d.get("error", {}).get("code") if isinstance(d, dict) else None


# --- the routes, from routes.def -------------------------------------------------
text = open(ROUTES).read()
text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
define = dict(re.findall(r'^#define (\w+) "([^"]*)"', text, re.M))
routes = []
for m in re.finditer(r'^X\("(\w+)",\s*"([^"]+)",\s*(\w+),\s*("[^"]*"|\w+)', text, re.M):
    roles = m.group(4)
    roles = roles.strip('"') if roles.startswith('"') else define[roles]
    routes.append((m.group(1), m.group(2), m.group(3), roles.split()))
writes = [r for r in routes if r[0] != "GET" or r[3] != ["public"]]
check("routes.def read: %d routes, %d writes or non-public" % (len(routes), len(writes)),
      len(writes) >= 15, str(writes))

ROLES = ["public", "admin", "office", "municipality", "partner", "participant", "verifier", "registrar", "reviewer"]
USER = {"admin": "admin1", "office": "office1", "municipality": "toyama", "partner": "male",
        "participant": "part1", "verifier": "verifier1", "registrar": "regjp",
        "reviewer": "rev1"}

toyama_agreements = cli_json("agreements", "--body-id", "jp-toyama-city")
toyama_projects = [p for p in cli_json("projects") if p.get("body_id") == "jp-toyama-city"]
check("Toyama has agreements and projects in the atlas", toyama_agreements and toyama_projects)
some = {"places": cli_json("places")[0]["id"], "cases": cli_json("cases")[0]["id"],
        "events": cli_json("events")[0]["id"]}

# a body each route takes, for a record in the scope of the scoped users
SAMPLE = {
    ("DELETE", "/api/v1/session"): None,
    ("PATCH", "/api/v1/partnerships/{id}"): ("p001", {"note": "edited over HTTP"}),
    ("PATCH", "/api/v1/agreements/{id}"): (toyama_agreements[0]["id"], {"renewed_original": "edited"}),
    ("PATCH", "/api/v1/projects/{id}"): (toyama_projects[0]["id"], {"note": "edited"}),
    ("PATCH", "/api/v1/places/{id}"): (some["places"], {"name_en": None}),
    ("PATCH", "/api/v1/cases/{id}"): (some["cases"], {}),
    ("PATCH", "/api/v1/events/{id}"): (some["events"], {}),
    ("POST", "/api/v1/mrv/projects"): {"atlas_project": "pj-th-floating-solar", "methodology": "KH_AM002",
                                       "params": {"EF_RE": "0.5"}},
    ("POST", "/api/v1/registry/account-open"): {"id": "JP-ENT-9", "country": "JP", "kind": "entity", "holder": "X"},
    ("POST", "/api/v1/registry/account-close"): {"id": "JP-ENT-2"},
    ("POST", "/api/v1/registry/issue"): {"project": "KH003", "from": "2024-01-01", "to": "2024-12-31", "quantity": 10, "external_verification": "EV-1", "source": "test-fixture"},
    ("POST", "/api/v1/registry/allocate"): {"issuance": "KH003-01", "shares": {"JP-GOV-1": 100}},
    ("POST", "/api/v1/registry/authorize"): {"issuance": "KH003-01"},
    ("POST", "/api/v1/registry/transfer"): {"from": "JP-ENT-1", "to": "JP-ENT-2", "quantity": 1},
    ("POST", "/api/v1/registry/cancel"): {"account": "JP-ENT-1", "quantity": 1},
    ("POST", "/api/v1/registry/retire"): {"account": "JP-ENT-1", "quantity": 1, "purpose": "ndc", "beneficiary": "Japan"},
    ("POST", "/api/v1/registry/four-eyes"): {"country": "JP", "require": True, "threshold": 0},
    ("GET", "/api/v1/registry/proposals"): None,
    ("POST", "/api/v1/registry/propose"): {"operation": "cancel", "account": "JP-ENT-1", "quantity": 1},
    ("POST", "/api/v1/registry/approve"): {"id": 1},
    ("POST", "/api/v1/registry/reject"): {"id": 1},
    ("POST", "/api/v1/users"): {"name": "intruder", "role": "admin", "password": "pass-intruder-0123"},
    ("POST", "/api/v1/users/{id}/role"): ("toyama", {"role": "admin"}),
    ("POST", "/api/v1/users/{id}/disable"): ("admin1", None),
    ("POST", "/api/v1/users/{id}/enable"): ("toyama", None),
    ("POST", "/api/v1/users/{id}/unlock"): ("toyama", None),
    ("GET", "/api/v1/users/{id}/tokens"): ("part1", None),
    ("POST", "/api/v1/users/{id}/tokens"): ("admin1", {"label": "stolen"}),
    ("POST", "/api/v1/users/{id}/tokens/revoke"): ("part1", {"label": "script"}),
    # the programme's office writes (issue 15)
    ("POST", "/api/v1/calls"): {"id": "c2c-matrix", "fiscal_year": 2030, "title_ja": "試験", "planned_selections": 1,
                                "rounds": "2030-01-01..2030-01-31"},
    ("POST", "/api/v1/calls/{id}/close"): ("c2c-2026", None),
    ("POST", "/api/v1/assignments"): {"proposal": "pr-none", "reviewer": "rv-a"},
}


def target(method, path):
    s = SAMPLE.get((method, path))
    if isinstance(s, tuple):
        return path.replace("{id}", urllib.parse.quote(s[0])), s[1]
    return path, s


# --- log-in ------------------------------------------------------------------------
sessions = {}
for role, name in USER.items():
    cookie, csrf, st, h = login(name)
    check("log-in as %s (%s)" % (name, role), st == 200 and cookie and csrf, "status %s %s" % (st, h))
    sessions[role] = (cookie, csrf)
cookie, csrf, st, h = login("toyama")
setc = h.get("set-cookie", "") if isinstance(h, dict) else ""
check("session cookie is HttpOnly and SameSite=Strict",
      "HttpOnly" in setc and "SameSite=Strict" in setc and "Path=/" in setc, setc)
check("no Secure flag over plain http", "Secure" not in setc, setc)
st, h, d = request("POST", "/api/v1/session", {"name": "toyama", "password": "pass-toyama-0123"},
                   headers={"X-Forwarded-Proto": "https"})
check("Secure flag behind a TLS proxy", "Secure" in h.get("set-cookie", ""), h.get("set-cookie"))
st, h, d = request("GET", "/api/v1/session", cookie=sessions["municipality"][0])
check("GET /api/v1/session names the user, role, scope and CSRF token",
      st == 200 and d.get("name") == "toyama" and d.get("role") == "municipality"
      and d.get("scope") == "jp-toyama-city" and d.get("csrf") == sessions["municipality"][1], d)
st, h, d = request("GET", "/api/v1/session")
check("GET /api/v1/session without a cookie: the public", st == 200 and d.get("role") == "public"
      and d.get("name") is None, d)
st, h, d = request("GET", "/api/v1/partnerships", cookie="not-a-session")
check("a stale cookie does not block a public page", st == 200, st)
st, h, d = request("POST", "/api/v1/session", {"name": "toyama", "password": "wrong-password-1"})
check("wrong password: 401", st == 401 and err_code(d) == "unauthorized", (st, d))
msg_wrong_pw = d.get("error", {}).get("message") if isinstance(d, dict) else None
st, h, d = request("POST", "/api/v1/session", {"name": "nobody", "password": "wrong-password-1"})
check("unknown user: 401 with the same message as a wrong password",
      st == 401 and d.get("error", {}).get("message") == msg_wrong_pw, (st, d, msg_wrong_pw))
sessions_public = (None, None)

# --- the refusal matrix: every write by a role that may not do it --------------------
before = state()
refused = 0
for method, path, fn, roles in writes:
    for role in ROLES:
        if role in roles or "public" in roles:
            continue
        p, body = target(method, path)
        if role == "public":
            st, h, d = request(method, p, body)
            want, code = 401, "unauthorized"
        else:
            cookie, csrf = sessions[role]
            st, h, d = request(method, p, body, cookie=cookie, csrf=csrf)
            want, code = 403, "forbidden"
        refused += 1
        check("%s %s refused for %s (%d)" % (method, path, role, want), st == want and err_code(d) == code,
              "status %s body %s" % (st, d))
check("refusal matrix: %d refused writes" % refused, refused >= 40, refused)
after = state()  # also the "before" of the next part: nothing happens between
check("refused writes changed nothing", after == before)

# --- scope: an allowed role, a record outside its scope ------------------------------
before = after
tm_cookie, tm_csrf = sessions["municipality"]
for pid in ("p002",):
    st, h, d = request("PATCH", "/api/v1/partnerships/" + pid, {"note": "not mine"}, cookie=tm_cookie, csrf=tm_csrf)
    check("municipality toyama refused on another body's partnership %s (403)" % pid,
          st == 403 and err_code(d) == "forbidden", (st, d))
other_agreement = [a for a in cli_json("agreements") if a["body_id"] != "jp-toyama-city"][0]["id"]
st, h, d = request("PATCH", "/api/v1/agreements/" + other_agreement, {"renewed_original": "x"}, cookie=tm_cookie, csrf=tm_csrf)
check("municipality refused on another body's agreement", st == 403, (st, d))
mc, mx = sessions["partner"]
st, h, d = request("PATCH", "/api/v1/partnerships/p002", {"note": "x"}, cookie=mc, csrf=mx)
check("partner city refused on another place's partnership", st == 403, (st, d))
kc, kx = login("regkh")[:2]
st, h, d = request("POST", "/api/v1/registry/account-open",
                   {"id": "JP-ENT-8", "country": "JP", "kind": "entity", "holder": "X"}, cookie=kc, csrf=kx)
check("KH registrar refused on the JP registry", st == 403, (st, d))
st, h, d = request("POST", "/api/v1/registry/transfer", {"from": "JP-GOV-1", "to": "KH-GOV-1", "quantity": 1},
                   cookie=kc, csrf=kx)
check("KH registrar refused moving JP credits", st == 403, (st, d))
jc, jx = sessions["registrar"]
st, h, d = request("POST", "/api/v1/registry/issue",
                   {"project": "KH003", "from": "2024-01-01", "to": "2024-12-31", "quantity": 10, "external_verification": "EV-1", "source": "test-fixture"}, cookie=jc, csrf=jx)
check("JP registrar refused issuing a Cambodian project's credits", st == 403, (st, d))
pc, px = sessions["participant"]
st, h, d = request("POST", "/api/v1/registry/transfer", {"from": "JP-ENT-2", "to": "JP-ENT-1", "quantity": 1},
                   cookie=pc, csrf=px)
check("participant refused moving credits out of an account not its own", st == 403, (st, d))
# issue 18 item 1: the scope holds after the edit too, or a user could give a row away
st, h, d = request("PATCH", "/api/v1/agreements/" + toyama_agreements[0]["id"], {"body_id": "jp-yokohama-city"},
                   cookie=tm_cookie, csrf=tm_csrf)
check("municipality refused moving its agreement to another body (403 naming body_id)",
      st == 403 and d.get("error", {}).get("field") == "body_id", (st, d))
st, h, d = request("PATCH", "/api/v1/projects/pj-male-decarbonisation-study-2021", {"place_id": "vn-da-nang-city"},
                   cookie=mc, csrf=mx)
check("partner city refused moving its project to another place (403 naming place_id)",
      st == 403 and d.get("error", {}).get("field") == "place_id", (st, d))
after = state()
check("out-of-scope writes changed nothing", after == before)

# --- CSRF ----------------------------------------------------------------------------
before = after
st, h, d = request("PATCH", "/api/v1/partnerships/p001", {"note": "no csrf"}, cookie=tm_cookie)
check("a write with the cookie but no X-CSRF-Token: 403", st == 403 and "CSRF" in d["error"]["message"], (st, d))
st, h, d = request("PATCH", "/api/v1/partnerships/p001", {"note": "bad csrf"}, cookie=tm_cookie, csrf="x" * 43)
check("a write with another X-CSRF-Token: 403", st == 403, (st, d))
st, h, d = request("PATCH", "/api/v1/partnerships/p001", {"note": "csrf of another session"}, cookie=tm_cookie,
                   csrf=sessions["partner"][1])
check("a write with another session's CSRF token: 403", st == 403, (st, d))
after = state()
check("refused CSRF writes changed nothing", after == before)

# --- body checks ---------------------------------------------------------------------
before = after
cases = [
    ("unknown field", {"colour": "red"}, 400, "colour"),
    ("wrong type", {"note": 5}, 400, "note"),
    ("key column in the body", {"id": "p009"}, 400, "id"),
    ("empty object", {}, 400, "at least one"),
]
for name, body, want, needle in cases:
    st, h, d = request("PATCH", "/api/v1/partnerships/p001", body, cookie=tm_cookie, csrf=tm_csrf)
    check("body %s: %d naming it" % (name, want), st == want and needle in json.dumps(d), (st, d))
st, h, d = request("PATCH", "/api/v1/partnerships/p001", raw=b'{"note": "x",}', cookie=tm_cookie, csrf=tm_csrf)
check("body that is not JSON: 400 with line and column", st == 400 and "line 1 column" in d["error"]["message"], (st, d))
st, h, d = request("PATCH", "/api/v1/partnerships/p001", raw=b'["note"]', cookie=tm_cookie, csrf=tm_csrf)
check("body that is an array: 400", st == 400 and "object" in d["error"]["message"], (st, d))
st, h, d = request("PATCH", "/api/v1/partnerships/p001", raw=b'{"note": "a", "note": "b"}', cookie=tm_cookie, csrf=tm_csrf)
check("body with a field twice: 400", st == 400, (st, d))
st, h, d = request("PATCH", "/api/v1/partnerships/p001", raw=b'note=x', ctype="application/x-www-form-urlencoded",
                   cookie=tm_cookie, csrf=tm_csrf)
check("a form post (not JSON): 415", st == 415, (st, d))
# announced too long: the server answers before the body is sent
sk = socket.create_connection((HOST, PORT), timeout=30)
sk.sendall(("PATCH /api/v1/partnerships/p001 HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n"
            "Cookie: c2c_session=%s\r\nX-CSRF-Token: %s\r\nContent-Length: %d\r\n\r\n"
            % (tm_cookie, tm_csrf, 1100 * 1024)).encode())
reply = sk.recv(65536).decode("utf-8", "replace")
sk.close()
check("a body announced over 1 MiB: 413 before it is sent", reply.startswith("HTTP/1.1 413"), reply[:200])
# chunked, no length said: refused once the body read passes 1 MiB
sk = socket.create_connection((HOST, PORT), timeout=30)
sk.sendall(("PATCH /api/v1/partnerships/p001 HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n"
            "Cookie: c2c_session=%s\r\nX-CSRF-Token: %s\r\nTransfer-Encoding: chunked\r\n\r\n"
            % (tm_cookie, tm_csrf)).encode())
try:
    for _ in range(40):
        sk.sendall(b"8000\r\n" + b"a" * 0x8000 + b"\r\n")
    sk.sendall(b"0\r\n\r\n")
except (BrokenPipeError, ConnectionResetError):
    pass  # the server may answer and close before the rest is sent
try:
    reply = sk.recv(65536).decode("utf-8", "replace")
except ConnectionResetError:
    reply = "(connection reset before a reply)"
sk.close()
check("a chunked body over 1 MiB: 413", reply.startswith("HTTP/1.1 413"), reply[:200])
st, h, d = request("PATCH", "/api/v1/partnerships/p001", {"fiscal_years": "twenty"}, cookie=tm_cookie, csrf=tm_csrf)
check("a value the CSV import refuses: 422 naming the column", st == 422 and "fiscal_years" in json.dumps(d), (st, d))
st, h, d = request("PATCH", "/api/v1/partnerships/p999", {"note": "x"}, cookie=tm_cookie, csrf=tm_csrf)
check("PATCH of a row that does not exist: 404", st == 404, (st, d))
st, h, d = request("POST", "/api/v1/registry/transfer", {"from": "JP-ENT-1", "to": "JP-ENT-2"}, cookie=pc, csrf=px)
check("a missing required field: 400 naming it", st == 400 and "quantity" in d["error"]["message"], (st, d))
st, h, d = request("POST", "/api/v1/registry/transfer", {"from": "JP-ENT-1", "to": "JP-ENT-2", "quantity": 0},
                   cookie=pc, csrf=px)
check("an integer out of range: 400 naming it", st == 400 and "quantity" in d["error"]["message"], (st, d))
st, h, d = request("POST", "/api/v1/registry/transfer", {"from": "JP-ENT-1", "to": "JP-ENT-2", "quantity": 100000},
                   cookie=pc, csrf=px)
check("an overdraw: refused by the registry (409)", st == 409, (st, d))
# issue 18 item 4: no control characters nor bidi overrides in text, lengths capped
for what, body, field in (("an ESC sequence in a note", {"note": "a\x1b[2Jb"}, "note"),
                          ("a right-to-left override in a note", {"note": "a\u202eb"}, "note"),
                          ("a 200 KB partner label", {"partner_label_ja": "x" * 204800}, "partner_label_ja")):
    st, h, d = request("PATCH", "/api/v1/partnerships/p001", body, cookie=tm_cookie, csrf=tm_csrf)
    check("PATCH with %s: 422 naming %s" % (what, field),
          st == 422 and d.get("error", {}).get("field") == field, (st, str(d)[:200]))
st, h, d = request("POST", "/api/v1/registry/retire",
                   {"account": "JP-ENT-1", "quantity": 1, "purpose": "voluntary", "beneficiary": "a\u0001b"},
                   cookie=pc, csrf=px)
check("a retirement beneficiary with U+0001: 422 naming beneficiary",
      st == 422 and d.get("error", {}).get("field") == "beneficiary", (st, d))
# issue 18 item 5: a place is not its own parent
oc, ox = sessions["office"]
st, h, d = request("PATCH", "/api/v1/places/jp-toyama-city", {"parent_id": "jp-toyama-city"}, cookie=oc, csrf=ox)
check("a place made its own parent: 422 naming parent_id",
      st == 422 and d.get("error", {}).get("field") == "parent_id" and "its own parent" in d["error"].get("message", ""),
      (st, d))
check("refused bodies changed nothing", state() == before)

# --- writes that are allowed ---------------------------------------------------------
st, h, d = request("PATCH", "/api/v1/partnerships/p001", {"note": "Toyama edited this", "fiscal_years": "2020;2021;2022"},
                   cookie=tm_cookie, csrf=tm_csrf)
check("municipality toyama edits its own partnership p001", st == 200 and d.get("note") == "Toyama edited this"
      and d.get("fiscal_years") == "2020;2021;2022", (st, d))
row = [p for p in cli_json("export", "partnerships") if p["id"] == "p001"]
check("the CLI reads the edit back", row and row[0]["note"] == "Toyama edited this", row)
st, h, d = request("GET", "/api/v1/partnerships?fy=2022&body=jp-toyama-city")
check("the edited fiscal years are served", st == 200 and any(p.get("id") == "p001" for p in d), (st, d))
st, h, d = request("PATCH", "/api/v1/partnerships/p001", {"note": None}, cookie=mc, csrf=mx)
check("partner city Malé edits the partnership of its place (null empties the note)",
      st == 200 and d.get("note") is None, (st, d))
st, h, d = request("PATCH", "/api/v1/agreements/" + toyama_agreements[0]["id"], {"renewed_original": "renewed"},
                   cookie=tm_cookie, csrf=tm_csrf)
check("municipality edits its own agreement", st == 200 and d.get("renewed_original") == "renewed", (st, d))
st, h, d = request("POST", "/api/v1/registry/account-open",
                   {"id": "JP-ENT-3", "country": "JP", "kind": "entity", "holder": "New Co"}, cookie=jc, csrf=jx)
check("JP registrar opens a JP account; the reply is the journal entry",
      st == 200 and d.get("op") == "open" and d.get("user") == "regjp" and len(d.get("hash", "")) == 64,
      (st, d))
journal = cli_json("registry", "journal")
check("the reply is the CLI's journal entry, byte for byte",
      json.dumps(journal[-1], sort_keys=True) == json.dumps(d, sort_keys=True), (journal[-1], d))
st, h, d = request("POST", "/api/v1/registry/transfer", {"from": "JP-ENT-1", "to": "JP-ENT-2", "quantity": 5},
                   cookie=pc, csrf=px)
check("participant moves credits out of its own account", st == 200 and d.get("op") == "transfer", (st, d))
st, h, d = request("POST", "/api/v1/registry/transfer", {"from": "JP-ENT-1", "to": "JP-ENT-2", "quantity": 5},
                   token=TOKEN)
check("an API token writes without a CSRF token", st == 200 and d.get("user") == "part1", (st, d))
st, h, d = request("POST", "/api/v1/registry/transfer", {"from": "JP-ENT-1", "to": "JP-ENT-2", "quantity": 5},
                   token="c2c_" + "A" * 43)
check("an unknown API token: 401", st == 401, (st, d))
bal = {}
for r in cli_json("registry", "balance"):
    if r["state"] == "active":
        bal[r["account"]] = bal.get(r["account"], 0) + r["credits"]
check("balances after the transfers: JP-ENT-1 90, JP-ENT-2 110",
      bal.get("JP-ENT-1") == 90 and bal.get("JP-ENT-2") == 110, bal)
rc, rx = login("regkh")[:2]
before = state()
st, h, d = request("POST", "/api/v1/registry/issue",
                   {"project": "KH003", "from": "2024-01-01", "to": "2024-12-31", "quantity": 500}, cookie=rc, csrf=rx)
check("issuing with neither a report nor an external verification: 400, saying why",
      st == 400 and "no credit without a verified report" in d.get("error", {}).get("message", json.dumps(d))
      and d.get("error", {}).get("field") == "report", (st, d))
st, h, d = request("POST", "/api/v1/registry/issue",
                   {"project": "KH003", "from": "2024-01-01", "to": "2024-12-31", "quantity": 500,
                    "external_verification": "EV-2"}, cookie=rc, csrf=rx)
check("an external verification without its source: 400 naming the field", st == 400 and "source" in json.dumps(d), (st, d))
check("the refused issues changed nothing", state() == before)
st, h, d = request("POST", "/api/v1/registry/issue",
                   {"project": "KH003", "from": "2024-01-01", "to": "2024-12-31", "quantity": 500,
                    "external_verification": "EV-2", "source": "test-fixture"}, cookie=rc, csrf=rx)
check("KH registrar issues KH003's credits verified outside c2c, recorded as such",
      st == 200 and d.get("op") == "issue" and d["body"]["issuance"]["external_verification"] == "EV-2"
      and d["body"]["issuance"]["source"] == "test-fixture" and d["body"]["issuance"]["report"] is None, (st, d))
st, h, d = request("POST", "/api/v1/registry/allocate", {"issuance": "KH003-02", "shares": {"JP-GOV-1": 30, "KH-GOV-1": 70}},
                   cookie=rc, csrf=rx)
check("KH registrar allocates it 30/70", st == 200 and d.get("op") == "allocate", (st, d))
st, h, d = request("POST", "/api/v1/registry/allocate", {"issuance": "KH003-02", "shares": {"JP-GOV-1": 12.345}},
                   cookie=rc, csrf=rx)
check("a share with three decimals: 400", st == 400, (st, d))

# --- MRV: a verifier approves a report, the host registrar issues from it -------------
vc, vx = login("verifier1")[:2]
st, h, d = request("POST", "/api/v1/mrv/reports/1/verification", {"decision": "approve", "comment": "checked"},
                   cookie=pc, csrf=px)
check("a participant may not verify (403)", st == 403, (st, d))
st, h, d = request("POST", "/api/v1/mrv/reports/x1/verification", {"decision": "approve", "comment": "x"},
                   cookie=vc, csrf=vx)
check("a report id that is not a number: 404", st == 404, (st, d))
st, h, d = request("POST", "/api/v1/registry/issue", {"report": 1}, cookie=kc, csrf=kx)
check("issuing from a report not yet approved is refused", st in (409, 422) and "approv" in json.dumps(d), (st, d))
st, h, d = request("POST", "/api/v1/mrv/reports/1/verification", {"decision": "approve", "comment": "checked"},
                   cookie=vc, csrf=vx)
check("the verifier approves report 1 (recomputed from its file)", st == 200 and "approved" in json.dumps(d), (st, d))
check("the report over HTTP is the CLI's `mrv report show`", d == cli_json("mrv", "report", "show", "1"), d)
st, h, d = request("POST", "/api/v1/registry/issue", {"report": 1, "project": "KH003"}, cookie=kc, csrf=kx)
check("a report and a project together: 400", st == 400, (st, d))
st, h, d = request("POST", "/api/v1/registry/issue", {"report": 1}, cookie=kc, csrf=kx)
check("the KH registrar issues the approved report's 1285 credits",
      st == 200 and d.get("op") == "issue" and d["body"]["issuance"]["quantity"] == 1285
      and d["body"]["issuance"]["verified_er"] == 1285 and d["body"]["issuance"]["report"] == 1, (st, d))
before = state()
st, h, d = request("POST", "/api/v1/registry/issue", {"report": 1}, cookie=kc, csrf=kx)
check("a report is issued once: 409 naming the first issuance",
      st == 409 and "report 1 was issued already as issuance KH003-03" in json.dumps(d), (st, d))
check("the second issue of report 1 changed nothing", state() == before)
st, h, d = request("GET", "/api/v1/mrv/reports?project=KH003")
cli_reports = cli_json("mrv", "report", "list", "--project", "KH003")
check("the public reports list is the CLI's but for the file's path on the server",
      st == 200 and "data_path" in cli_reports[0] and not any("data_path" in r for r in d)
      and d == [{k: v for k, v in r.items() if k != "data_path"} for r in cli_reports], (st, d))
st, h, d = request("GET", "/api/v1/mrv/reports/1", cookie=vc)
check("a verifier sees where the file is", st == 200 and d.get("data_path", "").endswith("pv.csv"), (st, d))

# --- MRV: an atlas project put under MRV over HTTP, as `c2c mrv project add --atlas-project`
LINK = {"atlas_project": "pj-th-floating-solar", "methodology": "KH_AM002", "jcm_ref": "TH009",
        "params": {"EF_RE": "0.5"}, "title": "Floating solar"}
mrv_before = cli_json("mrv", "project", "list")
pc, px = sessions["participant"]
st, h, d = request("POST", "/api/v1/mrv/projects", LINK, cookie=pc, csrf=px)
check("a participant refused for an atlas project outside its scope (403)", st == 403, (st, d))
oc, ox = sessions["office"]
st, h, d = request("POST", "/api/v1/mrv/projects", dict(LINK, host="VN"), cookie=oc, csrf=ox)
check("a host that is not the atlas project's country: 400 naming the field and both countries",
      st == 400 and d["error"].get("field") == "host_country"
      and "host country VN is not atlas project pj-th-floating-solar's country TH" in d["error"]["message"], (st, d))
st, h, d = request("POST", "/api/v1/mrv/projects", dict(LINK, atlas_project="pj-nowhere"), cookie=oc, csrf=ox)
check("an atlas project that does not exist: 404 naming the field",
      st == 404 and d["error"].get("field") == "atlas_project", (st, d))
st, h, d = request("POST", "/api/v1/mrv/projects", dict(LINK, params={"EF_RE": 0.5}), cookie=oc, csrf=ox)
check("a parameter value that is not text: 400 naming params", st == 400 and d["error"].get("field") == "params", (st, d))
check("the refused project adds changed nothing", cli_json("mrv", "project", "list") == mrv_before)
st, h, d = request("POST", "/api/v1/mrv/projects", LINK, cookie=oc, csrf=ox)
check("the office puts the atlas project under MRV: named by it, hosted by its country",
      st == 200 and d.get("id") == "pj-th-floating-solar" and d.get("atlas_project") == "pj-th-floating-solar"
      and d.get("jcm_ref") == "TH009" and d.get("host_country") == "TH" and d.get("params") == {"EF_RE": "0.5"}, (st, d))
check("the project over HTTP is the CLI's",
      [p for p in cli_json("mrv", "project", "list") if p["id"] == "pj-th-floating-solar"] == [d], d)
st, h, d = request("POST", "/api/v1/mrv/projects", LINK, cookie=oc, csrf=ox)
check("the same atlas project again: 409 naming the one it has",
      st == 409 and "has its MRV project already (pj-th-floating-solar)" in d["error"]["message"], (st, d))

# --- the programme: a municipality proposes, the office scores and decides -----------
# The server dates a proposal itself, so the call must have a round open
# today: the built-in FY2026 call's rounds closed in spring 2026.
TODAY = datetime.date.today()
FY = TODAY.year if TODAY.month >= 4 else TODAY.year - 1
subprocess.run([BIN, "call", "open", "--id", "c2c-open", "--fy", str(FY), "--title-ja", "今日開いている試験公募",
                "--planned", "5", "--rounds", "%s..%s" % (TODAY - datetime.timedelta(days=7),
                                                          TODAY + datetime.timedelta(days=30)),
                "--criteria", "originality:独自性:1,local-companies:地元企業の参画:1,feasibility:実現可能性:1"],
               check=True, capture_output=True)
st, h, d = request("GET", "/api/v1/calls")
states = {c["id"]: [r["state"] for r in c["rounds"]] for c in d} if st == 200 else {}
check("the open call's round is open today", states.get("c2c-open") == ["open"], (st, states))
check("the FY2026 call's rounds are closed (as the server's calendar says)",
      states.get("c2c-2026") == ["closed", "closed"], (st, states))
PROPOSAL = {"call": "c2c-open", "partner": "mv-male-city", "title_ja": "マレ市の太陽光",
            "sector": "renewable_energy", "outputs": "capacity_building;jcm_equipment", "budget_jpy": "30000000",
            "lead": "公益財団法人地球環境戦略研究機関(IGES)"}
tc, tx = login("toyama")[:2]
before = cli_json("proposal", "list")
st, h, d = request("POST", "/api/v1/proposals", dict(PROPOSAL, submitted_on="2026-02-10"), cookie=tc, csrf=tx)
check("a client cannot date its proposal (400 naming submitted_on), nothing stored",
      st == 400 and "submitted_on" in d["error"]["message"] and cli_json("proposal", "list") == before, (st, d))
st, h, d = request("POST", "/api/v1/proposals", dict(PROPOSAL, call="c2c-2026"), cookie=tc, csrf=tx)
check("a proposal to a call whose rounds have closed is refused, nothing stored",
      st == 422 and "outside every round" in d["error"]["message"] and cli_json("proposal", "list") == before,
      (st, d))
st, h, d = request("POST", "/api/v1/proposals", PROPOSAL, cookie=tc, csrf=tx)
check("a log-in reply carries no Allow header", "allow" not in login("office1")[3], "")
check("municipality submits a proposal for its own body (the body defaults to it), dated today by the server",
      st == 200 and d.get("id") == "pr-c2c-open-001" and d.get("call") == "c2c-open"
      and d.get("submitted_on") == TODAY.isoformat(), (st, d))
st, h, d = request("POST", "/api/v1/proposals", dict(PROPOSAL, body="jp-yokohama-city"), cookie=tc, csrf=tx)
check("municipality refused proposing for another body", st == 403, (st, d))
oc, ox = sessions["office"]
for rv, pts in (("rv-a", {"originality": 5, "local-companies": 4, "feasibility": 4}),
                ("rv-b", {"originality": 4, "local-companies": 4, "feasibility": 5})):
    st, h, d = request("POST", "/api/v1/scores", {"proposal": "pr-c2c-open-001", "reviewer": rv, "points": pts},
                       cookie=oc, csrf=ox)
    check("office records %s's score sheet" % rv, st == 200 and d.get("criteria") == 3, (st, d))
st, h, d = request("POST", "/api/v1/scores", {"proposal": "pr-c2c-open-001", "reviewer": "rv-a",
                                              "points": {"originality": "forty"}}, cookie=oc, csrf=ox)
check("a score that is not a number: 400 naming it", st == 400 and "originality" in d["error"]["message"], (st, d))
st, h, d = request("GET", "/api/v1/calls/c2c-open/rank", cookie=oc)
rank_cli = cli_json("call", "rank", "c2c-open")
check("the ranking over HTTP is the CLI's", st == 200 and d == rank_cli and d[0]["rank"] == 1, (st, d))
st, h, d = request("GET", "/api/v1/calls/c2c-open/rank")
check("the ranking is not public (401)", st == 401, st)
st, h, d = request("POST", "/api/v1/decisions", {"proposal": "pr-c2c-open-001", "decision": "maybe", "reason": "x"},
                   cookie=oc, csrf=ox)
check("a decision that is neither select nor reject: 400", st == 400, (st, d))
st, h, d = request("POST", "/api/v1/decisions", {"proposal": "pr-c2c-open-001", "decision": "select",
                                                 "reason": "highest score"}, cookie=oc, csrf=ox)
check("office selects it: it becomes a partnership and a project of the call's fiscal year",
      st == 200 and d.get("fiscal_year") == FY and d.get("project_id"), (st, d))
proj = [p for p in cli_json("projects") if p["id"] == (d.get("project_id") if isinstance(d, dict) else None)]
check("the selected project is in the atlas with Toyama as its body",
      proj and proj[0].get("body_id") == "jp-toyama-city", proj)

# --- cities: an observation by the city itself ---------------------------------------------
OBS = {"place": "jp-toyama-city", "measure": "tj-13", "year": 2024, "value": 61.5, "source": "Toyama city report"}
st, h, d = request("POST", "/api/v1/city/observations", OBS, cookie=tc, csrf=tx)
check("municipality records an observation for its own place",
      st == 200 and d == {"place_id": "jp-toyama-city", "measure_id": "tj-13", "year": 2024, "value": 61.5,
                          "source": "Toyama city report"}, (st, d))
st, h, d = request("POST", "/api/v1/city/observations", dict(OBS, place="cn-tianjin-city"), cookie=tc, csrf=tx)
check("municipality refused recording for another place", st == 403, (st, d))
st, h, d = request("POST", "/api/v1/city/observations", dict(OBS, value="61.5"), cookie=tc, csrf=tx)
check("an observation value that is not a number: 400", st == 400 and "value" in d["error"]["message"], (st, d))
st, h, d = request("GET", "/api/v1/city/evaluation?place=jp-toyama-city&year=2024")
check("the evaluation (public) is the CLI's",
      st == 200 and d == cli_json("city", "indicators", "evaluate", "--place", "jp-toyama-city", "--year", "2024"),
      (st, str(d)[:200]))

# --- the log of writes -----------------------------------------------------------------
ac, ax = sessions["admin"]
st, h, d = request("GET", "/api/v1/audit", cookie=ac)
mine = [e for e in d if e.get("user") == "toyama" and e.get("method") == "PATCH"] if st == 200 else []
check("the audit log names toyama's two edits with path and role",
      len(mine) == 2 and mine[0]["path"] == "/api/v1/partnerships/p001" and mine[0]["role"] == "municipality", (st, mine))
check("the audit log has the log-ins and every registry write",
      st == 200 and sum(1 for e in d if e["path"] == "/api/v1/session") >= 8
      and sum(1 for e in d if e["path"].startswith("/api/v1/registry/")) == 6
      and sum(1 for e in d if e["path"] == "/api/v1/scores") == 2
      and all(e["role"] != "public" for e in d), d if st == 200 else st)
check("no refused write is in the audit log", st == 200 and not any(e["path"] == "/api/v1/partnerships/p002" for e in d))

# --- users, by the admin: each write and its audit row are one transaction ----------------

def audit_rows():
    st, h, d = request("GET", "/api/v1/audit", cookie=ac)
    return d if st == 200 else None


def err_of(d):
    e = d.get("error", {}) if isinstance(d, dict) else {}
    return e.get("message"), e.get("field")


st, h, d = request("GET", "/api/v1/users", cookie=ac)
listed = cli_json("user", "list")
check("admin lists the users: the CLI's `user list`", st == 200 and d == listed, (st, d, listed))
check("the list has no password or hash", st == 200 and not re.search(r"password|hash|argon", json.dumps(d)), d)
st, h, d = request("GET", "/api/v1/users/part1/tokens", cookie=ac)
check("a user's tokens: label and times, never the token or its hash",
      st == 200 and [sorted(t) for t in d] == [["created_at", "label", "revoked_at"]]
      and d[0]["label"] == "script" and d[0]["revoked_at"] is None and TOKEN not in json.dumps(d), (st, d))
st, h, d = request("GET", "/api/v1/users/nobody/tokens", cookie=ac)
check("the tokens of no user: 404 naming it", st == 404 and err_of(d) == ("no user 'nobody'", "name"), (st, d))

# every refusal: its status, message and field, and nothing changed (users, audit log)
NEW = {"name": "newbie", "role": "municipality", "scope": "jp-toyama-city", "password": "pass-newbie-0123"}
refusals = [
    ("office may not add a user", "POST", "/api/v1/users", NEW, sessions["office"], 403,
     ("POST /api/v1/users is not for the role office (it is for: admin)", None)),
    ("a role that is not one", "POST", "/api/v1/users", dict(NEW, role="boss"), None, 400,
     ("role 'boss' is not known (use public, admin, office, municipality, partner, participant, verifier, registrar or reviewer)",
      "role")),
    ("a user name taken", "POST", "/api/v1/users", dict(NEW, name="toyama"), None, 409,
     ("user 'toyama' exists already", "name")),
    ("a weak password", "POST", "/api/v1/users", dict(NEW, password="short"), None, 422,
     ("password is too short: 5 characters, at least 10 needed", "password")),
    ("a bad user name", "POST", "/api/v1/users", dict(NEW, name="New Bie"), None, 422,
     ("user name 'New Bie' must start with a-z or 0-9", "name")),
    ("a municipality scoped to a foreign place", "POST", "/api/v1/users", dict(NEW, scope="vn-da-nang-city"), None, 422,
     ("scope 'vn-da-nang-city' (ダナン市) is a place in VN, not a Japanese body", "scope")),
    ("a scoped role without its scope", "POST", "/api/v1/users", {k: v for k, v in NEW.items() if k != "scope"}, None,
     400, ("role municipality needs a scope", "scope")),
    ("the role of an unknown user", "POST", "/api/v1/users/nobody/role", {"role": "office"}, None, 404,
     ("no user 'nobody'", "name")),
    ("a role the public", "POST", "/api/v1/users/toyama/role", {"role": "public"}, None, 400,
     ("role public is the visitor without a log-in; a user cannot have it", "role")),
    ("disabling the last enabled admin", "POST", "/api/v1/users/admin1/disable", None, None, 409,
     ("'admin1' is the last enabled admin", None)),
    ("demoting the last enabled admin", "POST", "/api/v1/users/admin1/role", {"role": "office"}, None, 409,
     ("'admin1' is the last enabled admin", None)),
    ("enabling a user not disabled", "POST", "/api/v1/users/toyama/enable", None, None, 409,
     ("user 'toyama' is not disabled", None)),
    ("a token label taken", "POST", "/api/v1/users/part1/tokens", {"label": "script"}, None, 409,
     ("user 'part1' has a token labelled 'script' already", "label")),
    ("a token label with a space", "POST", "/api/v1/users/part1/tokens", {"label": "a b"}, None, 422,
     ("token label 'a b' has a character other than A-Z a-z 0-9 . _ -", "label")),
    ("revoking a label with no live token", "POST", "/api/v1/users/part1/tokens/revoke", {"label": "nightly"}, None, 404,
     ("user 'part1' has no live token labelled 'nightly'", "label")),
    ("a token for an unknown user", "POST", "/api/v1/users/nobody/tokens", {"label": "x"}, None, 404,
     ("no user 'nobody'", "name")),
]
for name, method, path, body, who, want, (msg, field) in refusals:
    users0, audit0 = users(), audit_rows()
    cookie, csrf = who or (ac, ax)
    st, h, d = request(method, path, body, cookie=cookie, csrf=csrf)
    check("users: %s refused (%d, message%s)" % (name, want, " at field " + field if field else ""),
          st == want and err_of(d) == (msg, field), (st, d))
    check("users: %s changed nothing, logged nothing" % name, users() == users0 and audit_rows() == audit0)

# the writes: each through the API, read back through the CLI, one audit row each
def admin_write(name, method, path, body=None):
    before = len(audit_rows())
    st, h, d = request(method, path, body, cookie=ac, csrf=ax)
    rows = audit_rows()[before:]
    check("users: %s (200), one audit row naming admin1 and the path" % name,
          st == 200 and [(r["user"], r["role"], r["method"], r["path"]) for r in rows]
          == [("admin1", "admin", method, path)], (st, d, rows))
    return d


def cli_user(name):
    return [u for u in cli_json("user", "list") if u["name"] == name]


d = admin_write("admin adds newbie, a municipality of Toyama", "POST", "/api/v1/users", NEW)
row = cli_user("newbie")
check("the reply is newbie's row as the CLI lists it", row and {k: v for k, v in d.items() if k != "sessions"}
      == {k: v for k, v in row[0].items() if k != "sessions"}, (d, row))
check("newbie is a municipality of Toyama, enabled", row and (row[0]["role"], row[0]["scope"], row[0]["disabled"])
      == ("municipality", "jp-toyama-city", False), row)
nc, nx, st, h = login("newbie")
check("newbie logs in with the password the admin set", st == 200 and nc, (st, h))
admin_write("admin makes newbie a partner city of Malé", "POST", "/api/v1/users/newbie/role",
            {"role": "partner", "scope": "mv-male-city"})
row = cli_user("newbie")
check("the CLI reads the new role and scope", row and (row[0]["role"], row[0]["scope"]) == ("partner", "mv-male-city"), row)
st, h, d = request("GET", "/api/v1/session", cookie=nc)
check("newbie's session has the new role at its next request",
      st == 200 and (d.get("role"), d.get("scope")) == ("partner", "mv-male-city"), (st, d))
admin_write("admin makes newbie office staff (no scope)", "POST", "/api/v1/users/newbie/role", {"role": "office"})
d = admin_write("admin creates a token for newbie", "POST", "/api/v1/users/newbie/tokens", {"label": "report-script"})
newtok = d.get("token", "") if isinstance(d, dict) else ""
check("the token is in the reply, once", re.fullmatch(r"c2c_[A-Za-z0-9_-]{43}", newtok or "") is not None
      and d.get("label") == "report-script", d)
st, h, d = request("GET", "/api/v1/users/newbie/tokens", cookie=ac)
check("the token list names it, not the token", st == 200 and [t["label"] for t in d] == ["report-script"]
      and newtok not in json.dumps(d), (st, d))
check("the CLI lists the token's label", cli_user("newbie")[0]["tokens"] == ["report-script"], cli_user("newbie"))
st, h, d = request("GET", "/api/v1/audit", token=newtok)
check("the new token works: newbie (office) reads the audit log", st == 200, (st, d))
admin_write("admin revokes it", "POST", "/api/v1/users/newbie/tokens/revoke", {"label": "report-script"})
st, h, d = request("GET", "/api/v1/audit", token=newtok)
check("the revoked token is refused (401)", st == 401, (st, d))
st, h, d = request("GET", "/api/v1/users/newbie/tokens", cookie=ac)
check("the token list shows it revoked", st == 200 and d[0]["revoked_at"] is not None, (st, d))
admin_write("admin disables newbie", "POST", "/api/v1/users/newbie/disable")
check("the CLI reads newbie disabled", cli_user("newbie")[0]["disabled"] is True, cli_user("newbie"))
st, h, d = request("GET", "/api/v1/audit", cookie=nc)
check("newbie's session ended with it (401)", st == 401, (st, d))
st, h, d = request("POST", "/api/v1/session", {"name": "newbie", "password": "pass-newbie-0123"})
check("disabled newbie cannot log in (401, the wrong-password message)", st == 401 and d["error"]["message"] == msg_wrong_pw,
      (st, d))
admin_write("admin enables newbie again", "POST", "/api/v1/users/newbie/enable")
nc, nx, st, h = login("newbie")
check("newbie logs in again", st == 200 and nc, (st, h))
st, h, d = request("GET", "/api/v1/users", cookie=nc)
check("newbie, office staff, may not list the users (403)", st == 403, (st, d))

# one transaction: a write whose audit row cannot be written is not done
if "C2C_TEST_PG" not in os.environ:
    import sqlite3
    db = sqlite3.connect(os.environ["C2C_DB"])
    db.execute("CREATE TRIGGER no_audit BEFORE INSERT ON http_audit WHEN NEW.path = '/api/v1/users/newbie/disable'"
               " BEGIN SELECT RAISE(ABORT, 'audit refused by the test'); END")
    db.commit()
    users0 = users()
    st, h, d = request("POST", "/api/v1/users/newbie/disable", cookie=ac, csrf=ax)
    check("a disable whose audit row fails is refused, saying why",
          st != 200 and "audit refused by the test" in err_of(d)[0], (st, d))
    check("and newbie stays enabled: the write went with its audit row", users() == users0
          and cli_user("newbie")[0]["disabled"] is False, cli_user("newbie"))
    db.execute("DROP TRIGGER no_audit")
    db.commit()
    db.close()
else:
    print("skip: the audit trigger (a SQLite file only)")

# --- log-out ---------------------------------------------------------------------------
st, h, d = request("DELETE", "/api/v1/session", cookie=tm_cookie, csrf=tm_csrf)
check("log-out clears the cookie", st == 200 and "Max-Age=0" in h.get("set-cookie", ""), (st, h.get("set-cookie")))
st, h, d = request("PATCH", "/api/v1/partnerships/p001", {"note": "after logout"}, cookie=tm_cookie, csrf=tm_csrf)
check("the session is gone after log-out: 401", st == 401, (st, d))

# a session of server 1 for roles.sh to present to a second server
with open(WORK + "/office.session", "w") as f:
    f.write(sessions["office"][0])

# --- the log-in limit -------------------------------------------------------------------
# each failure says how many are left (the page words it); an X-Forwarded-For
# from a client is not believed (no --trusted-proxy here): it cannot make
# each guess come from a new address
left = []
for i in range(5):
    st, h, d = request("POST", "/api/v1/session", {"name": "verifier1", "password": "wrong-password-%d" % i},
                       headers={"X-Forwarded-For": "203.0.113.%d" % (i + 1)})
    left.append((st, d.get("error", {}).get("tries_left") if isinstance(d, dict) else None))
check("each failure is 401 with error.tries_left 4, 3, 2, 1, 0", left == [(401, n) for n in (4, 3, 2, 1, 0)], left)
st, h, d = request("POST", "/api/v1/session", {"name": "verifier1", "password": "pass-verifier1-0123"})
check("after 5 failures even the right password is refused: 429", st == 429 and err_code(d) == "rate_limited", (st, d))
check("the 429 says when to retry (Retry-After, seconds)",
      h.get("retry-after", "").isdigit() and 0 < int(h["retry-after"]) <= 900, h.get("retry-after"))
st, h, d = request("POST", "/api/v1/session", {"name": "verifier1", "password": "pass-verifier1-0123"},
                   headers={"X-Forwarded-For": "198.51.100.77"})
check("another X-Forwarded-For does not lift it: 429", st == 429, (st, d))
# the lock is the name's from this address, not the address's
cookie, csrf, st, h = login("regjp")
check("another name logs in from the same address", st == 200, (st, h))
# an admin lifts it
admin_cookie, admin_csrf = sessions["admin"]
st, h, d = request("POST", "/api/v1/users/verifier1/unlock", cookie=admin_cookie, csrf=admin_csrf)
check("an admin lifts the lock: POST /api/v1/users/verifier1/unlock 200", st == 200 and d.get("name") == "verifier1",
      (st, d))
cookie, csrf, st, h = login("verifier1")
check("then the right password logs in", st == 200, (st, h))
st, h, d = request("POST", "/api/v1/users/nobody/unlock", cookie=admin_cookie, csrf=admin_csrf)
check("unlock of an unknown user: 404", st == 404 and d.get("error", {}).get("field") == "name", (st, d))

# --- four-eyes approval over HTTP (issue 16) -----------------------------------------------
def credits(acc):
    return sum(r["credits"] for r in cli_json("registry", "balance", "--account", acc) if r["state"] == "active")


ac, ax = login("admin1")[:2]
st, h, d = request("POST", "/api/v1/users", {"name": "regjp2", "role": "registrar", "scope": "JP",
                                              "password": "pass-regjp2-0123"}, cookie=ac, csrf=ax)
check("a second JP registrar", st == 200, (st, d))
st, h, d = request("POST", "/api/v1/registry/four-eyes", {"country": "JP", "require": True, "threshold": 0,
                                                          "expiry": "1h"}, cookie=ac, csrf=ax)
check("the admin requires four-eyes in the JP registry: the reply is its journal entry",
      st == 200 and d.get("op") == "four-eyes", (st, d))
st, h, d = request("POST", "/api/v1/registry/four-eyes", {"country": "JP", "require": "yes"}, cookie=ac, csrf=ax)
check("four-eyes with require not a boolean: 400, field require", st == 400 and d["error"].get("field") == "require",
      (st, d))
st, h, d = request("GET", "/api/v1/registry/four-eyes")
check("GET four-eyes (public) lists it", st == 200 and [(x["country"], x["required"]) for x in d] == [("JP", True)], d)
pc, px = login("part1")[:2]
e1, e2 = credits("JP-ENT-1"), credits("JP-ENT-2")
st, h, d = request("POST", "/api/v1/registry/transfer", {"from": "JP-ENT-1", "to": "JP-ENT-2", "quantity": 2},
                   cookie=pc, csrf=px)
check("a direct transfer is refused: 403, field quantity, saying why",
      st == 403 and d["error"].get("field") == "quantity" and "requires four-eyes approval" in d["error"]["message"],
      (st, d))
st, h, d = request("POST", "/api/v1/registry/propose", {"operation": "transfer", "from": "JP-ENT-1", "to": "JP-ENT-2",
                                                        "quantity": 2}, cookie=pc, csrf=px)
check("the participant proposes it: the reply is the propose entry", st == 200 and d.get("op") == "propose", (st, d))
pid = d.get("seq") if isinstance(d, dict) else None
st, h, d = request("POST", "/api/v1/registry/propose", {"operation": "transfer", "from": "JP-GOV-1", "to": "JP-ENT-2",
                                                        "quantity": 2}, cookie=pc, csrf=px)
check("a participant cannot propose from an account outside its scope: 403", st == 403, (st, d))
check("nothing moved by the proposal", (credits("JP-ENT-1"), credits("JP-ENT-2")) == (e1, e2))
st, h, d = request("POST", "/api/v1/registry/approve", {"id": pid}, cookie=pc, csrf=px)
check("the participant cannot approve (not a registrar): 403", st == 403, (st, d))
kc, kx = login("regkh")[:2]
st, h, d = request("POST", "/api/v1/registry/approve", {"id": pid}, cookie=kc, csrf=kx)
check("a KH registrar cannot approve a JP proposal: 403", st == 403, (st, d))
jc, jx = login("regjp")[:2]
st, h, d = request("POST", "/api/v1/registry/propose", {"operation": "cancel", "account": "JP-ENT-1", "quantity": 1},
                   cookie=jc, csrf=jx)
own = d.get("seq") if isinstance(d, dict) else None
st, h, d = request("POST", "/api/v1/registry/approve", {"id": own}, cookie=jc, csrf=jx)
check("a registrar cannot approve its own proposal: 403, field id",
      st == 403 and d["error"].get("field") == "id" and "another registrar must approve it" in d["error"]["message"],
      (st, d))
st, h, d = request("POST", "/api/v1/registry/approve", {"id": pid}, cookie=jc, csrf=jx)
check("the JP registrar approves the participant's proposal: carried out, the reply is the transfer naming it",
      st == 200 and d.get("op") == "transfer" and d["body"].get("proposal") == pid, (st, d))
check("the 2 credits moved", (credits("JP-ENT-1"), credits("JP-ENT-2")) == (e1 - 2, e2 + 2))
j2c, j2x = login("regjp2")[:2]
st, h, d = request("POST", "/api/v1/registry/reject", {"id": own, "reason": "not now"}, cookie=j2c, csrf=j2x)
check("another JP registrar rejects regjp's proposal", st == 200 and d.get("op") == "reject", (st, d))
st, h, d = request("GET", "/api/v1/registry/proposals?country=JP", cookie=jc)
check("GET proposals: approved and rejected, with who decided",
      st == 200 and sorted((x["id"], x["status"], x["decided_by"]) for x in d) == sorted([(pid, "approved", "regjp"),
                                                                                       (own, "rejected", "regjp2")]),
      (st, d))
st, h, d = request("GET", "/api/v1/registry/proposals?status=maybe", cookie=jc)
check("GET proposals with a status that is none: 422, field status", st == 422 and d["error"].get("field") == "status",
      (st, d))
st, h, d = request("POST", "/api/v1/registry/four-eyes", {"country": "JP", "require": False}, cookie=ac, csrf=ax)
check("four-eyes off again", st == 200, (st, d))
st, h, d = request("GET", "/api/v1/registry/cadt?country=JP&format=csv")
check("GET cadt as CSV: CADT's unit fields first", st == 200 and d.startswith("warehouseUnitId,issuanceId,"), (st, d))
vr = subprocess.run([BIN, "registry", "verify"], capture_output=True, text=True)
check("registry verify after four-eyes over HTTP", vr.returncode == 0, vr.stderr)

print("roles_http done")
