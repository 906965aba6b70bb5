package provider

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
)

// routedNova answers each request with what answer returns for its path,
// with a trace id, as a server the project does not control would: the
// bodies are written out by the test.
func routedNova(t *testing.T, answer func(path string) (int, string)) string {
	t.Helper()
	var served atomic.Int64
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := served.Add(1)
		status, body := answer(r.URL.EscapedPath())
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("X-Trace-Id", fmt.Sprintf("%032x", 0xfeed0000+n))
		w.WriteHeader(status)
		_, _ = w.Write([]byte(body))
	}))
	t.Cleanup(ts.Close)
	return ts.URL
}

var (
	batchPath    = regexp.MustCompile(`^/v1/jobs/[^/]+/scoring-batches/([^/]+)$`)
	criteriaPath = regexp.MustCompile(`^/v1/jobs/[^/]+/criteria/versions/current$`)
)

// freshnessNova serves a current criteria version cv-1, and batch "b1" with
// five scored jobs, the first on cv-1 and the others with criteriaVersionId
// null (all five on cv-1 when allVersioned).
func freshnessNova(t *testing.T, allVersioned bool) string {
	var jobs []string
	for i := range 5 {
		version := "null"
		if i == 0 || allVersioned {
			version = `"cv-1"`
		}
		jobs = append(jobs, fmt.Sprintf(`{"id":"sj-%d","jobId":"job-123","applicationId":"app-%d","status":"completed","score":%g,`+
			`"completedAt":"2025-12-14T10:31:20Z","criteriaVersionId":%s}`, i, i, 7.25+float64(i)/4, version))
	}
	batch := fmt.Sprintf(`{"batch":{"id":"b1","jobId":"job-123","status":"completed","totalJobs":5,"completedJobs":5,"failedJobs":0,`+
		`"createdAt":"2025-12-14T10:00:00Z","completedAt":"2025-12-14T10:31:20Z"},"scoringJobs":[%s],"rejectedApplications":[]}`, strings.Join(jobs, ","))
	url := routedNova(t, func(path string) (int, string) {
		switch {
		case batchPath.MatchString(path):
			return http.StatusOK, batch
		case criteriaPath.MatchString(path):
			return http.StatusOK, `{"id":"cv-1","version":1,"status":"ACTIVE","createdAt":"2025-12-01T00:00:00Z","archivedAt":null,"criteria":[]}`
		}
		return http.StatusNotFound, `{"code":"NOT_FOUND","message":"no such path"}`
	})
	return url
}

// documentedFreshnessConditions are the freshness conditions of every page
// and example a user copies: each one-line `condition = ...` on
// criteria_version_ids under templates/, examples/ and the README (the
// multi-line one of examples/pipeline-gate is run with its module), with
// the files that hold it.
func documentedFreshnessConditions(t *testing.T) map[string][]string {
	t.Helper()
	line := regexp.MustCompile(`(?m)^\s*condition\s*=\s*(.*self\.criteria_version_ids.*[^(\[])\s*$`)
	found := map[string][]string{}
	var files []string
	for _, root := range []string{"../../templates", "../../examples"} {
		err := filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
			if err == nil && !d.IsDir() && (strings.HasSuffix(path, ".tmpl") || strings.HasSuffix(path, ".tf")) {
				files = append(files, path)
			}
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	files = append(files, "../../README.md")
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range line.FindAllStringSubmatch(string(b), -1) {
			found[m[1]] = append(found[m[1]], strings.TrimPrefix(f, "../../"))
		}
	}
	return found
}

// One job on the current criteria version and four that name none: every
// documented freshness gate stops the batch, and each opens when all five
// name the current version (a gate that never opens proves nothing).
func TestCLIFreshnessStopsUnversionedJobs(t *testing.T) {
	conditions := documentedFreshnessConditions(t)
	var files []string
	for _, fs := range conditions {
		files = append(files, fs...)
	}
	// The summary's example (shown on its page), the criteria version's
	// page, the gating, auditing and privacy guides, and the demo.
	if len(files) < 6 {
		t.Fatalf("found the freshness condition in only %d places: %v", len(files), conditions)
	}
	t.Logf("documented freshness conditions: %d distinct, in %s", len(conditions), strings.Join(files, ", "))
	unversioned, versioned := freshnessNova(t, false), freshnessNova(t, true)
	i := 0
	for cond, in := range conditions {
		i++
		file := strings.Join(in, ", ")
		t.Run(fmt.Sprintf("condition %d", i), func(t *testing.T) {
			t.Parallel()
			config := fmt.Sprintf(`
data "nova_criteria_version" "current" {
  job_id = "job-123"
}

data "nova_scoring_batch_summary" "gate" {
  job_id           = "job-123"
  scoring_batch_id = "b1"

  lifecycle {
    postcondition {
      condition     = %s
      error_message = "Freshness gate closed."
    }
  }
}
`, cond)
			out, err := newCLIWorkspace(t, providerConfig(unversioned)+config).run("plan", "-input=false")
			if err == nil || !wrappedText("Freshness gate closed.").Match(out) {
				t.Errorf("the condition of %s let four unversioned jobs through (%v):\n  %s\n%s", file, err, cond, out)
			}
			if out, err := newCLIWorkspace(t, providerConfig(versioned)+config).run("plan", "-input=false"); err != nil {
				t.Errorf("the condition of %s stops a fresh batch:\n  %s\n%s", file, cond, out)
			}
		})
	}
	t.Run("examples/pipeline-gate", func(t *testing.T) {
		t.Parallel()
		skipWithoutFunctions(t)
		for _, tc := range []struct {
			url  string
			want bool
		}{{unversioned, false}, {versioned, true}} {
			tf, dir, env := pipelineGateWorkspace(t, pipelineGateDir, "NOVA_BASE_URL="+tc.url, "NOVA_API_KEY="+testKey, "NOVA_TENANT_ID="+testTenant)
			out, err := runIn(t, tf, dir, env, "plan", "-input=false", "-refresh=false", "-var", "job_id=job-123", "-var", "scoring_batch_id=b1")
			planned := strings.Contains(out, "terraform_data.deploy will be created")
			switch {
			case tc.want && (err != nil || !planned):
				t.Errorf("the example stops a fresh batch: %v\n%s", err, out)
			case !tc.want && (err == nil || planned || !wrappedText("naming no criteria version").MatchString(out)):
				t.Errorf("the example deploys a batch with four unversioned jobs, or stops it for another reason: %v\n%s", err, out)
			}
		}
	})
}
