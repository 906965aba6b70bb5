package novafake

import (
	"net/http"
	"os"
	"strings"
	"testing"
	"time"
)

type testCriteriaVersion struct {
	ID         string  `json:"id"`
	Version    int     `json:"version"`
	Status     string  `json:"status"`
	CreatedAt  string  `json:"createdAt"`
	ArchivedAt *string `json:"archivedAt"`
	Criteria   []struct {
		ID, Text, Importance string
		Order                int
	} `json:"criteria"`
}

func criteriaPath(jobID, version string) string {
	return "/v1/jobs/" + jobID + "/criteria/versions/" + version
}

func TestCriteriaVersions(t *testing.T) {
	clock := newClock()
	s, ts := start(t, WithClock(clock.Now))
	old, err := s.AddCriteriaVersion(CriteriaVersionSpec{Tenant: tenant, JobID: "job-1", ID: "cv-old",
		Criteria: []CriterionSpec{{Text: "Go"}, {Text: "Kubernetes", Importance: "NICE_TO_HAVE"}}})
	if err != nil || old != "cv-old" {
		t.Fatal(old, err)
	}
	clock.Advance(time.Hour)
	if _, err := s.AddCriteriaVersion(CriteriaVersionSpec{Tenant: tenant, JobID: "job-1", ID: "cv-new", Criteria: []CriterionSpec{{Text: "Go in production"}}}); err != nil {
		t.Fatal(err)
	}

	resp, raw := get(t, ts, criteriaPath("job-1", "current"))
	wantStatus(t, resp, raw, http.StatusOK)
	cur := decode[testCriteriaVersion](t, raw)
	if cur.ID != "cv-new" || cur.Version != 2 || cur.Status != CriteriaActive || cur.ArchivedAt != nil || len(cur.Criteria) != 1 ||
		cur.Criteria[0].Text != "Go in production" || cur.Criteria[0].Importance != "MUST_HAVE" || cur.Criteria[0].Order != 1 {
		t.Errorf("current: %s", raw)
	}
	if resp.Header.Get("X-Trace-Id") == "" {
		t.Error("no X-Trace-Id")
	}

	// The version the new one replaced is archived when the new one came.
	resp, raw = get(t, ts, criteriaPath("job-1", "cv-old"))
	wantStatus(t, resp, raw, http.StatusOK)
	prev := decode[testCriteriaVersion](t, raw)
	if prev.Version != 1 || prev.Status != CriteriaArchived || prev.ArchivedAt == nil || *prev.ArchivedAt != timestamp(t0.Add(time.Hour)) ||
		prev.CreatedAt != timestamp(t0) || len(prev.Criteria) != 2 || prev.Criteria[1].Order != 2 {
		t.Errorf("archived: %s", raw)
	}

	for name, c := range map[string]struct {
		call call
		code string
	}{
		"job without criteria":   {call{path: criteriaPath("job-2", "current")}, "CRITERIA_NOT_FOUND"},
		"another tenant":         {call{path: criteriaPath("job-1", "current"), tenant: "other"}, "CRITERIA_NOT_FOUND"},
		"another environment":    {call{path: criteriaPath("job-1", "current"), key: liveKey}, "CRITERIA_NOT_FOUND"},
		"unknown version":        {call{path: criteriaPath("job-1", "cv-none")}, "CRITERIA_VERSION_NOT_FOUND"},
		"version of another job": {call{path: criteriaPath("job-2", "cv-old")}, "CRITERIA_VERSION_NOT_FOUND"},
	} {
		resp, raw := c.call.do(t, ts)
		wantStatus(t, resp, raw, http.StatusNotFound)
		if e := decode[flatError](t, raw); e.Code != c.code {
			t.Errorf("%s: %s", name, raw)
		}
	}
	resp, raw = call{method: http.MethodPost, path: criteriaPath("job-1", "current")}.do(t, ts)
	wantStatus(t, resp, raw, http.StatusMethodNotAllowed)
}

func TestCriteriaEnvelope(t *testing.T) {
	s, ts := start(t, WithCriteriaEnvelope("criteriaVersion"))
	if _, err := s.AddCriteriaVersion(CriteriaVersionSpec{Tenant: tenant, JobID: "job-1", ID: "cv-1"}); err != nil {
		t.Fatal(err)
	}
	resp, raw := get(t, ts, criteriaPath("job-1", "current"))
	wantStatus(t, resp, raw, http.StatusOK)
	if v := decode[struct{ CriteriaVersion testCriteriaVersion }](t, raw); v.CriteriaVersion.ID != "cv-1" || !strings.Contains(string(raw), `"criteria":[]`) {
		t.Errorf("%s", raw)
	}
}

func TestAddCriteriaVersionValidation(t *testing.T) {
	s := New()
	if _, err := s.AddCriteriaVersion(CriteriaVersionSpec{Tenant: tenant, JobID: "j", ID: "taken"}); err != nil {
		t.Fatal(err)
	}
	for name, spec := range map[string]CriteriaVersionSpec{
		"no tenant":    {JobID: "j"},
		"no job id":    {Tenant: tenant},
		"bad env":      {Env: "staging", Tenant: tenant, JobID: "j"},
		"bad status":   {Tenant: tenant, JobID: "j", Status: "DRAFT"},
		"duplicate id": {Tenant: tenant, JobID: "j", ID: "taken"},
		"no text":      {Tenant: tenant, JobID: "j", Criteria: []CriterionSpec{{}}},
	} {
		if _, err := s.AddCriteriaVersion(spec); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}

// The demo seed gives job-123 a current version that its batches were
// scored against, an archived one, and a batch scored against the old one:
// what the freshness gate examples rely on.
func TestDemoSeedCriteria(t *testing.T) {
	f, err := os.Open("../../examples/demo/seed.json")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	seed, err := DecodeSeed(f)
	if err != nil {
		t.Fatal(err)
	}
	s, ts := start(t)
	if err := s.Load(seed); err != nil {
		t.Fatal(err)
	}
	const demoTenant = "acme-corp"
	resp, raw := call{path: criteriaPath("job-123", "current"), tenant: demoTenant}.do(t, ts)
	wantStatus(t, resp, raw, http.StatusOK)
	if v := decode[testCriteriaVersion](t, raw); v.ID != "cv-2026-02" || v.Status != CriteriaActive {
		t.Errorf("current: %s", raw)
	}
	resp, raw = call{path: criteriaPath("job-123", "cv-2025-11"), tenant: demoTenant}.do(t, ts)
	wantStatus(t, resp, raw, http.StatusOK)
	if v := decode[testCriteriaVersion](t, raw); v.Status != CriteriaArchived || v.ArchivedAt == nil {
		t.Errorf("archived: %s", raw)
	}
	versions := map[string]map[string]bool{}
	for _, b := range seed.Batches {
		versions[b.ID] = map[string]bool{}
		for _, j := range b.Jobs {
			versions[b.ID][j.CriteriaVersionID] = true
		}
	}
	if !versions["batch-shortlist"]["cv-2026-02"] || len(versions["batch-shortlist"]) != 1 || !versions["batch-stale"]["cv-2025-11"] {
		t.Errorf("criteria versions by batch: %v", versions)
	}
}
