// app.js: the single-page shell.  Hash routing (docs/ui-testids.md), the
// navigation bar, the language switch and the login view.  Views live in
// view-*.js and render into the <main> element; every string goes through
// t() (i18n.js) and every datum through text nodes (dom.js).

import { h, mount } from './dom.js';
import { t, lang, setLang } from './i18n.js';
import { session, login, restore, logout, forgetDictionary, may } from './api.js';
import { renderDashboard } from './view-dashboard.js';
import { renderPatients } from './view-patients.js';
import { renderCasebook } from './view-casebook.js';
import { renderForm } from './view-form.js';
import { renderQueries } from './view-queries.js';
import { renderAnalysis } from './view-analysis.js';
import { renderExports } from './view-exports.js';

const root = document.getElementById('app');
let renderSeq = 0;

// Parses location.hash into {name, params}.
function parseRoute() {
  const parts = (location.hash || '#/dashboard').replace(/^#\/?/, '').split('/').map(decodeURIComponent);
  if (parts[0] === 'patients' && parts.length === 1) {
    return { name: 'patients', params: {} };
  }
  if (parts[0] === 'patients' && parts.length === 2) {
    return { name: 'casebook', params: { code: parts[1] } };
  }
  if (parts[0] === 'patients' && parts.length === 4 && parts[2] === 'new') {
    return { name: 'form', params: { code: parts[1], kind: parts[3] } };
  }
  if (parts[0] === 'patients' && parts.length === 4 && parts[2] === 'records') {
    return { name: 'form', params: { code: parts[1], id: parts[3] } };
  }
  if (['dashboard', 'queries', 'analysis', 'exports', 'login'].includes(parts[0])) {
    return { name: parts[0], params: {} };
  }
  return { name: 'dashboard', params: {} };
}

// Navigates to a route.
export function go(hash) {
  if (location.hash === hash) {
    render();
  } else {
    location.hash = hash;
  }
}

// The navigation bar of every page after login.
function navBar(active) {
  const link = (name, testid, label) =>
    h('a', { href: '#/' + name, testid, class: active === name ? 'active' : null,
      'aria-current': active === name ? 'page' : null }, label);
  const u = session.user;
  return h('header', { class: 'topbar' },
    h('span', { class: 'brand' }, t('app.title')),
    h('nav', { 'aria-label': t('nav.label') },
      link('dashboard', 'nav-dashboard', t('nav.dashboard')),
      link('patients', 'nav-patients', t('nav.patients')),
      link('queries', 'nav-queries', t('nav.queries')),
      link('analysis', 'nav-analysis', t('nav.analysis')),
      may(u, 'export') ? link('exports', 'nav-exports', t('nav.exports')) : null),
    h('span', { class: 'spacer' }),
    h('span', { class: 'badge', testid: 'user-badge' }, u.username + ' (' + t('role.' + u.role) + ')'),
    langButton(),
    h('button', { type: 'button', class: 'btn-plain', testid: 'nav-logout', on: { click: doLogout } }, t('nav.logout')));
}

// The English / 简体中文 switch.
function langButton() {
  return h('button', {
    type: 'button', class: 'btn-plain', testid: 'lang-toggle', lang: lang() === 'en' ? 'zh-CN' : 'en',
    on: {
      click: () => {
        setLang(lang() === 'en' ? 'zh' : 'en');
        render();
      },
    },
  }, lang() === 'en' ? '简体中文' : 'English');
}

async function doLogout() {
  try {
    await logout();
  } catch (err) {
    // the session is gone either way
  }
  forgetDictionary();
  go('#/login');
}

// The login form.
function renderLogin(main) {
  const err = h('p', { class: 'error', testid: 'login-error', role: 'alert' });
  const user = h('input', { id: 'login-username', name: 'username', autocomplete: 'username', required: true, testid: 'login-username' });
  const pass = h('input', { id: 'login-password', name: 'password', type: 'password', autocomplete: 'current-password', required: true, testid: 'login-password' });
  const form = h('form', { class: 'card login', on: {
    submit: async (ev) => {
      ev.preventDefault();
      err.textContent = '';
      try {
        await login(user.value, pass.value);
        const r = parseRoute();
        go(r.name === 'login' ? '#/dashboard' : location.hash);
      } catch (e) {
        err.textContent = e.status === 401 ? t('login.failed') + ' ' + e.message : e.message;
        pass.select();
      }
    },
  } },
  h('h1', null, t('login.title')),
  h('p', { class: 'muted' }, t('login.study')),
  h('label', { for: 'login-username' }, t('login.username')), user,
  h('label', { for: 'login-password' }, t('login.password')), pass,
  h('button', { type: 'submit', class: 'btn', testid: 'login-submit' }, t('login.submit')),
  err);
  mount(main, h('div', { class: 'login-top' }, langButton()), form);
  user.focus();
}

// Renders the current route.
export async function render() {
  const seq = ++renderSeq;
  const route = parseRoute();
  document.documentElement.lang = lang() === 'zh' ? 'zh-CN' : 'en';
  document.title = t('app.title');
  if (!session.user) {
    await restore();
    if (seq !== renderSeq) {
      return;
    }
  }
  if (!session.user) {
    mount(root, h('main', { id: 'main', class: 'page' }));
    renderLogin(root.firstChild);
    return;
  }
  if (route.name === 'login') {
    go('#/dashboard');
    return;
  }
  const main = h('main', { id: 'main', class: 'page', tabindex: '-1' }, h('p', { class: 'muted' }, t('common.loading')));
  const active = route.name === 'casebook' || route.name === 'form' ? 'patients' : route.name;
  mount(root, h('a', { href: '#main', class: 'skip' }, t('nav.skip')), navBar(active), main);
  const ctx = {
    go,
    current: () => seq === renderSeq,
    onAuthLost: () => {
      session.user = null;
      render();
    },
  };
  const views = {
    dashboard: renderDashboard, patients: renderPatients, casebook: renderCasebook,
    form: renderForm, queries: renderQueries, analysis: renderAnalysis, exports: renderExports,
  };
  try {
    await views[route.name](main, route.params, ctx);
  } catch (e) {
    if (e && e.status === 401) {
      session.user = null;
      render();
      return;
    }
    if (seq === renderSeq) {
      mount(main, h('p', { class: 'error', role: 'alert', testid: 'page-error' }, (e && e.message) || String(e)));
    }
  }
}

window.addEventListener('hashchange', render);
render();
