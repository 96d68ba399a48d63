package domain

import (
	"fmt"
	"net/mail"
	"net/url"
	"slices"
	"strings"
	"time"
)

// Webhook is a request Contentstack would send to its destinations when an
// event of one of its channels happens. stackd stores webhooks, shows them
// and lets them be exported and imported, but never calls their targets.
type Webhook struct {
	UID            string
	APIKey         string
	Name           string
	Destinations   []WebhookDestination
	Sealed         []byte // the destinations' secrets, encrypted; see WithoutSecrets
	Channels       []string
	Branches       []string
	Notifiers      []string
	RetryPolicy    string // "manual" or "automatic"
	Disabled       bool
	ConcisePayload bool
	CreatedBy      string
	UpdatedBy      string
	CreatedAt      time.Time
	UpdatedAt      time.Time
}

// WebhookDestination is a URL a webhook posts to, with the credentials to
// send. HTTPBasicPassword, BearerToken, ClientSecret and the values of the
// custom headers are secrets.
type WebhookDestination struct {
	TargetURL              string          `json:"target_url"`
	HTTPBasicAuth          string          `json:"http_basic_auth,omitempty"`
	HTTPBasicPassword      string          `json:"http_basic_password,omitempty"`
	AuthenticationType     string          `json:"authentication_type,omitempty"`
	BearerToken            string          `json:"bearer_token,omitempty"`
	AccessTokenURL         string          `json:"access_token_url,omitempty"`
	ClientID               string          `json:"client_id,omitempty"`
	ClientSecret           string          `json:"client_secret,omitempty"`
	RequestQueryParameters string          `json:"request_query_parameters,omitempty"`
	CustomHeader           []WebhookHeader `json:"custom_header"`
}

// WebhookHeader is a header a destination adds to its requests.
type WebhookHeader struct {
	HeaderName string `json:"header_name"`
	Value      string `json:"value"`
}

// WebhookSecrets are the secret values of one destination, in the order of
// its headers.
type WebhookSecrets struct {
	HTTPBasicPassword string   `json:"http_basic_password,omitempty"`
	BearerToken       string   `json:"bearer_token,omitempty"`
	ClientSecret      string   `json:"client_secret,omitempty"`
	HeaderValues      []string `json:"header_values,omitempty"`
}

// MaskedSecret is how Contentstack shows a stored password. A secret sent
// back as this value on update means "keep the stored one".
const MaskedSecret = "********"

// WebhookAuthTypes are the destination authentication types Contentstack
// documents ("" when a client does not say).
var WebhookAuthTypes = []string{"", "None", "Basic", "Bearer", "OAuth2"}

// WithoutSecrets returns a copy of w whose destinations carry no secret,
// and the secrets taken out, one item per destination. The copy is what
// may be stored once the secrets are sealed; w is left unchanged.
func (w Webhook) WithoutSecrets() (Webhook, []WebhookSecrets) {
	secrets := make([]WebhookSecrets, len(w.Destinations))
	dests := make([]WebhookDestination, len(w.Destinations))
	for i, d := range w.Destinations {
		s := WebhookSecrets{HTTPBasicPassword: d.HTTPBasicPassword, BearerToken: d.BearerToken, ClientSecret: d.ClientSecret}
		d.HTTPBasicPassword, d.BearerToken, d.ClientSecret = "", "", ""
		headers := make([]WebhookHeader, len(d.CustomHeader))
		for j, h := range d.CustomHeader {
			s.HeaderValues = append(s.HeaderValues, h.Value)
			headers[j] = WebhookHeader{HeaderName: h.HeaderName}
		}
		d.CustomHeader = headers
		dests[i], secrets[i] = d, s
	}
	w.Destinations = dests
	return w, secrets
}

// WithSecrets returns a copy of w with secrets put back into its
// destinations: the inverse of WithoutSecrets.
func (w Webhook) WithSecrets(secrets []WebhookSecrets) (Webhook, error) {
	if len(secrets) != len(w.Destinations) {
		return w, fmt.Errorf("domain: webhook %s has %d destinations but %d sets of secrets", w.UID, len(w.Destinations), len(secrets))
	}
	dests := make([]WebhookDestination, len(w.Destinations))
	for i, d := range w.Destinations {
		s := secrets[i]
		if len(s.HeaderValues) != len(d.CustomHeader) {
			return w, fmt.Errorf("domain: webhook %s destination %d has %d headers but %d header secrets", w.UID, i, len(d.CustomHeader), len(s.HeaderValues))
		}
		d.HTTPBasicPassword, d.BearerToken, d.ClientSecret = s.HTTPBasicPassword, s.BearerToken, s.ClientSecret
		headers := make([]WebhookHeader, len(d.CustomHeader))
		for j, h := range d.CustomHeader {
			headers[j] = WebhookHeader{HeaderName: h.HeaderName, Value: s.HeaderValues[j]}
		}
		d.CustomHeader = headers
		dests[i] = d
	}
	w.Destinations = dests
	return w, nil
}

// HasSecretsInClear reports whether any destination still carries a
// secret: such a webhook must not be stored.
func (w Webhook) HasSecretsInClear() bool {
	for _, d := range w.Destinations {
		if d.HTTPBasicPassword != "" || d.BearerToken != "" || d.ClientSecret != "" {
			return true
		}
		for _, h := range d.CustomHeader {
			if h.Value != "" {
				return true
			}
		}
	}
	return false
}

// KeepMaskedSecrets replaces every secret of next given as MaskedSecret
// with the stored one, so that a client may send back a webhook as it was
// shown masked without erasing its secrets. A masked secret is kept only for
// a destination whose target_url is unchanged (the stored destination at the
// same index, or else the first with that URL; a header's value from the
// header of the same name): a secret is never sent to a URL it was not
// given for. A masked secret of a destination whose URL is new is a 422
// naming the field. A masked value where nothing is stored stays as sent,
// and so does every value of a webhook being created (prev empty): an
// exported webhook (csdx) carries its secrets masked and is imported so.
func KeepMaskedSecrets(prev, next []WebhookDestination) error {
	if len(prev) == 0 {
		return nil
	}
	for i := range next {
		n := &next[i]
		p, found := sameDestination(prev, i, n.TargetURL)
		if !found {
			if f := firstMasked(*n); f != "" {
				return ErrInvalid(fmt.Sprintf("destinations.%d.%s", i, f),
					"was sent masked, but the target_url changed: send the secret again for the new URL.")
			}
			continue
		}
		keepSecret(&n.HTTPBasicPassword, p.HTTPBasicPassword)
		keepSecret(&n.BearerToken, p.BearerToken)
		keepSecret(&n.ClientSecret, p.ClientSecret)
		for j := range n.CustomHeader {
			for _, ph := range p.CustomHeader {
				if ph.HeaderName == n.CustomHeader[j].HeaderName {
					keepSecret(&n.CustomHeader[j].Value, ph.Value)
					break
				}
			}
		}
	}
	return nil
}

func keepSecret(dst *string, stored string) {
	if *dst == MaskedSecret && stored != "" {
		*dst = stored
	}
}

// sameDestination finds the stored destination with target url: the one at
// index i if its URL matches, else the first that does.
func sameDestination(prev []WebhookDestination, i int, url string) (WebhookDestination, bool) {
	if i < len(prev) && prev[i].TargetURL == url {
		return prev[i], true
	}
	for _, p := range prev {
		if p.TargetURL == url {
			return p, true
		}
	}
	return WebhookDestination{}, false
}

// firstMasked names the first secret field of d sent as MaskedSecret.
func firstMasked(d WebhookDestination) string {
	switch {
	case d.HTTPBasicPassword == MaskedSecret:
		return "http_basic_password"
	case d.BearerToken == MaskedSecret:
		return "bearer_token"
	case d.ClientSecret == MaskedSecret:
		return "client_secret"
	}
	for j, h := range d.CustomHeader {
		if h.Value == MaskedSecret {
			return fmt.Sprintf("custom_header.%d.value", j)
		}
	}
	return ""
}

// ValidateWebhook checks a webhook: a name, at least one destination with
// an http(s) target URL, at least one channel, a known retry policy, at
// most 10 notifier email addresses, and no NUL or invalid UTF-8 in any of
// its text.
func ValidateWebhook(w *Webhook) error {
	if err := ValidateName("name", w.Name, true, 255); err != nil {
		return err
	}
	if err := plainText("name", w.Name); err != nil {
		return err
	}
	if len(w.Destinations) == 0 {
		return ErrInvalid("destinations", "must name at least one destination.")
	}
	for i, d := range w.Destinations {
		if err := validDestination(fmt.Sprintf("destinations.%d", i), d); err != nil {
			return err
		}
	}
	if len(w.Channels) == 0 {
		return ErrInvalid("channels", "must name at least one channel.")
	}
	for _, c := range w.Channels {
		if c == "" || strings.ContainsAny(c, " \t\r\n") || !CleanText(c) {
			return ErrInvalid("channels", fmt.Sprintf("%q is not a channel name.", c))
		}
	}
	for _, b := range w.Branches {
		if b != "$all" && !ValidBranchUID(b) {
			return ErrInvalid("branches", fmt.Sprintf("%q is not a valid branch uid.", b))
		}
	}
	if w.RetryPolicy != "manual" && w.RetryPolicy != "automatic" {
		return ErrInvalid("retry_policy", `must be "manual" or "automatic".`)
	}
	if len(w.Notifiers) > 10 {
		return ErrInvalid("notifiers", "must name at most 10 email addresses.")
	}
	for _, n := range w.Notifiers {
		if a, err := mail.ParseAddress(n); err != nil || a.Address != n {
			return ErrInvalid("notifiers", fmt.Sprintf("%q is not an email address.", n))
		}
	}
	return nil
}

func validDestination(field string, d WebhookDestination) error {
	u, err := url.Parse(d.TargetURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return ErrInvalid(field+".target_url", "must be an http or https URL.")
	}
	if !slices.Contains(WebhookAuthTypes, d.AuthenticationType) {
		return ErrInvalid(field+".authentication_type", "must be one of None, Basic, Bearer, OAuth2.")
	}
	for _, v := range []string{d.HTTPBasicAuth, d.HTTPBasicPassword, d.BearerToken, d.AccessTokenURL, d.ClientID, d.ClientSecret,
		d.RequestQueryParameters} {
		if !CleanText(v) {
			return ErrInvalid(field, "must not contain NUL characters or invalid UTF-8.")
		}
	}
	for j, h := range d.CustomHeader {
		if !CleanText(h.HeaderName) || !CleanText(h.Value) {
			return ErrInvalid(fmt.Sprintf("%s.custom_header.%d", field, j), "must not contain NUL characters or invalid UTF-8.")
		}
		if h.HeaderName == "" && h.Value != "" {
			return ErrInvalid(fmt.Sprintf("%s.custom_header.%d.header_name", field, j), "is required when a value is given.")
		}
		if strings.ContainsAny(h.HeaderName, " \t\r\n:") || strings.ContainsAny(h.Value, "\r\n") {
			return ErrInvalid(fmt.Sprintf("%s.custom_header.%d", field, j), "is not a valid HTTP header.")
		}
	}
	return nil
}
