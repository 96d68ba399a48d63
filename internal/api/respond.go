package api

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/stackd/stackd/internal/domain"
)

// writeJSON writes v as the JSON body with status: the bytes
// json.Encoder writes (appendJSON), in one write with their length.
func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := appendJSON(make([]byte, 0, 1024), v)
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	if err != nil {
		w.WriteHeader(status) // as json.Encoder did: the status, no body
		return
	}
	b = append(b, '\n')
	w.Header().Set("Content-Length", strconv.Itoa(len(b)))
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

// statusOf maps an error kind to its HTTP status: the one place this happens.
func statusOf(k domain.Kind) int {
	switch k {
	case domain.KindInvalid:
		return http.StatusUnprocessableEntity
	case domain.KindBadRequest:
		return http.StatusBadRequest
	case domain.KindUnauthorized:
		return http.StatusUnauthorized
	case domain.KindStackUnknown:
		return http.StatusPreconditionFailed
	case domain.KindForbidden:
		return http.StatusForbidden
	case domain.KindNotFound:
		return http.StatusNotFound
	case domain.KindTooLarge:
		return http.StatusRequestEntityTooLarge
	case domain.KindRateLimited:
		return http.StatusTooManyRequests
	case domain.KindMethod:
		return http.StatusMethodNotAllowed
	}
	return http.StatusInternalServerError
}

// writeError answers err with Contentstack's error body. Errors that are not
// *domain.Error are server faults: logged with the request id and answered
// with a generic 500, never with their text.
func writeError(w http.ResponseWriter, r *http.Request, log *slog.Logger, err error) {
	e, ok := domain.AsError(err)
	if !ok || e.Kind == domain.KindInternal {
		log.ErrorContext(r.Context(), "request failed", "request_id", requestID(r), "err", err)
		e = domain.Errorf(domain.KindInternal, domain.CodeInternal,
			"We're sorry, but something went wrong. Please try again; if it persists, check the server log (request id %s).", requestID(r))
	}
	body := map[string]any{"error_message": e.Message, "error_code": e.Code, "errors": fieldsOrEmpty(e.Fields)}
	for k, v := range e.Extra {
		body[k] = v
	}
	writeJSON(w, statusOf(e.Kind), body)
}

func fieldsOrEmpty(f map[string][]string) map[string][]string {
	if f == nil {
		return map[string][]string{}
	}
	return f
}

// decodeJSON reads the request body into v. A wrong Content-Type or
// malformed JSON is a 400, a body over the limit a 413, and a value of the
// wrong type a 422 naming the field.
func decodeJSON(r *http.Request, v any) error {
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if mt != "application/json" {
		return domain.ErrBadRequest("Please set a valid 'Content-Type' header").WithField("content_type", "must be application/json.")
	}
	err := json.NewDecoder(r.Body).Decode(v)
	var tooBig *http.MaxBytesError
	var typeErr *json.UnmarshalTypeError
	switch {
	case err == nil:
		return nil
	case errors.As(err, &tooBig):
		return domain.Errorf(domain.KindTooLarge, domain.CodePayloadTooLarge, "The request body is larger than %d bytes.", tooBig.Limit)
	case errors.As(err, &typeErr):
		field := typeErr.Field
		return domain.ErrInvalid(field, fmt.Sprintf("must be of type %s.", jsonType(typeErr.Type.Kind().String())))
	case errors.Is(err, io.EOF):
		return domain.ErrBadRequest("The request body is empty; a JSON object was expected.")
	}
	return domain.ErrBadRequest("The request body is not valid JSON.")
}

func jsonType(goKind string) string {
	switch {
	case strings.HasPrefix(goKind, "int"), strings.HasPrefix(goKind, "uint"), strings.HasPrefix(goKind, "float"):
		return "number"
	case goKind == "map", goKind == "struct":
		return "object"
	case goKind == "slice":
		return "array"
	}
	return goKind
}

// isoTime formats t the way Contentstack does (UTC, milliseconds).
func isoTime(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z") }

// notice is the body of a write that returns no object.
func notice(msg string) map[string]any { return map[string]any{"notice": msg} }
