package nova

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

const criteriaVersionJSON = `{"id":"cv-2026-02","version":3,"status":"ACTIVE","createdAt":"2026-02-01T09:00:00Z","archivedAt":null,` +
	`"criteria":[{"id":"cr-1","text":"Go in production","importance":"MUST_HAVE","order":1},{"id":"cr-2","text":"Terraform","importance":"NICE_TO_HAVE","order":2}]}`

func TestDecodeCriteriaVersionEnvelopes(t *testing.T) {
	for name, body := range map[string]string{
		"top level":                 criteriaVersionJSON,
		"under one key":             `{"criteriaVersion":` + criteriaVersionJSON + `}`,
		"under another key":         `{"data":` + criteriaVersionJSON + `}`,
		"list beside the wrapper":   `{"version":` + strings.Replace(criteriaVersionJSON, `,"criteria":[`, `,"x":[`, 1) + `,"criteria":[{"id":"cr-1","text":"Go in production","importance":"MUST_HAVE","order":1},{"id":"cr-2","text":"Terraform","importance":"NICE_TO_HAVE","order":2}]}`,
		"wrapper with other fields": `{"criteriaVersion":` + criteriaVersionJSON + `,"meta":[1,2],"requestId":"r"}`,
	} {
		t.Run(name, func(t *testing.T) {
			r, err := DecodeCriteriaVersion([]byte(body))
			if err != nil {
				t.Fatal(err)
			}
			v := r.Version
			if derefOr(v.ID) != "cv-2026-02" || v.Version == nil || *v.Version != 3 || derefOr(v.Status) != "ACTIVE" ||
				v.CreatedAt == nil || v.CreatedAt.Text != "2026-02-01T09:00:00Z" || v.ArchivedAt != nil {
				t.Errorf("version %+v", v)
			}
			if len(v.Criteria) != 2 || derefOr(v.Criteria[1].Text) != "Terraform" || derefOr(v.Criteria[1].Importance) != "NICE_TO_HAVE" ||
				v.Criteria[1].Order == nil || *v.Criteria[1].Order != 2 {
				t.Errorf("criteria %+v", v.Criteria)
			}
		})
	}
}

func TestDecodeCriteriaVersionRefusesWhatItCannotTrust(t *testing.T) {
	for name, tt := range map[string]struct{ body, want string }{
		"empty":                {``, "empty"},
		"null":                 {`null`, "null"},
		"array":                {`[` + criteriaVersionJSON + `]`, "expected shape"},
		"no id anywhere":       {`{"criteriaVersion":{"version":3}}`, `no "id"`},
		"two candidates":       {`{"a":{"id":"cv-1"},"b":{"id":"cv-2"}}`, "2 objects"},
		"empty id":             {`{"id":" ","version":1}`, `no "id"`},
		"version not a number": {`{"id":"cv-1","version":"three"}`, "expected shape"},
		"criteria not a list":  {`{"id":"cv-1","criteria":{"id":"x"}}`, "expected shape"},
		"trailing garbage":     {criteriaVersionJSON + `}`, "after its JSON value"},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := DecodeCriteriaVersion([]byte(tt.body))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want one containing %q", err, tt.want)
			}
		})
	}
	r, err := DecodeCriteriaVersion([]byte(`{"id":"cv-1","createdAt":"yesterday"}`))
	if err != nil || r.Version.CreatedAt != nil || len(r.Warnings) != 1 || !strings.Contains(r.Warnings[0].String(), "createdAt") {
		t.Errorf("a malformed timestamp: %+v, %v", r, err)
	}
	if len(r.Version.Criteria) != 0 || r.Version.Criteria == nil {
		t.Errorf("a version without criteria must have an empty, non-nil list: %#v", r.Version.Criteria)
	}
}

// GetCriteriaVersion asks for the current version, or for the one named, on
// the documented paths, and reports Nova's errors as *APIError.
func TestGetCriteriaVersion(t *testing.T) {
	var paths []string
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		paths = append(paths, r.URL.EscapedPath())
		w.Header().Set("X-Trace-Id", "trace-cv")
		switch {
		case strings.HasSuffix(r.URL.Path, "/missing"):
			w.WriteHeader(http.StatusNotFound)
			_, _ = w.Write([]byte(`{"code":"CRITERIA_VERSION_NOT_FOUND","status":404,"message":"Criteria version missing not found","retryable":false}`))
		case strings.HasPrefix(r.URL.Path, "/v1/jobs/job-none/"):
			w.WriteHeader(http.StatusNotFound)
			_, _ = w.Write([]byte(`{"code":"CRITERIA_NOT_FOUND","status":404,"message":"No criteria for job job-none","retryable":false}`))
		case r.URL.Path == "/v1/jobs/job-123/criteria/versions/garbled":
			_, _ = w.Write([]byte(`{"oops":true}`))
		default:
			_, _ = w.Write([]byte(`{"criteriaVersion":` + criteriaVersionJSON + `}`))
		}
	}))
	t.Cleanup(ts.Close)
	c, err := New(Config{BaseURL: ts.URL, APIKey: "sk_test_criteria"})
	if err != nil {
		t.Fatal(err)
	}
	r, err := c.GetCriteriaVersion(t.Context(), "job-123", "", "acme")
	if err != nil || derefOr(r.Version.ID) != "cv-2026-02" || r.TraceID != "trace-cv" {
		t.Fatalf("current: %+v, %v", r, err)
	}
	if _, err := c.GetCriteriaVersion(t.Context(), "job-123", "cv/../1", "acme"); err != nil {
		t.Fatal(err)
	}
	for code, call := range map[string][2]string{
		"CRITERIA_VERSION_NOT_FOUND": {"job-123", "missing"},
		"CRITERIA_NOT_FOUND":         {"job-none", ""},
	} {
		_, err := c.GetCriteriaVersion(t.Context(), call[0], call[1], "acme")
		var apiErr *APIError
		if !errors.As(err, &apiErr) || apiErr.Code != code || apiErr.StatusCode != http.StatusNotFound || apiErr.TraceID != "trace-cv" {
			t.Errorf("%s: err = %v", code, err)
		}
	}
	_, err = c.GetCriteriaVersion(t.Context(), "job-123", "garbled", "acme")
	var decErr *DecodeError
	if !errors.As(err, &decErr) || decErr.TraceID != "trace-cv" || !strings.Contains(err.Error(), "criteria version") {
		t.Errorf("garbled: err = %v", err)
	}
	want := []string{
		"/v1/jobs/job-123/criteria/versions/current",
		"/v1/jobs/job-123/criteria/versions/cv%2F..%2F1",
		"/v1/jobs/job-123/criteria/versions/missing",
		"/v1/jobs/job-none/criteria/versions/current",
		"/v1/jobs/job-123/criteria/versions/garbled",
	}
	got := strings.Join(paths, "\n")
	for _, p := range want {
		if !strings.Contains(got, p) {
			t.Errorf("no request to %s; requests:\n%s", p, got)
		}
	}
}
