package input

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strings"
	"unicode/utf8"

	"github.com/stackd/stackd/internal/domain"
)

// DecodeJSON reads the request body into v. A wrong Content-Type, a body
// that is not UTF-8 (RFC 8259 requires it) or malformed JSON is a 400, a
// body over the limit a 413, and a value of the wrong type, or a string or
// key holding a NUL character (which PostgreSQL cannot store), a 422
// naming the field. Values kept as sent (json.RawMessage) are therefore
// always valid UTF-8, which PostgreSQL requires of text. Every JSON body
// passes here, so these checks hold for every route and both engines.
func DecodeJSON(r *http.Request, v any) error {
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if mt != "application/json" {
		return domain.ErrBadRequest("Please set a valid 'Content-Type' header").WithField("content_type", "must be application/json.")
	}
	body, err := io.ReadAll(r.Body)
	if err == nil && !utf8.Valid(body) {
		return domain.ErrBadRequest("The request body is not valid JSON: it is not UTF-8.")
	}
	if err == nil {
		err = json.NewDecoder(bytes.NewReader(body)).Decode(v)
	}
	if err == nil && domain.JSONHasNUL(body) {
		var doc any
		_ = json.NewDecoder(bytes.NewReader(body)).Decode(&doc) // decoded once already
		return domain.NoNUL("", doc)
	}
	return decodeError(err)
}

// decodeError classifies a failure to read or decode a JSON body.
func decodeError(err error) error {
	var tooBig *http.MaxBytesError
	var typeErr *json.UnmarshalTypeError
	switch {
	case err == nil:
		return nil
	case errors.As(err, &tooBig):
		return domain.Errorf(domain.KindTooLarge, domain.CodePayloadTooLarge, "The request body is larger than %d bytes.", tooBig.Limit)
	case errors.As(err, &typeErr):
		return domain.ErrInvalid(typeErr.Field, fmt.Sprintf("must be of type %s.", jsonType(typeErr.Type.Kind().String())))
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
