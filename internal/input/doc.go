// Package input reads what clients send that needs no storage to check:
// JSON bodies, list parameters, projections, version numbers, publish and
// bulk targets, and multipart asset uploads. Every refusal is a
// domain.Error of a client kind (400, 413 or 422), never a server fault.
//
// It lives apart from package api so that its fuzz tests build quickly: a
// fuzzing build instruments every package the test depends on, and api's
// dependencies include both SQL drivers.
package input
