// view-patients.js: the patient list with filters (status, cohort, site;
// GET /api/v1/patients?status=&cohort=&site=) and, for site staff, the
// button that registers a new patient and opens its casebook.

import { h, mount, uid } from './dom.js';
import { t } from './i18n.js';
import { api, session, isSiteStaff } from './api.js';

const STATUSES = ['screening', 'screen_failed', 'enrolled', 'off_study'];
const filters = { status: '', cohort: '', site: '' };

function select(testid, label, values, key, labelOf, onChange) {
  const id = uid('flt');
  const sel = h('select', { id, testid, on: { change: (ev) => { filters[key] = ev.target.value; onChange(); } } },
    h('option', { value: '' }, t('common.all')),
    values.map((v) => h('option', { value: v }, labelOf(v))));
  sel.value = filters[key];
  return h('div', { class: 'field' }, h('label', { for: id }, label), sel);
}

export async function renderPatients(main, params, ctx) {
  const body = h('tbody');
  const count = h('p', { class: 'muted', 'aria-live': 'polite' });
  const err = h('p', { class: 'error', role: 'alert', testid: 'form-error' });
  let sites = [];

  async function load() {
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries(filters)) {
      if (v) {
        q.set(k, v);
      }
    }
    const r = await api('GET', '/api/v1/patients' + (q.toString() ? '?' + q : ''));
    if (!ctx.current()) {
      return;
    }
    mount(body, r.patients.map((p) => {
      const href = '#/patients/' + encodeURIComponent(p.code);
      return h('tr', { testid: 'patient-row-' + p.code, class: 'clickable', on: { click: (ev) => {
        if (ev.target.tagName !== 'A') {
          ctx.go(href);
        }
      } } },
      h('th', { scope: 'row' }, h('a', { href }, p.code)),
      h('td', null, p.site),
      h('td', null, h('span', { class: 'status status-' + p.status }, t('status.' + p.status))),
      h('td', null, p.cohort || '—'),
      h('td', null, p.locked ? t('common.locked') : ''),
      h('td', { class: 'num' }, String(p.open_queries)));
    }));
    count.textContent = t('patients.count', r.patients.length);
    if (sites.length === 0) {
      sites = [...new Set(r.patients.map((p) => p.site))].sort();
    }
  }

  await load();
  if (!ctx.current()) {
    return;
  }
  const u = session.user;
  const reload = () => load().catch((e) => { err.textContent = e.message; });
  const newBtn = isSiteStaff(u) ? h('button', { type: 'button', class: 'btn', testid: 'patient-new', on: { click: async () => {
    err.textContent = '';
    try {
      const r = await api('POST', '/api/v1/patients', {});
      ctx.go('#/patients/' + encodeURIComponent(r.code));
    } catch (e) {
      err.textContent = e.message;
    }
  } } }, t('patients.new')) : null;
  mount(main,
    h('div', { class: 'row-between' }, h('h1', null, t('patients.title')), newBtn),
    err,
    h('div', { class: 'filters' },
      select('patient-filter-status', t('common.status'), STATUSES, 'status', (v) => t('status.' + v), reload),
      select('patient-filter-cohort', t('common.cohort'), ['TACE', 'HAIC'], 'cohort', (v) => v, reload),
      u.site ? null : select('patient-filter-site', t('common.site'), sites, 'site', (v) => v, reload)),
    count,
    h('div', { class: 'table-wrap' },
      h('table', { class: 'list' },
        h('thead', null, h('tr', null,
          h('th', { scope: 'col' }, t('common.code')),
          h('th', { scope: 'col' }, t('common.site')),
          h('th', { scope: 'col' }, t('common.status')),
          h('th', { scope: 'col' }, t('common.cohort')),
          h('th', { scope: 'col' }, t('common.lock')),
          h('th', { scope: 'col' }, t('patients.openQueries')))),
        body)));
}
