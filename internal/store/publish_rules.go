package store

import (
	"context"
	"fmt"

	"github.com/stackd/stackd/internal/domain"
)

const ruleCols = `uid, api_key, workflow_uid, stage_uid, environment_uid, actions, branches, content_types, locales, approvers,
	disable_approver_publishing, created_by, updated_by, created_at, updated_at`

func scanRule(sc interface{ Scan(...any) error }) (domain.PublishRule, error) {
	var r domain.PublishRule
	var actions, branches, cts, locales, approvers string
	var created, updated int64
	if err := sc.Scan(&r.UID, &r.APIKey, &r.WorkflowUID, &r.StageUID, &r.EnvironmentUID, &actions, &branches, &cts, &locales,
		&approvers, &r.DisableApproverPublishing, &r.CreatedBy, &r.UpdatedBy, &created, &updated); err != nil {
		return r, err
	}
	r.CreatedAt, r.UpdatedAt = fromMS(created), fromMS(updated)
	return r, decodeColumns([]string{actions, branches, cts, locales, approvers},
		&r.Actions, &r.Branches, &r.ContentTypes, &r.Locales, &r.Approvers)
}

func ruleArgs(r domain.PublishRule) ([]any, error) {
	js, err := jsonColumns(r.Actions, r.Branches, r.ContentTypes, r.Locales, r.Approvers)
	if err != nil {
		return nil, err
	}
	return append(append([]any{r.UID, r.APIKey, r.WorkflowUID, r.StageUID, r.EnvironmentUID}, js...),
		r.DisableApproverPublishing, r.CreatedBy, r.UpdatedBy, ms(r.CreatedAt), ms(r.UpdatedAt)), nil
}

func errRuleNotFound() *domain.Error { return domain.ErrNotFound("publish rule", "uid") }

// rulesWhere lists publish rules matching a condition, oldest first.
func rulesWhere(ctx context.Context, c conn, where string, args ...any) ([]domain.PublishRule, error) {
	rows, err := c.query(ctx, `SELECT `+ruleCols+` FROM publish_rules WHERE `+where+` ORDER BY created_at, uid`+c.lock(), args...)
	if err != nil {
		return nil, fmt.Errorf("store: list publish rules: %w", err)
	}
	defer rows.Close()
	out := []domain.PublishRule{}
	for rows.Next() {
		r, err := scanRule(rows)
		if err != nil {
			return nil, fmt.Errorf("store: scan publish rule: %w", err)
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

func ruleByUID(ctx context.Context, c conn, apiKey, uid string) (domain.PublishRule, error) {
	rules, err := rulesWhere(ctx, c, `api_key = ? AND uid = ?`, apiKey, uid)
	if err != nil {
		return domain.PublishRule{}, err
	}
	if len(rules) == 0 {
		return domain.PublishRule{}, errRuleNotFound()
	}
	return rules[0], nil
}

// environmentUID resolves an environment named by uid or name.
func environmentUID(ctx context.Context, c conn, apiKey, nameOrUID string) (string, error) {
	env, err := envByName(ctx, c, apiKey, nameOrUID)
	if domain.IsKind(err, domain.KindInvalid) {
		return "", domain.ErrNotFound("environment", "environment")
	}
	return env.UID, err
}

// checkRule resolves r's environment to its uid and checks that r's
// workflow exists, its stage is one of the workflow's, and its approvers
// are the stack's members and roles.
func checkRule(ctx context.Context, c conn, r *domain.PublishRule, all []domain.Workflow) error {
	env, err := environmentUID(ctx, c, r.APIKey, r.EnvironmentUID)
	if err != nil {
		return err
	}
	r.EnvironmentUID = env
	w, err := findWorkflow(all, r.WorkflowUID)
	if err != nil {
		return domain.ErrNotFound("workflow", "workflow")
	}
	refs, err := stackRefs(ctx, c, r.APIKey)
	if err != nil {
		return err
	}
	return domain.CheckPublishRuleRefs(*r, w, refs)
}

// CreatePublishRule adds a publish rule and returns it as stored (with its
// environment as a uid). It fails with an invalid error when the stack
// already has domain.MaxPublishRules, or a reference is not the stack's.
func (s *Store) CreatePublishRule(ctx context.Context, r domain.PublishRule, a *domain.AuditEntry) (domain.PublishRule, error) {
	err := s.txAudit(ctx, a, func(c conn) error {
		all, err := lockedWorkflows(ctx, c, r.APIKey)
		if err != nil {
			return err
		}
		var n int
		if err := c.row(ctx, `SELECT COUNT(*) FROM publish_rules WHERE api_key = ?`, r.APIKey).Scan(&n); err != nil {
			return fmt.Errorf("store: count publish rules: %w", err)
		}
		if n >= domain.MaxPublishRules {
			return domain.Errorf(domain.KindInvalid, domain.CodeValidation,
				"A stack can have at most %d publish rules; delete one first.", domain.MaxPublishRules).
				WithField("publishing_rule", fmt.Sprintf("limit of %d reached.", domain.MaxPublishRules))
		}
		if err := checkRule(ctx, c, &r, all); err != nil {
			return err
		}
		args, err := ruleArgs(r)
		if err != nil {
			return err
		}
		if _, err := c.exec(ctx, `INSERT INTO publish_rules (`+ruleCols+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, args...); err != nil {
			return fmt.Errorf("store: insert publish rule: %w", err)
		}
		return nil
	})
	return r, err
}

// PublishRules lists a stack's publish rules, oldest first.
func (s *Store) PublishRules(ctx context.Context, apiKey string) ([]domain.PublishRule, error) {
	return rulesWhere(ctx, s.read(), `api_key = ?`, apiKey)
}

// PublishRule returns one publish rule of a stack; an unknown uid is a 422.
func (s *Store) PublishRule(ctx context.Context, apiKey, uid string) (domain.PublishRule, error) {
	return ruleByUID(ctx, s.read(), apiKey, uid)
}

// UpdatePublishRule reads a rule, lets fn change it and writes it back,
// with the checks of CreatePublishRule.
func (s *Store) UpdatePublishRule(ctx context.Context, apiKey, uid string, fn func(r *domain.PublishRule) error, a *domain.AuditEntry) (domain.PublishRule, error) {
	var out domain.PublishRule
	err := s.txAudit(ctx, a, func(c conn) error {
		all, err := lockedWorkflows(ctx, c, apiKey)
		if err != nil {
			return err
		}
		r, err := ruleByUID(ctx, c, apiKey, uid)
		if err != nil {
			return err
		}
		if err := fn(&r); err != nil {
			return err
		}
		if err := checkRule(ctx, c, &r, all); err != nil {
			return err
		}
		out = r
		args, err := ruleArgs(r)
		if err != nil {
			return err
		}
		_, err = c.exec(ctx, `UPDATE publish_rules SET workflow_uid = ?, stage_uid = ?, environment_uid = ?, actions = ?, branches = ?,
			content_types = ?, locales = ?, approvers = ?, disable_approver_publishing = ?, updated_by = ?, updated_at = ? WHERE uid = ?`,
			args[2], args[3], args[4], args[5], args[6], args[7], args[8], args[9], args[10], r.UpdatedBy, ms(r.UpdatedAt), r.UID)
		if err != nil {
			return fmt.Errorf("store: update publish rule: %w", err)
		}
		return nil
	})
	return out, err
}

// DeletePublishRule removes a rule once check, given the rule, allows it.
func (s *Store) DeletePublishRule(ctx context.Context, apiKey, uid string, check func(r domain.PublishRule) error, a *domain.AuditEntry) error {
	return s.txAudit(ctx, a, func(c conn) error {
		if _, err := stackByKey(ctx, c, apiKey); err != nil {
			return err
		}
		r, err := ruleByUID(ctx, c, apiKey, uid)
		if err != nil {
			return err
		}
		if err := check(r); err != nil {
			return err
		}
		if _, err := c.exec(ctx, `DELETE FROM publish_rules WHERE uid = ?`, uid); err != nil {
			return fmt.Errorf("store: delete publish rule: %w", err)
		}
		return nil
	})
}

// PublishRulesFor returns the rules of enabled workflows that govern q
// (see domain.RulesFor). q.Environment may name the environment or give
// its uid; an unknown environment is a 422.
func (s *Store) PublishRulesFor(ctx context.Context, apiKey string, q domain.RuleQuery) ([]domain.PublishRule, error) {
	c := s.read()
	if q.Environment != "" {
		uid, err := environmentUID(ctx, c, apiKey, q.Environment)
		if err != nil {
			return nil, err
		}
		q.Environment = uid
	}
	ws, err := workflowsOf(ctx, c, apiKey)
	if err != nil {
		return nil, err
	}
	rules, err := rulesWhere(ctx, c, `api_key = ?`, apiKey)
	if err != nil {
		return nil, err
	}
	return domain.RulesFor(rules, ws, q), nil
}
