// Package cli parses stackd's command line: the subcommands, their flags
// and the STACKD_* environment fallbacks. It is the only place that reads
// the environment, through the getenv function main passes in.
package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"strconv"
	"strings"

	"github.com/stackd/stackd/internal/auth"
	"github.com/stackd/stackd/internal/domain"
	"github.com/stackd/stackd/internal/server"
)

// Version is stamped at build time with -ldflags "-X …/cli.Version=…".
var Version = "dev"

// Env is the outside world a command sees.
type Env struct {
	Args   []string // without the program name
	Getenv func(string) string
	Stdout io.Writer
	Stderr io.Writer
}

const usage = `usage: stackd <command> [flags]

commands:
  serve                 run the CMA and CDA servers
  migrate               apply database migrations and exit
  user add              add a user to an organization
  user unlock           clear a user's login lockout
  user 2fa enable       enable TOTP two-factor login for a user
  org add               add an organization owned by an existing user
  org sso               set (or --disable) an organization's OpenID Connect single sign-on
  version               print the version

Every flag can also be set as STACKD_<FLAG> (upper case, dashes as underscores).
`

// Main runs the command in env and returns the process exit code.
func Main(ctx context.Context, env Env) int {
	err := run(ctx, env)
	if err == nil {
		return 0
	}
	if errors.Is(err, flag.ErrHelp) {
		return 2
	}
	fmt.Fprintln(env.Stderr, "stackd:", describe(err))
	return 1
}

// describe turns an error into one line for a terminal; domain errors show
// their message and field messages.
func describe(err error) string {
	e, ok := domain.AsError(err)
	if !ok {
		return err.Error()
	}
	msg := e.Message
	for field, ms := range e.Fields {
		msg += fmt.Sprintf(" (%s: %s)", field, strings.Join(ms, " "))
	}
	return msg
}

func run(ctx context.Context, env Env) error {
	args := env.Args
	if len(args) == 0 {
		fmt.Fprint(env.Stderr, usage)
		return flag.ErrHelp
	}
	cmd, rest := args[0], args[1:]
	if (cmd == "user" || cmd == "org") && len(rest) > 0 {
		cmd, rest = cmd+" "+rest[0], rest[1:]
	}
	if cmd == "user 2fa" && len(rest) > 0 {
		cmd, rest = cmd+" "+rest[0], rest[1:]
	}
	switch cmd {
	case "serve":
		return serve(ctx, env, rest)
	case "migrate":
		return migrate(ctx, env, rest)
	case "user add":
		return userAdd(ctx, env, rest)
	case "user unlock":
		return userUnlock(ctx, env, rest)
	case "user 2fa enable":
		return user2FA(ctx, env, rest)
	case "org add":
		return orgAdd(ctx, env, rest)
	case "org sso":
		return orgSSO(ctx, env, rest)
	case "version", "--version", "-v":
		fmt.Fprintln(env.Stdout, "stackd", Version)
		return nil
	case "help", "-h", "--help":
		fmt.Fprint(env.Stdout, usage)
		return nil
	}
	fmt.Fprint(env.Stderr, usage)
	return fmt.Errorf("unknown command %q", cmd)
}

// flags is a FlagSet whose defaults come from STACKD_* variables when set.
type flags struct {
	*flag.FlagSet
	getenv func(string) string
	envErr error // a STACKD_* value a flag could not read; reported by parse
}

func newFlags(name string, env Env) *flags {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	return &flags{FlagSet: fs, getenv: env.Getenv}
}

func envName(flagName string) string {
	return "STACKD_" + strings.ToUpper(strings.ReplaceAll(flagName, "-", "_"))
}

func (f *flags) str(name, def, help string) *string {
	if v := f.getenv(envName(name)); v != "" {
		def = v
	}
	return f.String(name, def, help+" (env "+envName(name)+")")
}

// storage declares the flags every command that opens the database takes.
type storage struct {
	data, database, secretKey, cost *string
}

func (f *flags) storage() storage {
	return storage{
		data:      f.str("data", "./stackd-data", "folder for the SQLite file, asset files and the secret key"),
		database:  f.str("database", "", "empty for SQLite in --data, or a postgres:// URL"),
		secretKey: f.str("secret-key", "", "key that encrypts recoverable secrets (default: generated into --data)"),
		cost:      f.str("password-cost", "strong", "argon2id cost: strong, or low (tests only)"),
	}
}

// boolean declares a true/false flag (--name=false turns it off) whose
// default comes from STACKD_<NAME> when set.
func (f *flags) boolean(name string, def bool, help string) *bool {
	if v := f.getenv(envName(name)); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			f.envErr = errors.Join(f.envErr, fmt.Errorf("%s must be true or false, not %q", envName(name), v))
		} else {
			def = b
		}
	}
	return f.Bool(name, def, help+" (env "+envName(name)+")")
}

// parse parses args, after reporting any unreadable STACKD_* value.
func (f *flags) parse(args []string) error {
	if f.envErr != nil {
		return f.envErr
	}
	return f.Parse(args)
}

func (s storage) params() (auth.Params, error) {
	switch *s.cost {
	case "strong", "":
		return auth.DefaultParams, nil
	case "low":
		return auth.TestParams, nil
	}
	return auth.Params{}, fmt.Errorf("--password-cost must be strong or low, not %q", *s.cost)
}

func (s storage) open(ctx context.Context) (*server.Core, error) {
	p, err := s.params()
	if err != nil {
		return nil, err
	}
	return server.OpenCore(ctx, *s.data, *s.database, *s.secretKey, p)
}

func newLogger(w io.Writer, level string) (*slog.Logger, error) {
	var l slog.Level
	if err := l.UnmarshalText([]byte(level)); err != nil {
		return nil, fmt.Errorf("--log-level: %w", err)
	}
	return slog.New(slog.NewJSONHandler(w, &slog.HandlerOptions{Level: l})), nil
}
