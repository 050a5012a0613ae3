// view-dashboard.js: enrolment by site and cohort against the target (an
// SVG bar chart drawn here), visits due this week and overdue, open
// queries and recent grade >= 3 adverse events, all from GET /api/v1/status.

import { h, s, mount } from './dom.js';
import { t } from './i18n.js';
import { api } from './api.js';

const COHORTS = ['TACE', 'HAIC'];

// Enrolled (ever: enrolled or off study) per site and cohort.
function tally(st) {
  const sites = new Map();
  for (const row of st.by_site || []) {
    if (!sites.has(row.site)) {
      sites.set(row.site, { TACE: 0, HAIC: 0 });
    }
    if ((row.status === 'enrolled' || row.status === 'off_study') && COHORTS.includes(row.cohort)) {
      sites.get(row.site)[row.cohort] += row.patients;
    }
  }
  return sites;
}

// The chart: one stacked bar per site (TACE and HAIC), a bar for the
// whole study against the target, with axis labels.
function chart(st) {
  const sites = tally(st);
  const names = [...sites.keys()].sort();
  const W = 640, H = 300, left = 56, bottom = 40, top = 36, right = 16;
  const perSite = names.map((n) => sites.get(n).TACE + sites.get(n).HAIC);
  const maxSite = Math.max(10, ...perSite);
  const scale = (H - top - bottom) / maxSite;
  const slot = (W - left - right) / Math.max(1, names.length);
  const barW = Math.min(56, slot * 0.6);
  const svg = s('svg', { viewBox: `0 0 ${W} ${H}`, class: 'chart', role: 'img', testid: 'dash-chart',
    'aria-label': t('dash.chartLabel', st.enrolled, st.target) });
  svg.appendChild(s('title', null, t('dash.chartLabel', st.enrolled, st.target)));
  // target progress bar across the top
  const frac = Math.min(1, st.enrolled / Math.max(1, st.target));
  svg.appendChild(s('rect', { x: left, y: 8, width: W - left - right, height: 14, class: 'bar-bg' }));
  svg.appendChild(s('rect', { x: left, y: 8, width: (W - left - right) * frac, height: 14, class: 'bar-total' }));
  svg.appendChild(s('text', { x: left - 6, y: 19, 'text-anchor': 'end', class: 'axis' }, t('dash.all')));
  svg.appendChild(s('text', { x: W - right - 4, y: 19, 'text-anchor': 'end', class: 'axis on-bar' },
    `${st.enrolled} / ${st.target}`));
  // y axis ticks
  const step = maxSite > 50 ? 20 : maxSite > 20 ? 10 : 5;
  for (let v = 0; v <= maxSite; v += step) {
    const y = H - bottom - v * scale;
    svg.appendChild(s('line', { x1: left, x2: W - right, y1: y, y2: y, class: 'grid' }));
    svg.appendChild(s('text', { x: left - 6, y: y + 4, 'text-anchor': 'end', class: 'axis' }, String(v)));
  }
  names.forEach((n, i) => {
    const x = left + slot * i + (slot - barW) / 2;
    let y = H - bottom;
    for (const c of COHORTS) {
      const v = sites.get(n)[c];
      const hgt = v * scale;
      y -= hgt;
      const r = s('rect', { x, y, width: barW, height: hgt, class: 'bar-' + c.toLowerCase() });
      r.appendChild(s('title', null, `${n} ${c}: ${v}`));
      svg.appendChild(r);
    }
    svg.appendChild(s('text', { x: x + barW / 2, y: y - 4, 'text-anchor': 'middle', class: 'axis' }, String(perSite[i])));
    svg.appendChild(s('text', { x: x + barW / 2, y: H - bottom + 16, 'text-anchor': 'middle', class: 'axis' }, n));
  });
  // legend
  COHORTS.forEach((c, i) => {
    const x = left + i * 90;
    svg.appendChild(s('rect', { x, y: H - 14, width: 12, height: 12, class: 'bar-' + c.toLowerCase() }));
    svg.appendChild(s('text', { x: x + 16, y: H - 4, class: 'axis' }, c));
  });
  return svg;
}

// "n of N (p %)": records verified at their current version.
function sdvText(done, all) {
  const n = done || 0;
  const d = all || 0;
  return `${n} / ${d} (${d > 0 ? Math.round((100 * n) / d) : 0} %)`;
}

function tile(label, value, testid, href) {
  const v = h('span', { class: 'tile-value', testid }, String(value));
  return h(href ? 'a' : 'div', { class: 'tile', href }, h('span', { class: 'tile-label' }, label), v);
}

export async function renderDashboard(main, params, ctx) {
  const st = await api('GET', '/api/v1/status');
  if (!ctx.current()) {
    return;
  }
  const sites = tally(st);
  const siteRows = (st.sites || []).map((r) => h('tr', null,
    h('th', { scope: 'row' }, r.site),
    h('td', { class: 'num' }, String(sites.has(r.site) ? sites.get(r.site).TACE : 0)),
    h('td', { class: 'num' }, String(sites.has(r.site) ? sites.get(r.site).HAIC : 0)),
    h('td', { class: 'num' }, String(r.enrolled)),
    h('td', { class: 'num' }, String(r.overdue_visits)),
    h('td', { class: 'num' }, String(r.open_queries)),
    h('td', { class: 'num', testid: 'dash-sdv-' + r.site }, sdvText(r.sdv_verified, r.sdv_records))));
  mount(main,
    h('h1', null, t('dash.title')),
    h('div', { class: 'tiles' },
      tile(t('dash.enrolled'), st.enrolled, 'dash-enrolled'),
      tile(t('dash.target'), st.target, 'dash-target'),
      tile(t('dash.screened'), st.screened, 'dash-screened'),
      tile(t('dash.screenFailed'), st.screen_failed, 'dash-screen-failed'),
      tile(t('dash.dueWeek'), st.due_this_week, 'dash-due-week', '#/patients'),
      tile(t('dash.overdue'), st.overdue_visits, 'dash-overdue', '#/patients'),
      tile(t('dash.openQueries'), st.open_queries, 'dash-open-queries', '#/queries'),
      tile(t('dash.sdvTile'), sdvText(st.sdv ? st.sdv.verified : 0, st.sdv ? st.sdv.records : 0), 'dash-sdv')),
    h('section', { class: 'card' },
      h('h2', null, t('dash.chartTitle')),
      chart(st)),
    h('section', { class: 'card' },
      h('h2', null, t('dash.bySite')),
      h('div', { class: 'table-wrap' },
        h('table', null,
          h('thead', null, h('tr', null,
            h('th', { scope: 'col' }, t('common.site')),
            h('th', { scope: 'col', class: 'num' }, 'TACE'),
            h('th', { scope: 'col', class: 'num' }, 'HAIC'),
            h('th', { scope: 'col', class: 'num' }, t('dash.enrolled')),
            h('th', { scope: 'col', class: 'num' }, t('dash.overdue')),
            h('th', { scope: 'col', class: 'num' }, t('dash.openQueries')),
            h('th', { scope: 'col', class: 'num' }, t('dash.sdv')))),
          h('tbody', null, siteRows)))),
    h('section', { class: 'card' },
      h('h2', null, t('dash.recentAes')),
      (st.recent_aes || []).length === 0
        ? h('p', { class: 'muted', testid: 'dash-recent-aes' }, t('dash.noAes'))
        : h('div', { class: 'table-wrap' },
          h('table', { testid: 'dash-recent-aes' },
            h('thead', null, h('tr', null,
              h('th', { scope: 'col' }, t('dash.aeOnset')),
              h('th', { scope: 'col' }, t('dash.aePatient')),
              h('th', { scope: 'col' }, t('dash.aeTerm')),
              h('th', { scope: 'col', class: 'num' }, t('dash.aeGrade')),
              h('th', { scope: 'col' }, t('dash.aeSerious')))),
            h('tbody', null, st.recent_aes.map((a) => h('tr', null,
              h('td', null, String(a.onset_date)),
              h('td', null, h('a', { href: '#/patients/' + encodeURIComponent(a.patient) }, String(a.patient))),
              h('td', null, String(a.term)),
              h('td', { class: 'num' }, String(a.grade)),
              h('td', null, a.serious ? t('dash.yes') : t('dash.no')))))))));
}
