package main

import "time"

// scenario is one row of the bench: a request to stackd and, when
// PocketBase has the same operation, to PocketBase. The plain handler
// answers the bytes stackd answered, so every row has its ceiling.
// Add a row here to measure something new (include[], image transforms).
type scenario struct {
	Key  string // short name: the handler's path, --only matches it
	Name string
	Goal string // the goal, printed beside the figures
	// stackd builds the request to stackd; pb the one to PocketBase (nil
	// when PocketBase has no such operation).
	stackd func(e *runEnv) load
	pb     func(e *runEnv) load
}

// scenarios are run in this order: reads before the creates that grow
// the collections.
var scenarios = []scenario{
	{Key: "read", Name: "read one entry", Goal: "≥ 8× PocketBase, ≥ 50% of the handler",
		stackd: func(e *runEnv) load {
			return e.cma("GET", "/v3/content_types/article/entries/"+e.st.EntryUID, "")
		},
		pb: func(e *runEnv) load { return e.pbLoad("GET", "/api/collections/entries/records/"+e.pbs.RecordID, "") }},
	{Key: "list", Name: "list 100 entries", Goal: "≥ 5× PocketBase",
		stackd: func(e *runEnv) load { return e.cma("GET", "/v3/content_types/article/entries?limit=100", "") },
		pb:     pbList},
	{Key: "cda-read", Name: "CDA read one published entry", Goal: "measured (delivery issue)",
		stackd: func(e *runEnv) load {
			return e.cda("/v3/content_types/article/entries/" + e.st.EntryUID + "?environment=production")
		}},
	{Key: "cda-list", Name: "CDA list 100 published entries", Goal: "≥ 5× PocketBase's list (delivery issue)",
		stackd: func(e *runEnv) load {
			return e.cda("/v3/content_types/article/entries?limit=100&environment=production")
		},
		pb: pbList},
	{Key: "cda-include", Name: "CDA list 100 with include[]=author", Goal: "≥ 3× PocketBase's list (delivery issue)",
		stackd: func(e *runEnv) load {
			return e.cda("/v3/content_types/article/entries?limit=100&include[]=author&environment=production")
		},
		pb: pbList},
	{Key: "file", Name: "asset file (1200×800 PNG, untransformed)", Goal: "the image row's reference",
		stackd: func(e *runEnv) load { return e.base(e.cdaURL+e.st.ImagePath, "GET", "", map[string]string{}) }},
	{Key: "image", Name: "image width=300 (from the variant cache)", Goal: "≥ 50% of the untransformed file's rate",
		stackd: func(e *runEnv) load {
			return e.base(e.cdaURL+e.st.ImagePath+"?width=300", "GET", "", map[string]string{})
		}},
	{Key: "create", Name: "create one entry", Goal: "≥ 3× PocketBase (normal), ≥ 1.2× (full)",
		stackd: func(e *runEnv) load {
			return e.cma("POST", "/v3/content_types/article/entries", `{"entry":{"title":"Bench %d","body":"`+entryBody+`"}}`)
		},
		pb: func(e *runEnv) load {
			return e.pbLoad("POST", "/api/collections/entries/records", `{"title":"Bench %d","body":"`+entryBody+`"}`)
		}},
}

// pbList is PocketBase's list of 100 records, the reference of the list rows.
func pbList(e *runEnv) load {
	return e.pbLoad("GET", "/api/collections/entries/records?perPage=100&skipTotal=1", "")
}

// runEnv is what the scenarios' requests are built from.
type runEnv struct {
	cmaURL, cdaURL, pbURL string
	st                    stackdSeed
	pbs                   pbSeed
	threads, conns        int
	duration              time.Duration
}

func (e *runEnv) base(url, method, body string, h map[string]string) load {
	if body != "" {
		h["Content-Type"] = "application/json"
	}
	return load{URL: url, Method: method, Headers: h, Body: body, Threads: e.threads, Conns: e.conns, Duration: e.duration}
}

// cma is a CMA request with the management token.
func (e *runEnv) cma(method, path, body string) load {
	return e.base(e.cmaURL+path, method, body, map[string]string{"api_key": e.st.APIKey, "authorization": e.st.Mgmt})
}

// cda is a CDA GET with the delivery token.
func (e *runEnv) cda(path string) load {
	return e.base(e.cdaURL+path, "GET", "", map[string]string{"api_key": e.st.APIKey, "access_token": e.st.Delivery})
}

// pbLoad is a PocketBase request with the user's token.
func (e *runEnv) pbLoad(method, path, body string) load {
	return e.base(e.pbURL+path, method, body, map[string]string{"Authorization": e.pbs.Token})
}
