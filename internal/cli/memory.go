package cli

import (
	"fmt"
	"math"
	"runtime/debug"
	"strconv"
	"strings"
)

// memoryHeadroom is what the derived soft memory limit allows beyond the
// concurrent password hashes: the rest of the heap (requests, caches,
// database drivers) in a busy server.
const memoryHeadroom = 64 << 20

// memoryLimit turns --memory-limit into bytes: "auto" derives it from the
// hashes' memory (hashBytes) plus memoryHeadroom; "off" or "0" sets none; a
// size is a number with an optional unit B, KiB, MiB or GiB (as in
// GOMEMLIMIT). ok is false when nothing should be set: "off", or "auto"
// while the GOMEMLIMIT variable already set the Go runtime's limit.
func memoryLimit(v string, hashBytes int64, getenv func(string) string) (limit int64, ok bool, err error) {
	switch strings.TrimSpace(v) {
	case "auto", "":
		if getenv("GOMEMLIMIT") != "" {
			return 0, false, nil
		}
		return hashBytes + memoryHeadroom, true, nil
	case "off", "0":
		return 0, false, nil
	}
	n, err := parseSize(v)
	if err != nil {
		return 0, false, fmt.Errorf("--memory-limit must be auto, off or a size such as 512MiB, not %q", v)
	}
	return n, true, nil
}

func parseSize(v string) (int64, error) {
	units := []struct {
		suffix string
		mult   int64
	}{{"GiB", 1 << 30}, {"MiB", 1 << 20}, {"KiB", 1 << 10}, {"B", 1}, {"", 1}}
	for _, u := range units {
		num, found := strings.CutSuffix(v, u.suffix)
		if !found {
			continue
		}
		n, err := strconv.ParseInt(strings.TrimSpace(num), 10, 64)
		if err != nil || n <= 0 || n > math.MaxInt64/u.mult {
			return 0, fmt.Errorf("bad size %q", v)
		}
		return n * u.mult, nil
	}
	return 0, fmt.Errorf("bad size %q", v)
}

// applyMemoryLimit sets the Go runtime's soft memory limit: the garbage
// collector works harder as the heap nears it, so the memory argon2 hashes
// leave behind is returned before it piles up. Returns the limit set, 0
// when none was.
func applyMemoryLimit(v string, hashBytes int64, getenv func(string) string) (int64, error) {
	limit, ok, err := memoryLimit(v, hashBytes, getenv)
	if err != nil || !ok {
		return 0, err
	}
	debug.SetMemoryLimit(limit)
	return limit, nil
}
