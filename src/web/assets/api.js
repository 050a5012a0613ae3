// api.js: the JSON API client.  Keeps the CSRF token of the session (from
// the login answer or GET /api/v1/session) in memory and sends it on every
// state-changing request.  Failures throw ApiError with the server's
// {"error": {code, status, message, field, problems}}.  Every call sends
// the language the interface shows (Accept-Language), so that the server's
// messages are in it; withLang() does the same for URLs the browser loads
// itself (the plots' <img>), where no header can be set (docs/api.md).

import { lang } from './i18n.js';

export class ApiError extends Error {
  constructor(status, body) {
    const e = (body && body.error) || {};
    super(e.message || ('HTTP ' + status));
    this.status = status;
    this.code = e.code || '';
    this.field = e.field || null;
    this.problems = e.problems || [];
  }
}

export const session = { user: null, csrf: null };

// The Accept-Language of the interface's language.
function acceptLanguage() {
  return lang() === 'zh' ? 'zh-CN' : 'en';
}

// path with the interface's language as its `lang` argument.
export function withLang(path) {
  return path + (path.includes('?') ? '&' : '?') + 'lang=' + (lang() === 'zh' ? 'zh' : 'en');
}

// Calls method path with an optional JSON body; resolves to the parsed
// answer (or null), rejects with ApiError.
export async function api(method, path, body) {
  const opt = { method, headers: { 'Accept-Language': acceptLanguage() }, credentials: 'same-origin' };
  if (method !== 'GET') {
    opt.headers['X-CSRF-Token'] = session.csrf || '';
  }
  if (body !== undefined) {
    opt.headers['Content-Type'] = 'application/json';
    opt.body = JSON.stringify(body);
  }
  let res;
  try {
    res = await fetch(path, opt);
  } catch (err) {
    throw new ApiError(0, { error: { code: 'E_NETWORK', message: String(err) } });
  }
  let data = null;
  const text = await res.text();
  if (text) {
    try {
      data = JSON.parse(text);
    } catch (err) {
      data = null;
    }
  }
  if (!res.ok) {
    throw new ApiError(res.status, data);
  }
  return data;
}

// Logs in; sets session.user and session.csrf.
export async function login(username, password) {
  const r = await api('POST', '/api/v1/session', { username, password });
  session.user = r.user;
  session.csrf = r.csrf;
  return r.user;
}

// Restores the session from the cookie; null when logged out.
export async function restore() {
  try {
    const r = await api('GET', '/api/v1/session');
    session.user = r.user;
    session.csrf = r.csrf;
    return r.user;
  } catch (err) {
    session.user = null;
    session.csrf = null;
    return null;
  }
}

export async function logout() {
  try {
    await api('DELETE', '/api/v1/session');
  } finally {
    session.user = null;
    session.csrf = null;
  }
}

// The data dictionary, fetched once per session.
let dict = null;
export async function dictionary() {
  if (!dict) {
    dict = await api('GET', '/api/v1/dictionary');
  }
  return dict;
}
export function forgetDictionary() {
  dict = null;
}

// What the user may do: the permissions the server's table
// (src/store/access.c) gives the session's role (GET /api/v1/session).
export function may(u, perm) {
  return !!u && Array.isArray(u.permissions) && u.permissions.includes(perm);
}
export function isSiteStaff(u) {
  return !!u && u.site_scoped === true && may(u, 'write');
}
export function canWrite(u) {
  return may(u, 'write');
}
export function canAnswer(u) {
  return may(u, 'query_answer');
}
export function canRaiseOrClose(u) {
  return may(u, 'query_raise');
}
export function canSign(u) {
  return may(u, 'sign');
}
export function canSeeAnalysis(u) {
  return may(u, 'analysis');
}
