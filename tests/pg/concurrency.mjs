// The client half of tests/pg/concurrency.sh: many concurrent clients writing
// to the same few records through two hccstudy servers, then the checks of
// what they saw against the database.  Node 18+ (global fetch), no packages.
//   node concurrency.mjs run URL_A URL_B SECONDS CLIENTS LOG.json
//       setup (TJH patients with one lab record each), then CLIENTS clients
//       for SECONDS; every request's outcome goes to LOG.json.
//   node concurrency.mjs check LOG.json EXPORT.json AUDIT.json
//       prints one "PASS name" or "FAIL name" line per check and "INFO" lines.
// URL_A and URL_B are the servers' API bases (http://127.0.0.1:PORT/api/v1).
import { readFileSync, writeFileSync } from "node:fs";

const PASSWORD = "hccstudy-demo-2026";
const ACCOUNTS = ["coordinator.tjh", "investigator.tjh"];
const TARGETS = 6; // patients (one lab record each) that every client writes to
const LAB = { date: "2026-03-01", test: "ALT", unit: "U/L" };

// One logged-in client: its cookie and CSRF token, valid on either server.
class Client {
  constructor(log, servers, index) {
    this.log = log;
    this.servers = servers;
    this.index = index;
    this.cookie = "";
    this.csrf = "";
    this.home = index % servers.length; // the server it logs in on
  }
  // req METHOD PATH BODY [SERVER] -> {status, json, server}; network errors
  // give status 0.  Every outcome is counted in the log.
  async req(method, path, body, server) {
    const s = server ?? Math.floor(Math.random() * this.servers.length);
    const headers = {};
    if (this.cookie) headers.Cookie = this.cookie;
    if (method !== "GET") headers["X-CSRF-Token"] = this.csrf;
    if (body !== undefined) headers["Content-Type"] = "application/json";
    this.log.requests++;
    this.log.perServer[s]++;
    if (this.cookie && s !== this.home) this.log.crossServer++;
    let status = 0;
    let json = null;
    let text = "";
    let res;
    try {
      res = await fetch(this.servers[s] + path, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(60000),
      });
      status = res.status;
      text = await res.text();
      try {
        json = JSON.parse(text);
      } catch {
        json = null;
      }
    } catch (e) {
      text = String(e && e.cause ? `${e} (${e.cause})` : e);
    }
    if (status !== 200 && status !== 201 && status !== 409) {
      this.log.errors.push({ client: this.index, server: s, method, path, body, status, response: text.slice(0, 500) });
    }
    return { status, json, server: s, res };
  }
  async login(username) {
    const r = await this.req("POST", "/session", { username, password: PASSWORD }, this.home);
    if (r.status !== 200 || !r.json || !r.json.csrf) return false;
    const cookies = typeof r.res.headers.getSetCookie === "function"
      ? r.res.headers.getSetCookie()
      : [r.res.headers.get("set-cookie") || ""];
    for (const c of cookies) {
      const m = /(?:^|[\s,])((?:__Host-)?hcc_session=[^;]*)/.exec(c);
      if (m) this.cookie = m[1];
    }
    this.csrf = r.json.csrf;
    return this.cookie !== "";
  }
}

function recordIn(casebook, id) {
  return casebook && Array.isArray(casebook.records) ? casebook.records.find((r) => r.id === id) : undefined;
}

async function run(urlA, urlB, seconds, nclients, out) {
  const servers = [urlA, urlB];
  const log = {
    seconds, clients: nclients, requests: 0, perServer: [0, 0], crossServer: 0, elapsed: 0,
    preexisting: [], targets: [], puts: [], conflicts: [], recordCreates: [], patientCreates: [],
    regressions: [], badResponses: [], errors: [], logins: 0, loginFailures: 0, overtaken: 0,
  };
  // Setup: new TJH patients with one lab record each, the overlapping targets.
  const admin = new Client(log, servers, 0);
  if (!(await admin.login(ACCOUNTS[0]))) throw new Error("setup: login failed");
  const list = await admin.req("GET", "/patients", undefined, 0);
  log.preexisting = (list.json?.patients ?? []).map((p) => p.code);
  for (let i = 0; i < TARGETS; i++) {
    const p = await admin.req("POST", "/patients", {});
    if (p.status !== 201) throw new Error(`setup: POST /patients: ${p.status}`);
    log.patientCreates.push({ code: p.json.code, setup: true });
    const value = 1000 + i;
    const r = await admin.req("POST", `/patients/${p.json.code}/records`, { kind: "lab", data: { ...LAB, value } });
    if (r.status !== 201) throw new Error(`setup: POST record: ${r.status}`);
    log.targets.push({ code: p.json.code, id: r.json.id, value });
    log.recordCreates.push({ code: p.json.code, id: r.json.id, value, setup: true });
  }
  const clients = [];
  for (let i = 0; i < nclients; i++) clients.push(new Client(log, servers, i));
  const ok = await Promise.all(clients.map((c, i) => c.login(ACCOUNTS[i % ACCOUNTS.length])));
  log.logins = ok.filter(Boolean).length;
  log.loginFailures = ok.length - log.logins;
  const t0 = Date.now();
  const r0 = log.requests;
  const deadline = t0 + seconds * 1000;

  async function loop(c) {
    const maxSeen = new Map(); // record id -> highest version this client has seen
    const seen = (id, v, how) => {
      const m = maxSeen.get(id) ?? 0;
      if (v < m) log.regressions.push({ client: c.index, id, saw: v, after: m, how });
      if (v > m) maxSeen.set(id, v);
    };
    let seq = 0;
    while (Date.now() < deadline) {
      seq++;
      const t = log.targets[Math.floor(Math.random() * log.targets.length)];
      const value = (c.index + 1) * 1000000 + seq; // unique across the run
      const dice = Math.random();
      if (dice < 0.05) {
        const p = await c.req("POST", "/patients", {});
        if (p.status === 201) {
          if (p.json && typeof p.json.code === "string") log.patientCreates.push({ code: p.json.code });
          else log.badResponses.push({ client: c.index, what: "POST /patients", json: p.json });
        }
        continue;
      }
      if (dice < 0.15) {
        const r = await c.req("POST", `/patients/${t.code}/records`, { kind: "lab", data: { ...LAB, value } });
        if (r.status === 201) {
          const rec = recordIn(r.json?.casebook, r.json?.id);
          if (!rec || rec.version !== 1 || rec.data?.value !== value)
            log.badResponses.push({ client: c.index, what: "POST record", json: r.json });
          log.recordCreates.push({ code: t.code, id: r.json?.id, value });
        } else if (r.status === 409) {
          log.badResponses.push({ client: c.index, what: "POST record answered 409", json: r.json });
        }
        continue;
      }
      // Read-modify-write of a shared record.
      const g = await c.req("GET", `/patients/${t.code}`);
      if (g.status !== 200) continue;
      const cur = recordIn(g.json, t.id);
      if (!cur) {
        log.badResponses.push({ client: c.index, what: `GET ${t.code}: record ${t.id} missing` });
        continue;
      }
      seen(t.id, cur.version, "GET");
      const reason = `conc c${c.index} s${seq}`;
      const u = await c.req("PUT", `/patients/${t.code}/records/${t.id}`,
        { kind: "lab", version: cur.version, reason, data: { ...LAB, value } });
      if (u.status === 200) {
        // The answer's casebook is read after the commit ("as it is now"),
        // so another client's later update may already show in it; the
        // answer's "version" is the one this write made: the one it
        // replaced plus one.
        const version = cur.version + 1;
        const rec = recordIn(u.json?.casebook, t.id);
        if (u.json?.version !== version || !rec || rec.version < version ||
            (rec.version === version && rec.data?.value !== value))
          log.badResponses.push({ client: c.index, what: `PUT ${t.id} v${cur.version} answer`, json: u.json });
        else if (rec.version > version) log.overtaken++;
        log.puts.push({ id: t.id, client: c.index, seq, sent: cur.version, version, value, reason });
        if (rec) seen(t.id, rec.version, "PUT answer");
      } else if (u.status === 409) {
        log.conflicts.push({ id: t.id, client: c.index, seq, sent: cur.version, code: u.json?.error?.code ?? null });
      }
    }
  }
  await Promise.all(clients.map((c) => loop(c)));
  log.elapsed = (Date.now() - t0) / 1000;
  log.loopRequests = log.requests - r0;
  writeFileSync(out, JSON.stringify(log));
  console.log(`INFO ${log.loopRequests} requests in ${log.elapsed.toFixed(1)} s (${(log.loopRequests / log.elapsed).toFixed(0)}/s), ` +
    `${log.puts.length} updates accepted, ${log.conflicts.length} conflicts (409), ` +
    `${log.recordCreates.length - TARGETS} records and ${log.patientCreates.length - TARGETS} patients created, ` +
    `${log.errors.length} errors`);
}

function check(log, exp, audit) {
  let failed = 0;
  const result = (name, ok, detail) => {
    console.log(`${ok ? "PASS" : "FAIL"} ${name}`);
    if (!ok) {
      failed++;
      if (detail !== undefined) console.log(`  ${JSON.stringify(detail).slice(0, 1500)}`);
    }
  };
  const secs = log.seconds;
  // 1. Every request answered 200, 201 or 409; sessions valid on both servers.
  result(`all ${log.clients} clients logged in`, log.logins === log.clients && log.loginFailures === 0, log.loginFailures);
  result(`no status other than 200/201/409 and no network error (${log.errors.length} of ${log.requests})`,
    log.errors.length === 0, log.errors.slice(0, 5));
  result(`both servers served requests (${log.perServer.join(" + ")})`, log.perServer.every((n) => n > 100));
  result(`sessions used on the other server (${log.crossServer} requests)`, log.crossServer > 100);
  result("answers hold what was written", log.badResponses.length === 0, log.badResponses.slice(0, 5));
  // 2. Conflicts.
  const notConflict = log.conflicts.filter((c) => c.code !== "E_CONFLICT");
  result(`every 409 has code E_CONFLICT (${log.conflicts.length} conflicts)`, notConflict.length === 0, notConflict.slice(0, 5));
  result(`writes overlapped: at least ${secs} conflicts (${log.conflicts.length})`, log.conflicts.length >= secs);
  result(`many writes accepted: at least ${10 * secs} updates (${log.puts.length})`, log.puts.length >= 10 * secs);
  // 3. No lost update: per record, accepted updates made versions 2..N, each
  //    from the version before; the database holds version N with its value.
  const byRecord = new Map(log.targets.map((t) => [t.id, []]));
  for (const p of log.puts) byRecord.get(p.id)?.push(p);
  const records = new Map();
  for (const cb of exp.casebooks ?? []) for (const r of cb.records ?? []) records.set(r.id, { code: cb.patient.code, ...r });
  const gaps = [];
  const finals = [];
  for (const t of log.targets) {
    const puts = byRecord.get(t.id).sort((a, b) => a.version - b.version);
    puts.forEach((p, i) => {
      if (p.version !== i + 2) gaps.push({ id: t.id, expected: i + 2, got: p.version });
    });
    const n = puts.length + 1;
    const last = puts.length ? puts[puts.length - 1].value : t.value;
    const r = records.get(t.id);
    if (!r || r.version !== n || r.data?.value !== last)
      finals.push({ id: t.id, expect: { version: n, value: last }, got: r && { version: r.version, value: r.data?.value } });
  }
  result("accepted updates replaced versions 1..N-1 per record, each once, no gap", gaps.length === 0, gaps.slice(0, 5));
  result("database holds each record's last accepted version and value", finals.length === 0, finals);
  const produced = new Set(log.puts.map((p) => `${p.id}/${p.version}`));
  const spurious = log.conflicts.filter((c) => !produced.has(`${c.id}/${c.sent + 1}`));
  result("every 409 refused a version that another accepted update had replaced", spurious.length === 0, spurious.slice(0, 5));
  result("no client read an older version after a newer one (across servers)", log.regressions.length === 0, log.regressions.slice(0, 5));
  // 4. Audit trail: each accepted update exactly once, chained old -> new.
  const entries = audit.entries ?? [];
  result(`audit log read whole (${entries.length} entries, first seq ${entries[0]?.seq})`, entries.length > 0 && entries[0].seq === 1);
  const recOf = (e) => {
    const m = e.entity === "record" && /\/(\d+)$/.exec(e.entity_id ?? "");
    return m ? Number(m[1]) : null;
  };
  const updates = new Map(); // "id|new_value" -> [entries]
  const creates = new Map();
  for (const e of entries) {
    const id = recOf(e);
    if (id === null || e.field !== "value") continue;
    const m = e.action === "update" ? updates : e.action === "create" ? creates : null;
    if (!m) continue;
    const k = `${id}|${e.new_value}`;
    if (!m.has(k)) m.set(k, []);
    m.get(k).push(e);
  }
  const valueOf = new Map(log.targets.map((t) => [`${t.id}/1`, t.value]));
  for (const p of log.puts) valueOf.set(`${p.id}/${p.version}`, p.value);
  const missing = [];
  const chain = [];
  for (const p of log.puts) {
    const es = updates.get(`${p.id}|${p.value}`) ?? [];
    if (es.length !== 1 || es[0].reason !== p.reason) { missing.push({ put: p, audit: es }); continue; }
    const prev = valueOf.get(`${p.id}/${p.version - 1}`);
    if (es[0].old_value !== String(prev)) chain.push({ put: p, old_value: es[0].old_value, expected: prev });
  }
  let auditUpdates = 0;
  const targetIds = new Set(log.targets.map((t) => t.id));
  for (const [k, es] of updates) if (targetIds.has(Number(k.split("|")[0]))) auditUpdates += es.length;
  result(`every accepted update is in the audit trail once, with its reason (${log.puts.length - missing.length} of ${log.puts.length})`,
    missing.length === 0, missing.slice(0, 3));
  result(`no other update of the shared records in the audit trail (${auditUpdates})`, auditUpdates === log.puts.length);
  result("each update's audited old value is the value of the version before", chain.length === 0, chain.slice(0, 3));
  const noCreate = log.recordCreates.filter((r) => (creates.get(`${r.id}|${r.value}`) ?? []).length !== 1);
  result("every created record is in the audit trail once", noCreate.length === 0, noCreate.slice(0, 5));
  // 5. Created records exist; patient codes unique and contiguous per site.
  const lostRecords = log.recordCreates.filter((c) => {
    const r = records.get(c.id);
    return !r || r.code !== c.code || (!targetIds.has(c.id) && (r.version !== 1 || r.data?.value !== c.value));
  });
  const ids = log.recordCreates.map((c) => c.id);
  result(`every created record is in the database (${ids.length})`, lostRecords.length === 0, lostRecords.slice(0, 5));
  result("created record ids unique", new Set(ids).size === ids.length);
  const codes = log.patientCreates.map((p) => p.code);
  result(`created patient codes unique (${codes.length})`, new Set(codes).size === codes.length, codes);
  const exported = (exp.casebooks ?? []).map((cb) => cb.patient.code);
  const inDb = new Set(exported);
  result("every created patient is in the database", codes.every((c) => inDb.has(c)), codes.filter((c) => !inDb.has(c)));
  const bySite = new Map();
  for (const c of exported) {
    const m = /^([A-Z]+)-(\d+)$/.exec(c);
    const site = m ? m[1] : "?";
    if (!bySite.has(site)) bySite.set(site, []);
    bySite.get(site).push(m ? Number(m[2]) : NaN);
  }
  const broken = [];
  for (const [site, ns] of bySite) {
    ns.sort((a, b) => a - b);
    if (!ns.every((n, i) => n === i + 1)) broken.push({ site, numbers: ns });
  }
  result(`patient codes per site are 0001..N without gap or duplicate (${bySite.size} sites)`, broken.length === 0 && !bySite.has("?"), broken);
  const tjh = exported.filter((c) => c.startsWith("TJH-")).length;
  result(`TJH patients = before + created (${tjh} = ${log.preexisting.length} + ${codes.length})`,
    tjh === log.preexisting.length + codes.length);
  console.log(`INFO ${log.clients} clients, ${log.elapsed.toFixed(1)} s, ${log.loopRequests} requests (${(log.loopRequests / log.elapsed).toFixed(0)}/s; ` +
    `server A ${log.perServer[0]}, B ${log.perServer[1]}, ${log.crossServer} on the other server than the login)`);
  console.log(`INFO accepted updates ${log.puts.length} (${(log.puts.length / log.elapsed).toFixed(0)}/s), conflicts 409 ${log.conflicts.length}, ` +
    `records created ${log.recordCreates.length - TARGETS}, patients created ${codes.length - TARGETS}`);
  console.log(`INFO ${log.overtaken} update answers already showed a later update by another client (the casebook is read after the commit)`);
  console.log(`INFO final versions: ${log.targets.map((t) => `${t.id}:v${records.get(t.id)?.version}`).join(" ")}`);
  return failed;
}

const [mode, ...args] = process.argv.slice(2);
if (mode === "run") {
  const [a, b, seconds, clients, out] = args;
  run(a, b, Number(seconds), Number(clients), out).catch((e) => {
    console.error(`concurrency.mjs: ${e.stack || e}`);
    process.exit(1);
  });
} else if (mode === "check") {
  const [logf, expf, auditf] = args;
  const read = (f) => JSON.parse(readFileSync(f, "utf8"));
  check(read(logf), read(expf), read(auditf));
} else {
  console.error("usage: concurrency.mjs run URL_A URL_B SECONDS CLIENTS LOG.json | check LOG.json EXPORT.json AUDIT.json");
  process.exit(2);
}
