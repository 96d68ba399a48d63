// router.js: client-side routes under /console/ with history URLs. Every
// same-origin link inside the page is followed without a reload.

let renderFn = () => {};

/** onRoute sets the function that renders the current location. */
export function onRoute(fn) {
  renderFn = fn;
  window.addEventListener('popstate', () => renderFn());
  document.addEventListener('click', (ev) => {
    const a = ev.target.closest && ev.target.closest('a[href]');
    if (!a || a.target || a.hasAttribute('download') || ev.button !== 0 || ev.metaKey || ev.ctrlKey || ev.shiftKey) return;
    const url = new URL(a.href, location.href);
    if (url.origin !== location.origin || !url.pathname.startsWith('/console/')) return;
    ev.preventDefault();
    navigate(url.pathname + url.search);
  });
}

/** navigate moves to path (under /console/) and renders it. */
export function navigate(path, { replace = false } = {}) {
  if (replace) history.replaceState(null, '', path);
  else history.pushState(null, '', path);
  renderFn();
}

/** match finds the first pattern (with :params) matching path. */
export function match(routes, path) {
  const parts = path.replace(/\/+$/, '').split('/');
  for (const r of routes) {
    const pat = r.path.split('/');
    if (pat.length !== parts.length) continue;
    const params = {};
    const ok = pat.every((p, i) => {
      if (p.startsWith(':')) { params[p.slice(1)] = decodeURIComponent(parts[i]); return parts[i] !== ''; }
      return p === parts[i];
    });
    if (ok) return { route: r, params };
  }
  return null;
}

/** query reads the current location's search parameters. */
export function query() { return Object.fromEntries(new URLSearchParams(location.search)); }
