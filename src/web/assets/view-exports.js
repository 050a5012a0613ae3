// view-exports.js: the download page (GET /api/v1/exports, /freezes).
// Choose the data (live, or a data freeze), then download a format: the
// browser fetches /api/v1/exports/FMT[?freeze=ID] itself (a ZIP archive,
// or one XML file for ODM and define.xml).  Data managers freeze the
// study here under a label (POST /api/v1/freezes).

import { h, mount, uid } from './dom.js';
import { t } from './i18n.js';
import { api, session, may } from './api.js';

export async function renderExports(main, params, ctx) {
  const u = session.user;
  if (!may(u, 'export')) {
    mount(main, h('h1', null, t('exports.title')), h('p', { testid: 'exports-forbidden' }, t('exports.forbidden')));
    return;
  }
  const [fmts, fr] = await Promise.all([api('GET', '/api/v1/exports'), api('GET', '/api/v1/freezes')]);
  if (!ctx.current()) {
    return;
  }
  const err = h('p', { class: 'error', role: 'alert', testid: 'form-error' });
  const selId = uid('src');
  const sel = h('select', { id: selId, testid: 'export-source' },
    h('option', { value: '' }, t('exports.live')),
    fr.freezes.map((f) => h('option', { value: String(f.id) },
      t('exports.freezeOption', f.id, f.label, f.created_utc, f.n_patients))));
  const note = h('p', { class: 'muted', testid: 'export-source-note', 'aria-live': 'polite' });
  const list = h('ul', { class: 'export-list' });
  function href(fmt) {
    return '/api/v1/exports/' + encodeURIComponent(fmt) + (sel.value ? '?freeze=' + encodeURIComponent(sel.value) : '');
  }
  function refresh() {
    const f = fr.freezes.find((x) => String(x.id) === sel.value);
    note.textContent = f ? t('exports.freezeNote', f.audit_seq, f.chain_hash.slice(0, 16)) : t('exports.liveNote');
    for (const a of list.querySelectorAll('a[data-format]')) {
      a.setAttribute('href', href(a.getAttribute('data-format')));
    }
  }
  sel.addEventListener('change', refresh);
  for (const f of fmts.formats) {
    list.append(h('li', null,
      h('a', { href: href(f.format), 'data-format': f.format, download: '', class: 'btn-small', testid: 'export-' + f.format },
        t('exports.download', f.format.toUpperCase())),
      ' ', h('span', null, f.description),
      ' ', h('span', { class: 'muted' }, f.kind === 'file' ? t('exports.oneFile') : t('exports.archive'))));
  }
  const parts = [
    h('h1', null, t('exports.title')),
    h('p', { class: 'muted' }, u.site_scoped ? t('exports.siteScoped') : t('exports.allSites')),
    h('label', { for: selId }, t('exports.source')), sel, note,
    list,
  ];
  if (may(u, 'freeze')) {
    const labId = uid('label');
    const label = h('input', { id: labId, testid: 'freeze-label', maxlength: '200', autocomplete: 'off' });
    parts.push(h('form', { class: 'card', on: {
      submit: async (ev) => {
        ev.preventDefault();
        err.textContent = '';
        try {
          const f = await api('POST', '/api/v1/freezes', { label: label.value });
          fr.freezes.unshift(f);
          sel.insertBefore(h('option', { value: String(f.id) },
            t('exports.freezeOption', f.id, f.label, f.created_utc, f.n_patients)), sel.options[1] || null);
          sel.value = String(f.id);
          refresh();
        } catch (e) {
          if (e.status === 401) {
            ctx.onAuthLost();
            return;
          }
          err.textContent = e.message;
        }
      },
    } },
    h('h2', null, t('exports.freezeTitle')),
    h('p', { class: 'muted' }, t('exports.freezeHelp')),
    h('label', { for: labId }, t('exports.freezeLabel')), label,
    h('button', { type: 'submit', class: 'btn', testid: 'freeze-create' }, t('exports.freezeCreate'))));
  }
  parts.push(err);
  mount(main, ...parts);
  refresh();
}
