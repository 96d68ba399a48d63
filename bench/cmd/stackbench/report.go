package main

import (
	"fmt"
	"io"
	"os"
	"strings"
	"time"
)

// rawJSON is a request body sent as it is.
type rawJSON string

func (r rawJSON) MarshalJSON() ([]byte, error) { return []byte(r), nil }

// row is one scenario's measurements.
type row struct {
	sc      scenario
	handler result
	pb      *result // nil when PocketBase has no such operation
	stackd  result
}

func ms(d time.Duration) string {
	return fmt.Sprintf("%.2f", float64(d)/float64(time.Millisecond))
}

func (r result) cell() string {
	s := fmt.Sprintf("%.0f (%s / %s ms, %.0f MB)", r.RPS, ms(r.P50), ms(r.P99), r.RSSMB)
	if r.Errors > 0 {
		s += fmt.Sprintf(" **%d errors**", r.Errors)
	}
	return s
}

func ratio(a, b float64) string {
	if b == 0 {
		return "–"
	}
	return fmt.Sprintf("%.2f×", a/b)
}

// printRow prints one scenario as soon as it is measured.
func printRow(w io.Writer, r row) {
	fmt.Fprintf(w, "\n%s\n  handler    %s\n", r.sc.Name, r.handler.cell())
	if r.pb != nil {
		fmt.Fprintf(w, "  pocketbase %s\n", r.pb.cell())
	}
	fmt.Fprintf(w, "  stackd     %s\n  stackd ÷ handler %s", r.stackd.cell(), ratio(r.stackd.RPS, r.handler.RPS))
	if r.pb != nil {
		fmt.Fprintf(w, ", ÷ PocketBase %s", ratio(r.stackd.RPS, r.pb.RPS))
	}
	fmt.Fprintf(w, "   (goal: %s)\n", r.sc.Goal)
}

// table renders the rows as Markdown: rps (p50 / p99, peak RSS) per server
// and stackd's ratios.
func table(f runFlags, rows []row) string {
	var b strings.Builder
	engine := "SQLite"
	if f.database != "" {
		engine = "PostgreSQL"
	} else if f.sync != "" {
		engine += " synchronous=" + f.sync
	}
	fmt.Fprintf(&b, "wrk -t%d -c%d -d%s, %d entries, %s; rps (p50 / p99 ms, peak RSS)\n\n", f.threads, f.conns,
		durationArg(f.duration), f.entries, engine)
	b.WriteString("| scenario | plain handler | PocketBase | stackd | stackd ÷ handler | stackd ÷ PocketBase | goal |\n")
	b.WriteString("|---|---|---|---|---|---|---|\n")
	for _, r := range rows {
		pb, pbRatio := "–", "–"
		if r.pb != nil {
			pb, pbRatio = r.pb.cell(), ratio(r.stackd.RPS, r.pb.RPS)
		}
		fmt.Fprintf(&b, "| %s | %s | %s | %s | %s | %s | %s |\n", r.sc.Name, r.handler.cell(), pb, r.stackd.cell(),
			ratio(r.stackd.RPS, r.handler.RPS), pbRatio, r.sc.Goal)
	}
	return b.String()
}

// report prints the table and writes it to --markdown when set.
func report(f runFlags, rows []row) error {
	t := table(f, rows)
	fmt.Printf("\n%s", t)
	if f.out != "" {
		return os.WriteFile(f.out, []byte(t), 0o644)
	}
	return nil
}
