// csdx.mjs: runs the real `csdx` binary of @contentstack/cli, unmodified, as a subprocess with a
// scratch HOME, for the compat tests that drive stackd with the CLI (cli.test.mjs,
// roundtrip.test.mjs). The CLI speaks only https and needs a hostname in the certificate
// (official-clients.md §3): the environment comes from scripts/test.sh (NODE_EXTRA_CA_CERTS and
// the DNS preload). csdx exits 0 even when a command failed, so every command is judged by its
// output.
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const compatDir = dirname(fileURLToPath(import.meta.url))
const csdxBin = join(compatDir, 'node_modules', '.bin', 'csdx')

// ANSI colour codes still show in some of the CLI's lines.
// eslint-disable-next-line no-control-regex
export const stripAnsi = (text) => text.replace(/\x1b\[[0-9;]*m/g, '')

function preloadOptions (current = '') {
  // The DNS preload must be given by absolute path: the CLI changes its working directory.
  if (current.includes('resolve-local.js')) return current
  return `${current} --require "${join(compatDir, 'resolve-local.js')}"`.trim()
}

// csdxSession makes a scratch HOME for the CLI's whole state (config, tokens, logs, oclif
// caches) and returns the functions that run csdx in it. log is the test file's callLog: each
// csdx command is one client call. remove() deletes the scratch folder.
export function csdxSession (log, { caCert, prefix = 'stackd-csdx-' }) {
  const home = mkdtempSync(join(tmpdir(), prefix))
  const noProxy = ['cma.test', 'cda.test', process.env.NO_PROXY || process.env.no_proxy].filter(Boolean).join(',')
  const env = {
    ...process.env,
    HOME: home,
    XDG_CONFIG_HOME: join(home, '.config'),
    XDG_CACHE_HOME: join(home, '.cache'),
    XDG_DATA_HOME: join(home, '.local', 'share'),
    CS_CLI_LOG_PATH: join(home, 'logs'),
    NODE_OPTIONS: preloadOptions(process.env.NODE_OPTIONS),
    NODE_EXTRA_CA_CERTS: caCert,
    // The CLI sends requests through HTTPS_PROXY when one is set, unless NO_PROXY names the host.
    NO_PROXY: noProxy,
    no_proxy: noProxy,
    FORCE_COLOR: '0'
  }
  delete env.CS_CLI_CONFIG_PATH // it would move the CLI's config out of the scratch HOME

  // run starts a program with the CLI's environment, no stdin (the CLI must not prompt), and
  // resolves with its exit code, its stdout and stderr together (out), its stdout alone and how
  // long it took.
  function run (file, args, { timeout = 90_000 } = {}) {
    const t0 = Date.now()
    return new Promise((resolve) => {
      const child = execFile(file, args, { cwd: home, env, timeout, maxBuffer: 64 << 20 }, (err, stdout, stderr) => {
        const code = err ? (err.killed ? `killed after ${timeout} ms` : err.code) : 0
        resolve({ code, out: stripAnsi(`${stdout}${stderr}`), stdout: stripAnsi(stdout), ms: Date.now() - t0 })
      })
      child.stdin.end()
    })
  }

  // csdx runs one CLI command, records it as a client call and applies check(result), which
  // throws (assert) when the command did not do what it should.
  async function csdx (label, args, check, options) {
    const res = await run(csdxBin, args, options)
    try {
      check(res)
    } catch (err) {
      log.record(label, false, `${err.message.split('\n')[0]} (exit ${res.code})`)
      throw new Error(`${label}: ${err.message}\n--- csdx ${args[0]} printed (exit ${res.code}) ---\n${res.out}--- end ---`)
    }
    log.record(label, true)
    return res
  }

  // cliConfig evaluates `script` with the CLI's own config library (the one csdx loads) against
  // the scratch HOME; `u` is @contentstack/cli-utilities. It prints what the script returns.
  async function cliConfig (script) {
    const program = `const u = require(require.resolve('@contentstack/cli-utilities', { paths: [${JSON.stringify(join(compatDir, 'node_modules', '@contentstack', 'cli'))}] }));` +
      `const r = (() => { ${script} })(); process.stdout.write(JSON.stringify(r === undefined ? null : r))`
    const res = await run(process.execPath, ['-e', program])
    assert.equal(res.code, 0, `cli config script failed: ${res.out}`)
    return JSON.parse(res.stdout.trim().split('\n').pop())
  }

  // quiet dates the CLI's version check now: every csdx command first asks the npm registry for
  // the CLI's latest version, and this keeps the tests off the network (and quiet).
  const quiet = () => cliConfig(`u.configHandler.set('versionUpgradeWarningCache', { lastChecked: Date.now(), latestVersion: '0.0.0', lastWarnedDate: '' })`)

  return { home, env, run, csdx, cliConfig, quiet, remove: () => rmSync(home, { recursive: true, force: true }) }
}

// succeeded checks that a command exited 0 and printed pattern.
export const succeeded = (pattern) => (res) => {
  assert.equal(res.code, 0, 'exit status')
  assert.match(res.out, pattern)
}
