package domain

import (
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"time"
)

// Workflow limits, Contentstack's own (spec §6.6).
const (
	MaxWorkflows            = 10  // per stack
	MinStages               = 2   // per workflow
	MaxStages               = 20  // per workflow
	MaxWorkflowContentTypes = 100 // per workflow
	MaxSuperUsers           = 100 // admin_users.users per workflow
	MaxStageUsers           = 100 // SYS_ACL.users.uids per stage
	MaxStageRoles           = 100 // SYS_ACL.roles.uids per stage
	MaxNextStages           = 20  // next_available_stages per stage
)

// All is Contentstack's wildcard: every content type, stage, user or role.
const All = "$all"

// UIDList is Contentstack's {"uids": [...]} wrapper.
type UIDList struct {
	UIDs []string `json:"uids"`
}

// StageACL says who may move entries into or out of a stage: users and
// roles by uid, or everyone with "$all". Others is kept as given.
type StageACL struct {
	Roles  UIDList         `json:"roles"`
	Users  UIDList         `json:"users"`
	Others json.RawMessage `json:"others"`
}

// DefaultStageACL is the ACL of a stage sent without SYS_ACL: open to all users.
func DefaultStageACL() StageACL {
	return StageACL{Users: UIDList{UIDs: []string{All}}, Roles: UIDList{UIDs: []string{}}, Others: json.RawMessage("{}")}
}

// OpenToAll reports whether every user (and so a management token) may
// move entries into or out of the stage.
func (a StageACL) OpenToAll() bool { return slices.Contains(a.Users.UIDs, All) }

// admits reports whether the user with roleUIDs is named by the ACL.
func (a StageACL) admits(userUID string, roleUIDs []string) bool {
	if a.OpenToAll() || slices.Contains(a.Roles.UIDs, All) {
		return true
	}
	if userUID != "" && slices.Contains(a.Users.UIDs, userUID) {
		return true
	}
	for _, r := range roleUIDs {
		if slices.Contains(a.Roles.UIDs, r) {
			return true
		}
	}
	return false
}

// WorkflowStage is one stage of a workflow. The flags AllStages, AllUsers,
// SpecificStages and SpecificUsers are derived from NextAvailableStages and
// SYS_ACL by NormalizeWorkflow; what a client sends for them is ignored.
type WorkflowStage struct {
	UID                 string   `json:"uid"`
	Name                string   `json:"name"`
	Color               string   `json:"color"`
	SysACL              StageACL `json:"SYS_ACL"`
	NextAvailableStages []string `json:"next_available_stages"`
	AllStages           bool     `json:"allStages"`
	AllUsers            bool     `json:"allUsers"`
	SpecificStages      bool     `json:"specificStages"`
	SpecificUsers       bool     `json:"specificUsers"`
	EntryLock           string   `json:"entry_lock"`
}

// Principals names users and roles: a workflow's admin_users (its
// superusers) and a publish rule's approvers.
type Principals struct {
	Users []string `json:"users"`
	Roles []string `json:"roles"`
}

// Any reports whether p names any user or role.
func (p Principals) Any() bool { return len(p.Users) > 0 || len(p.Roles) > 0 }

// Workflow is a sequence of review stages for the entries of some content
// types on some branches.
type Workflow struct {
	UID          string
	APIKey       string
	Name         string
	Description  string
	Enabled      bool
	Branches     []string
	ContentTypes []string // content type uids or "$all"
	AdminUsers   Principals
	Stages       []WorkflowStage
	CreatedBy    string
	UpdatedBy    string
	CreatedAt    time.Time
	UpdatedAt    time.Time
}

// Stage returns the stage of w with uid.
func (w Workflow) Stage(uid string) (WorkflowStage, bool) {
	for _, s := range w.Stages {
		if s.UID == uid {
			return s, true
		}
	}
	return WorkflowStage{}, false
}

// covers reports whether w applies to content type ct on branch.
func (w Workflow) covers(ct, branch string) bool {
	return (slices.Contains(w.ContentTypes, All) || slices.Contains(w.ContentTypes, ct)) && slices.Contains(w.Branches, branch)
}

var (
	contentTypeUID = regexp.MustCompile(`^[a-z][a-z0-9_]*$`)
	stageUID       = regexp.MustCompile(`^[A-Za-z0-9_-]{1,64}$`)
	hexColor       = regexp.MustCompile(`^#([0-9a-fA-F]{3}|[0-9a-fA-F]{6})$`)
	entryLocks     = []string{"$none", "$others", "$all"}
)

// ValidContentTypeUID reports whether s can name a content type.
func ValidContentTypeUID(s string) bool { return contentTypeUID.MatchString(s) }

// AssignStageUIDs gives every stage without a uid one: the uid of the
// previous stage with the same name when there is one (so a PUT that
// omits uids keeps them), otherwise a new one.
func AssignStageUIDs(stages, previous []WorkflowStage) {
	for i := range stages {
		if stages[i].UID != "" {
			continue
		}
		for _, p := range previous {
			if p.Name == stages[i].Name {
				stages[i].UID = p.UID
			}
		}
		if stages[i].UID == "" {
			stages[i].UID = NewUID()
		}
	}
}

// NormalizeWorkflow fills defaults (branch main, empty lists, entry lock
// $none) and the derived stage flags, then validates everything that can
// be checked without the stack: names, counts, uids' syntax, no NUL or
// invalid UTF-8 in any text, and that next_available_stages name stages of
// the same workflow.
func NormalizeWorkflow(w *Workflow) error {
	if err := ValidateName("name", w.Name, true, 255); err != nil {
		return err
	}
	if err := ValidateName("description", w.Description, false, 1000); err != nil {
		return err
	}
	if err := cleanTexts("name", w.Name); err != nil {
		return err
	}
	if err := cleanTexts("description", w.Description); err != nil {
		return err
	}
	if len(w.Branches) == 0 {
		w.Branches = []string{DefaultBranch}
	}
	if err := validBranches("branches", w.Branches); err != nil {
		return err
	}
	w.ContentTypes = nonNilList(w.ContentTypes)
	if err := validContentTypes("content_types", w.ContentTypes, MaxWorkflowContentTypes); err != nil {
		return err
	}
	w.AdminUsers = normalPrincipals(w.AdminUsers)
	if err := cleanTexts("admin_users", append(slices.Clone(w.AdminUsers.Users), w.AdminUsers.Roles...)...); err != nil {
		return err
	}
	if len(w.AdminUsers.Users) > MaxSuperUsers {
		return ErrInvalid("admin_users.users", fmt.Sprintf("may name at most %d users.", MaxSuperUsers))
	}
	return normalizeStages(w.Stages)
}

func normalizeStages(stages []WorkflowStage) error {
	if len(stages) < MinStages || len(stages) > MaxStages {
		return Errorf(KindInvalid, CodeValidation, "A workflow must have between %d and %d stages.", MinStages, MaxStages).
			WithField("workflow_stages", fmt.Sprintf("must have %d to %d stages.", MinStages, MaxStages))
	}
	names, uids := map[string]bool{}, map[string]bool{}
	for i := range stages {
		s := &stages[i]
		field := fmt.Sprintf("workflow_stages.%d", i)
		if err := ValidateName(field+".name", s.Name, true, 100); err != nil {
			return err
		}
		if err := cleanTexts(field+".name", s.Name); err != nil {
			return err
		}
		if names[s.Name] {
			return ErrInvalid(field+".name", fmt.Sprintf("%q is the name of another stage of this workflow.", s.Name))
		}
		if !stageUID.MatchString(s.UID) || uids[s.UID] {
			return ErrInvalid(field+".uid", "must be unique in the workflow and made of letters, digits, _ or - (at most 64).")
		}
		names[s.Name], uids[s.UID] = true, true
		if err := normalizeStage(field, s); err != nil {
			return err
		}
	}
	for i, s := range stages {
		for _, next := range s.NextAvailableStages {
			if next != All && !uids[next] {
				return ErrInvalid(fmt.Sprintf("workflow_stages.%d.next_available_stages", i),
					fmt.Sprintf("%q is not a stage of this workflow.", next))
			}
		}
	}
	return nil
}

func normalizeStage(field string, s *WorkflowStage) error {
	if s.Color != "" && !hexColor.MatchString(s.Color) {
		return ErrInvalid(field+".color", "must be a hex color such as #2196f3.")
	}
	if s.EntryLock == "" {
		s.EntryLock = "$none"
	}
	if !slices.Contains(entryLocks, s.EntryLock) {
		return ErrInvalid(field+".entry_lock", "must be $none, $others or $all.")
	}
	s.NextAvailableStages = nonNilList(s.NextAvailableStages)
	if len(s.NextAvailableStages) > MaxNextStages {
		return ErrInvalid(field+".next_available_stages", fmt.Sprintf("may name at most %d stages.", MaxNextStages))
	}
	a := &s.SysACL
	a.Users.UIDs, a.Roles.UIDs = nonNilList(a.Users.UIDs), nonNilList(a.Roles.UIDs)
	if len(a.Users.UIDs) > MaxStageUsers || len(a.Roles.UIDs) > MaxStageRoles {
		return ErrInvalid(field+".SYS_ACL", fmt.Sprintf("may name at most %d users and %d roles.", MaxStageUsers, MaxStageRoles))
	}
	if len(a.Others) == 0 || string(a.Others) == "null" {
		a.Others = json.RawMessage("{}")
	}
	var others map[string]any
	if json.Unmarshal(a.Others, &others) != nil {
		return ErrInvalid(field+".SYS_ACL.others", "must be an object.")
	}
	if err := CleanJSON(field+".SYS_ACL.others", a.Others); err != nil {
		return err
	}
	if err := cleanTexts(field+".SYS_ACL", append(slices.Clone(a.Users.UIDs), a.Roles.UIDs...)...); err != nil {
		return err
	}
	s.AllStages = slices.Contains(s.NextAvailableStages, All)
	s.SpecificStages = !s.AllStages
	s.AllUsers = a.OpenToAll()
	s.SpecificUsers = !s.AllUsers
	return nil
}

func validBranches(field string, bs []string) error {
	for _, b := range bs {
		if !ValidBranchUID(b) {
			return ErrInvalid(field, fmt.Sprintf("%q is not a valid branch uid.", b))
		}
	}
	return nil
}

func validContentTypes(field string, cts []string, max int) error {
	if len(cts) > max {
		return ErrInvalid(field, fmt.Sprintf("may name at most %d content types.", max))
	}
	for _, ct := range cts {
		if ct != All && !ValidContentTypeUID(ct) {
			return ErrInvalid(field, fmt.Sprintf("%q is not a valid content type uid.", ct))
		}
	}
	return nil
}

func normalPrincipals(p Principals) Principals {
	return Principals{Users: nonNilList(p.Users), Roles: nonNilList(p.Roles)}
}

func nonNilList(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// StackRefs are the facts about a stack that references are checked
// against: the uids of its roles and of its members.
type StackRefs struct {
	Roles   map[string]bool
	Members map[string]bool
}

func (r StackRefs) checkUsers(field string, uids []string, allowAll bool) error {
	for _, u := range uids {
		if !(allowAll && u == All) && !r.Members[u] {
			return ErrInvalid(field, fmt.Sprintf("%q is not a member of this stack.", u))
		}
	}
	return nil
}

func (r StackRefs) checkRoles(field string, uids []string, allowAll bool) error {
	for _, u := range uids {
		if !(allowAll && u == All) && !r.Roles[u] {
			return ErrInvalid(field, fmt.Sprintf("%q is not a role of this stack.", u))
		}
	}
	return nil
}

// CheckWorkflowRefs checks that the users a workflow names are members of
// the stack and its roles are roles of the stack.
func CheckWorkflowRefs(w Workflow, refs StackRefs) error {
	if err := refs.checkUsers("admin_users.users", w.AdminUsers.Users, false); err != nil {
		return err
	}
	if err := refs.checkRoles("admin_users.roles", w.AdminUsers.Roles, false); err != nil {
		return err
	}
	for i, s := range w.Stages {
		field := fmt.Sprintf("workflow_stages.%d.SYS_ACL", i)
		if err := refs.checkUsers(field+".users.uids", s.SysACL.Users.UIDs, true); err != nil {
			return err
		}
		if err := refs.checkRoles(field+".roles.uids", s.SysACL.Roles.UIDs, true); err != nil {
			return err
		}
	}
	return nil
}

// CheckWorkflowConflicts enforces Contentstack's rule that a content type
// belongs to at most one enabled workflow (per branch): an enabled w may
// share no content type and branch with another enabled workflow of
// others ("$all" shares every content type).
func CheckWorkflowConflicts(w Workflow, others []Workflow) error {
	if !w.Enabled {
		return nil
	}
	for _, o := range others {
		if o.UID == w.UID || !o.Enabled || !overlap(w.Branches, o.Branches) {
			continue
		}
		if ct, ok := sharedContentType(w.ContentTypes, o.ContentTypes); ok {
			return Errorf(KindInvalid, CodeValidation,
				"The content type '%s' is already part of the enabled workflow '%s'; a content type can belong to only one enabled workflow.", ct, o.Name).
				WithField("content_types", fmt.Sprintf("%q is in the enabled workflow %s.", ct, o.UID))
		}
	}
	return nil
}

func overlap(a, b []string) bool {
	for _, x := range a {
		if slices.Contains(b, x) {
			return true
		}
	}
	return false
}

func sharedContentType(a, b []string) (string, bool) {
	for _, x := range a {
		switch {
		case x == All && len(b) > 0:
			return b[0], true
		case slices.Contains(b, x) || slices.Contains(b, All):
			return x, true
		}
	}
	return "", false
}

// WorkflowFor returns the enabled workflow that applies to content type ct
// on branch, if any. CheckWorkflowConflicts keeps it unique.
func WorkflowFor(ws []Workflow, ct, branch string) (Workflow, bool) {
	for _, w := range ws {
		if w.Enabled && w.covers(ct, branch) {
			return w, true
		}
	}
	return Workflow{}, false
}

// Mover is who asks to move an entry from one workflow stage to another:
// a user with the uids of their roles on the stack, or a management token.
type Mover struct {
	Token     bool // a management token: no user, no roles
	UserUID   string
	RoleUIDs  []string
	Superuser bool // the stack's owner or an Admin: workflow superusers by right
}

// MoverOf is the Mover of a request's principal; roleUIDs are the uids of
// the user's roles on the stack (store.Access.RoleUIDs). The stack's owner
// and holders of the Admin role are superusers.
func MoverOf(p Principal, roleUIDs []string) Mover {
	if p.Kind == CredManagement {
		return Mover{Token: true}
	}
	return Mover{UserUID: p.UserUID, RoleUIDs: roleUIDs, Superuser: p.IsOwner || slices.Contains(p.Builtins, RoleAdmin)}
}

// CheckStageMove decides whether m may move an entry governed by w from
// stage from ("" when the entry has no stage yet) to stage to. It returns
// nil when the move is allowed;
//   - an invalid error (422) when w is disabled, when from or to is not a
//     stage of w, or when to is not among from's next_available_stages;
//   - ErrForbidden (403, 162) when m is not admitted: a user must be named
//     (by uid, by one of their roles, or "$all") in the SYS_ACL of both
//     the stage the entry leaves and the stage it enters; a management
//     token only when both are open to all users (users.uids has "$all").
//
// Superusers (the stack's owner and admins, and the workflow's admin_users)
// skip next_available_stages and SYS_ACL; a token is never a superuser.
func CheckStageMove(w Workflow, from, to string, m Mover) error {
	if !w.Enabled {
		return ErrInvalid("workflow", "is disabled.")
	}
	target, ok := w.Stage(to)
	if !ok {
		return ErrInvalid("workflow_stage.uid", fmt.Sprintf("%q is not a stage of the workflow.", to))
	}
	var source *WorkflowStage
	if from != "" {
		s, ok := w.Stage(from)
		if !ok {
			return ErrInvalid("workflow_stage.uid", fmt.Sprintf("the entry's stage %q is not a stage of the workflow.", from))
		}
		source = &s
	}
	if !m.Token && (m.Superuser || w.superuser(m)) {
		return nil
	}
	if source != nil && !slices.Contains(source.NextAvailableStages, All) && !slices.Contains(source.NextAvailableStages, to) {
		return ErrInvalid("workflow_stage.uid", fmt.Sprintf("entries in stage %q cannot move to stage %q.", source.Name, target.Name))
	}
	if !m.admittedBy(target.SysACL) || source != nil && !m.admittedBy(source.SysACL) {
		return ErrForbidden()
	}
	return nil
}

func (m Mover) admittedBy(a StageACL) bool {
	if m.Token {
		return a.OpenToAll()
	}
	return a.admits(m.UserUID, m.RoleUIDs)
}

// superuser reports whether the workflow's admin_users name m.
func (w Workflow) superuser(m Mover) bool {
	if m.UserUID != "" && slices.Contains(w.AdminUsers.Users, m.UserUID) {
		return true
	}
	return overlap(m.RoleUIDs, w.AdminUsers.Roles)
}

// PublishRule makes publishing (or unpublishing) entries of some content
// types, locales and branches to an environment depend on a workflow
// stage and, when it names approvers, on their approval.
type PublishRule struct {
	UID                       string
	APIKey                    string
	WorkflowUID               string
	StageUID                  string
	Actions                   []string // "publish", "unpublish"
	Branches                  []string
	ContentTypes              []string // content type uids or "$all"
	Locales                   []string // locale codes or "$all"
	EnvironmentUID            string   // stored as a uid; a request may name the environment
	Approvers                 Principals
	DisableApproverPublishing bool
	CreatedBy                 string
	UpdatedBy                 string
	CreatedAt                 time.Time
	UpdatedAt                 time.Time
}
