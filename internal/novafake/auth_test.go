package novafake

import (
	"net/http"
	"strings"
	"testing"
)

func TestUnauthorized(t *testing.T) {
	_, ts := start(t)
	for name, auth := range map[string]string{
		"missing":      "",
		"basic scheme": "Basic c2tfdGVzdF94eXo6",
		"not nova key": "Bearer abc",
		"empty secret": "Bearer sk_test_",
		"no scheme":    "sk_test_abcdef",
	} {
		t.Run(name, func(t *testing.T) {
			resp, body := call{path: batchPath("job-1", "b1"), auth: auth, noKey: auth == ""}.do(t, ts)
			e := wantError(t, resp, body, http.StatusUnauthorized, "UNAUTHORIZED")
			if e.Message != "Invalid or missing API key" || e.Retryable {
				t.Errorf("body %s", body)
			}
		})
	}
}

func TestWithAPIKeys(t *testing.T) {
	_, ts := start(t, WithAPIKeys(testKey), WithForbiddenKeys("sk_test_forbidden1"))
	resp, body := call{path: batchPath("job-1", "b1"), key: "sk_test_otherkey99"}.do(t, ts)
	wantError(t, resp, body, http.StatusUnauthorized, "UNAUTHORIZED")

	resp, body = call{path: batchPath("job-1", "b1")}.do(t, ts)
	wantError(t, resp, body, http.StatusNotFound, "BATCH_NOT_FOUND")

	// Forbidden keys authenticate without being listed in WithAPIKeys.
	resp, body = call{path: batchPath("job-1", "b1"), key: "sk_test_forbidden1"}.do(t, ts)
	wantError(t, resp, body, http.StatusForbidden, "FORBIDDEN")
}

func TestForbiddenOnEveryTenantRoute(t *testing.T) {
	const bad = "sk_live_forbidden1"
	_, ts := start(t, WithForbiddenKeys(bad))
	for _, c := range []call{
		{path: batchPath("j", "b")},
		{method: http.MethodPost, path: "/v1/jobs/j/scoring-batches", body: `{}`},
		{path: "/v1/jobs/j/applications/a/scoring-jobs/s"},
		{path: "/v1/jobs/j/applications/a/score"},
	} {
		c.key = bad
		resp, body := c.do(t, ts)
		wantError(t, resp, body, http.StatusForbidden, "FORBIDDEN")
	}
}

func TestEnvironmentsAreSeparate(t *testing.T) {
	s, ts := start(t)
	sandbox := mustAdd(t, s, BatchSpec{Tenant: tenant, JobID: "job-1", Jobs: []JobSpec{{ApplicationID: "a"}}})
	prod := mustAdd(t, s, BatchSpec{Env: EnvProduction, Tenant: tenant, JobID: "job-1", Jobs: []JobSpec{{ApplicationID: "a"}}})

	for _, tc := range []struct {
		key, id string
		want    int
	}{
		{testKey, sandbox, http.StatusOK},
		{liveKey, sandbox, http.StatusNotFound},
		{liveKey, prod, http.StatusOK},
		{testKey, prod, http.StatusNotFound},
	} {
		resp, body := call{path: batchPath("job-1", tc.id), key: tc.key}.do(t, ts)
		wantStatus(t, resp, body, tc.want)
	}
	reqs := s.Requests()
	if reqs[0].Env != EnvSandbox || reqs[1].Env != EnvProduction {
		t.Errorf("logged envs %q, %q", reqs[0].Env, reqs[1].Env)
	}
}

func TestTenantScopingAndMissingTenant(t *testing.T) {
	s, ts := start(t)
	id := mustAdd(t, s, BatchSpec{Tenant: tenant, JobID: "job-1", Jobs: []JobSpec{{ApplicationID: "a"}}})

	resp, body := call{path: batchPath("job-1", id), tenant: "globex"}.do(t, ts)
	wantError(t, resp, body, http.StatusNotFound, "BATCH_NOT_FOUND")

	for _, c := range []call{
		{path: batchPath("job-1", id), noTenant: true},
		{path: batchPath("job-1", id), tenant: "  "},
	} {
		resp, body = c.do(t, ts)
		e := wantError(t, resp, body, http.StatusBadRequest, "VALIDATION_ERROR")
		if len(e.Details) != 1 || e.Details[0].Field != "X-Tenant-Id" {
			t.Errorf("details %+v", e.Details)
		}
	}
}

func TestRequestLogMasksKey(t *testing.T) {
	s, ts := start(t)
	req, _ := http.NewRequest(http.MethodGet, ts.URL+"/v1/jobs/j/applications/a/score", nil)
	req.Header.Set("Authorization", "Bearer "+testKey)
	req.Header.Set("X-Tenant-Id", tenant)
	req.Header.Set("User-Agent", "terraform-provider-nova/test")
	resp, err := ts.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()

	reqs := s.Requests()
	if len(reqs) != 1 {
		t.Fatalf("%d requests", len(reqs))
	}
	r := reqs[0]
	if r.Authorization != "Bearer sk_test_****3456" {
		t.Errorf("Authorization %q", r.Authorization)
	}
	if r.Route != RouteGetApplicationScore || r.Status != http.StatusNotFound || r.Tenant != tenant ||
		r.UserAgent != "terraform-provider-nova/test" || r.TraceID != resp.Header.Get("X-Trace-Id") {
		t.Errorf("logged %+v", r)
	}
	if s.CountStatus(http.StatusNotFound) != 1 {
		t.Errorf("CountStatus(404) = %d", s.CountStatus(http.StatusNotFound))
	}
}

func TestMaskAuthorization(t *testing.T) {
	for in, want := range map[string]string{
		"":                         "",
		"Bearer sk_live_abcd7f3a":  "Bearer sk_live_****7f3a",
		"bearer sk_test_ab":        "Bearer sk_test_****",
		"Bearer something-secret":  "Bearer ****",
		"Basic dXNlcjpwYXNzd29yZA": "****",
		"sk_test_abcdefgh":         "****",
	} {
		got := maskAuthorization(in)
		if got != want {
			t.Errorf("mask(%q) = %q, want %q", in, got, want)
		}
		if secret := strings.TrimPrefix(in, "Bearer "); len(secret) > 12 && strings.Contains(got, secret) {
			t.Errorf("mask(%q) leaks the key", in)
		}
	}
}
