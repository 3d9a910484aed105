"""lang_http.py - the HTTP half of tests/lang.sh (see there).

usage: lang_http.py URL REGISTRAR_PASSWORD COMPANY_PASSWORD PARTNER_PASSWORD VERIFIER_PASSWORD
Prints "ok: ..." / "FAILED: ..." lines and, last, "lang_http done".
"""
import http.client
import json
import re
import sys
import urllib.parse

URL, REG_PW, CO_PW, BKK_PW, VER_PW = sys.argv[1:6]
u = urllib.parse.urlparse(URL)
JA = re.compile('[\u3040-\u30ff\u4e00-\u9fff]')


def ok(msg):
    print("ok: " + msg)


def bad(msg):
    print("FAILED: " + msg)


def check(name, got, want):
    if got == want:
        ok("%s (%r)" % (name, got))
    else:
        bad("%s: got %r, expected %r" % (name, got, want))


def request(method, path, body=None, lang=None, cookie=None, csrf=None, raw=None):
    c = http.client.HTTPConnection(u.hostname, u.port, timeout=30)
    h = {}
    if lang is not None:
        h["Accept-Language"] = lang
    if body is not None:
        h["Content-Type"] = "application/json"
    if raw is not None:
        h["Content-Type"] = "text/csv"
    if cookie:
        h["Cookie"] = "c2c_session=" + cookie
    if csrf:
        h["X-CSRF-Token"] = csrf
    c.request(method, path, body=raw if raw is not None else None if body is None else json.dumps(body).encode(),
              headers=h)
    r = c.getresponse()
    raw = r.read()
    hdrs = {k.lower(): v for k, v in r.getheaders()}
    c.close()
    return r.status, hdrs, json.loads(raw.decode("utf-8")), raw


def err(doc):
    return doc.get("error", {}) if isinstance(doc, dict) else {}


# --- choosing the language: Accept-Language with q-values, ?lang= over it ------------
st, h, d, raw_none = request("GET", "/api/v1/nosuch")
m_en = err(d).get("message", "")
check("no Accept-Language: English", m_en, "no such resource: /api/v1/nosuch")
check("Vary: Accept-Language on an API reply", h.get("vary"), "Accept-Language")
st, h, d, raw_en = request("GET", "/api/v1/nosuch", lang="en-GB,en;q=0.9")
check("Accept-Language en: the same bytes as none", raw_en == raw_none, True)
for hdr in ("ja", "ja-JP,ja;q=0.9,en-US;q=0.8,en;q=0.7", "en;q=0.3, ja;q=0.8", "fr, ja;q=0.5"):
    st, h, d, _ = request("GET", "/api/v1/nosuch", lang=hdr)
    check("Accept-Language %r: Japanese, status and code as in English" % hdr,
          (st, err(d).get("code"), err(d).get("message")), (404, "not_found", "該当するものがありません：/api/v1/nosuch"))
st, h, d, _ = request("GET", "/api/v1/nosuch", lang="en, ja;q=0.5")
check("Accept-Language en before ja: English", err(d).get("message"), m_en)
st, h, d, _ = request("GET", "/api/v1/nosuch?lang=ja", lang="en")
check("?lang=ja wins over Accept-Language en", bool(JA.search(err(d).get("message", ""))), True)
st, h, d, _ = request("GET", "/api/v1/places?kind=" + "a" * 9000, lang="ja")
check("a target over 8 KiB: 414 in Japanese (the target itself is not read)", (st, err(d).get("message")),
      (414, "リクエストの URL が 8192 バイトを超えています"))
st, h, d, _ = request("GET", "/healthz")
check("the server still answers after it", st, 200)
st, h, d, _ = request("GET", "/api/v1/places?lang=xx")
check("?lang=xx: 400 naming the field lang", (st, err(d).get("field")), (400, "lang"))
st, h, d, _ = request("GET", "/api/v1/places?limit=1&lang=ja")
check("?lang=ja is taken by every route (a list with it answers 200)", st, 200)

# --- a query parameter's error: Japanese, the same field, the hint too ------------------
st, h, d, _ = request("GET", "/api/v1/places?format=pdf", lang="ja")
e = err(d)
st2, h2, d2, _ = request("GET", "/api/v1/places?format=pdf", lang="en")
check("?format=pdf in Japanese: the same status and field as in English",
      (st, e.get("field")), (st2, err(d2).get("field")))
check("?format=pdf in Japanese", e.get("message"), "format「pdf」は使えません（json、csv、xlsx のいずれか）")
check("?format=pdf in English unchanged", err(d2).get("message"), "format 'pdf' is not known (use json, csv or xlsx)")

# --- log-in: the refusal in Japanese, tries_left as before --------------------------------
st, h, d, _ = request("POST", "/api/v1/session", {"name": "example-registrar", "password": "wrong-password-0"}, lang="ja")
check("wrong password in Japanese: 401, its message", (st, err(d).get("message")), (401, "利用者名またはパスワードが違います"))
check("wrong password in Japanese: tries_left still a number", isinstance(err(d).get("tries_left"), int), True)
check("wrong password in Japanese: the detail in Japanese", bool(JA.search(err(d).get("detail", ""))), True)

st, h, d, _ = request("POST", "/api/v1/session", {"name": "example-registrar", "password": REG_PW}, lang="ja")
cookie = re.search(r"c2c_session=([^;]+)", h.get("set-cookie", ""))
if st != 200 or not cookie:
    bad("log-in as example-registrar: %s %s" % (st, d))
    print("lang_http done")
    sys.exit(0)
cookie, csrf = cookie.group(1), d["csrf"]

# --- a write refused at its field: Japanese and English, the same field, nothing stored ----
body = {"id": "jp x", "country": "JP", "kind": "entity", "holder": "【例】言語の試験"}
st, h, d, _ = request("POST", "/api/v1/registry/account-open", body, lang="ja", cookie=cookie, csrf=csrf)
ja = err(d)
st2, h2, d2, _ = request("POST", "/api/v1/registry/account-open", body, lang="en", cookie=cookie, csrf=csrf)
en = err(d2)
check("account-open with a bad id, Japanese: 422 at field id", (st, ja.get("field")), (422, "id"))
check("account-open with a bad id, English: the same status and field", (st2, en.get("field")), (st, ja.get("field")))
check("its Japanese message", ja.get("message"), "口座番号「jp x」：A-Z、0-9、「-」で 3〜40 文字にしてください")
check("its English message as before", en.get("message"), "account id 'jp x': use 3 to 40 of A-Z, 0-9 and '-'")
check("the Japanese reply carries the English beside it (message_en), for a page's own wording",
      ja.get("message_en"), en.get("message"))
check("an English reply has no message_en", "message_en" in en, False)
st, h, d, _ = request("POST", "/api/v1/registry/account-open", dict(body, id="JP-LANG-TEST", holder=""), lang="ja",
                     cookie=cookie, csrf=csrf)
e = err(d)
check("no holder: at field holder, in Japanese", (e.get("field"), e.get("message")), ("holder", "口座には名義が必要です"))
st, h, d, _ = request("POST", "/api/v1/registry/account-open", dict(body, extra=1), lang="ja", cookie=cookie, csrf=csrf)
check("an unknown body member, in Japanese", bool(JA.search(err(d).get("message", ""))), True)
st, h, d, _ = request("POST", "/api/v1/registry/account-open", body, lang="ja", cookie=cookie)
check("no CSRF token: 403 in Japanese", (st, err(d).get("message")),
      (403, "POST /api/v1/registry/account-open：X-CSRF-Token ヘッダーがありません"))
st, h, d, _ = request("GET", "/api/v1/registry/accounts", lang="ja", cookie=cookie)
check("nothing was stored by the refusals", [a.get("id") for a in d if a.get("id") in ("jp x", "JP X", "JP-LANG-TEST")], [])

# --- matching reasons and scheme explanations: in the language asked, English unchanged ----
q = "/api/v1/match?country=VN&sector=water&size=large&limit=3"
st, h, en_doc, en_raw = request("GET", q)
st, h, ja_doc, _ = request("GET", q, lang="ja")
_, _, en_again, en_raw2 = request("GET", q)
check("match in English twice: the same bytes (the cache keeps the languages apart)", en_raw2 == en_raw, True)
def whys(doc):
    return [w for kind in doc.values() if isinstance(kind, list) for r in kind if isinstance(r, dict) for w in r.get("why", [])]
w_en, w_ja = whys(en_doc), whys(ja_doc)
check("match: as many reasons in Japanese as in English", (len(w_ja) > 0, len(w_ja)), (True, len(w_en)))
check("match: every Japanese reason is Japanese", [w for w in w_ja if not JA.search(w)], [])
check("match: no English reason has Japanese words", [w for w in w_en if JA.search(w)], [])
check("match: the scores are the same in both", json.dumps([[r.get("score") for r in v] for v in ja_doc.values() if isinstance(v, list)]),
      json.dumps([[r.get("score") for r in v] for v in en_doc.values() if isinstance(v, list)]))
sch = [w for w in w_ja if "分野「" in w]
check("a scheme's explanation names its sectors in Japanese, not as codes",
      bool(sch) and all("water" not in w and "renewable_energy" not in w for w in sch), True)

# --- the dashboard's figures: how each is counted, and the range, in the language asked ----
st, h, sj, _ = request("GET", "/api/v1/stats?from=2015&to=2020", lang="ja")
st2, h, se, _ = request("GET", "/api/v1/stats?from=2015&to=2020", lang="en")
check("stats: the same figures and values in both languages",
      [(f["key"], f["value"]) for f in sj.get("figures", [])], [(f["key"], f["value"]) for f in se.get("figures", [])])
# (the English rules quote Japanese names too: look for the English words)
check("stats: every figure's rule in Japanese",
      [f["key"] for f in sj.get("figures", []) if re.search(r"\b(distinct|rows?|partnerships?|countries|bodies|places|every)\b", f.get("rule", ""))], [])
check("stats: the range in Japanese", sj.get("range_label"), "2015〜2020 年度")
check("stats: the range in English as before", se.get("range_label"), "2015 to 2020")

st, h, qs, _ = request("GET", "/api/v1/readiness/questions")
answers = {q["item"]: 0 for q in qs} if isinstance(qs, list) else {}
if answers:
    st, h, d, _ = request("POST", "/api/v1/readiness/score", {"answers": answers}, lang="ja")
    ps = [p.get("why", "") for w in d.get("weakest", []) for p in w.get("pointers", [])]
    check("readiness: the pointers' reasons in Japanese", bool(ps) and all(JA.search(p) for p in ps), True)
else:
    bad("readiness questions: no items found in %s" % json.dumps(qs)[:200])

# --- a monitoring file's errors by row and column: in Japanese, at the same cells --------
st, h, d, _ = request("POST", "/api/v1/session", {"name": "example-company", "password": CO_PW})
co = re.search(r"c2c_session=([^;]+)", h.get("set-cookie", ""))
if st == 200 and co:
    co, co_csrf = co.group(1), d["csrf"]
    bad_csv = (b"meter_id,timestamp,value\n"
               b"M1,2025-01-01T00:00:00+07:00,12.5\n"
               b"M1,2025-01-01T01:00:00+07:00,-3\n"
               b"M1,not-a-time,4\n"
               b"M 1,2025-01-01T02:00:00+07:00,4\n")
    q = "/api/v1/mrv/reports?project=pj-example-bangkok-solar&from=2025-01-01&to=2025-01-31&check=1"
    r = {}
    for lang in ("ja", "en"):
        st, h, d, _ = request("POST", q, lang=lang, cookie=co, csrf=co_csrf, raw=bad_csv)
        r[lang] = (st, err(d))
    ja, en = r["ja"][1], r["en"][1]
    cells = lambda e: [(x.get("row"), x.get("column"), x.get("field")) for x in e.get("errors", [])]
    check("monitoring file: as many errors, at the same rows and columns, in both languages",
          (r["ja"][0], len(cells(ja)) > 2, cells(ja)), (r["en"][0], True, cells(en)))
    check("monitoring file: every error message in Japanese",
          [x.get("message") for x in ja.get("errors", []) if not JA.search(x.get("message", ""))], [])
    check("monitoring file: the summary in Japanese at field data", (ja.get("field"), bool(JA.search(ja.get("message", "")))),
          ("data", True))
    check("monitoring file: English as before", en.get("message", "").startswith("3 errors in the monitoring file, nothing stored; the first: row 3, column value: "), True)
else:
    bad("log-in as example-company: %s %s" % (st, d))

# --- an inventory upload's bad rows: each line in Japanese, the row and column kept ------
st, h, d, _ = request("POST", "/api/v1/session", {"name": "example-bangkok", "password": BKK_PW})
bk = re.search(r"c2c_session=([^;]+)", h.get("set-cookie", ""))
if st == 200 and bk:
    bk, bk_csrf = bk.group(1), d["csrf"]
    inv = ("gpc_ref,notation_key,explanation,activity_value,activity_unit,ef_co2,ef_ch4,ef_n2o,ef_unit,ef_source\n"
           "I.1.1,,,lots,TJ,63100,,,kg/TJ,test\n"
           "I.1.2,XX,,,,,,,,\n")
    body = {"place": "th-bangkok-city", "year": 2001, "gwp": "AR6", "file_name": "inv.csv", "csv": inv}
    r = {}
    for lang in ("ja", "en"):
        st, h, d, _ = request("POST", "/api/v1/city/inventory/upload", body, lang=lang, cookie=bk, csrf=bk_csrf)
        r[lang] = (st, err(d))
    lines = {k: v[1].get("detail", "").split("\n") for k, v in r.items()}
    rows = lambda ls: [re.match(r"^.*?: row (\d+)(?:(?:, column |、列 )(\w+))?(?:: |：)", x) for x in ls]
    cells = {k: [(m.group(1), m.group(2)) if m else None for m in rows(v)] for k, v in lines.items()}
    check("inventory upload: the same status, field and rows/columns in both languages (as the page reads them)",
          (r["ja"][0], r["ja"][1].get("field"), cells["ja"]), (r["en"][0], r["en"][1].get("field"), cells["en"]))
    check("inventory upload: two bad rows listed", len(lines["ja"]), 2)
    check("inventory upload: every line in Japanese", [x for x in lines["ja"] if not JA.search(x)], [])
    check("inventory upload: the English lines as before", lines["en"][0], "inv.csv: row 2, column activity_value: 'lots' is not a number")
else:
    bad("log-in as example-bangkok: %s %s" % (st, d))

# --- a state in a refusal: its own words, not the English state as a word -----------------
st, h, d, _ = request("POST", "/api/v1/session", {"name": "example-verifier", "password": VER_PW})
ve = re.search(r"c2c_session=([^;]+)", h.get("set-cookie", ""))
if st == 200 and ve:
    ve, ve_csrf = ve.group(1), d["csrf"]
    body = {"decision": "approve", "comment": "again"}
    st, h, d, _ = request("POST", "/api/v1/mrv/reports/1/verification", body, lang="ja", cookie=ve, csrf=ve_csrf)
    check("a report decided already, in Japanese: 409, the state in Japanese",
          (st, err(d).get("message")), (409, "報告 1 はすでに承認されています。判断は一度だけです"))
    check("... and its English as before beside it", err(d).get("message_en"),
          "report 1 is approved already; a decision is made once")
else:
    bad("log-in as example-verifier: %s %s" % (st, d))
print("lang_http done")
