package server

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"strconv"
	"strings"
)

// net/http answers a few malformed requests itself, before any handler
// runs, with a canned plain-text response written straight to the
// connection: 431 for headers over MaxHeaderBytes, 400 for a NUL or other
// control byte in a header, a bad header name or Host, or an unreadable
// request line, 501 for an unknown transfer encoding. Clients of stackd
// expect Contentstack's JSON error body on every error, so on plain-HTTP
// listeners jsonErrorsListener rewrites those canned responses into it. On
// TLS listeners net/http needs the *tls.Conn itself, so they stay plain
// text there (docs/compatibility.md).

// cannedHeaders are the only headers net/http's canned responses carry;
// a handler's response always has more (Date, Content-Length), so a
// response whose first line is followed by exactly these is a canned one.
const cannedHeaders = "\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: close\r\n\r\n"

// jsonErrorsListener wraps a plain TCP listener; see above.
type jsonErrorsListener struct{ net.Listener }

func (l jsonErrorsListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	return &jsonErrorsConn{Conn: c}, nil
}

// jsonErrorsConn rewrites canned error responses written to it. It keeps
// the optional methods net/http looks for on a *net.TCPConn: ReadFrom
// (sendfile for asset downloads) and CloseWrite (used after a 431).
type jsonErrorsConn struct{ net.Conn }

func (c *jsonErrorsConn) Write(p []byte) (int, error) {
	if out, ok := rewriteCanned(p); ok {
		if _, err := c.Conn.Write(out); err != nil {
			return 0, err
		}
		return len(p), nil
	}
	return c.Conn.Write(p)
}

func (c *jsonErrorsConn) ReadFrom(r io.Reader) (int64, error) {
	if rf, ok := c.Conn.(io.ReaderFrom); ok {
		return rf.ReadFrom(r)
	}
	return io.Copy(c.Conn, r)
}

func (c *jsonErrorsConn) CloseWrite() error {
	if cw, ok := c.Conn.(interface{ CloseWrite() error }); ok {
		return cw.CloseWrite()
	}
	return nil
}

// rewriteCanned returns the JSON form of a canned net/http error response,
// or false when p is anything else.
func rewriteCanned(p []byte) ([]byte, bool) {
	const proto = "HTTP/1.1 "
	if !bytes.HasPrefix(p, []byte(proto)) {
		return nil, false
	}
	eol := bytes.IndexByte(p, '\r')
	if eol < 0 || !bytes.HasPrefix(p[eol:], []byte(cannedHeaders)) {
		return nil, false
	}
	status := string(p[len(proto):eol]) // "431 Request Header Fields Too Large", "400 Bad Request: invalid header value"
	code, err := strconv.Atoi(status[:min(3, len(status))])
	if err != nil || code < 400 || code > 599 {
		return nil, false
	}
	reason, detail, _ := strings.Cut(status[min(4, len(status)):], ": ")
	body, _ := json.Marshal(map[string]any{"error_message": cannedMessage(code, detail), "error_code": code, "errors": map[string]any{}})
	head := fmt.Sprintf("%s%d %s\r\nContent-Type: application/json; charset=utf-8\r\nConnection: close\r\nContent-Length: %d\r\n\r\n",
		proto, code, reason, len(body))
	return append([]byte(head), body...), true
}

func cannedMessage(code int, detail string) string {
	switch {
	case code == 431:
		return "The request's headers are too large."
	case code == 501:
		return "The request's transfer encoding is not supported."
	case detail != "":
		return "The request is malformed: " + detail + "."
	}
	return "The request is malformed."
}
