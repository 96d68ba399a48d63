package opstest

import (
	"database/sql"
	"fmt"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"
)

// cluster is a PostgreSQL cluster of the test's own, started from the
// binaries in /usr/lib/postgresql/*/bin (as the postgres user under root,
// like scripts/pg.sh), with fsync and synchronous_commit on.
type cluster struct {
	t    *testing.T
	bin  string // the bin folder of the PostgreSQL installation
	dir  string // socket folder and logs; data is dir/data
	port int
	opts []string // extra -c settings
}

// pgBin finds the newest installed PostgreSQL; without one the test is
// skipped (failed under CI=true).
func pgBin(t *testing.T) string {
	t.Helper()
	found, _ := filepath.Glob("/usr/lib/postgresql/*/bin/initdb")
	if len(found) == 0 {
		if os.Getenv("CI") == "true" {
			t.Fatal("PostgreSQL binaries (/usr/lib/postgresql/*/bin) are missing under CI=true")
		}
		t.Skip("needs PostgreSQL binaries in /usr/lib/postgresql/*/bin")
	}
	sort.Slice(found, func(i, j int) bool { return pgMajor(found[i]) < pgMajor(found[j]) })
	return filepath.Dir(found[len(found)-1])
}

func pgMajor(initdb string) int {
	n, _ := strconv.Atoi(filepath.Base(filepath.Dir(filepath.Dir(initdb))))
	return n
}

// newDir makes a folder the cluster owner may use (t.TempDir is private to root).
func newDir(t *testing.T) string {
	t.Helper()
	dir, err := os.MkdirTemp("", "stackd-opstest-pg-")
	if err != nil {
		t.Fatal(err)
	}
	if os.Getuid() == 0 {
		u, err := user.Lookup("postgres")
		if err != nil {
			t.Fatalf("running as root needs the postgres user: %v", err)
		}
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		if err := os.Chown(dir, uid, gid); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// asOwner runs a PostgreSQL program as the cluster owner.
func (c *cluster) asOwner(prog string, args ...string) error {
	name, full := filepath.Join(c.bin, prog), args
	if os.Getuid() == 0 {
		name, full = "runuser", append([]string{"-u", "postgres", "--", filepath.Join(c.bin, prog)}, args...)
	}
	cmd := exec.Command(name, full...)
	cmd.Dir = c.dir
	out, err := cmd.CombinedOutput()
	if err != nil {
		return fmt.Errorf("%s %s: %v\n%s", prog, strings.Join(args, " "), err, out)
	}
	return nil
}

// newPrimary creates and starts a cluster that takes a synchronous standby.
func newPrimary(t *testing.T, opts ...string) *cluster {
	t.Helper()
	c := &cluster{t: t, bin: pgBin(t), dir: newDir(t), opts: opts}
	t.Cleanup(c.remove)
	if err := c.asOwner("initdb", "-D", c.data(), "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C"); err != nil {
		t.Fatal(err)
	}
	c.port = freePort(t)
	c.start()
	return c
}

func (c *cluster) data() string { return filepath.Join(c.dir, "data") }

// start starts the cluster (again, after a stop: crash recovery runs).
func (c *cluster) start() {
	c.t.Helper()
	o := fmt.Sprintf("-c listen_addresses=127.0.0.1 -p %d -k %s -c fsync=on -c synchronous_commit=on -c max_connections=100", c.port, c.dir)
	for _, opt := range c.opts {
		o += " -c " + opt
	}
	if err := c.asOwner("pg_ctl", "-D", c.data(), "-l", filepath.Join(c.dir, "server.log"), "-w", "-t", "60", "-o", o, "start"); err != nil {
		c.t.Fatalf("%v\n%s", err, c.log())
	}
}

// stopImmediate stops the cluster the way a crash does: no checkpoint,
// clients cut off; the next start runs crash recovery.
func (c *cluster) stopImmediate() {
	c.t.Helper()
	if err := c.asOwner("pg_ctl", "-D", c.data(), "-m", "immediate", "-w", "stop"); err != nil {
		c.t.Fatal(err)
	}
}

// standby makes a streaming replica of c with pg_basebackup -R and starts it.
func (c *cluster) standby() *cluster {
	c.t.Helper()
	s := &cluster{t: c.t, bin: c.bin, dir: newDir(c.t), port: freePort(c.t), opts: []string{"hot_standby=on"}}
	c.t.Cleanup(s.remove)
	if err := s.asOwner("pg_basebackup", "-h", "127.0.0.1", "-p", strconv.Itoa(c.port), "-U", "postgres",
		"-D", s.data(), "-R", "-X", "stream", "-c", "fast"); err != nil {
		c.t.Fatal(err)
	}
	s.start()
	return s
}

// promote turns a standby into a primary and waits until it accepts writes.
func (c *cluster) promote() {
	c.t.Helper()
	if err := c.asOwner("pg_ctl", "-D", c.data(), "-w", "-t", "60", "promote"); err != nil {
		c.t.Fatal(err)
	}
}

// url is the URL of database db on this cluster.
func (c *cluster) url(db string) string {
	return fmt.Sprintf("postgres://postgres@127.0.0.1:%d/%s?sslmode=disable", c.port, db)
}

// exec runs statements on database db.
func (c *cluster) exec(db string, stmts ...string) {
	c.t.Helper()
	conn, err := sql.Open("pgx", c.url(db))
	if err != nil {
		c.t.Fatal(err)
	}
	defer conn.Close()
	for _, s := range stmts {
		if _, err := conn.Exec(s); err != nil {
			c.t.Fatalf("%s: %v", s, err)
		}
	}
}

// query returns the first column of the first row of q on database db.
func (c *cluster) query(db, q string) (string, error) {
	conn, err := sql.Open("pgx", c.url(db))
	if err != nil {
		return "", err
	}
	defer conn.Close()
	var v string
	err = conn.QueryRow(q).Scan(&v)
	return v, err
}

// waitSync waits until a standby replicates from c synchronously.
func (c *cluster) waitSync() {
	c.t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		if v, err := c.query("postgres", `SELECT sync_state FROM pg_stat_replication LIMIT 1`); err == nil && v == "sync" {
			return
		}
		time.Sleep(200 * time.Millisecond)
	}
	c.t.Fatalf("no synchronous standby after 60 s\n%s", c.log())
}

func (c *cluster) log() string {
	b, _ := os.ReadFile(filepath.Join(c.dir, "server.log"))
	if len(b) > 4000 {
		b = b[len(b)-4000:]
	}
	return string(b)
}

// remove stops the cluster if it runs and deletes its folder.
func (c *cluster) remove() {
	_ = c.asOwner("pg_ctl", "-D", c.data(), "-m", "immediate", "-w", "stop")
	_ = os.RemoveAll(c.dir)
}

func freePort(t *testing.T) int {
	t.Helper()
	_, p, _ := strings.Cut(freeAddr(t), ":")
	n, _ := strconv.Atoi(p)
	return n
}
