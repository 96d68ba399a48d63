package server

import (
	"fmt"
	"testing"
)

func jsonAnswer(status, body string) string {
	return fmt.Sprintf("HTTP/1.1 %s\r\nContent-Type: application/json; charset=utf-8\r\nConnection: close\r\nContent-Length: %d\r\n\r\n%s",
		status, len(body), body)
}

func TestRewriteCanned(t *testing.T) {
	cases := []struct {
		name, in, want string
	}{
		{"431", "HTTP/1.1 431 Request Header Fields Too Large" + cannedHeaders + "431 Request Header Fields Too Large",
			jsonAnswer("431 Request Header Fields Too Large", `{"error_code":431,"error_message":"The request's headers are too large.","errors":{}}`)},
		{"400 with detail", "HTTP/1.1 400 Bad Request: invalid header name" + cannedHeaders + "400 Bad Request: invalid header name",
			jsonAnswer("400 Bad Request", `{"error_code":400,"error_message":"The request is malformed: invalid header name.","errors":{}}`)},
		{"501", "HTTP/1.1 501 Not Implemented" + cannedHeaders + "Unsupported transfer encoding",
			jsonAnswer("501 Not Implemented", `{"error_code":501,"error_message":"The request's transfer encoding is not supported.","errors":{}}`)},
		{"a handler's answer", "HTTP/1.1 400 Bad Request\r\nContent-Type: application/json; charset=utf-8\r\nDate: x\r\n\r\n{}", ""},
		{"a handler's plain text", "HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: close\r\nDate: x\r\n\r\nno", ""},
		{"a body chunk", "HTTP/1.1 is a protocol", ""},
		{"a 200", "HTTP/1.1 200 OK" + cannedHeaders, ""},
	}
	for _, c := range cases {
		got, ok := rewriteCanned([]byte(c.in))
		if ok != (c.want != "") || string(got) != c.want {
			t.Errorf("%s: rewriteCanned = %q, %v\nwant %q", c.name, got, ok, c.want)
		}
	}
}
