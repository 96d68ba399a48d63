package domain

import (
	"regexp"
	"time"
)

// Stack is a content repository inside an organization, addressed by its api_key.
type Stack struct {
	UID          string
	APIKey       string
	OrgUID       string
	Name         string
	Description  string
	MasterLocale string
	OwnerUID     string
	CreatedAt    time.Time
	UpdatedAt    time.Time
}

// StackUser is a member of a stack with the uids of their roles.
type StackUser struct {
	User     User
	RoleUIDs []string
	IsOwner  bool
}

var localeCode = regexp.MustCompile(`^[a-z]{2,3}(-[a-z0-9]{2,8})*$`)

// ValidLocaleCode reports whether s looks like a Contentstack locale code (en-us).
func ValidLocaleCode(s string) bool { return localeCode.MatchString(s) }

// ValidateStack checks a stack's name, description and master locale.
func ValidateStack(s *Stack) error {
	if err := ValidateName("name", s.Name, true, 255); err != nil {
		return err
	}
	if err := ValidateName("description", s.Description, false, 1000); err != nil {
		return err
	}
	if !ValidLocaleCode(s.MasterLocale) {
		return ErrInvalid("master_locale", "is not a valid locale code.")
	}
	return nil
}

// DefaultBranch is the one branch every stack has.
const DefaultBranch = "main"
