// The browser journey of issue 7, run in Debian's Chromium through
// playwright-core against a running `hccstudy serve` with a demo study.
//
// Why: the JSON API has its own tests (tests/http); this one proves that a
// person can do the study's daily work in the browser: log in, register,
// screen and enrol a patient, enter scans and see mRECIST live, raise and
// answer a query, sign the casebook, be refused another site's patient, and
// see the survival curves.
//
// Invariants:
// - Only the routes and data-testid attributes of docs/ui-testids.md are used
//   (never CSS classes or layout), so the UI may change freely around them.
// - Each step is one check: "PASS <n> <name>" or "FAIL <n> <name>: <why>";
//   a failed step does not stop the journey (later steps then usually fail
//   too, each saying why).  The last line is "N passed, N failed".
// - A screenshot of the page after every step goes to SHOTS/NN-<name>.png.
// - The browser is /usr/bin/chromium with a fresh --user-data-dir (a temporary
//   directory, removed at the end); no browser is ever downloaded.
// - Dates are relative to today (UTC), all in the past, so the demo study's
//   schedule and window rules accept them on any day.
//
// Usage: node journey.mjs BASE_URL SHOTS_DIR
//   e.g. node journey.mjs http://127.0.0.1:41234 build/screenshots

import { chromium } from 'playwright-core';
import { mkdtempSync, mkdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const base = (process.argv[2] || '').replace(/\/+$/, '');
const shots = process.argv[3] || 'build/screenshots';
if (!base) {
  console.error('usage: node journey.mjs BASE_URL SHOTS_DIR');
  process.exit(2);
}
mkdirSync(shots, { recursive: true });

const PASSWORD = 'hccstudy-demo-2026';
const TIMEOUT = Number(process.env.E2E_TIMEOUT_MS || 10000);

// daysAgo(n): the UTC date n days before today, as YYYY-MM-DD.
function daysAgo(n) {
  const d = new Date(Date.now() - n * 86400000);
  return d.toISOString().slice(0, 10);
}

// The patient's dates: screening, consent, baseline scan, treatment start,
// and the first assessment 56 days after treatment start (its target day).
const dates = {
  screening: daysAgo(75),
  consent: daysAgo(70),
  scan: daysAgo(65),
  start: daysAgo(60),
  assessment: daysAgo(4),
};

// The second patient (issue 18): resection 20 days after treatment start,
// so survival contacts are due every 56 days from it (+/- 7): contact 1 on
// its target day, 44 days ago; contact 2 due in 12 days, after the death
// 5 days ago, so never.
const dates2 = {
  screening: daysAgo(130),
  consent: daysAgo(128),
  start: daysAgo(120),
  therapy: daysAgo(100),
  contact1: daysAgo(44),
  death: daysAgo(5),
  future: daysAgo(-30),
};

// The screening answers of an eligible patient.
const ELIGIBLE = {
  age: 60, bclc: 'C', extrahepatic_metastasis: false,
  treatment_naive: true, ecog: 0, severe_organ_disease: false, decompensated_cirrhosis: false,
  other_malignancy: false, recurrent_hcc: false, autoimmune_disease: false,
  hypersensitivity: false, hiv: false, active_hepatitis: false, portal_vein_invasion: 'vp2',
  hepatic_vein_invasion: false, ivc_invasion: false,
  bilirubin_umol_l: 15, albumin_g_l: 40, inr: 1.0, ascites: 'none', encephalopathy: 'none',
};

let passed = 0;
let failed = 0;
let stepNo = 0;
let shotNo = 0; // screenshots taken in the current step
const notes = new Set(); // diagnostics printed at the end (console errors, 5xx)

// The journey's shared state: the patient code and the query's text.
const state = { code: null, queryText: `e2e query ${Date.now()}` };

const userDataDir = mkdtempSync(join(tmpdir(), 'hccstudy-e2e-profile-'));
const context = await chromium.launchPersistentContext(userDataDir, {
  executablePath: '/usr/bin/chromium',
  headless: true,
  viewport: { width: 1280, height: 900 },
  locale: 'en-US',
  timezoneId: 'UTC',
  args: [
    '--no-sandbox', '--disable-gpu', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', '--no-first-run',
    '--disable-quic',
  ],
});
context.setDefaultTimeout(TIMEOUT);
const page = context.pages()[0] || (await context.newPage());
watch(page);

// watch(p): record console errors (CSP violations show up there), uncaught
// page errors and server failures (status >= 500) as diagnostics.
function watch(p) {
  p.on('console', (m) => {
    // Failed resource loads (401 before login, 404 of another site's
    // patient, ...) are expected; 5xx answers are noted below anyway.
    if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) {
      notes.add(`console error on ${p.url().replace(base, '')}: ${m.text()}`);
    }
  });
  p.on('pageerror', (e) => notes.add(`page error on ${p.url().replace(base, '')}: ${e.message}`));
  p.on('response', (r) => {
    if (r.status() >= 500) {
      notes.add(`HTTP ${r.status()} ${r.request().method()} ${r.url().replace(base, '')}`);
    }
  });
}

// tid(id): the locator of the element with data-testid = id.
function tid(id) {
  return page.getByTestId(id, { exact: true });
}

// need(id, st): wait until the element with data-testid = id is in state st
// ('visible' unless told); the error names the id and the page.
async function need(id, st = 'visible') {
  try {
    await tid(id).first().waitFor({ state: st });
  } catch (e) {
    const at = page.url().replace(base, '');
    throw new Error(`${id}: not ${st} within ${TIMEOUT} ms (page ${at})`);
  }
}

// press(id): wait for the element with data-testid = id, then click it.
async function press(id) {
  await need(id);
  await tid(id).first().click();
}

// shotName(label): the screenshot file of the current step, with a label.
function shotName(label) {
  const n = String(stepNo).padStart(2, '0');
  shotNo += 1;
  return join(shots, `${n}-${shotNo}-${label.replace(/[^a-z0-9]+/gi, '-').replace(/-+$/, '').toLowerCase()}.png`);
}

// shot(label): a screenshot in the middle of a step (a form before saving,
// a list before leaving it); failures to write it are noted, not fatal.
async function shot(label) {
  const file = shotName(label);
  try {
    await page.screenshot({ path: file, fullPage: true });
  } catch (e) {
    notes.add(`screenshot ${file}: ${e.message.split('\n')[0]}`);
  }
}

// step(name, fn): run one check, print its result, screenshot the page.
async function step(name, fn) {
  stepNo += 1;
  shotNo = 0;
  const n = String(stepNo).padStart(2, '0');
  let why = null;
  try {
    await fn();
  } catch (e) {
    why = (e && e.message ? e.message : String(e)).split('\n')[0];
  }
  await shot(name);
  if (why === null) {
    passed += 1;
    console.log(`PASS ${n} ${name}`);
  } else {
    failed += 1;
    console.log(`FAIL ${n} ${name}: ${why}`);
  }
}

// check(cond, msg): throw msg unless cond.
function check(cond, msg) {
  if (!cond) {
    throw new Error(msg);
  }
}

// go(hash): open a route of the one-page app ('#/patients', ...) with a
// full load, so the view shows fresh data.
async function go(hash) {
  await page.goto(`${base}/${hash}`);
  await page.reload();
}

// text(id): the trimmed text of an element (waits for it).
async function text(id) {
  await need(id);
  const loc = tid(id).first();
  return ((await loc.textContent()) || '').trim();
}

// waitText(id, want): wait until the element's trimmed text equals want.
async function waitText(id, want, timeout = TIMEOUT) {
  const end = Date.now() + timeout;
  let seen = '(absent)';
  while (Date.now() < end) {
    const loc = tid(id);
    if ((await loc.count()) > 0) {
      seen = ((await loc.first().textContent()) || '').trim();
      if (seen === want) {
        return;
      }
    }
    await page.waitForTimeout(100);
  }
  throw new Error(`${id}: text "${seen}", wanted "${want}"`);
}

// waitFilled(id): wait until the element's trimmed text is not empty;
// returns it.
async function waitFilled(id, timeout = TIMEOUT) {
  const end = Date.now() + timeout;
  while (Date.now() < end) {
    const loc = tid(id);
    if ((await loc.count()) > 0) {
      const seen = ((await loc.first().textContent()) || '').trim();
      if (seen !== '') {
        return seen;
      }
    }
    await page.waitForTimeout(100);
  }
  throw new Error(`${id}: still empty after ${timeout} ms`);
}

// setField(id, value): put a value into the input, select, checkbox, textarea
// or radio group carrying data-testid = id.  For a select, value null picks
// the first non-empty option; booleans match option values true/false or
// labels yes/no.
async function setField(id, value) {
  await need(id);
  const loc = tid(id).first();
  const info = await loc.evaluate((el) => ({
    tag: el.tagName,
    type: el.type || '',
    options: el.tagName === 'SELECT'
      ? [...el.options].map((o) => ({ v: o.value, t: o.textContent.trim() }))
      : null,
    radios: [...el.querySelectorAll('input[type=radio]')].map((r) => r.value),
    inner: el.querySelector('input,select,textarea') !== null,
  }));
  if (info.tag === 'SELECT') {
    const want = value === null ? null : String(value);
    let opt = null;
    if (want === null) {
      opt = info.options.find((o) => o.v !== '');
    } else {
      opt = info.options.find((o) => o.v === want) || info.options.find((o) => o.t === want);
      if (!opt && typeof value === 'boolean') {
        const re = value ? /^(yes|true|1|是)$/i : /^(no|false|0|否)$/i;
        opt = info.options.find((o) => re.test(o.v) || re.test(o.t));
      }
    }
    check(opt, `${id}: no option for ${want} (options: ${info.options.map((o) => o.v).join('|')})`);
    await loc.selectOption(opt.v);
  } else if (info.tag === 'INPUT' && info.type === 'checkbox') {
    await loc.setChecked(Boolean(value));
  } else if (info.tag === 'INPUT' || info.tag === 'TEXTAREA') {
    await loc.fill(String(value));
  } else if (info.radios.length > 0) {
    const want = String(value);
    check(info.radios.includes(want), `${id}: no radio ${want} (radios: ${info.radios.join('|')})`);
    await loc.locator(`input[type=radio][value="${want}"]`).check();
  } else if (info.inner) {
    throw new Error(`${id}: the test id is on a <${info.tag.toLowerCase()}> container, not on the input`);
  } else {
    throw new Error(`${id}: <${info.tag.toLowerCase()}> is not a form control`);
  }
}

// fill(fields): setField for each field-<name> of an object.
async function fill(fields) {
  for (const [name, value] of Object.entries(fields)) {
    await setField(`field-${name}`, value);
  }
}

// savedRecords(): the ids of the saved records shown on the casebook.
async function savedRecords() {
  await need('casebook-code');
  const ids = await page.locator('[data-testid^="record-"]').evaluateAll((els) =>
    els.map((e) => e.getAttribute('data-testid')));
  return ids.filter((i) => /^record-[0-9]+$/.test(i));
}

// openForm(kind, code): on the casebook of patient code (the journey's
// patient unless told), press record-add-<kind> and wait for the form.
async function openForm(kind, code = state.code) {
  check(code, 'no patient code (registration failed)');
  await go(`#/patients/${code}`);
  await press(`record-add-${kind}`);
  await need(`form-${kind}`);
}

// save(kind): press form-save and wait for the record to appear on the
// casebook (one more record-<id>); a form-error or field-error fails.
async function save(kind) {
  await press('form-save');
  const end = Date.now() + TIMEOUT;
  while (Date.now() < end) {
    const err = tid('form-error');
    if ((await err.count()) > 0 && (await err.first().isVisible())) {
      const t = ((await err.first().textContent()) || '').trim();
      if (t !== '') {
        const fe = await page.locator('[data-testid^="field-error-"]').evaluateAll((els) =>
          els.filter((e) => e.textContent.trim() !== '')
            .map((e) => `${e.getAttribute('data-testid')}: ${e.textContent.trim()}`));
        throw new Error(`form-error "${t}" ${fe.join('; ')}`);
      }
    }
    if (!page.url().includes('/new/')) {
      break;
    }
    await page.waitForTimeout(100);
  }
  check(!page.url().includes('/new/'), `still on the ${kind} form after save (${page.url()})`);
}

// login(user): log in through the form as user; wait for the navigation bar.
async function login(user) {
  if ((await tid('nav-logout').count()) > 0) {
    await logout();
  }
  await context.clearCookies();
  await go('#/login');
  await setField('login-username', user);
  await setField('login-password', PASSWORD);
  await press('login-submit');
  await need('nav-logout');
  const badge = await text('user-badge');
  check(badge.includes(user), `user-badge "${badge}" does not name ${user}`);
}

// logout(): press nav-logout and wait for the login form.
async function logout() {
  await press('nav-logout');
  await need('login-username');
}

// ---- the journey -------------------------------------------------------

await step('login page', async () => {
  await go('#/login');
  await need('login-username');
  await need('login-password');
  await need('login-submit');
});

await step('log in as coordinator.tjh', async () => {
  await login('coordinator.tjh');
});

await step('register a new patient', async () => {
  await go('#/patients');
  await need('patient-new');
  await shot('patient-list');
  await press('patient-new');
  try {
    await page.waitForURL(/#\/patients\/[A-Z]+-[0-9]+$/);
  } catch (e) {
    throw new Error(`patient-new did not open a casebook (page ${page.url()})`);
  }
  const code = await text('casebook-code');
  check(/^TJH-[0-9]+$/.test(code), `casebook-code "${code}" is not a TJH code`);
  check(page.url().endsWith(`#/patients/${code}`), `URL ${page.url()} is not the casebook of ${code}`);
  state.code = code;
  await waitText('casebook-status', 'screening');
});

await step('screening: live verdict eligible, saved', async () => {
  await openForm('screening');
  await fill({
    screening_date: dates.screening, age: 60, bclc: 'C', extrahepatic_metastasis: false,
    treatment_naive: true, ecog: 0, severe_organ_disease: false, decompensated_cirrhosis: false,
    other_malignancy: false, recurrent_hcc: false, autoimmune_disease: false,
    hypersensitivity: false, hiv: false, active_hepatitis: false, portal_vein_invasion: 'vp2',
    hepatic_vein_invasion: false,
    bilirubin_umol_l: 15, albumin_g_l: 40, inr: 1.0, ascites: 'none', encephalopathy: 'none',
  });
  // One criterion still open: the live verdict must say so, then change.
  await waitText('eligibility-verdict', 'incomplete');
  await setField('field-ivc_invasion', false);
  await waitText('eligibility-verdict', 'eligible');
  await shot('screening-form');
  await save('screening');
  await go(`#/patients/${state.code}`);
  const n = (await savedRecords()).length;
  check(n === 1, `${n} records on the casebook after screening, wanted 1`);
});

await step('enrolment saved (TACE)', async () => {
  await openForm('enrolment');
  await fill({ consent_date: dates.consent, cohort: 'TACE', treatment_start: dates.start });
  await shot('enrolment-form');
  await save('enrolment');
  await go(`#/patients/${state.code}`);
  await waitText('casebook-status', 'enrolled');
});

await step('baseline saved', async () => {
  await openForm('baseline');
  await fill({
    age: 60, sex: 'male', aetiology: 'hbv', bclc: 'C', ecog: 0, bilirubin_umol_l: 15,
    albumin_g_l: 40, inr: 1.0, ascites: 'none', encephalopathy: 'none', tumour_number: 1,
    largest_diameter_mm: 50, portal_vein_invasion: 'vp2', weight_kg: 65,
  });
  await shot('baseline-form');
  await save('baseline');
  await go(`#/patients/${state.code}`);
  const n = (await savedRecords()).length;
  check(n === 3, `${n} records on the casebook after baseline, wanted 3`);
});

await step('baseline scan saved (target 50 mm, liver)', async () => {
  await openForm('baseline_scan');
  await fill({ date: dates.scan, modality: 'ct' });
  if ((await tid('target-mm-0').count()) === 0) {
    await press('lesion-add-target');
  }
  await setField('target-id-0', 'T1');
  await setField('target-organ-0', 'liver');
  await setField('target-mm-0', 50);
  await shot('baseline_scan-form');
  await save('baseline_scan');
  await go(`#/patients/${state.code}`);
  const n = (await savedRecords()).length;
  check(n === 4, `${n} records on the casebook after the baseline scan, wanted 4`);
});

await step('assessment: live mRECIST PR, -40.0%', async () => {
  await openForm('assessment');
  await fill({ date: dates.assessment, modality: 'ct' });
  if ((await tid('target-mm-0').count()) === 0) {
    await press('lesion-add-target');
  }
  const idNow = await tid('target-id-0').inputValue().catch(() => '');
  if (idNow !== 'T1') {
    await setField('target-id-0', 'T1');
  }
  // 45 mm is -10.0% (SD); then 30 mm is -40.0% (PR): the panel follows typing.
  await setField('target-mm-0', 45);
  await waitText('mrecist-overall', 'SD');
  await waitText('mrecist-change-baseline', '-10.0%');
  await setField('target-mm-0', 30);
  await waitText('mrecist-overall', 'PR');
  await waitText('mrecist-change-baseline', '-40.0%');
  check(page.url().includes('/new/assessment'), 'the response was not shown before saving');
});

await step('assessment saved, response on the casebook', async () => {
  check(page.url().includes('/new/assessment'), 'not on the assessment form');
  await save('assessment');
  await go(`#/patients/${state.code}`);
  await waitText(`response-${dates.assessment}`, 'PR');
  const visit = tid('visit-1');
  if ((await visit.count()) > 0) {
    const s = await visit.getAttribute('data-status');
    if (s !== 'done') {
      notes.add(`visit-1 data-status "${s}" (assessment on its target day: expected done)`);
    }
  }
});

// ---- issue 18: dates, numbers, the schedule and the dashboard

await step('a future screening date is refused, naming the field', async () => {
  await go('#/patients');
  await press('patient-new');
  await page.waitForURL(/#\/patients\/[A-Z]+-[0-9]+$/);
  state.code2 = await text('casebook-code');
  await openForm('screening', state.code2);
  await fill({ screening_date: dates2.future, ...ELIGIBLE });
  await press('form-save');
  const msg = await waitFilled('form-error');
  const fe = await waitFilled('field-error-screening_date');
  check(fe.includes(`${dates2.future} is after today`),
    `field-error-screening_date "${fe}" does not refuse ${dates2.future}`);
  check(msg.includes('data.screening_date'), `form-error "${msg}" does not name data.screening_date`);
  check(page.url().includes('/new/screening'), 'left the form: the future date was saved');
});

await step('a letter typed in a number field is refused with a message', async () => {
  check(page.url().includes('/new/screening'), 'not on the screening form');
  await setField('field-screening_date', dates2.screening);
  const posts = [];
  const onReq = (r) => {
    if (r.method() === 'POST' && r.url().includes('/records')) {
      posts.push(r.url());
    }
  };
  page.on('request', onReq);
  try {
    await tid('field-age').first().fill('');
    await tid('field-age').first().pressSequentially('6a');
    const v = await tid('field-age').first().inputValue();
    check(v === '6a', `field-age holds "${v}": the letter was dropped`);
    const fe = await waitFilled('field-error-age');
    check(fe.includes('not a number'), `field-error-age "${fe}" says nothing about the letter`);
    check((await tid('field-age').first().getAttribute('aria-invalid')) === 'true', 'field-age not aria-invalid');
    await shot('letter-in-age');
    await press('form-save');
    await waitText('form-error', 'Not saved: a number field holds text (see the message next to it).');
    check(posts.length === 0, `the form was sent anyway (${posts.length} POST)`);
    await setField('field-age', 60);
    await waitText('field-error-age', '');
  } finally {
    page.off('request', onReq);
  }
  await save('screening');
  await go(`#/patients/${state.code2}`);
  check((await savedRecords()).length === 1, 'the screening was not saved after the fix');
});

await step('a survival contact on its target day is done', async () => {
  await openForm('enrolment', state.code2);
  await fill({ consent_date: dates2.consent, cohort: 'HAIC', treatment_start: dates2.start });
  await save('enrolment');
  await openForm('new_therapy', state.code2);
  await fill({ date: dates2.therapy, type: 'resection' });
  await save('new_therapy');
  await openForm('survival_contact', state.code2);
  await fill({ date: dates2.contact1, status: 'alive' });
  await save('survival_contact');
  await go(`#/patients/${state.code2}`);
  await need('survival-visit-1');
  const st = await tid('survival-visit-1').getAttribute('data-status');
  check(st === 'done', `survival-visit-1 data-status "${st}", wanted done`);
  const when = await tid('survival-visit-1').locator('.tl-date').textContent();
  check(when.trim() === dates2.contact1, `survival-visit-1 dated ${when}, wanted ${dates2.contact1}`);
  await need('survival-visit-2');
  check((await tid('visit-1').count()) === 0, 'an assessment visit after the resection');
});

await step('no visit after death', async () => {
  await openForm('death', state.code2);
  await fill({ date: dates2.death, cause: 'disease_progression' });
  await save('death');
  await go(`#/patients/${state.code2}`);
  await need('survival-visit-1');
  check((await tid('survival-visit-2').count()) === 0, 'survival-visit-2 is listed after the death');
  const visitDates = await page.locator('li.tl-visit .tl-date').evaluateAll((els) =>
    els.map((e) => e.textContent.trim()));
  const late = visitDates.filter((x) => x > dates2.death);
  check(late.length === 0, `visits after the death on ${dates2.death}: ${late.join(', ')}`);
});

await step('dashboard counts equal the casebooks\' open visits', async () => {
  await go('#/dashboard');
  const over = Number(await text('dash-overdue'));
  const due = Number(await text('dash-due-week'));
  // Recounted from every enrolled patient's casebook the user may see:
  // visits no record answers, by their windows as of today (UTC).
  const today = daysAgo(0);
  const week = daysAgo(-7);
  const list = await (await page.request.get(`${base}/api/v1/patients?status=enrolled`)).json();
  let o = 0;
  let d = 0;
  for (const p of list.patients) {
    const cb = await (await page.request.get(`${base}/api/v1/patients/${p.code}`)).json();
    for (const v of (cb.derived && cb.derived.schedule) || []) {
      if (v.done_date !== null) {
        continue;
      }
      if (v.window_end < today) {
        o += 1;
      } else if (v.window_start <= week) {
        d += 1;
      }
    }
  }
  check(over === o, `dash-overdue ${over}, the casebooks have ${o}`);
  check(due === d, `dash-due-week ${due}, the casebooks have ${d}`);
});

await step('a screen-failed patient\'s enrolment is refused', async () => {
  await go('#/patients');
  await press('patient-new');
  await page.waitForURL(/#\/patients\/[A-Z]+-[0-9]+$/);
  state.code3 = await text('casebook-code');
  await openForm('screening', state.code3);
  await fill({ screening_date: dates2.screening, ...ELIGIBLE, age: 80 });
  await waitText('eligibility-verdict', 'not eligible');
  await save('screening');
  await go(`#/patients/${state.code3}`);
  await waitText('casebook-status', 'screen_failed');
  await openForm('enrolment', state.code3);
  await fill({ consent_date: dates2.consent, cohort: 'TACE', treatment_start: dates2.start });
  await press('form-save');
  const msg = await waitFilled('form-error');
  check(msg.includes('not eligible at screening'), `form-error "${msg}" does not refuse the enrolment`);
  check(page.url().includes('/new/enrolment'), 'left the form: the enrolment was saved');
  await shot('enrolment-refused');
  await go(`#/patients/${state.code3}`);
  await waitText('casebook-status', 'screen_failed');
});

await step('log out', async () => {
  await logout();
  const r = await page.request.get(`${base}/api/v1/session`);
  check(r.status() === 401, `GET /api/v1/session after logout: ${r.status()}, wanted 401`);
  await go(`#/patients/${state.code}`);
  await need('login-username');
});

await step('monitor raises a query', async () => {
  await login('monitor');
  check(state.code, 'no patient code');
  await go(`#/patients/${state.code}`);
  await press('query-raise-open');
  await need('query-field');
  const tag = await tid('query-field').evaluate((el) => el.tagName);
  await setField('query-field', tag === 'SELECT' ? null : 'modality');
  await setField('query-text', state.queryText);
  await press('query-submit');
  await shot('casebook-query-raised');
  await go('#/queries');
  const row = page.locator('[data-testid^="query-row-"]').filter({ hasText: state.queryText });
  try {
    await row.first().waitFor({ state: 'visible' });
  } catch (e) {
    throw new Error(`no query-row-<id> with the raised text on #/queries`);
  }
  const rid = await row.first().getAttribute('data-testid');
  state.queryId = rid.replace('query-row-', '');
  await waitText(`query-status-${state.queryId}`, 'open');
});

await step('monitor verifies a record; after a reload it is still verified', async () => {
  await login('monitor');
  check(state.code, 'no patient code');
  await go(`#/patients/${state.code}`);
  const ids = await savedRecords();
  check(ids.length > 0, 'no saved record on the casebook');
  await press(ids[0]);
  await need('record-sdv');
  const before = await tid('record-sdv-state').getAttribute('data-state');
  check(before === 'none', `record-sdv-state before: ${before}, wanted none`);
  await press('record-sdv');
  await page.reload();
  await need('record-sdv-state');
  const after = await tid('record-sdv-state').getAttribute('data-state');
  check(after === 'verified', `record-sdv-state after a reload: ${after}, wanted verified`);
  check(await tid('record-sdv').isDisabled(), 'record-sdv still enabled after a reload');
  check((await text('record-sdv-state')).includes('monitor'), 'record-sdv-state does not name the monitor');
  await shot('record-sdv-after-reload');
  await go('#/dashboard');
  const sdv = await text('dash-sdv');
  check(/^[1-9][0-9]* \/ [0-9]+ /.test(sdv), `dash-sdv: "${sdv}", wanted at least one verified`);
});

await step('coordinator.tjh answers the query', async () => {
  await login('coordinator.tjh');
  check(state.queryId, 'no query id (raising failed)');
  await go('#/queries');
  const id = state.queryId;
  await need(`query-row-${id}`);
  await setField(`query-answer-text-${id}`, 'Checked against the CT report: correct.');
  await press(`query-answer-${id}`);
  await waitText(`query-status-${id}`, 'answered');
});

await step('investigator.tjh signs the casebook', async () => {
  await login('investigator.tjh');
  check(state.code, 'no patient code');
  await go(`#/patients/${state.code}`);
  await press('sign-open');
  await setField('sign-password', PASSWORD);
  const tag = await tid('sign-meaning').evaluate((el) => el.tagName);
  await setField('sign-meaning', tag === 'SELECT' ? null : 'I approve the data of this casebook');
  await press('sign-submit');
  await waitText('signature-status', 'signed');
});

await step('coordinator.sysu is refused the TJH patient', async () => {
  await login('coordinator.sysu');
  check(state.code, 'no patient code');
  await go(`#/patients/${state.code}`);
  await need('not-found');
  check((await tid('casebook-code').count()) === 0, 'casebook-code shown beside not-found');
  // The same answer as for a code that does not exist at all.
  await go('#/patients/TJH-9999');
  await need('not-found');
  await go(`#/patients/${state.code}`);
  await need('not-found');
});

await step('pi sees the Kaplan-Meier curves', async () => {
  const statuses = [];
  const onResponse = (r) => {
    if (r.url().includes('/api/v1/analysis')) {
      const s = `${r.status()} ${new URL(r.url()).pathname}`;
      if (!statuses.includes(s)) {
        statuses.push(s);
      }
    }
  };
  page.on('response', onResponse);
  try {
    await login('pi');
    await go('#/analysis');
    for (const id of ['analysis-km-pfs', 'analysis-km-os']) {
      const box = tid(id);
      try {
        await need(id);
        // The SVG: inline, or an <img>/<object> whose source is an SVG.
        await box.locator('svg, img[src*=".svg"], object[data*=".svg"]').first()
          .waitFor({ state: 'attached' });
      } catch (e) {
        const bad = statuses.filter((s) => !s.startsWith('200'));
        throw new Error(`${id}: no SVG (${e.message.split('\n')[0]})` +
          (bad.length ? `; analysis routes answered: ${bad.join(', ')}` : ''));
      }
    }
    // Every image of the two containers must load (an SVG answer, drawn).
    const end = Date.now() + TIMEOUT;
    let imgs = [];
    do {
      imgs = await page.locator('[data-testid="analysis-km-pfs"] img, [data-testid="analysis-km-os"] img')
        .evaluateAll((els) => els.filter((i) => !(i.complete && i.naturalWidth > 0))
          .map((i) => i.src));
      if (imgs.length > 0) {
        await page.waitForTimeout(200);
      }
    } while (imgs.length > 0 && Date.now() < end);
    const pop = await text('analysis-population');
    check((await tid('analysis-population').getAttribute('data-rule')) === 'enrolled_eligible',
      `analysis-population "${pop}" is not the enrolled-eligible population`);
    const bad = statuses.filter((x) => !x.startsWith('200'));
    check(imgs.length === 0, `KM images not drawn: ${imgs.map((u) => u.replace(base, '')).join(', ')}` +
      (bad.length ? `; analysis routes answered: ${bad.join(', ')}` : ''));
  } finally {
    page.off('response', onResponse);
  }
});

// Issue 13: the download page.  A data manager freezes the study under a
// label; the freeze becomes the page's data source; the SDTM package and
// define.xml download as files named after the study, format and freeze
// (the browser's own download, not a fetch).
await step('data manager freezes the study and downloads SDTM', async () => {
  await login('data.manager');
  await press('nav-exports');
  await need('export-source');
  await setField('freeze-label', 'e2e freeze');
  await press('freeze-create');
  await page.waitForFunction(() => {
    const s = document.querySelector('[data-testid="export-source"]');
    return s && s.value !== '';
  });
  const freeze = await tid('export-source').inputValue();
  const note = await text('export-source-note');
  check(/[0-9a-f]{16}/.test(note), `export-source-note "${note}" shows no chain hash`);
  for (const [fmt, ext] of [['sdtm', 'zip'], ['define', 'xml']]) {
    const [dl] = await Promise.all([page.waitForEvent('download'), tid('export-' + fmt).first().click()]);
    const name = dl.suggestedFilename();
    check(name === `CHALLENGE-06_${fmt}_freeze${freeze}.${ext}`, `download of ${fmt} named "${name}"`);
    const path = await dl.path();
    check(!!path && statSync(path).size > 0, `download of ${fmt} is empty`);
  }
});

// Issue 18 item 5: in the Chinese interface the server's messages and the
// text inside the plots are Chinese too (Accept-Language from api.js, lang=
// on the plot URLs); the unit words of the hints follow the language.
await step('中文: server message, unit hint and plot text in Chinese', async () => {
  const CJK = /[\u4e00-\u9fff]/;
  const uiLang = () => page.evaluate(() => document.documentElement.lang);
  // waitNonEmpty(id): the element's trimmed text once it has any.
  const waitNonEmpty = async (id) => {
    const end = Date.now() + TIMEOUT;
    while (Date.now() < end) {
      const loc = tid(id);
      if ((await loc.count()) > 0) {
        const s = ((await loc.first().textContent()) || '').trim();
        if (s !== '') {
          return s;
        }
      }
      await page.waitForTimeout(100);
    }
    throw new Error(`${id}: still empty after ${TIMEOUT} ms`);
  };
  try {
    await login('coordinator.tjh');
    if ((await uiLang()) !== 'zh-CN') {
      await press('lang-toggle');
    }
    await page.waitForFunction(() => document.documentElement.lang === 'zh-CN');
    await go('#/patients');
    await press('patient-new');
    await page.waitForURL(/#\/patients\/[A-Z]+-[0-9]+$/);
    await press('record-add-screening');
    await need('form-screening');
    // The hint under the age field: "0 – 120 岁", not "years".
    const described = (await tid('field-age').first().getAttribute('aria-describedby')) || '';
    const hintId = described.split(' ')[0];
    const hint = hintId ? ((await page.locator(`[id="${hintId}"]`).textContent()) || '').trim() : '';
    check(hint.includes('岁') && !/years/.test(hint), `age hint "${hint}" is not in Chinese`);
    await setField('field-screening_date', daysAgo(3));
    await setField('field-age', 150);
    await press('form-save');
    const fieldErr = await waitNonEmpty('field-error-age');
    check(CJK.test(fieldErr) && fieldErr.includes('120') && !/range|allowed/.test(fieldErr),
      `field-error-age "${fieldErr}" is not the Chinese server message`);
    const formErr = await waitNonEmpty('form-error');
    check(CJK.test(formErr) && !/out of range/.test(formErr), `form-error "${formErr}" is not in Chinese`);
    await shot('server-message-zh');
    // The analysis page as pi, still in Chinese: the KM plot's own text.
    await login('pi');
    check((await uiLang()) === 'zh-CN', 'the interface is no longer in Chinese after logging in again');
    await go('#/analysis');
    await need('analysis-km-pfs');
    const img = tid('analysis-km-pfs').locator('img').first();
    await img.waitFor({ state: 'attached' });
    const src = (await img.getAttribute('src')) || '';
    check(/[?&]lang=zh\b/.test(src), `KM image ${src} does not ask for lang=zh`);
    await page.waitForFunction((el) => el.complete && el.naturalWidth > 0, await img.elementHandle());
    const svg = await page.evaluate(async (u) => (await fetch(u, { credentials: 'same-origin' })).text(), src);
    check(svg.includes('自治疗开始的时间（月）') && svg.includes('风险人数'),
      'the KM SVG lacks the Chinese axis title or "风险人数"');
    check(!svg.includes('Months from treatment start') && !svg.includes('At risk'),
      'the KM SVG still has English axis text');
    const forest = tid('analysis-forest').locator('img').first();
    const fsrc = (await forest.getAttribute('src')) || '';
    const fsvg = await page.evaluate(async (u) => (await fetch(u, { credentials: 'same-origin' })).text(), fsrc);
    check(fsvg.includes('HAIC 更优') && !fsvg.includes('favours'), 'the forest SVG is not in Chinese');
    await tid('analysis-km-pfs').first().scrollIntoViewIfNeeded();
    await shot('analysis-zh');
  } finally {
    // Back to English for whatever runs after this step.
    if ((await tid('lang-toggle').count()) > 0 && (await uiLang()) === 'zh-CN') {
      await page.screenshot({ path: shotName('analysis-zh-page'), fullPage: true }).catch(() => {});
      await press('lang-toggle');
    }
  }
});

await context.close();
rmSync(userDataDir, { recursive: true, force: true });
const noteList = [...notes];
for (const n of noteList.slice(0, 40)) {
  console.log(`note: ${n}`);
}
if (noteList.length > 40) {
  console.log(`note: ... ${noteList.length - 40} more`);
}
console.log(`screenshots: ${shots}`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
