// calls.mjs: the count of client calls shared by the compat test files.
//
// Each test file records every call it makes to an official client (an SDK method, one csdx
// command) with callLog(name). At exit the file prints its own count and, when
// STACKD_COMPAT_CALLS names a file, appends its records there as JSON lines.
// scripts/test.sh then prints one summary line for all files:
//   node calls.mjs <calls file> smoke delivery cli
// which exits 1 when a call failed or a named file recorded no calls at all.
import { appendFileSync, readFileSync, existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

// callLog returns the call list of one test file: push {label, ok, detail} onto log.calls,
// or use log.ok / log.reject / log.record.
export function callLog (name) {
  const calls = []
  process.on('exit', () => {
    const failed = calls.filter((c) => !c.ok)
    console.log(`compat ${name}: ${calls.length} client calls, ${failed.length} failed`)
    for (const c of failed) console.log(`  FAILED ${c.label}: ${c.detail}`)
    const out = process.env.STACKD_COMPAT_CALLS
    if (out) {
      appendFileSync(out, calls.map((c) => JSON.stringify({ file: name, label: c.label, ok: c.ok, detail: c.detail || '' }) + '\n').join(''))
    }
  })
  return {
    calls,
    record (label, ok, detail = '') {
      calls.push({ label, ok, detail })
    },
    // ok runs fn and records success, or a failure with describe(err); it rethrows.
    async ok (label, fn, describe = describeError) {
      try {
        const result = await fn()
        calls.push({ label, ok: true })
        return result
      } catch (err) {
        calls.push({ label, ok: false, detail: `rejected: ${describe(err)}` })
        throw new Error(`${label}: expected success, got ${describe(err)}`, { cause: err })
      }
    }
  }
}

// describeError renders an SDK error (CMA SDK: status/errorCode/errorMessage; delivery SDK:
// status/error_code/error_message) or any other error in one line.
export function describeError (err) {
  if (err && typeof err === 'object' && 'status' in err) {
    const code = err.errorCode ?? err.error_code
    const message = err.errorMessage ?? err.error_message
    return `status=${err.status} errorCode=${code} errorMessage=${JSON.stringify(message)}`
  }
  return String(err && err.message ? err.message : err)
}

// summarize prints the one summary line of the compat stage and returns the exit status.
export function summarize (file, names) {
  const records = existsSync(file)
    ? readFileSync(file, 'utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line))
    : []
  const perFile = names.map((n) => `${n} ${records.filter((r) => r.file === n).length}`)
  const failed = records.filter((r) => !r.ok)
  const silent = names.filter((n) => !records.some((r) => r.file === n))
  let line = `compat: ${records.length} client calls (${perFile.join(', ')}), ${failed.length} failed`
  if (failed.length) line += ': ' + failed.map((r) => `${r.file}: ${r.label}`).join('; ')
  if (silent.length) line += `; no calls recorded by ${silent.join(', ')} (did it crash?)`
  console.log(line)
  return failed.length || silent.length ? 1 : 0
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [file, ...names] = process.argv.slice(2)
  if (!file) {
    console.error('usage: node calls.mjs <calls file> <test name>...')
    process.exit(2)
  }
  process.exit(summarize(file, names))
}
