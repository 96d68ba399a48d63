package api

import (
	"net/http"
	"sync"
	"time"
)

// Progress of long runs (csdx imports and exports, migrations, scripts): for
// each stack and module (a route's permission module: entry, asset,
// content_type, …), stackd counts the requests that read, that wrote and
// that failed during a run, and logs one INFO line
//
//	{"msg":"activity","api_key":"blt…","module":"entry","reads":12,"writes":50,"failed":0,"seconds":9}
//
// after every activityEvery requests of that module on that stack, and
// activityInterval after a request no line has counted yet, so a run's
// last requests are reported too. The counts are totals since the run
// began (seconds ago); a run ends when the module has been idle on the
// stack for activityIdle, and the next request starts a new one at 0.
// Requests a stack never resolved (401, 412) are not counted.
const (
	activityEvery    = 50
	activityInterval = 10 * time.Second
	activityIdle     = time.Minute
)

type activityKey struct{ apiKey, module string }

// activityRun is one run of a module on a stack.
type activityRun struct {
	reads, writes, failed int
	unlogged              int // requests no line has counted yet
	start, last           time.Time
	timer                 *time.Timer // the pending interval line, if any
}

// activity holds the runs of this process (several instances each log
// their own share). emit writes one line; it is called with mu held.
type activity struct {
	mu   sync.Mutex
	runs map[activityKey]*activityRun
	emit func(k activityKey, r activityRun, now time.Time)
}

// note counts one request of k at now and writes a line when one is due.
func (t *activity) note(k activityKey, write, ok bool, now time.Time) {
	t.mu.Lock()
	defer t.mu.Unlock()
	run := t.runs[k]
	if run == nil || now.Sub(run.last) > activityIdle {
		t.sweep(now)
		run = &activityRun{start: now}
		if t.runs == nil {
			t.runs = map[activityKey]*activityRun{}
		}
		t.runs[k] = run
	}
	run.last = now
	switch {
	case !ok:
		run.failed++
	case write:
		run.writes++
	default:
		run.reads++
	}
	run.unlogged++
	if run.unlogged >= activityEvery {
		t.line(k, run, now)
		return
	}
	if run.timer == nil {
		run.timer = time.AfterFunc(activityInterval, func() { t.flush(k, run) })
	}
}

// flush writes the line a run's interval timer is due for.
func (t *activity) flush(k activityKey, run *activityRun) {
	t.mu.Lock()
	defer t.mu.Unlock()
	run.timer = nil
	if t.runs[k] == run && run.unlogged > 0 {
		t.line(k, run, time.Now())
	}
}

func (t *activity) line(k activityKey, run *activityRun, now time.Time) {
	run.unlogged = 0
	if run.timer != nil {
		run.timer.Stop()
		run.timer = nil
	}
	t.emit(k, *run, now)
}

// sweep forgets the runs that have ended, so the map holds only the
// stacks and modules active in the last activityIdle.
func (t *activity) sweep(now time.Time) {
	for k, run := range t.runs {
		if now.Sub(run.last) > activityIdle {
			if run.timer != nil {
				run.timer.Stop()
			}
			delete(t.runs, k)
		}
	}
}

// noteActivity counts a request of a stack route for the activity log.
func (a *API) noteActivity(r *http.Request, rt route, rc *reqCtx, ok bool) {
	if rc == nil || rc.stack == nil {
		return
	}
	write := r.Method != http.MethodGet && r.Method != http.MethodHead
	a.activity.note(activityKey{rc.stack.APIKey, string(rt.perm.Module)}, write, ok, time.Now())
}

// logActivity writes one activity line.
func (a *API) logActivity(k activityKey, run activityRun, now time.Time) {
	a.Log.Info("activity", "api_key", k.apiKey, "module", k.module, "reads", run.reads, "writes", run.writes,
		"failed", run.failed, "seconds", int(now.Sub(run.start).Seconds()))
}
