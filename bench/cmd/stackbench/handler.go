package main

import (
	"context"
	"crypto/subtle"
	"errors"
	"flag"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// handlerCmd serves the plain net/http handler, the ceiling each stackd
// figure is compared with: for GET or POST /<name> it checks the
// authorization header against --token in constant time (as both real
// servers check a credential), drains the body and answers the bytes of
// <dir>/<name>.json, which the run wrote from stackd's own answer to the
// same scenario. So it moves the same bytes over HTTP and does nothing else.
func handlerCmd(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("handler", flag.ContinueOnError)
	addr := fs.String("addr", "127.0.0.1:0", "listen address")
	dir := fs.String("dir", "", "folder of <scenario>.json bodies")
	token := fs.String("token", "", "the credential every request must carry")
	if err := fs.Parse(args); err != nil {
		return err
	}
	bodies, err := loadBodies(*dir)
	if err != nil {
		return err
	}
	want := []byte(*token)
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if subtle.ConstantTimeCompare([]byte(r.Header.Get("authorization")), want) != 1 {
			http.Error(w, `{"error_message":"unauthorized"}`, http.StatusUnauthorized)
			return
		}
		_, _ = io.Copy(io.Discard, r.Body)
		b, ok := bodies[strings.TrimPrefix(r.URL.Path, "/")]
		if !ok {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		_, _ = w.Write(b)
	})
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	go func() {
		<-ctx.Done()
		_ = srv.Close()
	}()
	if err := srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

func loadBodies(dir string) (map[string][]byte, error) {
	paths, err := filepath.Glob(filepath.Join(dir, "*.json"))
	if err != nil {
		return nil, err
	}
	out := map[string][]byte{}
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			return nil, err
		}
		out[strings.TrimSuffix(filepath.Base(p), ".json")] = b
	}
	return out, nil
}
