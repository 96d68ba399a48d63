package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/stackd/stackd/internal/domain"
)

const approvalCols = `api_key, rule_uid, entry_uid, locale, environment_uid, action, content_type_uid, status, entry_version,
	requested_by, requested_at, request_comment, decided_by, decided_at, decision_comment`

func scanApproval(sc scanner) (domain.PublishApproval, error) {
	var p domain.PublishApproval
	var requested, decided int64
	err := sc.Scan(&p.APIKey, &p.RuleUID, &p.EntryUID, &p.Locale, &p.EnvironmentUID, &p.Action, &p.ContentType, &p.Status, &p.EntryVersion,
		&p.RequestedBy, &requested, &p.RequestComment, &p.DecidedBy, &decided, &p.DecisionComment)
	p.RequestedAt = fromMS(requested)
	if decided != 0 {
		p.DecidedAt = fromMS(decided)
	}
	return p, err
}

// approvalOf reads the request of one locale of an entry under a rule, to
// an environment, for an action (locked inside a write transaction); nil
// when there is none.
func approvalOf(ctx context.Context, c conn, apiKey, entryUID, locale, ruleUID, envUID, action string) (*domain.PublishApproval, error) {
	p, err := scanApproval(c.row(ctx, `SELECT `+approvalCols+` FROM publish_approvals
		WHERE api_key = ? AND entry_uid = ? AND locale = ? AND rule_uid = ? AND environment_uid = ? AND action = ?`+c.lock(),
		apiKey, entryUID, locale, ruleUID, envUID, action))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("store: read publish request of entry %s: %w", entryUID, err)
	}
	return &p, nil
}

func writeApproval(ctx context.Context, c conn, p domain.PublishApproval) error {
	decided := int64(0)
	if !p.DecidedAt.IsZero() {
		decided = ms(p.DecidedAt)
	}
	_, err := c.exec(ctx, `INSERT INTO publish_approvals (`+approvalCols+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (api_key, entry_uid, locale, rule_uid, environment_uid, action) DO UPDATE SET
		content_type_uid = excluded.content_type_uid, status = excluded.status, entry_version = excluded.entry_version,
		requested_by = excluded.requested_by, requested_at = excluded.requested_at, request_comment = excluded.request_comment,
		decided_by = excluded.decided_by, decided_at = excluded.decided_at, decision_comment = excluded.decision_comment`,
		p.APIKey, p.RuleUID, p.EntryUID, p.Locale, p.EnvironmentUID, p.Action, p.ContentType, p.Status, p.EntryVersion,
		p.RequestedBy, ms(p.RequestedAt), p.RequestComment, p.DecidedBy, decided, p.DecisionComment)
	if err != nil {
		return fmt.Errorf("store: write publish request of entry %s: %w", p.EntryUID, err)
	}
	return nil
}

// ApprovalRequest is a publish request (an approval asked for), or an approver's answer to one, on
// one locale of an entry.
type ApprovalRequest struct {
	APIKey      string
	ContentType string
	EntryUID    string
	Locale      string
	Branch      string
	Decision    domain.PublishDecision
	By          string
	At          time.Time
}

// DecidePublishRequest records a publish request or its answer and returns
// the stored request and the rule's environment (for the notice). Once
// the rule and its environment are read, check decides whether the caller
// may (403 otherwise); then the rule must be one of the workflow governing
// the entry, apply to it and name approvers (422), and
// domain.ApplyPublishDecision decides the new state. Unknown content type
// 118, entry 141, rule 422.
func (s *Store) DecidePublishRequest(ctx context.Context, req ApprovalRequest, check func(r domain.PublishRule, env domain.Environment) error,
	a *domain.AuditEntry) (domain.PublishApproval, domain.Environment, error) {
	var out domain.PublishApproval
	var env domain.Environment
	d := req.Decision
	err := s.txAudit(ctx, a, func(c conn) error {
		if _, err := entryOf(ctx, c, req.APIKey, req.ContentType, req.EntryUID, req.Locale); err != nil {
			return err
		}
		e, err := entryRow(ctx, c, req.APIKey, req.EntryUID, req.Locale)
		if err != nil {
			return err
		}
		rule, err := ruleByUID(ctx, c, req.APIKey, d.RuleUID)
		if domain.IsKind(err, domain.KindInvalid) {
			return domain.ErrNotFound("publish rule", "publishing_rule.uid")
		}
		if err != nil {
			return err
		}
		if env, err = envByName(ctx, c, req.APIKey, rule.EnvironmentUID); err != nil {
			return err
		}
		if err := check(rule, env); err != nil {
			return err
		}
		w, err := governingWorkflow(ctx, c, req.APIKey, req.ContentType, req.Branch)
		if err != nil {
			return err
		}
		q := domain.RuleQuery{ContentType: req.ContentType, Locale: req.Locale, Environment: env.UID, Action: d.Action, Branch: req.Branch}
		if err := domain.CheckRuleGoverns(rule, w, q); err != nil {
			return err
		}
		if !rule.Approvers.Any() {
			return domain.ErrInvalid("publishing_rule.uid", fmt.Sprintf("the publish rule %s names no approvers: nothing to request.", rule.UID))
		}
		return decideRequest(ctx, c, req, rule, w, e.Version, &out)
	})
	return out, env, err
}

func decideRequest(ctx context.Context, c conn, req ApprovalRequest, rule domain.PublishRule, w domain.Workflow, version int, out *domain.PublishApproval) error {
	d := req.Decision
	cur, err := stageOf(ctx, c, req.APIKey, req.EntryUID, req.Locale)
	if err != nil {
		return err
	}
	prev, err := approvalOf(ctx, c, req.APIKey, req.EntryUID, req.Locale, rule.UID, rule.EnvironmentUID, d.Action)
	if err != nil {
		return err
	}
	next, err := domain.ApplyPublishDecision(prev, d, rule, version, domain.CurrentStage(w, cur), req.By, req.At)
	if err != nil {
		return err
	}
	next.APIKey, next.RuleUID, next.ContentType, next.EntryUID = req.APIKey, rule.UID, req.ContentType, req.EntryUID
	next.Locale, next.EnvironmentUID, next.Action = req.Locale, rule.EnvironmentUID, d.Action
	*out = next
	return writeApproval(ctx, c, next)
}

// EntryFacts reads what publish rules look at for one locale of an entry:
// its stored stage, its current version (0 when it has no content in the
// locale) and its publish requests.
func (s *Store) EntryFacts(ctx context.Context, apiKey, entryUID, locale string) (domain.EntryFacts, error) {
	c := s.read()
	var f domain.EntryFacts
	var err error
	if f.Stage, err = stageOf(ctx, c, apiKey, entryUID, locale); err != nil {
		return f, err
	}
	err = c.row(ctx, `SELECT version FROM entries WHERE api_key = ? AND uid = ? AND locale = ?`, apiKey, entryUID, locale).Scan(&f.Version)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return f, fmt.Errorf("store: read version of entry %s: %w", entryUID, err)
	}
	f.Approvals, err = queryList(ctx, c, "publish requests", scanApproval,
		`SELECT `+approvalCols+` FROM publish_approvals WHERE api_key = ? AND entry_uid = ? AND locale = ?`, apiKey, entryUID, locale)
	return f, err
}
