// view-queries.js: the queries the user may see (GET /api/v1/queries),
// filtered by status, with answer (site staff, data manager) and close
// (monitor, data manager) per row.

import { h, mount, uid } from './dom.js';
import { t } from './i18n.js';
import { api, session, canAnswer, canRaiseOrClose } from './api.js';

const STATUSES = ['open', 'answered', 'closed'];
let statusFilter = 'open';

export async function renderQueries(main, params, ctx) {
  const u = session.user;
  const body = h('tbody');
  const count = h('p', { class: 'muted', 'aria-live': 'polite' });
  const err = h('p', { class: 'error', role: 'alert', testid: 'form-error' });

  function row(q) {
    const status = h('span', { testid: 'query-status-' + q.id, class: 'q-status q-' + q.status }, t('qstatus.' + q.status));
    const actions = h('div', { class: 'q-actions' });
    const tr = h('tr', { testid: 'query-row-' + q.id },
      h('th', { scope: 'row' }, '#' + q.id),
      h('td', null, h('a', { href: '#/patients/' + encodeURIComponent(q.patient) }, q.patient)),
      h('td', null, q.record_id ? h('a', { href: `#/patients/${encodeURIComponent(q.patient)}/records/${q.record_id}` }, '#' + q.record_id) : '—',
        q.field ? ' · ' + q.field : ''),
      h('td', null, status),
      h('td', null, h('p', { class: 'q-text' }, q.text),
        h('p', { class: 'muted' }, `${q.raised_by} · ${q.raised_utc}`),
        q.answer ? h('p', { class: 'q-answer' }, t('queries.answer'), ': ', q.answer, q.answered_by ? ` (${q.answered_by})` : '') : null),
      h('td', null, actions));
    const rowErr = h('p', { class: 'error', role: 'alert' });
    async function act(path, payload) {
      rowErr.textContent = '';
      try {
        const r = await api('POST', path, payload);
        q.status = r.status || q.status;
        if (payload.text && path.endsWith('/answer')) {
          q.answer = payload.text;
          q.answered_by = u.username;
        }
        tr.replaceWith(row(q));
      } catch (e) {
        if (e.status === 401) {
          ctx.onAuthLost();
          return;
        }
        rowErr.textContent = e.message;
      }
    }
    if (q.status !== 'closed' && canAnswer(u)) {
      const id = uid('ans');
      const txt = h('input', { id, testid: 'query-answer-text-' + q.id, autocomplete: 'off' });
      actions.append(
        h('label', { for: id, class: 'sr-only' }, t('queries.answerLabel', q.id)), txt,
        h('button', { type: 'button', class: 'btn-small', testid: 'query-answer-' + q.id, on: { click: () => {
          if (!txt.value.trim()) {
            rowErr.textContent = t('queries.answerEmpty');
            txt.focus();
            return;
          }
          act(`/api/v1/queries/${q.id}/answer`, { text: txt.value });
        } } }, t('queries.answerBtn')));
    }
    if (q.status !== 'closed' && canRaiseOrClose(u)) {
      actions.append(h('button', { type: 'button', class: 'btn-small', testid: 'query-close-' + q.id, on: { click: () => {
        act(`/api/v1/queries/${q.id}/close`, {});
      } } }, t('queries.closeBtn')));
    }
    actions.append(rowErr);
    return tr;
  }

  async function load() {
    const q = new URLSearchParams();
    if (statusFilter) {
      q.set('status', statusFilter);
    }
    const r = await api('GET', '/api/v1/queries' + (q.toString() ? '?' + q : ''));
    if (!ctx.current()) {
      return;
    }
    mount(body, (r.queries || []).map(row));
    count.textContent = t('queries.count', (r.queries || []).length);
  }
  await load();
  if (!ctx.current()) {
    return;
  }
  const fid = uid('qf');
  const sel = h('select', { id: fid, testid: 'query-filter-status', on: { change: (ev) => {
    statusFilter = ev.target.value;
    load().catch((e) => { err.textContent = e.message; });
  } } },
  h('option', { value: '' }, t('common.all')),
  STATUSES.map((s) => h('option', { value: s }, t('qstatus.' + s))));
  sel.value = statusFilter;
  mount(main,
    h('h1', null, t('queries.title')),
    err,
    h('div', { class: 'filters' }, h('div', { class: 'field' }, h('label', { for: fid }, t('common.status')), sel)),
    count,
    h('div', { class: 'table-wrap' }, h('table', { class: 'list' },
      h('thead', null, h('tr', null, ['queries.id', 'common.patient', 'queries.where', 'common.status', 'queries.text', 'queries.actions']
        .map((k) => h('th', { scope: 'col' }, t(k))))),
      body)));
}
