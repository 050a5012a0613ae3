// view-analysis.js: the analysis page (pi and statistician): Kaplan-Meier
// curves of PFS and OS by cohort (crude and IPTW), waterfall, swimmer and
// forest plots (SVG drawn by the server, shown as <img>), and the summary
// table from GET /api/v1/analysis/summary.  Routes that are not built yet
// answer 501: the page then says "not available yet".

import { h, mount } from './dom.js';
import { t, lang } from './i18n.js';
import { api, session, canSeeAnalysis, withLang } from './api.js';

// An <img> of a server SVG (drawn in the interface's language) that turns
// into a message when it fails.
function plot(path, alt) {
  const src = withLang(path);
  const fig = h('figure', { class: 'plot' });
  const img = h('img', { src, alt, class: 'loading', on: { load: () => {
    img.classList.remove('loading');
  }, error: () => {
    mount(fig, h('p', { class: 'unavailable' }, t('analysis.unavailable')), h('figcaption', null, alt));
  } } });
  mount(fig, img, h('figcaption', null, alt));
  return fig;
}

function section(testid, title, ...children) {
  return h('section', { class: 'card', testid }, h('h2', null, title), children);
}

// A value as text: numbers rounded to 4 significant digits.
function fmt(v) {
  if (v === null || v === undefined) {
    return '—';
  }
  if (typeof v === 'number') {
    return Number.isInteger(v) ? String(v) : String(Number(v.toPrecision(4)));
  }
  if (typeof v === 'object') {
    return JSON.stringify(v);
  }
  return String(v);
}

// Flattens an object into [path, value] rows (arrays of scalars kept).
function flatten(obj, prefix, out) {
  for (const [k, v] of Object.entries(obj)) {
    const p = prefix ? prefix + '.' + k : k;
    if (v && typeof v === 'object' && !(Array.isArray(v) && v.every((x) => typeof x !== 'object'))) {
      flatten(v, p, out);
    } else {
      out.push([p, v]);
    }
  }
  return out;
}

function kvTable(obj) {
  const rows = flatten(obj, '', []);
  return h('div', { class: 'table-wrap' }, h('table', null,
    h('thead', null, h('tr', null, h('th', { scope: 'col' }, t('analysis.quantity')), h('th', { scope: 'col' }, t('analysis.value')))),
    h('tbody', null, rows.map(([k, v]) => h('tr', null, h('th', { scope: 'row', class: 'mono' }, k),
      h('td', { class: 'num' }, Array.isArray(v) ? v.map(fmt).join(', ') : fmt(v)))))));
}


// p-values: 4 significant digits, very small ones as < 0.0001.
function pval(p) {
  if (typeof p !== 'number') {
    return '—';
  }
  return p < 0.0001 ? '< 0.0001' : fmt(p);
}

// A proportion with its exact interval, as percentages.
function prop(o, n) {
  if (!o) {
    return '—';
  }
  const pc = (x) => (100 * x).toFixed(1);
  return `${o.x}/${n} · ${pc(o.estimate)}% (${pc(o.lower)}–${pc(o.upper)})`;
}

function hr(c) {
  if (!c) {
    return '—';
  }
  return `${fmt(c.hr)} (${fmt(c.hr_lower)}–${fmt(c.hr_upper)}) · p ${pval(c.p)}`;
}

function table(head, rows) {
  return h('div', { class: 'table-wrap' }, h('table', null,
    h('thead', null, h('tr', null, head.map((x) => h('th', { scope: 'col' }, x)))),
    h('tbody', null, rows.map((r) => h('tr', null, r.map((c, i) => (i === 0 ? h('th', { scope: 'row' }, c) : h('td', null, c))))))));
}

// The summary tables: log-rank and Cox HR per endpoint, ORR and DCR.
function summaryTables(s) {
  const out = [];
  if (s.population) {
    const p = s.population;
    out.push(h('p', { testid: 'analysis-population', 'data-rule': p.rule },
      t('analysis.population', t('analysis.pop.' + p.rule), p.n, p.excluded)));
  }
  const eps = ['pfs', 'os'].filter((e) => s[e]);
  if (eps.length) {
    const rows = [];
    for (const e of eps) {
      const x = s[e];
      const lr = x.logrank || {};
      rows.push([e.toUpperCase() + ' · ' + t('analysis.logrank'),
        `χ² ${fmt(lr.chisq)} (df ${fmt(lr.df)}) · p ${pval(lr.p)}`,
        (lr.groups || []).map((g) => `${g.group}: ${g.observed} / ${fmt(g.expected)}`).join(' · ')]);
      rows.push([e.toUpperCase() + ' · ' + t('analysis.coxCrude'), hr(x.cox_crude), x.cox_crude ? `n ${x.cox_crude.n} · ${t('analysis.events')} ${x.cox_crude.events}` : '']);
      rows.push([e.toUpperCase() + ' · ' + t('analysis.coxIptw'), hr(x.cox_iptw), x.cox_iptw ? `n ${x.cox_iptw.n} · ${t('analysis.events')} ${x.cox_iptw.events}` : '']);
    }
    out.push(table([t('analysis.test'), t('analysis.result'), t('analysis.detail')], rows));
    if (s.iptw_note) {
      out.push(h('p', { class: 'muted' }, 'IPTW', lang() === 'zh' ? '：' : ': ', s.iptw_note));
    }
  }
  if (Array.isArray(s.response)) {
    out.push(table([t('common.cohort'), 'n', t('analysis.orr'), t('analysis.dcr')],
      s.response.map((r) => [r.cohort, String(r.n), prop(r.orr, r.n), prop(r.dcr, r.n)])));
  }
  const known = new Set(['pfs', 'os', 'iptw_note', 'response', 'adverse_events', 'ae', 'ae_table']);
  const rest = {};
  for (const [k, v] of Object.entries(s)) {
    if (!known.has(k)) {
      rest[k] = v;
    }
  }
  if (Object.keys(rest).length) {
    out.push(kvTable(rest));
  }
  return out;
}

// The AE table: patients by worst grade and cohort.
function aeTable(ae) {
  if (!Array.isArray(ae) || !ae.every((r) => Array.isArray(r.patients_by_worst_grade))) {
    return kvTable(ae);
  }
  const n = Math.max(...ae.map((r) => r.patients_by_worst_grade.length));
  const head = [t('common.cohort')];
  for (let g = 0; g < n; g++) {
    head.push(n === 6 && g === 0 ? t('analysis.noAe') : t('analysis.grade', n === 6 ? g : g + 1));
  }
  return h('div', null, h('p', { class: 'muted' }, t('analysis.aeNote')),
    table(head, ae.map((r) => [r.cohort, ...r.patients_by_worst_grade.map(String)])));
}

export async function renderAnalysis(main, params, ctx) {
  if (!canSeeAnalysis(session.user)) {
    mount(main, h('div', { class: 'card', testid: 'analysis-forbidden', role: 'alert' },
      h('h1', null, t('analysis.title')), h('p', null, t('analysis.forbidden'))));
    return;
  }
  const summaryBox = h('div', null, h('p', { class: 'muted' }, t('common.loading')));
  const aeBox = h('div', null, h('p', { class: 'muted' }, t('common.loading')));
  const km = (endpoint) => ['crude', 'iptw'].map((adj) =>
    plot(`/api/v1/analysis/km.svg?endpoint=${endpoint}&adjust=${adj}`, t('analysis.km', endpoint.toUpperCase(), t('analysis.' + adj))));
  mount(main,
    h('h1', null, t('analysis.title')),
    section('analysis-km-pfs', t('analysis.kmTitle', 'PFS'), h('div', { class: 'plots' }, km('pfs'))),
    section('analysis-km-os', t('analysis.kmTitle', 'OS'), h('div', { class: 'plots' }, km('os'))),
    section('analysis-summary', t('analysis.summary'), summaryBox),
    section('analysis-waterfall', t('analysis.waterfall'), plot('/api/v1/analysis/waterfall.svg', t('analysis.waterfall'))),
    section('analysis-swimmer', t('analysis.swimmer'), plot('/api/v1/analysis/swimmer.svg', t('analysis.swimmer'))),
    section('analysis-forest', t('analysis.forest'), plot('/api/v1/analysis/forest.svg', t('analysis.forest'))),
    section('analysis-ae', t('analysis.ae'), aeBox));
  try {
    const s = await api('GET', '/api/v1/analysis/summary');
    if (!ctx.current()) {
      return;
    }
    const ae = s && (s.adverse_events || s.ae || s.ae_table);
    mount(summaryBox, summaryTables(s || {}));
    mount(aeBox, ae ? aeTable(ae) : h('p', { class: 'unavailable' }, t('analysis.unavailable')));
  } catch (e) {
    if (!ctx.current()) {
      return;
    }
    const msg = e.status === 501 || e.status === 404 ? t('analysis.unavailable') : e.message;
    mount(summaryBox, h('p', { class: 'unavailable' }, msg));
    mount(aeBox, h('p', { class: 'unavailable' }, msg));
  }
}
