// Package api is stackd's HTTP layer: one route table (routes.go) that
// declares every route with the credentials it accepts and the permission it
// needs, thin handlers that parse, validate, make one store call and
// respond, and every response written through writeJSON or writeError.
package api
