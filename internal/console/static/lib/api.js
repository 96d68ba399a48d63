// api.js is the console's only way to the server: the public /v3 API, as
// the SDKs use it. The browser sends the HttpOnly session cookie; the CSRF
// token lives in this module's memory only (never in storage) and is
// recovered from GET /v3/user after a reload.

let csrf = '';
let onSignedOut = null;

/** setCSRF keeps the session's CSRF token for the writes that follow. */
export function setCSRF(token) { csrf = token || ''; }

/** whenSignedOut registers what to do when the session is gone (a 401). */
export function whenSignedOut(fn) { onSignedOut = fn; }

/** ApiError carries the API's error body: error_message, error_code, errors. */
export class ApiError extends Error {
  constructor(status, body) {
    super((body && body.error_message) || `The request failed (HTTP ${status}).`);
    this.status = status;
    this.code = body && body.error_code;
    this.errors = (body && body.errors) || {};
  }
}

function buildURL(path, query) {
  const url = new URL(path, location.origin);
  for (const [k, v] of Object.entries(query || {})) {
    if (v === undefined || v === null || v === '') continue;
    if (Array.isArray(v)) v.forEach((x) => url.searchParams.append(k, x));
    else url.searchParams.set(k, typeof v === 'object' ? JSON.stringify(v) : String(v));
  }
  return url;
}

function headersFor(method, key, extra) {
  const h = { Accept: 'application/json', ...extra };
  if (key) h.api_key = key;
  if (method !== 'GET' && method !== 'HEAD' && csrf) h['X-CSRF-Token'] = csrf;
  return h;
}

function parse(text) {
  if (!text) return {};
  try { return JSON.parse(text); } catch { return { error_message: text.slice(0, 200) }; }
}

function fail(status, data, quiet) {
  if (status === 401 && !quiet && onSignedOut && data.error_code !== 294) onSignedOut(data);
  return new ApiError(status, data);
}

/**
 * api calls one route: method, path, and {key (the stack's api_key), body
 * (sent as JSON), query, quiet (a 401 does not sign the page out)}. It
 * resolves to the JSON answer, or rejects with an ApiError.
 */
export async function api(method, path, opts = {}) {
  const h = headersFor(method, opts.key, opts.headers);
  let body;
  if (opts.body !== undefined) {
    h['Content-Type'] = 'application/json';
    body = JSON.stringify(opts.body);
  }
  let res;
  try {
    res = await fetch(buildURL(path, opts.query), { method, headers: h, body, credentials: 'same-origin', cache: 'no-store' });
  } catch {
    throw new ApiError(0, { error_message: 'The server could not be reached.' });
  }
  const data = parse(await res.text());
  if (!res.ok) throw fail(res.status, data, opts.quiet);
  return data;
}

/**
 * upload sends a multipart form (asset uploads) with XMLHttpRequest, the
 * one browser API that reports upload progress: onProgress(sent, total).
 */
export function upload(method, path, key, form, onProgress) {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open(method, buildURL(path));
    for (const [k, v] of Object.entries(headersFor(method, key))) xhr.setRequestHeader(k, v);
    xhr.upload.onprogress = (e) => { if (e.lengthComputable) onProgress(e.loaded, e.total); };
    xhr.onload = () => {
      const data = parse(xhr.responseText);
      if (xhr.status >= 200 && xhr.status < 300) resolve(data);
      else reject(fail(xhr.status, data, false));
    };
    xhr.onerror = () => reject(new ApiError(0, { error_message: 'The upload was interrupted.' }));
    xhr.send(form);
  });
}

/** listAll pages through a list route (limit 100) and returns every item. */
export async function listAll(path, key, field, query = {}) {
  const out = [];
  for (let skip = 0; ; skip += 100) {
    const page = await api('GET', path, { key, query: { ...query, skip, limit: 100, include_count: true } });
    const items = page[field] || [];
    out.push(...items);
    if (items.length < 100 || out.length >= (page.count || 0)) return out;
  }
}
