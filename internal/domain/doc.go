// Package domain holds stackd's types, validation rules, error codes and the
// permission model. It performs no I/O: it imports neither net/http nor
// database/sql, so every rule here can be tested as a plain function.
package domain
