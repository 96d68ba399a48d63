package api

import (
	"testing"
	"testing/synctest"
	"time"

	"github.com/google/go-cmp/cmp"
)

// activityLine is what one activity line says.
type activityLine struct {
	Stack, Module         string
	Reads, Writes, Failed int
	Seconds               int
}

func recordActivity(t *activity) *[]activityLine {
	var lines []activityLine
	t.emit = func(k activityKey, r activityRun, now time.Time) {
		lines = append(lines, activityLine{k.apiKey, k.module, r.reads, r.writes, r.failed, int(now.Sub(r.start).Seconds())})
	}
	return &lines
}

func TestActivityLines(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var act activity
		lines := recordActivity(&act)
		entries, assets := activityKey{"blt1", "entry"}, activityKey{"blt1", "asset"}
		for i := range 49 {
			act.note(entries, i%2 == 0, true, time.Now())
			act.note(assets, false, true, time.Now())
		}
		if len(*lines) != 0 {
			t.Fatalf("lines before 50 requests of a module: %v", *lines)
		}
		act.note(entries, true, false, time.Now())
		want := []activityLine{{"blt1", "entry", 24, 25, 1, 0}}
		if diff := cmp.Diff(want, *lines); diff != "" {
			t.Fatalf("the 50th request (-want +got):\n%s", diff)
		}
		time.Sleep(2 * time.Second)
		act.note(entries, true, true, time.Now())
		time.Sleep(activityInterval)
		synctest.Wait()
		// Both modules had requests no line counted: each gets its interval line.
		want = append(want, activityLine{"blt1", "asset", 49, 0, 0, 10}, activityLine{"blt1", "entry", 24, 26, 1, 12})
		if diff := cmp.Diff(want, *lines); diff != "" {
			t.Fatalf("interval lines (-want +got):\n%s", diff)
		}
		time.Sleep(activityInterval)
		synctest.Wait()
		if len(*lines) != 3 {
			t.Fatalf("a line without new requests: %v", (*lines)[3:])
		}
		// After activityIdle, a new run counts from 0 and the old runs are forgotten.
		time.Sleep(activityIdle)
		act.note(entries, false, true, time.Now())
		if n := len(act.runs); n != 1 {
			t.Errorf("runs kept after the idle time: %d, want 1", n)
		}
		time.Sleep(activityInterval)
		synctest.Wait()
		want = append(want, activityLine{"blt1", "entry", 1, 0, 0, 10})
		if diff := cmp.Diff(want, *lines); diff != "" {
			t.Fatalf("a new run (-want +got):\n%s", diff)
		}
	})
}
