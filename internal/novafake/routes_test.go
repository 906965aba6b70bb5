package novafake

import (
	"net/http"
	"testing"
)

func TestUnknownRoutes(t *testing.T) {
	s, ts := start(t)
	for _, p := range []string{"/v1/jobs", "/v1/jobs/j/scoring-batches/b/extra", "/v1/jobs//scoring-batches/b", "/v1/criteria", "/"} {
		resp, raw := get(t, ts, p)
		wantError(t, resp, raw, http.StatusNotFound, "NOT_FOUND")
	}
	for _, r := range s.Requests() {
		if r.Route != "" {
			t.Errorf("%s logged as route %q", r.RequestURI, r.Route)
		}
	}
}

func TestMethodNotAllowed(t *testing.T) {
	_, ts := start(t)
	for _, tc := range []struct{ method, path, allow string }{
		{http.MethodDelete, batchPath("j", "b"), "GET"},
		{http.MethodGet, "/v1/jobs/j/scoring-batches", "POST"},
		{http.MethodPost, "/v1/jobs/j/applications/a/score", "GET"},
		{http.MethodPut, "/v1/jobs/j/applications/a/scoring-jobs/s", "GET"},
	} {
		resp, raw := call{method: tc.method, path: tc.path}.do(t, ts)
		wantError(t, resp, raw, http.StatusMethodNotAllowed, "METHOD_NOT_ALLOWED")
		if got := resp.Header.Get("Allow"); got != tc.allow {
			t.Errorf("%s %s: Allow %q, want %q", tc.method, tc.path, got, tc.allow)
		}
	}
}

func TestMatchRoute(t *testing.T) {
	for _, tc := range []struct {
		path, method, name string
		params             []string
	}{
		{"/v1/jobs/j/scoring-batches/b", "GET", RouteGetBatch, []string{"j", "b"}},
		{"/v1/jobs/j%2Fk/scoring-batches", "POST", RoutePostBatch, []string{"j/k"}},
		{"/v1/jobs/j/applications/a%20b/scoring-jobs/s", "GET", RouteGetScoringJob, []string{"j", "a b", "s"}},
		{"/v1/jobs/j/applications/..%2F/score", "GET", RouteGetApplicationScore, []string{"j", "../"}},
		{"/v1/jobs/j/applications/a/score/", "GET", "", nil},
	} {
		rt := matchRoute(tc.path, tc.method)
		if rt.name != tc.name || len(rt.params) != len(tc.params) {
			t.Errorf("%s: %+v", tc.path, rt)
			continue
		}
		for i := range tc.params {
			if rt.params[i] != tc.params[i] {
				t.Errorf("%s: params %q", tc.path, rt.params)
			}
		}
	}
}
