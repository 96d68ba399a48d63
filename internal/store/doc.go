// Package store keeps stackd's state in SQL: SQLite (the embedded default)
// or PostgreSQL. Every statement is written once with ? placeholders and
// explicit columns; the few engine differences live in the dialect value.
// Each resource has its own file. Lookups of a missing row return a
// *domain.Error, never (nil, nil).
package store
