package server

import (
	"context"
	"time"
)

// maintainEvery is how often the server keeps its database in shape.
const maintainEvery = time.Hour

// maintain runs until ctx ends: every hour it refreshes the planner's
// statistics (store.Optimize) and deletes audit items older than the
// retention (Config.AuditRetentionDays; 0 keeps them forever). Failures
// are logged: they slow queries or keep old rows, nothing more.
func (s *Server) maintain(ctx context.Context) {
	t := time.NewTicker(maintainEvery)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		if err := s.store.Optimize(ctx); err != nil {
			s.cfg.Logger.WarnContext(ctx, "could not refresh the planner's statistics", "err", err)
		}
		if s.cfg.AuditRetentionDays <= 0 {
			continue
		}
		cutoff := s.cfg.Now().AddDate(0, 0, -s.cfg.AuditRetentionDays)
		if n, err := s.store.PruneAudit(ctx, cutoff, 1000); err != nil {
			s.cfg.Logger.WarnContext(ctx, "could not prune the audit log", "err", err)
		} else if n > 0 {
			s.cfg.Logger.InfoContext(ctx, "pruned the audit log", "deleted", n, "before", cutoff.Format(time.RFC3339))
		}
	}
}
