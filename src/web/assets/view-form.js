// view-form.js: record forms generated from the data dictionary
// (GET /api/v1/dictionary): every kind and field with its type, range,
// allowed values, unit and label.  New records are POSTed, saved ones PUT
// with their version and a reason.  The server's 422 `problems` appear
// next to their fields.  The screening form shows the live eligibility
// verdict; the baseline scan and assessment forms have lesion tables and
// the assessment form the live mRECIST response.  A field's or the whole
// record's audit trail is shown on demand.

import { h, mount, uid, debounce } from './dom.js';
import { t, kindTitle, fieldLabel, valueLabel, unitLabel, criterionLabel, lang } from './i18n.js';
import { api, dictionary, session, may, canWrite } from './api.js';
import { recordDate, pct, verdictText } from './view-casebook.js';

// testid prefixes of the lesion tables and short names of their columns
// (docs/ui-testids.md).
const LESION_PREFIX = { target: 'target', nontarget: 'nontarget', new_lesions: 'new' };
const LESION_COLUMN = { viable_mm: 'mm', diameter_mm: 'mm' };

function isEmpty(v) {
  return v === undefined || v === null || v === '';
}

// A number as it may be typed: an optional sign, digits with at most one
// decimal point, an optional exponent ("12", "-0.5", "1e3").
const NUMBER_RE = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

function isNumeric(f) {
  return f.type === 'number' || f.type === 'integer';
}

// What is wrong with the text of a number field (null: nothing).  Number
// fields are text inputs: a browser's number input drops a letter without
// a word (issue 18), this says so instead.
export function numberProblem(f, text) {
  const s = String(text).trim();
  if (s === '') {
    return null;
  }
  if (!NUMBER_RE.test(s)) {
    return t('form.notNumber', s);
  }
  if (f.type === 'integer' && !Number.isInteger(Number(s))) {
    return t('form.notInteger', s);
  }
  return null;
}

// Reads an input's value as the field's JSON type (undefined when empty).
function readValue(f, el) {
  const v = el.value;
  if (v === '') {
    return undefined;
  }
  if (isNumeric(f)) {
    const n = Number(v.trim());
    return numberProblem(f, v) === null && Number.isFinite(n) ? n : v;
  }
  if (f.type === 'boolean') {
    return v === 'true';
  }
  return v;
}

// Writes a JSON value into an input.
function writeValue(f, el, v) {
  if (isEmpty(v)) {
    el.value = '';
  } else if (f.type === 'boolean') {
    el.value = v ? 'true' : 'false';
  } else {
    el.value = String(v);
  }
}

// The input element for a scalar field.
function scalarInput(f, attrs) {
  if (f.type === 'enum') {
    return h('select', attrs, h('option', { value: '' }, '—'),
      (f.values || []).map((v) => h('option', { value: v }, valueLabel(f.name, v))));
  }
  if (f.type === 'boolean') {
    return h('select', attrs, h('option', { value: '' }, '—'),
      h('option', { value: 'true' }, t('common.yes')), h('option', { value: 'false' }, t('common.no')));
  }
  const a = Object.assign({}, attrs);
  if (f.type === 'date') {
    a.type = 'date';
  } else if (isNumeric(f)) {
    // Text, not type=number: what was typed stays visible and is checked
    // (watchNumber); the keyboard is still the numeric one.
    a.type = 'text';
    a.inputmode = f.type === 'integer' ? 'numeric' : 'decimal';
    a.autocomplete = 'off';
    a['data-numtype'] = f.type;
  } else {
    a.type = 'text';
    if (f.max_length) {
      a.maxlength = String(f.max_length);
    }
  }
  return h('input', a);
}

// The hint under a field: unit, range, required.
function hint(f) {
  const parts = [];
  if (f.min !== undefined && f.max !== undefined) {
    parts.push(`${f.min} – ${f.max}${f.unit ? ' ' + unitLabel(f.unit) : ''}`);
  } else if (f.unit) {
    parts.push(unitLabel(f.unit));
  }
  return parts.join(' · ');
}

export async function renderForm(main, params, ctx) {
  const code = params.code;
  const enc = encodeURIComponent(code);
  let cb;
  try {
    cb = await api('GET', '/api/v1/patients/' + enc);
  } catch (e) {
    if (e.status === 404 || e.status === 403) {
      if (ctx.current()) {
        mount(main, h('div', { class: 'card', testid: 'not-found', role: 'alert' },
          h('h1', null, t('casebook.notFoundTitle')), h('p', null, t('casebook.notFound', code))));
      }
      return;
    }
    throw e;
  }
  const dict = await dictionary();
  if (!ctx.current()) {
    return;
  }
  let record = null;
  let kind = params.kind;
  if (params.id) {
    record = cb.records.find((r) => String(r.id) === params.id);
    if (!record) {
      mount(main, h('div', { class: 'card', testid: 'not-found', role: 'alert' }, t('form.noRecord', params.id)));
      return;
    }
    kind = record.kind;
  }
  const def = dict.forms.find((f) => f.kind === kind);
  if (!def) {
    mount(main, h('div', { class: 'card', testid: 'not-found', role: 'alert' }, t('form.noKind', kind)));
    return;
  }
  const initial = record ? record.data || {} : {};

  const getters = [];           // [{name, get}]
  const errEls = new Map();     // field name -> error element
  const inputs = new Map();     // field name -> input element
  const formError = h('p', { class: 'error', role: 'alert', testid: 'form-error' });
  const historyPanel = h('section', { class: 'card', testid: 'history-panel', hidden: true, 'aria-live': 'polite' });
  const numberInputs = new Map(); // number input -> { f, err, label }

  // watchNumber(f, input, err, label): a number field says at once when it
  // holds text; err is its message element (shared by a lesion table's
  // cells, whose messages then name the cell by label).
  function watchNumber(f, input, err, label) {
    numberInputs.set(input, { f, err, label });
    input.addEventListener('input', () => checkNumbers(err));
  }

  // checkNumbers(err): re-check the number inputs whose messages go to err
  // (all when err is null); returns the first bad input or null.
  function checkNumbers(err) {
    let first = null;
    const msgs = new Map();
    for (const [input, w] of numberInputs) {
      if (!input.isConnected || (err && w.err !== err)) {
        continue;
      }
      const p = numberProblem(w.f, input.value);
      if (p) {
        input.setAttribute('aria-invalid', 'true');
        if (!msgs.has(w.err)) {
          msgs.set(w.err, w.label ? `${w.label}: ${p}` : p);
        }
        first = first || input;
      } else if (w.err.dataset.client === '1') {
        input.removeAttribute('aria-invalid');
      }
      if (!msgs.has(w.err)) {
        msgs.set(w.err, null);
      }
    }
    for (const [el, m] of msgs) {
      if (m) {
        el.textContent = m;
        el.dataset.client = '1';
      } else if (el.dataset.client === '1') {
        el.textContent = '';
        delete el.dataset.client;
      }
    }
    return first;
  }

  // Shows the audit trail of this record (of one field when given).
  async function showHistory(field) {
    historyPanel.hidden = false;
    mount(historyPanel, h('p', { class: 'muted' }, t('common.loading')));
    try {
      const r = await api('GET', `/api/v1/patients/${enc}/records/${record.id}/history`);
      const rows = (r.history || []).filter((x) => !field || x.field === field);
      mount(historyPanel,
        h('div', { class: 'row-between' },
          h('h2', null, field ? t('history.field', fieldLabel(kind, field, field)) : t('history.record')),
          h('button', { type: 'button', class: 'btn-plain', on: { click: () => { historyPanel.hidden = true; } } }, t('common.close'))),
        rows.length === 0 ? h('p', { class: 'muted' }, t('history.none')) : h('div', { class: 'table-wrap' }, h('table', null,
          h('thead', null, h('tr', null, ['history.when', 'history.who', 'history.action', 'history.fieldCol', 'history.old', 'history.new', 'history.reason']
            .map((k) => h('th', { scope: 'col' }, t(k))))),
          h('tbody', null, rows.map((x) => h('tr', { testid: 'history-row-' + x.seq },
            h('td', null, x.ts_utc), h('td', null, `${x.actor} (${t('role.' + x.role)})`), h('td', null, x.action),
            h('td', null, x.field || ''), h('td', { class: 'mono' }, x.old_value === null ? '' : x.old_value),
            h('td', { class: 'mono' }, x.new_value === null ? '' : x.new_value), h('td', null, x.reason || '')))))));
      historyPanel.focus();
    } catch (e) {
      mount(historyPanel, h('p', { class: 'error', role: 'alert' }, e.message));
    }
  }

  // The "history" button of a field (saved records only).
  function historyButton(name, label) {
    return record ? h('button', { type: 'button', class: 'btn-link', testid: 'history-' + name,
      'aria-label': t('history.field', label), on: { click: () => showHistory(name) } }, t('history.show')) : null;
  }

  // One labelled scalar field (top level or inside a nested object).
  function scalarField(f, value, kindForLabel) {
    const id = uid('fld');
    const errId = id + '-err', hintId = id + '-hint';
    const input = scalarInput(f, { id, name: f.name, testid: 'field-' + f.name, required: f.required || null,
      'aria-describedby': `${hintId} ${errId}` });
    writeValue(f, input, value);
    const err = h('p', { class: 'field-error', id: errId, testid: 'field-error-' + f.name, 'aria-live': 'polite' });
    errEls.set(f.name, err);
    inputs.set(f.name, input);
    if (isNumeric(f)) {
      watchNumber(f, input, err, null);
    }
    const label = h('label', { for: id }, fieldLabel(kindForLabel, f.name, f.label), f.required ? h('span', { class: 'req', 'aria-hidden': 'true' }, ' *') : null);
    const histBtn = kindForLabel === kind ? historyButton(f.name, fieldLabel(kindForLabel, f.name, f.label)) : null;
    const wrap = h('div', { class: 'field field-' + f.type },
      h('div', { class: 'label-row' }, label, histBtn),
      input,
      h('p', { class: 'hint', id: hintId }, hint(f)),
      err);
    return { wrap, get: () => readValue(f, input) };
  }

  // A nested object (e.g. the screening form's child_pugh).
  function objectField(f, value) {
    const sub = f.object.fields.map((sf) => ({ sf, w: scalarField(sf, (value || {})[sf.name], f.object.kind) }));
    const err = h('p', { class: 'field-error', testid: 'field-error-' + f.name, 'aria-live': 'polite' });
    errEls.set(f.name, err);
    const wrap = h('fieldset', { class: 'group' },
      h('legend', null, fieldLabel(kind, f.name, f.label), ' ', historyButton(f.name, fieldLabel(kind, f.name, f.label))),
      h('div', { class: 'grid' }, sub.map((x) => x.w.wrap)), err);
    return {
      wrap,
      get: () => {
        const o = {};
        for (const x of sub) {
          const v = x.w.get();
          if (v !== undefined) {
            o[x.sf.name] = v;
          }
        }
        return Object.keys(o).length ? o : undefined;
      },
    };
  }

  // A lesion table (an array of item objects).
  function tableField(f, value) {
    const prefix = LESION_PREFIX[f.name] || f.name;
    const cols = f.items.fields;
    const rows = (Array.isArray(value) ? value : []).map((x) => Object.assign({}, x));
    const tbody = h('tbody');
    const err = h('p', { class: 'field-error', testid: 'field-error-' + f.name, 'aria-live': 'polite' });
    errEls.set(f.name, err);
    function draw(focusRow) {
      mount(tbody, rows.map((row, i) => h('tr', null,
        cols.map((c) => {
          const colName = LESION_COLUMN[c.name] || c.name;
          const cellLabel = `${fieldLabel(f.items.kind, c.name, c.label)} ${i + 1}`;
          const input = scalarInput(c, { testid: `${prefix}-${colName}-${i}`, name: `${f.name}.${i}.${c.name}`,
            'aria-label': cellLabel, required: c.required || null });
          writeValue(c, input, row[c.name]);
          if (isNumeric(c)) {
            watchNumber(c, input, err, cellLabel);
          }
          const upd = () => {
            const v = readValue(c, input);
            if (v === undefined) {
              delete row[c.name];
            } else {
              row[c.name] = v;
            }
          };
          input.addEventListener('input', upd);
          input.addEventListener('change', upd);
          return h('td', null, input);
        }),
        h('td', null, h('button', { type: 'button', class: 'btn-plain', testid: `${prefix}-remove-${i}`,
          'aria-label': t('lesion.remove', i + 1), on: { click: () => {
            rows.splice(i, 1);
            draw(null);
            tbody.dispatchEvent(new Event('change', { bubbles: true }));
          } } }, '×')))));
      if (focusRow !== null && focusRow !== undefined && tbody.rows[focusRow]) {
        const first = tbody.rows[focusRow].querySelector('input,select');
        if (first) {
          first.focus();
        }
      }
    }
    draw(null);
    const addBtn = h('button', { type: 'button', class: 'btn-small', testid: 'lesion-add-' + prefix, on: { click: () => {
      rows.push({});
      draw(rows.length - 1);
    } } }, t('lesion.add.' + prefix));
    const wrap = h('fieldset', { class: 'group lesions' },
      h('legend', null, fieldLabel(kind, f.name, f.label), ' ', historyButton(f.name, fieldLabel(kind, f.name, f.label))),
      h('div', { class: 'table-wrap' }, h('table', { class: 'lesion-table' },
        h('thead', null, h('tr', null, cols.map((c) => h('th', { scope: 'col' },
          fieldLabel(f.items.kind, c.name, c.label), c.unit ? ` (${unitLabel(c.unit)})` : '')), h('th', { scope: 'col' }, h('span', { class: 'sr-only' }, t('lesion.removeCol'))))),
        tbody)),
      addBtn, err);
    return {
      wrap,
      // rows with nothing entered are left out
      get: () => rows.filter((r) => Object.keys(r).length > 0).map((r) => Object.assign({}, r)),
    };
  }

  // Prefill an assessment's lesion ids from the baseline scan.
  const baseScan = cb.records.find((r) => r.kind === 'baseline_scan');
  let init = initial;
  if (!record && kind === 'assessment' && baseScan) {
    init = {
      target: (baseScan.data.target || []).map((x) => ({ id: x.id })),
      nontarget: (baseScan.data.nontarget || []).map((x) => ({ id: x.id })),
      new_lesions: [],
    };
  }

  // The eligibility override is an investigator's (permission
  // enrol_override): other roles do not see its fields unless a saved
  // record already holds them.
  const overrideField = (f) => kind === 'enrolment' &&
    (f.name === 'eligibility_override' || f.name === 'override_reason');
  const fieldEls = def.fields.filter((f) => !overrideField(f) ||
    may(session.user, 'enrol_override') ||
    (record && record.data[f.name] !== undefined)).map((f) => {
    let w;
    if (f.object) {
      w = objectField(f, init[f.name]);
    } else if (f.items) {
      w = tableField(f, init[f.name]);
    } else {
      w = scalarField(f, init[f.name], kind);
    }
    getters.push({ name: f.name, get: w.get });
    return w.wrap;
  });

  // The record's data as JSON (fields left empty are omitted).
  function collect() {
    const data = {};
    if (record) {
      const known = new Set(def.fields.map((f) => f.name));
      for (const [k, v] of Object.entries(initial)) {
        if (!known.has(k)) {
          data[k] = v;
        }
      }
    }
    for (const g of getters) {
      const v = g.get();
      if (v !== undefined) {
        data[g.name] = v;
      }
    }
    return data;
  }

  function clearErrors() {
    formError.textContent = '';
    for (const el of errEls.values()) {
      el.textContent = '';
      delete el.dataset.client;
    }
    for (const el of inputs.values()) {
      el.removeAttribute('aria-invalid');
    }
  }

  // Puts each problem next to its field ("child_pugh.inr" -> inr,
  // "target[0].viable_mm" -> the target table).
  function showProblems(problems) {
    for (const p of problems) {
      const raw = p.field || '';
      const path = raw === 'reason' ? '@reason' : raw.replace(/^data\./, '');
      const top = path.split(/[.[]/)[0];
      const leaf = path.includes('.') ? path.slice(path.lastIndexOf('.') + 1) : top;
      let el = null;
      let input = null;
      if (errEls.has(top) && (inputs.has(top) || !inputs.has(leaf))) {
        el = errEls.get(top);
        input = inputs.get(top);
      } else if (errEls.has(leaf)) {
        el = errEls.get(leaf);
        input = inputs.get(leaf);
      }
      if (el) {
        el.textContent = (el.textContent ? el.textContent + ' ' : '') + (path !== top && !inputs.has(leaf) ? path + ': ' : '') + p.message;
        if (input) {
          input.setAttribute('aria-invalid', 'true');
        }
      }
    }
  }

  const reasonId = uid('reason');
  let reason = null;
  if (record) {
    const rErr = h('p', { class: 'field-error', testid: 'form-reason-error', 'aria-live': 'polite' });
    const rIn = h('input', { id: reasonId, name: 'reason', testid: 'form-reason', required: true, autocomplete: 'off' });
    errEls.set('@reason', rErr);  // '@': not a data field (end_of_study has one named reason)
    inputs.set('@reason', rIn);
    reason = h('div', { class: 'field' }, h('label', { for: reasonId }, t('form.reason')), rIn, rErr);
  }

  const form = h('form', { class: 'card record-form', testid: 'form-' + kind, novalidate: true, on: { submit: async (ev) => {
    ev.preventDefault();
    clearErrors();
    // Text in a number field is refused here, with its message, rather
    // than sent (the server would refuse it too: 422 "expected a number").
    const badNumber = checkNumbers(null);
    if (badNumber) {
      formError.textContent = t('form.fixNumbers');
      badNumber.focus();
      return;
    }
    const data = collect();
    saveBtn.disabled = true;
    try {
      if (record) {
        await api('PUT', `/api/v1/patients/${enc}/records/${record.id}`,
          { kind, version: record.version, reason: form.elements.reason.value, data });
      } else {
        await api('POST', `/api/v1/patients/${enc}/records`, { kind, data });
      }
      ctx.go('#/patients/' + enc);
    } catch (e) {
      if (e.status === 401) {
        ctx.onAuthLost();
        return;
      }
      formError.textContent = e.message;
      showProblems(e.problems.length ? e.problems : e.field ? [{ field: e.field, message: e.message }] : []);
      const bad = form.querySelector('[aria-invalid="true"]');
      if (bad) {
        bad.focus();
      }
    } finally {
      saveBtn.disabled = false;
    }
  } } });
  const saveBtn = h('button', { type: 'submit', class: 'btn', testid: 'form-save' }, record ? t('form.saveChange') : t('form.save'));

  // --- live panels
  let live = null;
  if (kind === 'screening') {
    live = eligibilityPanel(form, collect);
  } else if (kind === 'assessment') {
    live = mrecistPanel(form, collect, cb, record);
  } else if (kind === 'baseline_scan') {
    live = sumPanel(form, collect);
  }

  // Source-data verification of this record: by whom, and whether the
  // record changed since (the casebook's "sdv" list).
  const sdvMark = record ? (cb.sdv || []).find((s) => s.record_id === record.id) : null;
  const sdvState = h('p', { class: sdvMark && sdvMark.stale ? 'warn' : 'muted', testid: 'record-sdv-state',
    'data-state': sdvMark ? (sdvMark.stale ? 'stale' : 'verified') : 'none' },
  sdvMark ? (sdvMark.stale ? t('sdv.stale', sdvMark.verified_by, sdvMark.version)
    : t('sdv.by', sdvMark.verified_by, sdvMark.verified_utc.slice(0, 10), sdvMark.version)) : t('sdv.none'));
  mount(form,
    h('div', { class: 'grid' }, fieldEls),
    live ? live.el : null,
    canWrite(session.user) ? reason : null,
    h('div', { class: 'btn-row' }, canWrite(session.user) ? saveBtn : null,
      h('a', { href: '#/patients/' + enc, class: 'btn-plain' }, t('common.cancel')),
      record ? h('button', { type: 'button', class: 'btn-plain', testid: 'record-history', on: { click: () => showHistory(null) } }, t('history.record')) : null,
      record && may(session.user, 'sdv') ? h('button', { type: 'button', class: 'btn-plain', testid: 'record-sdv', disabled: sdvMark && !sdvMark.stale ? true : null, on: { click: async (ev) => {
        try {
          await api('POST', `/api/v1/records/${record.id}/sdv`);
          ev.target.textContent = t('sdv.done');
          ev.target.disabled = true;
          sdvState.textContent = t('sdv.by', session.user.username, new Date().toISOString().slice(0, 10), record.version);
          sdvState.dataset.state = 'verified';
        } catch (e) {
          formError.textContent = e.message;
        }
      } } }, sdvMark ? (sdvMark.stale ? t('sdv.again') : t('sdv.done')) : t('sdv.mark')) : null),
    record ? sdvState : null,
    formError);

  mount(main,
    h('p', null, h('a', { href: '#/patients/' + enc }, '← ', code)),
    h('h1', null, kindTitle(kind, def.title), record ? ` · ${recordDate(record)} (#${record.id}, v${record.version})` : ''),
    cb.patient.locked ? h('p', { class: 'warn', role: 'note' }, t('form.locked')) : null,
    form, historyPanel);
  historyPanel.setAttribute('tabindex', '-1');
  if (live) {
    live.update();
  }
}

// Live eligibility verdict of the screening form.
function eligibilityPanel(form, collect) {
  const verdict = h('strong', { testid: 'eligibility-verdict', class: 'verdict' }, t('elig.incomplete'));
  const detail = h('div', { class: 'muted' });
  const el = h('section', { class: 'live', 'aria-live': 'polite' },
    h('h2', null, t('elig.title')), h('p', null, verdict), detail);
  let seq = 0;
  const update = async () => {
    const my = ++seq;
    try {
      const r = await api('POST', '/api/v1/rules/eligibility', collect());
      if (my !== seq) {
        return;
      }
      verdict.textContent = verdictText(r.eligible);
      verdict.className = 'verdict ' + (r.eligible === true ? 'ok' : r.eligible === false ? 'bad' : 'pending');
      mount(detail,
        r.child_pugh_score !== null ? h('p', null, t('elig.childPugh', r.child_pugh_score, r.child_pugh_class)) : null,
        r.albi_grade !== null ? h('p', null, t('elig.albi', Number(r.albi_score).toFixed(2), r.albi_grade)) : null,
        r.failed && r.failed.length ? h('div', null, h('p', null, t('elig.failed')),
          h('ul', null, r.failed.map((f) => h('li', null, `${criterionLabel(f.criterion)}${f.reason ? (lang() === 'zh' ? '：' : ': ') + f.reason : f.message ? ': ' + f.message : ''}`)))) : null,
        r.missing && r.missing.length ? h('p', null, t('elig.missing'), ' ', r.missing.map(criterionLabel).join(lang() === 'zh' ? '、' : ', ')) : null);
    } catch (e) {
      if (my === seq) {
        verdict.textContent = t('elig.incomplete');
        verdict.className = 'verdict pending';
        mount(detail, h('p', null, e.message));
      }
    }
  };
  const deb = debounce(update, 250);
  form.addEventListener('input', deb);
  form.addEventListener('change', deb);
  return { el, update };
}

// Live sum of the baseline scan's target diameters.
function sumPanel(form, collect) {
  const out = h('strong', { testid: 'baseline-sum' }, '—');
  const el = h('section', { class: 'live', 'aria-live': 'polite' }, h('p', null, t('mrecist.sum'), ' ', out));
  const update = () => {
    const d = collect();
    const sum = (d.target || []).reduce((a, x) => a + (Number(x.viable_mm) || 0), 0);
    out.textContent = `${Math.round(sum * 10) / 10} mm`;
  };
  form.addEventListener('input', update);
  form.addEventListener('change', update);
  return { el, update };
}

// Live mRECIST response of the assessment form: start date from the
// enrolment, the baseline scan, the assessments before this one and this
// one (POST /api/v1/rules/mrecist).
function mrecistPanel(form, collect, cb, record) {
  const overall = h('strong', { testid: 'mrecist-overall', class: 'resp-chip' }, '—');
  const chB = h('span', { testid: 'mrecist-change-baseline' }, '—');
  const chN = h('span', { testid: 'mrecist-change-nadir' }, '—');
  const sum = h('span', { testid: 'mrecist-sum' }, '—');
  const parts = h('span', { class: 'muted' });
  const note = h('p', { class: 'muted' });
  const el = h('section', { class: 'live', 'aria-live': 'polite' },
    h('h2', null, t('mrecist.title')),
    h('dl', { class: 'facts' },
      h('dt', null, t('mrecist.overall')), h('dd', null, overall, ' ', parts),
      h('dt', null, t('mrecist.sum')), h('dd', null, sum),
      h('dt', null, t('mrecist.changeBaseline')), h('dd', null, chB),
      h('dt', null, t('mrecist.changeNadir')), h('dd', null, chN)),
    note);
  const enrol = cb.records.find((r) => r.kind === 'enrolment');
  const base = cb.records.find((r) => r.kind === 'baseline_scan');
  let seq = 0;
  const blank = (msg) => {
    overall.textContent = '—';
    chB.textContent = '—';
    chN.textContent = '—';
    sum.textContent = '—';
    parts.textContent = '';
    note.textContent = msg;
  };
  const update = async () => {
    const my = ++seq;
    if (!enrol || !base) {
      blank(t('mrecist.needBaseline'));
      return;
    }
    const cur = collect();
    if (!cur.date) {
      blank(t('mrecist.needDate'));
      return;
    }
    const earlier = cb.records
      .filter((r) => r.kind === 'assessment' && (!record || r.id !== record.id) && r.data.date < cur.date)
      .sort((a, b) => (a.data.date < b.data.date ? -1 : 1))
      .map((r) => r.data);
    const input = { start_date: enrol.data.treatment_start, baseline: base.data, assessments: [...earlier, cur] };
    try {
      const r = await api('POST', '/api/v1/rules/mrecist', input);
      if (my !== seq) {
        return;
      }
      const tp = (r.timepoints || []).find((x) => x.date === cur.date) || (r.timepoints || [])[r.timepoints.length - 1];
      if (!tp) {
        blank('');
        return;
      }
      overall.textContent = tp.overall || '—';
      chB.textContent = pct(tp.change_baseline_pct);
      chN.textContent = pct(tp.change_nadir_pct);
      sum.textContent = tp.sum_mm === null || tp.sum_mm === undefined ? '—' : `${tp.sum_mm} mm`;
      parts.textContent = `(${t('mrecist.target')} ${tp.target || '—'} · ${t('mrecist.nontarget')} ${tp.nontarget || '—'} · ${t('mrecist.new')} ${tp.new_lesion ? t('common.yes') : t('common.no')})`;
      note.textContent = t('mrecist.bor', r.best_overall_response || '—');
    } catch (e) {
      if (my === seq) {
        blank(e.message);
      }
    }
  };
  const deb = debounce(update, 250);
  form.addEventListener('input', deb);
  form.addEventListener('change', deb);
  return { el, update };
}
