// Package opstest holds the operations tests: they build the real stackd
// binary and run it as a separate process against real databases, then
// crash it (kill -9), crash PostgreSQL (immediate stop), fail PostgreSQL
// over to a synchronous standby, or back stackd up and restore it, under
// concurrent writes through HTTP; then they check that every write stackd
// acknowledged is there.
//
// They run only when STACKD_TEST_OPS=1 (scripts/test.sh has a stage for
// them): each takes seconds to a minute and some start their own
// PostgreSQL clusters from the binaries in /usr/lib/postgresql/*/bin. The
// package has no code outside its tests.
package opstest
