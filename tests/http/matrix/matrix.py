#!/usr/bin/env python3
"""The access matrix (issue 14, item 5): every route of `hccstudy routes
--json` tried by every role (and two API tokens, and nobody), on a patient of
the actor's own site and of another site, with and without a session and
with and without the CSRF token; the status each case must get is derived
from the rules as the documents state them (docs/api.md "role" column and
"API tokens", docs/store.md's permission table), never from the code.

    matrix.py BASE_URL PASSWORD [--markdown FILE]

Prints every mismatch, the leaks (another site's data answered with 2xx:
a 2xx on another site's patient, or another site's patient code in any 2xx
answer to a site-scoped actor) separately, the counts, and as its last line
"N passed, N failed" (one check per case, plus one for "0 leaks").
"""
import http.client
import json
import re
import sys
import threading
import urllib.parse
from concurrent.futures import ThreadPoolExecutor

# ---------------------------------------------------------------------------
# The rules, written from the documents (not from src/).
#
# docs/store.md, "Accounts, roles, sites": each role's permissions and
# whether it sees only its own site.
PERMS = {
    "admin": {"admin", "backup", "audit_log", "token_admin"},
    "pi": {"read", "sign", "audit_log", "analysis", "export"},
    "investigator": {"read", "write", "query_answer", "sign",
                     "enrol_override", "export"},
    "coordinator": {"read", "write", "query_answer", "export"},
    "monitor": {"read", "query_raise", "sdv", "audit_log"},
    "data_manager": {"read", "write", "query_raise", "query_answer", "lock",
                     "backup", "audit_log", "export", "freeze"},
    "statistician": {"read", "analysis", "export"},
}
SITE_SCOPED = {"investigator", "coordinator"}  # "own" in the sites column

# The demo's accounts (`hccstudy demo` prints them): user -> (role, site).
USERS = {
    "admin": ("admin", None),
    "pi": ("pi", None),
    "investigator.tjh": ("investigator", "TJH"),
    "coordinator.tjh": ("coordinator", "TJH"),
    "coordinator.sysu": ("coordinator", "SYSU"),
    "monitor": ("monitor", None),
    "data.manager": ("data_manager", None),
    "statistician": ("statistician", None),
}
# API tokens as extra actors (docs/api.md "API tokens"): a token acts as its
# user (role and site), its scope limits it further ("read": GET only, or a
# list of "METHOD route" items), the session and token routes are never
# open to it, and it needs no CSRF token.
TOKENS = {
    "token.read": ("coordinator.tjh", "read"),
    "token.route": ("investigator.tjh",
                    "GET patients/:code,POST patients/:code/records,"
                    "POST patients/:code/queries"),
}
ACTORS = list(USERS) + list(TOKENS) + ["nobody"]
SITES = ("TJH", "SYSU")
ALL_SITE_CODES = ("TJH", "SYSU", "ZSH", "WCH", "FAH", "XJH")

# docs/api.md "Routes": the role column as a permission of docs/store.md
# ("none": no session needed; "any": every role; "readers": read;
# "writers": write; "export roles": export; "not admin": read, which the
# admin lacks), what the path names (a patient, one of its records or
# queries, the site of a new patient, or nothing), the success status, and
# "session only" (the session and token routes: never a token).
# subject: "patient" | "record" | "query" | "newsite" | None
ROUTES = {
    "GET api/v1/health": ("none", None, 200),
    "POST api/v1/session": ("none", None, 200, "session_only"),
    "GET api/v1/session": ("any", None, 200, "session_only"),
    "DELETE api/v1/session": ("any", None, 200, "session_only"),
    "GET api/v1/status": ("read", None, 200),
    "GET api/v1/dictionary": ("any", None, 200),
    "GET api/v1/patients": ("read", None, 200),
    "POST api/v1/patients": ("write", "newsite", 201),
    "GET api/v1/patients/:code": ("read", "patient", 200),
    "POST api/v1/patients/:code/records": ("write", "patient", 201),
    "PUT api/v1/patients/:code/records/:id": ("write", "patient", 200),
    "GET api/v1/patients/:code/records/:id/history": ("read", "patient", 200),
    "POST api/v1/patients/:code/queries": ("query_raise", "patient", 201),
    "POST api/v1/patients/:code/signature": ("sign", "patient", 200),
    "POST api/v1/patients/:code/lock": ("lock", "patient", 200),
    "GET api/v1/queries": ("read", None, 200),
    "POST api/v1/queries/:id/answer": ("query_answer", "query", 200),
    "POST api/v1/queries/:id/close": ("query_raise", "query", 200),
    "POST api/v1/records/:id/sdv": ("sdv", "record", 200),
    # A casebook file naming an existing patient by code; another site's
    # patient is not found, which an import reports as its documented 422
    # ("422 with every problem, nothing written").
    "POST api/v1/import": ("write", "patient", 200, "other_site_422"),
    "GET api/v1/analysis/km": ("analysis", None, 200),
    "GET api/v1/analysis/km.svg": ("analysis", None, 200),
    "GET api/v1/analysis/summary": ("analysis", None, 200),
    "GET api/v1/analysis/waterfall.svg": ("analysis", None, 200),
    "GET api/v1/analysis/swimmer.svg": ("analysis", None, 200),
    "GET api/v1/analysis/forest.svg": ("analysis", None, 200),
    "GET api/v1/freezes": ("export", None, 200),
    "POST api/v1/freezes": ("freeze", None, 201),
    "GET api/v1/freezes/:id": ("export", None, 200),
    "GET api/v1/exports": ("export", None, 200),
    "GET api/v1/exports/:format": ("export", None, 200),
    "POST api/v1/rules/eligibility": ("any", None, 200),
    "POST api/v1/rules/mrecist": ("any", None, 200),
    "GET api/v1/tokens": ("any", None, 200, "session_only"),
    "POST api/v1/tokens": ("any", None, 201, "session_only"),
    "DELETE api/v1/tokens/:id": ("any", None, 200, "session_only"),
}
# Run last: they end what later cases need (a session, a token, an
# unlocked casebook).
LAST = ("POST api/v1/patients/:code/lock", "DELETE api/v1/tokens/:id",
        "DELETE api/v1/session")

LAB = {"kind": "lab", "data": {"date": "2026-03-01", "test": "ALT",
                               "value": 40, "unit": "U/L"}}
ELIG = {"age": 60, "bclc": "B"}
MRECIST = {"start_date": "2026-01-10",
           "baseline": {"date": "2026-01-05",
                        "target": [{"id": "T1", "organ": "liver",
                                    "viable_mm": 40}]},
           "assessments": [{"date": "2026-03-05",
                            "target": [{"id": "T1", "viable_mm": 20}]}]}


def expect(actor, key, site_rel, variant):
    """The (status, error code or None) the rules give for one case."""
    r = ROUTES[key]
    perm, subject, ok = r[0], r[1], r[2]
    extra = r[3:] if len(r) > 3 else ()
    method = key.split(" ")[0]
    if variant == "bearer":
        # "A request with an Authorization header is judged by it alone":
        # the session and token routes are never open to a token, and a
        # route outside its scope is 403, whatever the route.
        user, scope = TOKENS[actor]
        if "session_only" in extra:
            return 403, "E_FORBIDDEN"
        route = key.split(" ", 1)[1][len("api/v1/"):]
        items = [] if scope == "read" else [s.strip()
                                            for s in scope.split(",")]
        if not ((scope == "read" and method == "GET") or
                f"{method} {route}" in items or route in items):
            return 403, "E_FORBIDDEN"
        if perm == "none":
            return ok, None
    else:
        if perm == "none":
            return ok, None  # health, and logging in
        if variant in ("none", "ended"):
            return 401, "E_UNAUTHENTICATED"
        user = actor
        if method != "GET" and variant in ("nocsrf", "badcsrf"):
            return 403, "E_CSRF"
    role, _ = USERS[user]
    if perm != "any" and perm not in PERMS[role]:
        return 403, "E_FORBIDDEN"
    if site_rel == "other" and role in SITE_SCOPED and subject is not None:
        if subject == "newsite":
            return 403, "E_FORBIDDEN"  # another site named for a new patient
        if "other_site_422" in extra:
            return 422, "E_INVALID"
        return 404, "E_NOT_FOUND"
    return ok, None


# ---------------------------------------------------------------------------
# HTTP

class Client:
    def __init__(self, base):
        u = urllib.parse.urlsplit(base)
        self.host, self.port = u.hostname, u.port
        self.local = threading.local()

    def conn(self):
        c = getattr(self.local, "c", None)
        if c is None:
            c = http.client.HTTPConnection(self.host, self.port, timeout=60)
            self.local.c = c
        return c

    def req(self, method, path, body=None, cookie=None, csrf=None,
            bearer=None):
        h = {}
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            h["Content-Type"] = "application/json"
        if cookie:
            h["Cookie"] = cookie
        if csrf:
            h["X-CSRF-Token"] = csrf
        if bearer:
            h["Authorization"] = "Bearer " + bearer
        for attempt in (1, 2):
            c = self.conn()
            try:
                c.request(method, "/" + path, body=data, headers=h)
                r = c.getresponse()
                raw = r.read()
                return r.status, raw, r.getheader("Set-Cookie")
            except (http.client.HTTPException, OSError):
                c.close()
                self.local.c = None
                if attempt == 2:
                    raise
        raise RuntimeError("unreachable")

    def login(self, user, pw):
        st, raw, sc = self.req("POST", "api/v1/session",
                               {"username": user, "password": pw})
        if st != 200 or not sc:
            raise SystemExit(f"login {user}: {st} {raw[:200]!r}")
        cookie = sc.split(";", 1)[0]
        return {"cookie": cookie, "csrf": json.loads(raw)["csrf"]}


def jbody(raw):
    try:
        return json.loads(raw)
    except ValueError:
        return None


def main():
    base, pw = sys.argv[1], sys.argv[2]
    md = None
    if len(sys.argv) > 4 and sys.argv[3] == "--markdown":
        md = sys.argv[4]
    table = json.load(sys.stdin)["routes"]
    cl = Client(base)

    def must(st, raw, want, what):
        if st != want:
            raise SystemExit(f"fixture {what}: {st} {raw[:300]!r}")
        return jbody(raw)
    fails = 0
    prelim = [0]  # checks passed before the matrix

    sess = {u: cl.login(u, pw) for u in USERS}
    # A session of each user that has been ended (logged out): its cookie
    # must count as no session.
    ended = {}
    for u in USERS:
        e = cl.login(u, pw)
        st, raw, _ = cl.req("DELETE", "api/v1/session", None, e["cookie"],
                            e["csrf"])
        must(st, raw, 200, "logout " + u)
        ended[u] = e
    dm = sess["data.manager"]
    mon = sess["monitor"]

    def as_(s, method, path, body=None):
        return cl.req(method, path, body, s["cookie"], s["csrf"])

    # Fixtures: for every actor and each of TJH and SYSU a patient of its
    # own with one lab record and two queries on it (one to answer, one to
    # close), so that one actor's successful writes never meet another's.
    def own_site(a):
        user = TOKENS[a][0] if a in TOKENS else a
        s = USERS.get(user, (None, None))[1]
        return s or "TJH"

    fx = {}
    for a in ACTORS:
        for s in SITES:
            st, raw, _ = as_(dm, "POST", "api/v1/patients", {"site": s})
            code = must(st, raw, 201, "patient")["code"]
            st, raw, _ = as_(dm, "POST", f"api/v1/patients/{code}/records",
                             LAB)
            rec = must(st, raw, 201, "record")["id"]
            q = []
            for _ in (1, 2):
                st, raw, _ = as_(mon, "POST",
                                 f"api/v1/patients/{code}/queries",
                                 {"record_id": rec,
                                  "text": "matrix: please check"})
                q.append(must(st, raw, 201, "query")["id"])
            fx[a, s] = {"code": code, "rec": rec, "qa": q[0], "qc": q[1]}
    st, raw, _ = as_(dm, "POST", "api/v1/freezes", {"label": "matrix"})
    freeze = must(st, raw, 201, "freeze")["id"]
    revoke = {}
    for u in USERS:
        st, raw, _ = as_(sess[u], "POST", "api/v1/tokens",
                         {"name": "matrix-revoke"})
        revoke[u] = must(st, raw, 201, "token")["id"]
    # docs/api.md: "The session and token routes are never open to a
    # token": a scope naming one is refused (422, naming scope).
    for item in ("GET session", "POST session", "DELETE session",
                 "GET tokens", "POST tokens", "DELETE tokens/:id"):
        st, raw, _ = as_(dm, "POST", "api/v1/tokens",
                         {"name": "bad", "scope": item})
        j = jbody(raw) or {}
        if st != 422 or (j.get("error") or {}).get("field") != "scope":
            print(f"FAIL a token scoped to {item}: expected 422 naming "
                  f"scope, got {st}")
            fails += 1
        else:
            prelim[0] += 1
    tok = {}
    for t, (user, scope) in TOKENS.items():
        body = {"name": t}
        if scope != "read":
            body["scope"] = scope
        st, raw, _ = as_(sess[user], "POST", "api/v1/tokens", body)
        tok[t] = must(st, raw, 201, "token " + t)["token"]

    def build(a, key, site):
        """(method, path, body) of one case."""
        method, pattern = key.split(" ", 1)
        f = fx[a, site]
        ident = {"PUT api/v1/patients/:code/records/:id": f["rec"],
                 "GET api/v1/patients/:code/records/:id/history": f["rec"],
                 "POST api/v1/queries/:id/answer": f["qa"],
                 "POST api/v1/queries/:id/close": f["qc"],
                 "POST api/v1/records/:id/sdv": f["rec"],
                 "GET api/v1/freezes/:id": freeze,
                 "DELETE api/v1/tokens/:id": revoke.get(a, 1)}.get(key)
        path = pattern.replace(":code", f["code"]).replace(
            ":format", "csv")
        if ":id" in path:
            path = path.replace(":id", str(ident))
        user = TOKENS[a][0] if a in TOKENS else a
        role = USERS.get(user, ("pi", None))[0]
        body = {
            "POST api/v1/session": {"username": user if a != "nobody"
                                    else "pi", "password": pw},
            "POST api/v1/patients": ({} if role in SITE_SCOPED and
                                     site == own_site(a) else
                                     {"site": site}),
            "POST api/v1/patients/:code/records": LAB,
            "PUT api/v1/patients/:code/records/:id": dict(
                LAB, version=1, reason="matrix: corrected",
                data=dict(LAB["data"], value=41)),
            "POST api/v1/patients/:code/queries": {"text": "matrix"},
            "POST api/v1/patients/:code/signature": {
                "password": pw, "meaning": "matrix: reviewed"},
            "POST api/v1/patients/:code/lock": {"locked": True,
                                                "reason": "matrix"},
            "POST api/v1/queries/:id/answer": {"text": "matrix: checked"},
            "POST api/v1/queries/:id/close": {"text": "matrix"},
            "POST api/v1/import": {"patients": [{"code": f["code"],
                                                 "records": [LAB]}]},
            "POST api/v1/freezes": {"label": "matrix " + a},
            "POST api/v1/rules/eligibility": ELIG,
            "POST api/v1/rules/mrecist": MRECIST,
            "POST api/v1/tokens": {"name": "matrix " + a},
        }.get(key)
        return method, path, body

    keys = []
    for r in table:
        k = f"{r['method']} {r['pattern']}"
        keys.append(k)
    unknown = [k for k in keys if k not in ROUTES]
    for k in unknown:
        print(f"FAIL no expectation for route {k} (add it to ROUTES in "
              "tests/http/matrix/matrix.py)")
        fails += 1
    stale = [k for k in ROUTES if k not in keys]
    for k in stale:
        print(f"FAIL expectation for a route the server does not have: {k}")
        fails += 1
    keys = [k for k in keys if k in ROUTES]
    keys.sort(key=lambda k: LAST.index(k) + 1 if k in LAST else 0)

    code_re = re.compile(rb"\b(" + b"|".join(
        c.encode() for c in ALL_SITE_CODES) + rb")-[0-9]{4}\b")
    # The leak scan must see codes where they are: all sites in the PI's
    # patient list, the coordinator's own codes inside its CSV archive.
    st, raw, _ = as_(sess["pi"], "GET", "api/v1/patients")
    seen = {c.decode() for c in code_re.findall(raw)}
    st2, raw2, _ = as_(sess["coordinator.tjh"], "GET", "api/v1/exports/csv")
    seen2 = {c.decode() for c in code_re.findall(raw2)}
    if st == 200 and {"TJH", "SYSU"} <= seen and st2 == 200 and \
            seen2 == {"TJH"}:
        prelim[0] += 1
    else:
        print(f"FAIL the leak scan: PI's list shows {sorted(seen)} ({st}), "
              f"coordinator.tjh's CSV archive {sorted(seen2)} ({st2})")
        fails += 1
    results = []  # (actor, key, site_rel, variant, exp, got, leak, ...)
    lock = threading.Lock()

    def run_actor(a):
        out = []
        user = TOKENS[a][0] if a in TOKENS else a
        role, scoped_site = USERS.get(user, (None, None))
        for key in keys:
            subject = ROUTES[key][1]
            method = key.split(" ")[0]
            rels = ("own", "other") if subject else ("own",)
            if a == "nobody":
                variants = ("none",)
            elif a in TOKENS:
                variants = ("bearer",)
            elif method != "GET" and key != "POST api/v1/session":
                variants = ("csrf", "nocsrf", "badcsrf", "ended")
            else:
                variants = ("csrf", "ended")
            for rel in rels:
                site = own_site(a)
                if rel == "other":
                    site = [s for s in SITES if s != site][0]
                for v in variants:
                    m, path, body = build(a, key, site)
                    s = sess.get(a)
                    if key == "DELETE api/v1/session" and v in ("csrf", "nocsrf",
                                                        "badcsrf"):
                        s = cl.login(a, pw)  # a session of its own to end
                    kw = {}
                    if v == "bearer":
                        kw["bearer"] = tok[a]
                    elif v == "ended":
                        kw["cookie"] = ended[a]["cookie"]
                        kw["csrf"] = ended[a]["csrf"]
                    elif v in ("csrf", "nocsrf", "badcsrf"):
                        kw["cookie"] = s["cookie"]
                        if v == "csrf":
                            kw["csrf"] = s["csrf"]
                        elif v == "badcsrf":  # another session's token
                            kw["csrf"] = ended[a]["csrf"]
                    st, raw, _ = cl.req(m, path, body, **kw)
                    j = jbody(raw)
                    ecode = None
                    if isinstance(j, dict) and isinstance(j.get("error"),
                                                          dict):
                        ecode = j["error"].get("code")
                    exp = expect(a, key, rel, v)
                    same = None
                    if rel == "other" and exp[0] in (404, 422):
                        # "answered exactly as a patient that does not
                        # exist": the same request naming a missing one.
                        f = fx[a, site]
                        if subject == "query":
                            real, miss = str(f["qa" if "answer" in key
                                                 else "qc"]), "99999999"
                        else:
                            real, miss = f["code"], site + "-9999"
                        m2 = path.replace(real, miss)
                        b2 = json.loads(json.dumps(body).replace(
                            real, miss)) if body is not None else None
                        st2, raw2, _ = cl.req(m, m2, b2, **kw)
                        same = (st2 == st and raw2.replace(
                            miss.encode(), b"X") == raw.replace(
                                real.encode(), b"X"))
                        if not same:
                            same = (f"missing: {st2} {raw2[:160]!r}; "
                                    f"other site: {st} {raw[:160]!r}")
                    leak = None
                    if 200 <= st < 300:
                        if (rel == "other" and role in SITE_SCOPED):
                            leak = "2xx on another site's " + (
                                subject or "data")
                        elif role in SITE_SCOPED:
                            others = {c.decode() for c in
                                      code_re.findall(raw)} - {scoped_site}
                            if others:
                                leak = ("codes of " + ",".join(
                                    sorted(others)) + " in the answer")
                    out.append((a, key, rel, v, exp, (st, ecode), leak,
                                f"{m} /{path}", same))
        with lock:
            results.extend(out)

    with ThreadPoolExecutor(max_workers=len(ACTORS)) as ex:
        list(ex.map(run_actor, ACTORS))

    # Leak probes: the filters and formats a site-scoped actor could use to
    # reach another site's data (a freeze holds every site's casebooks).
    # Each must answer without another site's patient codes (any status).
    n_probes = 0
    probe_status = []
    probe_leaks = []
    for a in ACTORS:
        user = TOKENS[a][0] if a in TOKENS else a
        if a == "nobody" or USERS[user][0] not in SITE_SCOPED:
            continue
        mine = USERS[user][1]
        other = [x for x in SITES if x != mine][0]
        ocode = fx[a, other]["code"]
        for path in (f"api/v1/patients?site={other}",
                     f"api/v1/patients?site={other}&status=enrolled",
                     f"api/v1/queries?patient={ocode}",
                     "api/v1/queries?status=open",
                     f"api/v1/status?site={other}",
                     f"api/v1/freezes/{freeze}",
                     f"api/v1/exports/csv?freeze={freeze}",
                     f"api/v1/exports/odm?freeze={freeze}",
                     "api/v1/exports/odm",
                     "api/v1/exports/sdtm",
                     f"api/v1/exports/xpt?freeze={freeze}&file=adsl.xpt"):
            if a in TOKENS:
                st, raw, _ = cl.req("GET", path, bearer=tok[a])
            else:
                st, raw, _ = cl.req("GET", path, None, sess[a]["cookie"])
            n_probes += 1
            probe_status.append(f"{a} {st} /{path}")
            others = {c.decode() for c in code_re.findall(raw)} - {mine}
            if 200 <= st < 300 and others:
                probe_leaks.append(f"LEAK {a} GET /{path}: {st} with codes "
                                   f"of {','.join(sorted(others))}")
            elif st >= 500:
                probe_leaks.append(f"FAIL {a} GET /{path}: {st}")

    passed = prelim[0]
    mism = 0
    leaks = []
    n_same = 0
    for a, key, rel, v, exp, got, leak, url, same in results:
        ok = got[0] == exp[0] and (exp[1] is None or got[1] == exp[1])
        if same is not None:
            n_same += 1
            if same is not True:
                ok = False
                print(f"FAIL {a} {key} {v}: another site's patient is not "
                      f"answered like a missing one: {same}")
        if ok:
            passed += 1
        else:
            mism += 1
            print(f"FAIL {a} {key} site={rel} {v}: expected {exp[0]} "
                  f"{exp[1] or ''}, got {got[0]} {got[1] or ''} ({url})")
        if leak:
            leaks.append(f"LEAK {a} {key} site={rel} {v}: {leak} ({url})")
    case_leaks = len(leaks)
    if "MATRIX_VERBOSE" in __import__("os").environ:
        print("\n".join(probe_status))
    for l in leaks + probe_leaks:
        print(l)
    n_keys = len(keys)
    print(f"matrix: {len(results)} cases ({n_keys} routes x {len(ACTORS)} "
          f"actors: {len(USERS)} roles, {len(TOKENS)} API tokens, no "
          f"session; own and other site; with and without CSRF); "
          f"{mism} mismatches; {case_leaks + len(probe_leaks)} leaks; "
          f"{n_same} refusals of "
          f"another site's patient compared with a missing one; "
          f"{n_probes} leak probes (filters, freezes, exports)")
    by = {}
    for r in results:
        by[r[3]] = by.get(r[3], 0) + 1
    names = {"csrf": "session and CSRF token", "nocsrf": "no CSRF token",
             "badcsrf": "another session's CSRF token",
             "ended": "ended session", "bearer": "API token",
             "none": "no credentials"}
    print("matrix cases: " + ", ".join(f"{by[k]} {names[k]}"
                                       for k in names if k in by))
    if md:
        write_md(md, results, keys, mism, leaks + probe_leaks)
    fails += mism + (1 if case_leaks else 0)
    passed += 0 if case_leaks else 1
    passed += n_probes - len(probe_leaks)
    fails += len(probe_leaks)
    print(f"{passed} passed, {fails} failed")
    return 0 if fails == 0 else 1


def write_md(path, results, keys, mism, leaks):
    """Two tables in Markdown: routes x actors with the observed status of
    the case with a session and its CSRF token (a token: its Bearer
    header; nobody: no credentials), own site / other site, '!' after one
    that differs from the expected; and per route the statuses every role
    got without the CSRF token, with a wrong one, with an ended session."""
    cell, refused = {}, {}
    for a, key, rel, v, exp, got, leak, url, same in results:
        ok = got[0] == exp[0] and (exp[1] is None or got[1] == exp[1])
        text = f"{got[0]}{'' if ok else '!'}"
        if v in ("csrf", "bearer", "none"):
            cell.setdefault((key, a), {})[rel] = text
        else:
            refused.setdefault((key, v), set()).add(
                f"{got[0]} {got[1] or ''}".strip() + ("" if ok else "!"))
    with open(path, "w") as f:
        f.write(f"{len(results)} cases, {mism} mismatches, {len(leaks)} "
                "leaks.\n\n")
        f.write("| route | " + " | ".join(ACTORS) + " |\n")
        f.write("|---" * (len(ACTORS) + 1) + "|\n")
        for key in keys:
            row = [f"`{key.replace('api/v1/', '')}`"]
            for a in ACTORS:
                c = cell.get((key, a), {})
                row.append(c.get("own", "") + (" / " + c["other"]
                                               if "other" in c else ""))
            f.write("| " + " | ".join(row) + " |\n")
        f.write("\n| route | no CSRF token | another session's CSRF token "
                "| ended session |\n|---|---|---|---|\n")
        for key in keys:
            row = [f"`{key.replace('api/v1/', '')}`"]
            for v in ("nocsrf", "badcsrf", "ended"):
                row.append(", ".join(sorted(refused.get((key, v), ())))
                           or "-")
            f.write("| " + " | ".join(row) + " |\n")


if __name__ == "__main__":
    sys.exit(main())
