package provider

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/dweet/terraform-provider-nova/internal/novafake"
)

// The three records of a batch, measured the way a user meets them: a
// built provider, `terraform plan -out` and `terraform apply` of that plan
// with TF_LOG=TRACE, then every file inside the plan, the state, the TRACE
// log and the CLI's output searched for the candidates' data.
//
//   - full (data "nova_scoring_batch"): every candidate's id, score and
//     assessment in the plan and the state, by design; none in the log.
//   - aggregate (data "nova_scoring_batch_summary"): nothing that names or
//     scores one candidate anywhere. Scores appear only as statistics
//     (score_min, score_max, the keys of score_counts), never beside an id.
//   - none (ephemeral "nova_scoring_batch"): nothing anywhere.
//
// The full record is the control: its plan and state must hold every kind
// of value, so a search that finds nothing cannot pass by accident; and the
// log must hold the masked response bodies, so the log search is not blind.

type record struct {
	name, keyword, typeName string
}

var records = []record{
	{"full", "data", "nova_scoring_batch"},
	{"aggregate", "data", "nova_scoring_batch_summary"},
	{"none", "ephemeral", "nova_scoring_batch"},
}

func recordConfig(r record, batchID string) string {
	return fmt.Sprintf(`
provider "nova" {}

%[1]s %[2]q "gate" {
  job_id              = "job-123"
  scoring_batch_id    = %[3]q
  wait_for_completion = true
  poll_interval       = "1s"
}

resource "terraform_data" "promote" {
  input = "promoted"

  lifecycle {
    precondition {
      condition     = %[1]s.%[2]s.gate.finished && %[1]s.%[2]s.gate.failed_jobs <= 1
      error_message = "The batch is not finished."
    }
  }
}
`, r.keyword, r.typeName, batchID)
}

func TestCLIThreeRecordsPrivacy(t *testing.T) {
	skipWithoutEphemeral(t)
	s, url := fakeNova(t)
	verdicts := []string{"Verdict-Q7 strong distributed systems.", "Verdict-H3 solid backend.", "Verdict-N2 good fit.", "Verdict-B5 mixed profile.", "Verdict-X1 exceptional."}
	appIDs := []string{"cand-7f3k1", "cand-9q2m4", "cand-4z8x2", "cand-6c1v9", "cand-2b5n7", "cand-8m3l0"}
	jobIDs := []string{"sj-q8w3e1", "sj-r4t5y6", "sj-u7i8o9", "sj-p0a1s2", "sj-d3f4g5", "sj-h6j7k8"}
	// Seven decimals: a TRACE log is full of timestamps with milliseconds
	// ("12:16:16.625"), where a short score such as 6.625 turns up by chance.
	scores := []float64{8.3828125, 6.6171875, 7.1484375, 9.8671875, 7.6328125}
	const errorMessage, rejectionMessage = "Message-T4 the resume URL of the candidate expired", "Message-R2 the PDF of the candidate is truncated"
	var jobs []novafake.JobSpec
	for i, score := range scores {
		jobs = append(jobs, novafake.JobSpec{ApplicationID: appIDs[i], ID: jobIDs[i], Score: score, AfterPolls: 2,
			Assessment: &novafake.Assessment{Verdict: verdicts[i], Strengths: []string{fmt.Sprintf("Strength-%d incident command", i)},
				Concerns: []string{fmt.Sprintf("Concern-%d short tenures", i)}, InterviewFocus: []string{fmt.Sprintf("Focus-%d retry design", i)}}})
	}
	jobs = append(jobs, novafake.JobSpec{ApplicationID: appIDs[5], ID: jobIDs[5], Fail: true, ErrorCode: "RESUME_FETCH_FAILED", ErrorMessage: errorMessage})
	id := seed(t, s, novafake.BatchSpec{ID: "batch-privacy", Jobs: jobs,
		Rejected: []novafake.RejectedSpec{{ApplicationID: "cand-rej55", Reason: "RESUME_CORRUPTED", Message: rejectionMessage}}})

	var texts []string
	for _, j := range jobs[:5] {
		texts = append(texts, j.Assessment.Verdict)
		texts = append(texts, j.Assessment.Strengths...)
		texts = append(texts, j.Assessment.Concerns...)
		texts = append(texts, j.Assessment.InterviewFocus...)
	}
	markers := candidateMarkers(append(slices.Clone(appIDs), "cand-rej55"), scores, texts)
	for _, sj := range jobIDs {
		markers = append(markers, candidateData{kind: "scoring job id", value: sj, byForm: [][]byte{[]byte(sj)}})
	}
	for _, m := range []string{errorMessage, rejectionMessage} {
		markers = append(markers, candidateData{kind: "error message", value: m, byForm: [][]byte{[]byte(m)}})
	}
	kinds := []string{"application id", "scoring job id", "score", "assessment", "error message"}
	total := map[string]int{}
	for _, m := range markers {
		total[m.kind]++
	}

	type artifacts = map[string]map[string][]byte
	results := map[string]map[string]map[string]int{} // record -> artifact -> kind -> count
	for _, r := range records {
		logPath := filepath.Join(t.TempDir(), "trace.log")
		w := newCLIWorkspace(t, recordConfig(r, id), "TF_LOG=TRACE", "TF_LOG_PATH="+logPath,
			"NOVA_API_KEY="+testKey, "NOVA_TENANT_ID="+testTenant, "NOVA_BASE_URL="+url)
		planOut, err := w.run("plan", "-input=false", "-out=tfplan")
		if err != nil {
			t.Fatalf("%s: terraform plan: %v\n%s", r.name, err, planOut)
		}
		plan := planFiles(t, filepath.Join(w.dir, "work", "tfplan"))
		applyOut, err := w.run("apply", "-input=false", "tfplan")
		if err != nil {
			t.Fatalf("%s: terraform apply: %v\n%s", r.name, err, applyOut)
		}
		logs, err := os.ReadFile(logPath)
		if err != nil {
			t.Fatal(err)
		}
		all := artifacts{
			"plan":       plan,
			"state":      {"terraform.tfstate": w.state()},
			"TRACE log":  {"trace.log": logs},
			"CLI output": {"plan output": planOut, "apply output": applyOut},
		}
		results[r.name] = map[string]map[string]int{}
		for _, artifact := range []string{"plan", "state", "TRACE log", "CLI output"} {
			counts, where := found(markers, all[artifact])
			results[r.name][artifact] = counts
			var parts []string
			for _, k := range kinds {
				parts = append(parts, fmt.Sprintf("%d/%d %ss", counts[k], total[k], k))
			}
			t.Logf("%-9s %-10s: %s", r.name, artifact, strings.Join(parts, ", "))
			// What each record may hold: the full record keeps candidates
			// in its plan and state by design; the aggregate one shows
			// scores as statistics only (checked below); nothing else may
			// show any candidate value.
			for _, w := range where {
				kind := strings.SplitN(w, " \"", 2)[0]
				allowed := r.name == "full" && (artifact == "plan" || artifact == "state") ||
					r.name == "aggregate" && kind == "score" && (artifact == "plan" || artifact == "state")
				if !allowed {
					t.Errorf("%s record: %s in the %s", r.name, w, artifact)
				}
			}
		}
		// The log search is not blind: the response bodies were logged,
		// with the structure, statuses, batch id and trace id visible and
		// every candidate value masked.
		for _, want := range []string{`Nova response body`, `"id":"batch-privacy"`, `"status":"completed"`, `"errorCode":"RESUME_FETCH_FAILED"`,
			`"applicationId":"(masked)"`, `"score":"(masked)"`, `"verdict":"(masked)"`, `"errorMessage":"(masked)"`} {
			if !logHoldsJSON(logs, want) {
				t.Errorf("%s: the TRACE log lacks %s", r.name, want)
			}
		}
		if !regexp.MustCompile(`trace_id=[0-9a-f]{32}`).Match(logs) {
			t.Errorf("%s: the TRACE log names no trace id", r.name)
		}
		if r.name == "aggregate" {
			assertScoresOnlyAsStatistics(t, w.state())
		}
	}
	for _, artifact := range []string{"plan", "state"} {
		for _, kind := range kinds {
			if results["full"][artifact][kind] == 0 {
				t.Errorf("full record: no %s found in the %s: the search is blind", kind, artifact)
			}
		}
	}
}

// assertScoresOnlyAsStatistics checks that the scores the aggregate state
// holds are its statistics (score_min, score_max, the keys of score_counts)
// and that it has none of the full record's per-candidate attributes.
func assertScoresOnlyAsStatistics(t *testing.T, state []byte) {
	t.Helper()
	text := string(state)
	for _, attr := range []string{`"score_min": 6.6171875`, `"score_max": 9.8671875`, `"score_counts": {`} {
		if !strings.Contains(text, attr) {
			t.Errorf("the aggregate state lacks %s", attr)
		}
	}
	for _, forbidden := range []string{`"scores"`, `"scoring_jobs"`, `"application_id"`, `"assessment"`, `"error_message"`, `"rejected_applications"`} {
		if strings.Contains(text, forbidden) {
			t.Errorf("the aggregate state has %s", forbidden)
		}
	}
}
