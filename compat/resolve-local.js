'use strict'
// resolve-local.js: a per-process DNS override, loaded with
//   NODE_OPTIONS="--require /abs/path/compat/resolve-local.js"
// It makes the names in STACKD_LOCAL_HOSTS (default "cma.test,cda.test") resolve to 127.0.0.1
// inside this Node process only: no root, no /etc/hosts. We need a real hostname because the
// CMA SDK's retry path rejects IP literals and "localhost" (SSRF guard), and the CLI is https-only,
// so the TLS certificate must name a host. Every other name goes to the system resolver.
const dns = require('node:dns')

const localNames = new Set(
  (process.env.STACKD_LOCAL_HOSTS || 'cma.test,cda.test')
    .split(',')
    .map((name) => name.trim().toLowerCase())
    .filter(Boolean)
)

const LOOPBACK = { address: '127.0.0.1', family: 4 }

function isLocal (hostname) {
  return typeof hostname === 'string' && localNames.has(hostname.toLowerCase().replace(/\.$/, ''))
}

// wantsAll reports whether the caller asked for every address (options.all), which net.connect
// does when it races IPv4/IPv6 (autoSelectFamily). options may be an object, a family number or absent.
function wantsAll (options) {
  return options !== null && typeof options === 'object' && options.all === true
}

const systemLookup = dns.lookup
dns.lookup = function lookup (hostname, options, callback) {
  if (typeof options === 'function') {
    callback = options
    options = undefined
  }
  if (!isLocal(hostname)) {
    return options === undefined
      ? systemLookup.call(dns, hostname, callback)
      : systemLookup.call(dns, hostname, options, callback)
  }
  // Answer asynchronously, as the real lookup does.
  process.nextTick(() => {
    if (wantsAll(options)) callback(null, [{ ...LOOPBACK }])
    else callback(null, LOOPBACK.address, LOOPBACK.family)
  })
}

const systemLookupPromise = dns.promises.lookup
dns.promises.lookup = async function lookup (hostname, options) {
  if (!isLocal(hostname)) return systemLookupPromise.call(dns.promises, hostname, options)
  return wantsAll(options) ? [{ ...LOOPBACK }] : { ...LOOPBACK }
}
