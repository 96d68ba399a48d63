package consoletest

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/accessibility"
	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/dom"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// page is one browser tab on a stackd server, driven like a person with a
// screen reader: controls are found by role and accessible name.
type page struct {
	t    *testing.T
	ctx  context.Context
	base string
	dir  string            // screenshots
	root cdp.BackendNodeID // queries look only under this node (0: the document)
	*tab
}

// tab is what the scoped views of one tab share.
type tab struct {
	mu       sync.Mutex
	problems []string // script errors seen in the page console
	shots    int
}

// in returns a view of the page whose queries look only inside the node
// with role and name (a form, a fieldset), as a screen reader user moves
// into a group.
func (p *page) in(role, name string) *page {
	p.t.Helper()
	q := *p
	q.root = p.find(role, name)
	return &q
}

// waitFor bounds how long a control or a text may take to appear.
const waitFor = 15 * time.Second

// newPage opens a tab; the test fails at its end if the page logged a
// script error, an exception or a CSP violation.
func newPage(t *testing.T, base string) *page {
	t.Helper()
	ctx, cancel := chromedp.NewContext(needBrowser(t))
	p := &page{t: t, ctx: ctx, base: base, dir: screenshotDir(t), tab: &tab{}}
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(1280, 860)); err != nil {
		t.Fatalf("open a tab: %v", err)
	}
	msgs := chromedp.Console(ctx)
	go p.watch(msgs)
	t.Cleanup(func() {
		time.Sleep(100 * time.Millisecond) // let the last messages arrive
		cancel()
		p.mu.Lock()
		defer p.mu.Unlock()
		for _, m := range p.problems {
			t.Errorf("page console: %s", m)
		}
	})
	return p
}

// watch records console errors and uncaught exceptions. Failed loads
// (network: an API answering 401 or 422 on purpose) are not script errors.
func (p *page) watch(msgs func(func(chromedp.ConsoleMessage, error) bool)) {
	for m, err := range msgs {
		if err != nil {
			return
		}
		if m.Source == "network" || (m.Type != chromedp.ConsoleError && !m.IsException()) {
			continue
		}
		p.mu.Lock()
		p.problems = append(p.problems, fmt.Sprintf("%s %s (%s:%d)", m.Type, m.Text, m.URL, m.Line))
		p.mu.Unlock()
	}
}

func (p *page) do(what string, steps ...chromedp.Action[chromedp.Void]) {
	p.t.Helper()
	ctx, cancel := context.WithTimeout(p.ctx, 30*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx, steps...); err != nil {
		p.t.Fatalf("%s: %v", what, err)
	}
}

// open loads a console path (e.g. "/console/") and waits for its heading.
func (p *page) open(path string) {
	p.t.Helper()
	p.do("open "+path, chromedp.Navigate(p.base+path))
	p.waitRole("heading", "")
}

// reload reloads the page, as a person pressing F5.
func (p *page) reload() {
	p.t.Helper()
	p.do("reload", chromedp.Reload())
	p.waitRole("heading", "")
}

// query returns the backend ids of the visible nodes with role and name
// ("" matches any name).
func (p *page) query(role, name string) []cdp.BackendNodeID {
	p.t.Helper()
	ctx, cancel := context.WithTimeout(p.ctx, 10*time.Second)
	defer cancel()
	ids, err := chromedp.Run(ctx, func(ctx context.Context, t *chromedp.Target) ([]cdp.BackendNodeID, error) {
		params := accessibility.QueryAXTreeParams{BackendNodeID: p.root, AccessibleName: name, Role: role}
		if p.root == 0 {
			doc, err := cdp.Call(ctx, t, runtime.Evaluate, runtime.EvaluateParams{Expression: "document"})
			if err != nil || doc.Result == nil {
				return nil, err
			}
			params.ObjectID = doc.Result.ObjectID
		}
		res, err := cdp.Call(ctx, t, accessibility.QueryAXTree, params)
		if err != nil {
			return nil, err
		}
		var out []cdp.BackendNodeID
		for _, n := range res.Nodes {
			if !n.Ignored && n.BackendDOMNodeID != 0 {
				out = append(out, n.BackendDOMNodeID)
			}
		}
		return out, nil
	})
	if err != nil {
		return nil // the page is navigating; the caller polls again
	}
	return ids
}

// find waits for the one control with role and name and returns it.
func (p *page) find(role, name string) cdp.BackendNodeID {
	p.t.Helper()
	deadline := time.Now().Add(waitFor)
	for {
		ids := p.query(role, name)
		if len(ids) > 0 {
			return ids[0]
		}
		if time.Now().After(deadline) {
			p.shot("failed-find-" + sanitize(role+"-"+name))
			p.t.Fatalf("no %s named %q on the page; its text:\n%s", role, name, p.bodyText())
		}
		time.Sleep(80 * time.Millisecond)
	}
}

// waitRole waits until a node of role (and name, if given) is shown.
func (p *page) waitRole(role, name string) { p.t.Helper(); p.find(role, name) }

// waitGone waits until no node with role and name is shown.
func (p *page) waitGone(role, name string) {
	p.t.Helper()
	deadline := time.Now().Add(waitFor)
	for len(p.query(role, name)) > 0 {
		if time.Now().After(deadline) {
			p.t.Fatalf("the %s %q is still on the page", role, name)
		}
		time.Sleep(80 * time.Millisecond)
	}
}

// has reports whether a node with role and name is shown now.
func (p *page) has(role, name string) bool { p.t.Helper(); return len(p.query(role, name)) > 0 }

// click scrolls the control into view and clicks its middle with the mouse.
func (p *page) click(role, name string) {
	p.t.Helper()
	id := p.find(role, name)
	p.do(fmt.Sprintf("click %s %q", role, name), func(ctx context.Context, t *chromedp.Target) (chromedp.Void, error) {
		if _, err := cdp.Call(ctx, t, dom.ScrollIntoViewIfNeeded, dom.ScrollIntoViewIfNeededParams{BackendNodeID: id}); err != nil {
			return chromedp.Void{}, err
		}
		q, err := cdp.Call(ctx, t, dom.GetContentQuads, dom.GetContentQuadsParams{BackendNodeID: id})
		if err != nil || len(q.Quads) == 0 || len(q.Quads[0]) < 8 {
			return chromedp.Void{}, fmt.Errorf("no box to click (%v)", err)
		}
		c := q.Quads[0]
		return chromedp.MouseClickXY((c[0]+c[2]+c[4]+c[6])/4, (c[1]+c[3]+c[5]+c[7])/4)(ctx, t)
	})
}

// fill focuses the text field named label, selects what it holds and types text.
func (p *page) fill(label, text string) {
	p.t.Helper()
	id := p.findEditable(label)
	p.call(id, `function(){ this.focus(); if (this.select) this.select(); }`)
	if text == "" {
		p.do("clear "+label, chromedp.KeyEvent("\b"))
		return
	}
	p.do(fmt.Sprintf("type into %q", label), chromedp.KeyEvent(text))
}

// findEditable finds a text field, text area, number or date field by its label.
func (p *page) findEditable(label string) cdp.BackendNodeID {
	p.t.Helper()
	deadline := time.Now().Add(waitFor)
	for {
		for _, role := range []string{"textbox", "searchbox", "spinbutton", "combobox"} {
			if ids := p.query(role, label); len(ids) > 0 {
				return ids[0]
			}
		}
		for _, id := range p.query("", label) {
			if tag := callOn[string](p, id, `function(){ return this.tagName || '' }`); tag == "INPUT" || tag == "TEXTAREA" {
				return id
			}
		}
		if time.Now().After(deadline) {
			p.shot("failed-fill-" + sanitize(label))
			p.t.Fatalf("no field labelled %q; the page says:\n%s", label, p.bodyText())
		}
		time.Sleep(80 * time.Millisecond)
	}
}

// choose picks the option labelled option in the select named label.
func (p *page) choose(label, option string) {
	p.t.Helper()
	id := p.find("combobox", label)
	ok := callOn[bool](p, id, `function(want){
		const o = [...this.options].find((o) => o.textContent.trim() === want || o.value === want);
		if (!o) return false;
		this.focus(); this.value = o.value;
		this.dispatchEvent(new Event('input', {bubbles: true}));
		this.dispatchEvent(new Event('change', {bubbles: true}));
		return true; }`, option)
	if !ok {
		p.t.Fatalf("the select %q has no option %q", label, option)
	}
}

// check ticks (or unticks) the checkbox named label.
func (p *page) check(label string, on bool) {
	p.t.Helper()
	id := p.find("checkbox", label)
	if callOn[bool](p, id, `function(){ return this.checked }`) != on {
		p.click("checkbox", label)
	}
}

// setFiles puts files into the file input named label.
func (p *page) setFiles(label string, files ...string) {
	p.t.Helper()
	id := p.findEditableOrButton(label)
	p.do("choose files", func(ctx context.Context, t *chromedp.Target) (chromedp.Void, error) {
		_, err := cdp.Call(ctx, t, dom.SetFileInputFiles, dom.SetFileInputFilesParams{Files: files, BackendNodeID: id})
		return chromedp.Void{}, err
	})
}

// findEditableOrButton finds a file input by the text of its <label>
// (browsers name a file input after its button, not only its label).
func (p *page) findEditableOrButton(label string) cdp.BackendNodeID {
	p.t.Helper()
	deadline := time.Now().Add(waitFor)
	for {
		for _, id := range p.query("", label) {
			if ctl := p.labelControl(id); ctl != 0 {
				return ctl
			}
		}
		if time.Now().After(deadline) {
			p.t.Fatalf("no file input labelled %q", label)
		}
		time.Sleep(80 * time.Millisecond)
	}
}

// labelControl is the file input that the label holding node id labels (0: none).
func (p *page) labelControl(id cdp.BackendNodeID) cdp.BackendNodeID {
	p.t.Helper()
	ctx, cancel := context.WithTimeout(p.ctx, 10*time.Second)
	defer cancel()
	ctl, _ := chromedp.Run(ctx, func(ctx context.Context, t *chromedp.Target) (cdp.BackendNodeID, error) {
		obj, err := cdp.Call(ctx, t, dom.ResolveNode, dom.ResolveNodeParams{BackendNodeID: id})
		if err != nil {
			return 0, err
		}
		fn := `function(){ const el = this.nodeType === 3 ? this.parentElement : this; const l = el && el.closest('label');
			const c = l && l.control; return c && c.type === 'file' ? c : null; }`
		ro, err := chromedp.CallFunctionOn[*runtime.RemoteObject](fn, func(cp *runtime.CallFunctionOnParams) { cp.ObjectID = obj.Object.ObjectID })(ctx, t)
		if err != nil || ro == nil || ro.ObjectID == "" {
			return 0, err
		}
		n, err := cdp.Call(ctx, t, dom.DescribeNode, dom.DescribeNodeParams{ObjectID: ro.ObjectID})
		if err != nil {
			return 0, err
		}
		return n.Node.BackendNodeID, nil
	})
	return ctl
}

// value is what the field named label holds.
func (p *page) value(role, label string) string {
	p.t.Helper()
	return callOn[string](p, p.find(role, label), `function(){ return this.value }`)
}

// text is the visible text of the node with role and name.
func (p *page) text(role, name string) string {
	p.t.Helper()
	return callOn[string](p, p.find(role, name), `function(){ return this.innerText }`)
}

// call runs a function on the element with backend id.
func (p *page) call(id cdp.BackendNodeID, fn string, args ...any) {
	p.t.Helper()
	callOn[any](p, id, fn, args...)
}

func callOn[T any](p *page, id cdp.BackendNodeID, fn string, args ...any) T {
	p.t.Helper()
	ctx, cancel := context.WithTimeout(p.ctx, 10*time.Second)
	defer cancel()
	v, err := chromedp.Run(ctx, func(ctx context.Context, t *chromedp.Target) (T, error) {
		var zero T
		obj, err := cdp.Call(ctx, t, dom.ResolveNode, dom.ResolveNodeParams{BackendNodeID: id})
		if err != nil {
			return zero, err
		}
		return chromedp.CallFunctionOn[T](fn, func(cp *runtime.CallFunctionOnParams) { cp.ObjectID = obj.Object.ObjectID }, args...)(ctx, t)
	})
	if err != nil {
		p.t.Fatalf("call %s: %v", fn, err)
	}
	return v
}

// bodyText is the page's visible text.
func (p *page) bodyText() string {
	ctx, cancel := context.WithTimeout(p.ctx, 5*time.Second)
	defer cancel()
	s, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.body ? document.body.innerText : ''`))
	return s
}

// eval evaluates a JavaScript expression in the page (DevTools evaluation
// is not bound by the page's CSP).
func eval[T any](p *page, expr string) T {
	p.t.Helper()
	ctx, cancel := context.WithTimeout(p.ctx, 10*time.Second)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr))
	if err != nil {
		p.t.Fatalf("evaluate %s: %v", expr, err)
	}
	return v
}

// waitText waits for s to appear in the page's text.
func (p *page) waitText(s string) {
	p.t.Helper()
	deadline := time.Now().Add(waitFor)
	for !strings.Contains(p.bodyText(), s) {
		if time.Now().After(deadline) {
			p.shot("failed-text")
			p.t.Fatalf("the page never said %q; it says:\n%s", s, p.bodyText())
		}
		time.Sleep(80 * time.Millisecond)
	}
}

// path is the page's current location path.
func (p *page) path() string {
	p.t.Helper()
	return eval[string](p, `location.pathname + location.search`)
}

// waitPath waits until the location path starts with prefix.
func (p *page) waitPath(prefix string) {
	p.t.Helper()
	deadline := time.Now().Add(waitFor)
	for !strings.HasPrefix(p.path(), prefix) {
		if time.Now().After(deadline) {
			p.t.Fatalf("the page is at %s, not %s…", p.path(), prefix)
		}
		time.Sleep(80 * time.Millisecond)
	}
	p.waitRole("heading", "")
}

// shot writes a full-page PNG screenshot named NN-name.png.
func (p *page) shot(name string) {
	p.t.Helper()
	time.Sleep(150 * time.Millisecond) // let the status toast and layout settle
	ctx, cancel := context.WithTimeout(p.ctx, 20*time.Second)
	defer cancel()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		p.t.Logf("screenshot %s: %v", name, err)
		return
	}
	p.mu.Lock()
	p.shots++
	n := p.shots
	p.mu.Unlock()
	file := writeFile(p.t, p.dir, fmt.Sprintf("%s-%02d-%s.png", sanitize(p.t.Name()), n, name), png)
	p.t.Logf("screenshot: %s", file)
}

// signIn signs in through the sign-in page with email and password.
func (p *page) signIn(email, password string) {
	p.t.Helper()
	p.open("/console/signin")
	p.fill("Email", email)
	p.fill("Password", password)
	p.click("button", "Sign in")
}

// textByName is the text of the first node named name, whatever its role.
func (p *page) textByName(name string) string {
	p.t.Helper()
	deadline := time.Now().Add(waitFor)
	for {
		if ids := p.query("", name); len(ids) > 0 {
			return callOn[string](p, ids[0], `function(){ return this.innerText || this.textContent }`)
		}
		if time.Now().After(deadline) {
			p.t.Fatalf("nothing named %q on the page", name)
		}
		time.Sleep(80 * time.Millisecond)
	}
}

// keys types keys into whatever has the focus ("\t" is Tab, "\r" Enter).
func (p *page) keys(keys string) {
	p.t.Helper()
	p.do("type keys", chromedp.KeyEvent(keys))
}

// controlRoles are the roles of the controls a person operates.
var controlRoles = []string{"button", "link", "textbox", "searchbox", "checkbox", "radio", "combobox", "spinbutton", "listbox", "slider", "switch"}

// unnamedControls lists the controls on the page that have no accessible
// name, which a screen reader would announce as just "button" or "edit".
func (p *page) unnamedControls() []string {
	p.t.Helper()
	ctx, cancel := context.WithTimeout(p.ctx, 20*time.Second)
	defer cancel()
	out, err := chromedp.Run(ctx, func(ctx context.Context, t *chromedp.Target) ([]string, error) {
		doc, err := cdp.Call(ctx, t, runtime.Evaluate, runtime.EvaluateParams{Expression: "document"})
		if err != nil {
			return nil, err
		}
		var bad []string
		for _, role := range controlRoles {
			res, err := cdp.Call(ctx, t, accessibility.QueryAXTree, accessibility.QueryAXTreeParams{ObjectID: doc.Result.ObjectID, Role: role})
			if err != nil {
				return nil, err
			}
			for _, n := range res.Nodes {
				if !n.Ignored && (n.Name == nil || strings.Trim(strings.TrimSpace(string(n.Name.Value)), `" `) == "") {
					bad = append(bad, fmt.Sprintf("%s (node %d)", role, n.BackendDOMNodeID))
				}
			}
		}
		return bad, nil
	})
	if err != nil {
		p.t.Fatalf("read the accessibility tree: %v", err)
	}
	return out
}
