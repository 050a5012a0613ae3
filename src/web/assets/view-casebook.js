// view-casebook.js: one patient's casebook (GET /api/v1/patients/CODE): a
// timeline by date of treatments, scans with their mRECIST responses
// (derived.response.timepoints), adverse events and scheduled visits
// coloured by window status (derived.schedule); best overall response and
// PFS; signatures (password re-entered); raising a query; a button to add
// each record kind of the dictionary.

import { h, mount, uid } from './dom.js';
import { t, kindTitle, valueLabel } from './i18n.js';
import { api, dictionary, session, canSign, canRaiseOrClose, canWrite, may } from './api.js';


// The clinical date of a record (for the timeline).
export function recordDate(r) {
  const d = r.data || {};
  return d.date || d.screening_date || d.consent_date || d.onset_date || '';
}

// A one-line summary of a record's content.
function summary(r, tpByDate) {
  const d = r.data || {};
  switch (r.kind) {
    case 'screening':
      return '';
    case 'enrolment':
      return `${d.cohort || ''} · ${t('casebook.start')} ${d.treatment_start || ''}`;
    case 'baseline_scan': {
      const sum = (d.target || []).reduce((a, x) => a + (Number(x.viable_mm) || 0), 0);
      return `${(d.target || []).length} ${t('casebook.targets')} · Σ ${Math.round(sum * 10) / 10} mm`;
    }
    case 'assessment': {
      const tp = tpByDate.get(d.date);
      return tp && tp.sum_mm !== null && tp.sum_mm !== undefined ? `Σ ${tp.sum_mm} mm` : '';
    }
    case 'tace':
      return valueLabel('technique', d.technique);
    case 'haic':
      return valueLabel('regimen', d.regimen);
    case 'pd1_dose':
      return `${d.agent || ''} ${d.dose_mg || ''} mg`;
    case 'lenvatinib':
      return `${valueLabel('action', d.action)} · ${d.dose_mg} mg`;
    case 'adverse_event':
      return `${d.term || ''} · ${t('casebook.grade')} ${d.grade}${d.serious ? ' · SAE' : ''}`;
    case 'lab':
      return `${d.test || ''} ${d.value} ${d.unit || ''}`;
    case 'new_therapy':
      return valueLabel('type', d.type);
    case 'survival_contact':
      return valueLabel('status', d.status);
    case 'death':
      return valueLabel('cause', d.cause);
    case 'end_of_study':
      return valueLabel('reason', d.reason);
    default:
      return '';
  }
}

// Category of a kind for the timeline's colour.
function category(kind) {
  if (['tace', 'haic', 'pd1_dose', 'lenvatinib', 'new_therapy'].includes(kind)) {
    return 'treatment';
  }
  if (kind === 'baseline_scan' || kind === 'assessment') {
    return 'scan';
  }
  if (kind === 'adverse_event') {
    return 'ae';
  }
  return 'other';
}

function pct(x) {
  if (x === null || x === undefined || Number.isNaN(x)) {
    return '—';
  }
  const f = Number(x).toFixed(1);
  return (x > 0 ? '+' : '') + f + '%';
}
export { pct };

// The signature status: signed (last signature valid), void, unsigned.
function signatureStatus(sigs) {
  if (!sigs || sigs.length === 0) {
    return 'unsigned';
  }
  return sigs[sigs.length - 1].valid ? 'signed' : 'void';
}

export async function renderCasebook(main, params, ctx) {
  const code = params.code;
  let cb;
  try {
    cb = await api('GET', '/api/v1/patients/' + encodeURIComponent(code));
  } catch (e) {
    if (e.status === 404 || e.status === 403) {
      if (ctx.current()) {
        mount(main, h('div', { class: 'card', testid: 'not-found', role: 'alert' },
          h('h1', null, t('casebook.notFoundTitle')), h('p', null, t('casebook.notFound', code)),
          h('a', { href: '#/patients' }, t('casebook.back'))));
      }
      return;
    }
    throw e;
  }
  const dict = await dictionary();
  if (!ctx.current()) {
    return;
  }
  const u = session.user;
  const p = cb.patient;
  const der = cb.derived || {};
  const resp = der.response || {};
  const tps = resp.timepoints || [];
  const tpByDate = new Map(tps.map((x) => [x.date, x]));
  const enc = encodeURIComponent(p.code);

  // --- header and summary
  const pfs = der.endpoints && der.endpoints.pfs;
  const os = der.endpoints && der.endpoints.os;
  const endpointText = (e) => (e ? `${e.days} ${t('casebook.days')} · ${e.event ? t('casebook.event') : t('casebook.censored')}` : '—');
  const head = h('section', { class: 'card casebook-head' },
    h('div', { class: 'row-between' },
      h('h1', null, t('casebook.title'), ' ', h('span', { testid: 'casebook-code' }, p.code)),
      h('a', { href: '#/patients' }, t('casebook.back'))),
    h('dl', { class: 'facts' },
      h('dt', null, t('common.status')), h('dd', null, h('span', { testid: 'casebook-status', class: 'status status-' + p.status }, t('statusCode.' + p.status))),
      h('dt', null, t('common.site')), h('dd', null, p.site),
      h('dt', null, t('common.cohort')), h('dd', null, p.cohort || '—'),
      h('dt', null, t('common.lock')), h('dd', null, p.locked ? t('common.locked') : t('common.unlocked')),
      h('dt', null, t('casebook.eligibility')), h('dd', null, der.eligibility ? verdictText(der.eligibility.eligible) : '—'),
      h('dt', null, t('casebook.bor')), h('dd', null, h('span', { testid: 'bor' }, resp.best_overall_response || (der.endpoints && der.endpoints.best_overall_response) || '—')),
      h('dt', null, t('casebook.pfs')), h('dd', null, h('span', { testid: 'pfs' }, endpointText(pfs))),
      h('dt', null, t('casebook.os')), h('dd', null, h('span', { testid: 'os' }, endpointText(os)))));

  // --- add buttons
  const adds = !canWrite(u) ? null : h('section', { class: 'card' },
    h('h2', null, t('casebook.add')),
    h('div', { class: 'btn-row' }, dict.forms.map((f) => h('button', {
      type: 'button', class: 'btn-small', testid: 'record-add-' + f.kind,
      on: { click: () => ctx.go(`#/patients/${enc}/new/${f.kind}`) },
    }, kindTitle(f.kind, f.title)))));

  // --- timeline: records and visits by date
  const items = [];
  for (const r of cb.records) {
    items.push({ date: recordDate(r), rec: r });
  }
  for (const v of der.schedule || []) {
    items.push({ date: v.done_date || v.target_date, visit: v });
  }
  items.sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : (a.visit ? 1 : 0) - (b.visit ? 1 : 0)));
  const titles = new Map(dict.forms.map((f) => [f.kind, f.title]));
  const rows = items.map((it) => {
    if (it.visit) {
      const v = it.visit;
      const id = v.kind === 'assessment' ? 'visit-' + v.number : v.kind + '-visit-' + v.number;
      return h('li', { class: 'tl-item tl-visit win-' + v.status, testid: id, 'data-status': v.status },
        h('span', { class: 'tl-date' }, it.date),
        h('span', { class: 'tl-kind' }, t('visit.' + v.kind, v.number)),
        h('span', { class: 'win-chip win-' + v.status }, t('window.' + v.status)),
        h('span', { class: 'muted' }, `${t('casebook.window')} ${v.window_start} – ${v.window_end}`));
    }
    const r = it.rec;
    const cat = category(r.kind);
    const sev = r.kind === 'adverse_event' && Number(r.data.grade) >= 3 ? ' tl-severe' : '';
    let extra = null;
    if (r.kind === 'assessment') {
      const tp = tpByDate.get(r.data.date);
      extra = h('span', { class: 'resp' },
        h('span', { class: 'resp-chip', testid: 'response-' + r.data.date }, tp ? tp.overall : '—'),
        tp ? h('span', { class: 'muted' }, ` ${t('mrecist.baseline')} ${pct(tp.change_baseline_pct)} · ${t('mrecist.nadir')} ${pct(tp.change_nadir_pct)}`) : null);
    }
    return h('li', { class: 'tl-item tl-' + cat + sev },
      h('span', { class: 'tl-date' }, it.date || '—'),
      h('a', { href: `#/patients/${enc}/records/${r.id}`, testid: 'record-' + r.id, class: 'tl-kind' }, kindTitle(r.kind, titles.get(r.kind) || r.kind)),
      h('span', null, summary(r, tpByDate)),
      extra);
  });
  const timeline = h('section', { class: 'card' },
    h('h2', null, t('casebook.timeline')),
    h('p', { class: 'legend' },
      ['treatment', 'scan', 'ae', 'other'].map((c) => h('span', { class: 'lg lg-' + c }, t('cat.' + c))),
      ['done', 'early', 'late', 'missed', 'due', 'planned'].map((w) => h('span', { class: 'win-chip win-' + w }, t('window.' + w)))),
    rows.length ? h('ol', { class: 'timeline' }, rows) : h('p', { class: 'muted' }, t('casebook.empty')));

  // --- signatures
  const sigStatus = signatureStatus(cb.signatures);
  const sigErr = h('p', { class: 'error', role: 'alert' });
  const sigList = h('ul', { class: 'plain' }, (cb.signatures || []).map((sg) => h('li', null,
    `${sg.signed_utc} · ${sg.signed_by} (${t('role.' + sg.role)}) · “${sg.meaning}” · ${sg.valid ? t('sig.signed') : t('sig.void')}`)));
  const pwId = uid('sig'), mnId = uid('sig');
  const sigForm = h('form', { class: 'subform', hidden: true, on: { submit: async (ev) => {
    ev.preventDefault();
    sigErr.textContent = '';
    try {
      await api('POST', `/api/v1/patients/${enc}/signature`, { password: sigForm.elements.password.value, meaning: sigForm.elements.meaning.value });
      ctx.go(location.hash);
    } catch (e) {
      sigErr.textContent = e.message;
    }
  } } },
  h('label', { for: mnId }, t('sig.meaning')),
  h('input', { id: mnId, name: 'meaning', testid: 'sign-meaning', required: true, value: t('sig.defaultMeaning') }),
  h('label', { for: pwId }, t('sig.password')),
  h('input', { id: pwId, name: 'password', type: 'password', autocomplete: 'current-password', testid: 'sign-password', required: true }),
  h('button', { type: 'submit', class: 'btn', testid: 'sign-submit' }, t('sig.submit')),
  sigErr);
  const sigs = h('section', { class: 'card' },
    h('h2', null, t('sig.title')),
    h('p', null, t('sig.status'), ' ', h('strong', { testid: 'signature-status', class: 'sig-' + sigStatus }, t('sigCode.' + sigStatus))),
    sigList,
    canSign(u) ? h('button', { type: 'button', class: 'btn-small', testid: 'sign-open', 'aria-expanded': 'false', on: { click: (ev) => {
      sigForm.hidden = !sigForm.hidden;
      ev.target.setAttribute('aria-expanded', String(!sigForm.hidden));
      if (!sigForm.hidden) {
        sigForm.elements.password.focus();
      }
    } } }, t('sig.open')) : null,
    sigForm);

  // --- queries of this patient and raising one
  const qList = h('ul', { class: 'plain' });
  api('GET', '/api/v1/queries?patient=' + enc).then((r) => {
    if (!ctx.current()) {
      return;
    }
    mount(qList, (r.queries || []).map((q) => h('li', null,
      h('span', { class: 'q-status q-' + q.status }, t('qstatus.' + q.status)), ' ',
      h('a', { href: '#/queries' }, '#' + q.id), ' ',
      q.field ? `[${q.field}] ` : '', q.text)));
    if (!r.queries || r.queries.length === 0) {
      mount(qList, h('li', { class: 'muted' }, t('queries.none')));
    }
  }).catch(() => {});
  const qErr = h('p', { class: 'error', role: 'alert' });
  const recId = uid('q'), fId = uid('q'), txId = uid('q');
  const recSel = h('select', { id: recId, name: 'record', testid: 'query-record' },
    h('option', { value: '' }, t('queries.wholeCasebook')),
    cb.records.map((r) => h('option', { value: String(r.id) }, `${kindTitle(r.kind, titles.get(r.kind) || r.kind)} ${recordDate(r)} (#${r.id})`)));
  const qForm = h('form', { class: 'subform', hidden: true, on: { submit: async (ev) => {
    ev.preventDefault();
    qErr.textContent = '';
    const body = { text: qForm.elements.text.value };
    if (recSel.value) {
      body.record_id = Number(recSel.value);
    }
    if (qForm.elements.field.value.trim()) {
      body.field = qForm.elements.field.value.trim();
    }
    try {
      await api('POST', `/api/v1/patients/${enc}/queries`, body);
      ctx.go(location.hash);
    } catch (e) {
      qErr.textContent = e.message;
    }
  } } },
  h('label', { for: recId }, t('queries.record')), recSel,
  h('label', { for: fId }, t('queries.field')),
  h('input', { id: fId, name: 'field', testid: 'query-field', autocomplete: 'off' }),
  h('label', { for: txId }, t('queries.text')),
  h('textarea', { id: txId, name: 'text', testid: 'query-text', required: true, rows: '3' }),
  h('button', { type: 'submit', class: 'btn', testid: 'query-submit' }, t('queries.submit')),
  qErr);
  const queries = h('section', { class: 'card' },
    h('h2', null, t('nav.queries')),
    qList,
    canRaiseOrClose(u) ? h('button', { type: 'button', class: 'btn-small', testid: 'query-raise-open', 'aria-expanded': 'false', on: { click: (ev) => {
      qForm.hidden = !qForm.hidden;
      ev.target.setAttribute('aria-expanded', String(!qForm.hidden));
      if (!qForm.hidden) {
        qForm.elements.field.focus();
      }
    } } }, t('queries.raise')) : null,
    qForm);

  // --- lock (data manager)
  let lock = null;
  if (may(u, 'lock')) {
    const lkErr = h('p', { class: 'error', role: 'alert' });
    const rsId = uid('lock');
    const rs = h('input', { id: rsId, testid: 'lock-reason', autocomplete: 'off' });
    lock = h('section', { class: 'card' },
      h('h2', null, t('lock.title')),
      h('p', null, p.locked ? t('common.locked') : t('common.unlocked')),
      h('label', { for: rsId }, t('form.reason')), rs,
      h('div', { class: 'btn-row' }, h('button', { type: 'button', class: 'btn-small', testid: 'lock-toggle', on: { click: async () => {
        lkErr.textContent = '';
        try {
          await api('POST', `/api/v1/patients/${enc}/lock`, { locked: !p.locked, reason: rs.value });
          ctx.go(location.hash);
        } catch (e) {
          lkErr.textContent = e.message;
        }
      } } }, p.locked ? t('lock.unlock') : t('lock.lock'))),
      lkErr);
  }

  mount(main, head, adds, timeline, h('div', { class: 'two-col' }, sigs, queries), lock);
}

// eligible true/false/null as text.
export function verdictText(v) {
  return v === true ? t('elig.eligible') : v === false ? t('elig.not') : t('elig.incomplete');
}
