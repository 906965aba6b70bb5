package clitest

import (
	"archive/zip"
	"bytes"
	"encoding/binary"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/dweet/terraform-provider-nova/internal/novafake"
)

// The privacy claim of the ephemeral resource, proved the way a user meets
// it: a built provider through dev_overrides, `terraform plan -out` and
// `terraform apply` of that plan, then every byte Terraform keeps (each file
// inside the plan file, and the state) searched for the candidates' data.
// The same configuration with the data source is searched the same way and
// must contain the data, so a search that finds nothing cannot pass by
// accident. Conditions on the ephemeral resource are included: Terraform
// before 1.15 panics on them only in `show -json`, which this test never runs.

// candidateData is what a batch reveals about applicants, by kind.
type candidateData struct {
	kind   string // application id, score, assessment
	value  string
	byForm [][]byte // every encoding Terraform may store it in
}

func candidateMarkers(appIDs []string, scores []float64, texts []string) []candidateData {
	var out []candidateData
	for _, id := range appIDs {
		out = append(out, candidateData{kind: "application id", value: id, byForm: [][]byte{[]byte(id)}})
	}
	for _, s := range scores {
		// JSON in state files; msgpack float64 (0xcb, big-endian) in the
		// plan's binary values.
		mp := make([]byte, 9)
		mp[0] = 0xcb
		binary.BigEndian.PutUint64(mp[1:], math.Float64bits(s))
		txt := strconv.FormatFloat(s, 'f', -1, 64)
		out = append(out, candidateData{kind: "score", value: txt, byForm: [][]byte{[]byte(txt), mp}})
	}
	for _, s := range texts {
		out = append(out, candidateData{kind: "assessment", value: s, byForm: [][]byte{[]byte(s)}})
	}
	return out
}

// found counts, by kind, the candidate values that occur in any of blobs.
func found(markers []candidateData, blobs map[string][]byte) (map[string]int, []string) {
	counts := map[string]int{}
	var where []string
	for _, m := range markers {
		for name, b := range blobs {
			if containsAny(b, m.byForm) {
				counts[m.kind]++
				where = append(where, fmt.Sprintf("%s %q in %s", m.kind, m.value, name))
				break
			}
		}
	}
	sort.Strings(where)
	return counts, where
}

func containsAny(b []byte, forms [][]byte) bool {
	for _, f := range forms {
		if bytes.Contains(b, f) {
			return true
		}
	}
	return false
}

// planFiles reads every file inside a saved plan (a zip archive).
func planFiles(t *testing.T, path string) map[string][]byte {
	t.Helper()
	r, err := zip.OpenReader(path)
	if err != nil {
		t.Fatalf("open plan file: %v", err)
	}
	defer r.Close()
	files := map[string][]byte{}
	for _, f := range r.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatalf("plan file entry %s: %v", f.Name, err)
		}
		b, err := io.ReadAll(rc)
		_ = rc.Close()
		if err != nil {
			t.Fatalf("plan file entry %s: %v", f.Name, err)
		}
		files["plan:"+f.Name] = b
	}
	if len(files) < 2 {
		t.Fatalf("the plan file holds only %d files", len(files))
	}
	return files
}

// gateConfig gates terraform_data.promote on batch id with a data source
// or an ephemeral resource; only the keyword and require_completed differ.
func gateConfig(url, kind, id string) string {
	extra := ""
	if kind == "ephemeral" {
		extra = "require_completed   = true"
	}
	return providerConfig(url) + fmt.Sprintf(`
%[1]s "nova_scoring_batch" "gate" {
  job_id              = "job-123"
  scoring_batch_id    = %[2]q
  wait_for_completion = true
  poll_interval       = "1s"
  %[3]s

  lifecycle {
    postcondition {
      condition     = self.failed_jobs == 0 && length(self.scores) == self.total_jobs
      error_message = "Not every candidate was scored."
    }
  }
}

resource "terraform_data" "promote" {
  input = "promoted"

  lifecycle {
    precondition {
      condition     = %[1]s.nova_scoring_batch.gate.status == "completed" && alltrue([for s in values(%[1]s.nova_scoring_batch.gate.scores) : s >= 5])
      error_message = "Not every candidate scored 5 or more."
    }
  }
}
`, kind, id, extra)
}

func TestCLIEphemeralGateKeepsCandidateDataOutOfPlanAndState(t *testing.T) {
	skipWithoutEphemeral(t)
	s, url := fakeNova(t)
	a1 := &novafake.Assessment{Verdict: "Verdict-Q7 strong distributed systems background.", Strengths: []string{"Strength-K2 incident command"},
		Concerns: []string{"Concern-M5 short tenures"}, InterviewFocus: []string{"Focus-Z8 API retry design"}}
	a2 := &novafake.Assessment{Verdict: "Verdict-H3 solid backend engineer.", Strengths: []string{"Strength-P4 clean code"},
		Concerns: []string{"Concern-W1 little infrastructure work"}, InterviewFocus: []string{"Focus-J6 testing strategy"}}
	id := seed(t, s, novafake.BatchSpec{
		ID: "batch-ok",
		Jobs: []novafake.JobSpec{
			{ApplicationID: "cand-7f3k1", Score: 8.375, Assessment: a1, AfterPolls: 2},
			{ApplicationID: "cand-9q2m4", Score: 6.625, Assessment: a2},
		},
		Rejected: []novafake.RejectedSpec{{ApplicationID: "cand-rej55", Reason: "RESUME_CORRUPTED", Message: "The PDF is truncated"}},
	})
	var texts []string
	for _, a := range []*novafake.Assessment{a1, a2} {
		texts = append(texts, a.Verdict)
		texts = append(texts, a.Strengths...)
		texts = append(texts, a.Concerns...)
		texts = append(texts, a.InterviewFocus...)
	}
	markers := candidateMarkers([]string{"cand-7f3k1", "cand-9q2m4", "cand-rej55"}, []float64{8.375, 6.625}, texts)
	total := map[string]int{}
	for _, m := range markers {
		total[m.kind]++
	}

	results := map[string]map[string]map[string]int{} // kind -> artifact -> counts
	for _, kind := range []string{"data", "ephemeral"} {
		w := newCLIWorkspace(t, gateConfig(url, kind, id))
		out, err := w.run("plan", "-input=false", "-out=tfplan")
		if err != nil {
			t.Fatalf("%s: terraform plan: %v\n%s", kind, err, out)
		}
		plan := planFiles(t, filepath.Join(w.dir, "work", "tfplan"))
		before := len(s.Requests())
		applyOut, err := w.run("apply", "-input=false", "tfplan")
		if err != nil {
			t.Fatalf("%s: terraform apply: %v\n%s", kind, err, applyOut)
		}
		if !strings.Contains(string(applyOut), "terraform_data.promote: Creation complete") {
			t.Errorf("%s: the gate did not let terraform_data.promote be created:\n%s", kind, applyOut)
		}
		readsAtApply := len(s.Requests()) - before
		state := map[string][]byte{"terraform.tfstate": w.state()}
		output := map[string][]byte{"plan output": out, "apply output": applyOut}

		results[kind] = map[string]map[string]int{}
		for _, a := range []struct {
			artifact string
			blobs    map[string][]byte
		}{{"plan file", plan}, {"state", state}, {"CLI output", output}} {
			artifact, blobs := a.artifact, a.blobs
			counts, where := found(markers, blobs)
			results[kind][artifact] = counts
			t.Logf("%-9s %-10s: %d of %d application ids, %d of %d scores, %d of %d assessment texts",
				kind, artifact, counts["application id"], total["application id"], counts["score"], total["score"], counts["assessment"], total["assessment"])
			if kind == "ephemeral" && len(where) > 0 {
				t.Errorf("ephemeral: candidate data in the %s:\n  %s", artifact, strings.Join(where, "\n  "))
			}
		}
		names := make([]string, 0, len(plan))
		for name := range plan {
			names = append(names, strings.TrimPrefix(name, "plan:"))
		}
		sort.Strings(names)
		t.Logf("%-9s plan file entries: %s; Nova reads during apply: %d", kind, strings.Join(names, ", "), readsAtApply)
		if kind == "ephemeral" && readsAtApply == 0 {
			t.Errorf("ephemeral: apply did not open the resource again")
		}
	}
	// The control: the data source keeps every kind of candidate data in
	// both artifacts; if it did not, the search above would prove nothing.
	for _, artifact := range []string{"plan file", "state"} {
		for _, kind := range []string{"application id", "score", "assessment"} {
			if results["data"][artifact][kind] == 0 {
				t.Errorf("data source: no %s found in the %s: the search is blind", kind, artifact)
			}
		}
	}
}

// A failed batch stops the plan with the provider's message, which counts
// the failed jobs by error code but names no candidate and carries no score
// or assessment.
func TestCLIEphemeralGateStopsOnFailedBatch(t *testing.T) {
	skipWithoutEphemeral(t)
	s, url := fakeNova(t)
	verdict := "Verdict-R9 excellent candidate."
	id := seed(t, s, novafake.BatchSpec{
		ID: "batch-bad",
		Jobs: []novafake.JobSpec{
			{ApplicationID: "cand-ok-1", Score: 9.125, Assessment: &novafake.Assessment{Verdict: verdict, Strengths: []string{}, Concerns: []string{}, InterviewFocus: []string{}}},
			{ApplicationID: "cand-bad-2", Fail: true, ErrorCode: "RESUME_FETCH_FAILED", ErrorMessage: "Message-T4 URL expired", AfterPolls: 2},
		},
	})
	w := newCLIWorkspace(t, gateConfig(url, "ephemeral", id))
	out, err := w.run("plan", "-input=false", "-out=tfplan")
	if err == nil {
		t.Fatalf("plan of a failed batch succeeded:\n%s", out)
	}
	flat := strings.Join(strings.Fields(string(out)), " ")
	for _, want := range []string{
		"Error: Nova scoring batch did not pass the gate",
		`The scoring batch in tenant "acme-corp" (sandbox) did not pass the gate (status failed, 1 completed, 1 failed, 0 pending of 2 jobs).`,
		"Scoring batch batch-bad has 1 failed job, more than the 0 allowed (by error code: RESUME_FETCH_FAILED: 1).",
		"Nova Embed Portal",
	} {
		if !strings.Contains(flat, want) {
			t.Errorf("the plan's output lacks %q:\n%s", want, out)
		}
	}
	for _, secret := range []string{verdict, "9.125", "Message-T4", "cand-ok-1", "cand-bad-2", "sj-"} {
		if strings.Contains(flat, secret) {
			t.Errorf("the failure message reveals %q:\n%s", secret, out)
		}
	}
	// Terraform writes an errored plan to -out too; it must hold no
	// candidate data either, and must not apply.
	planPath := filepath.Join(w.dir, "work", "tfplan")
	if _, err := os.Stat(planPath); err == nil {
		markers := candidateMarkers([]string{"cand-ok-1", "cand-bad-2"}, []float64{9.125}, []string{verdict, "Message-T4"})
		if counts, where := found(markers, planFiles(t, planPath)); len(where) > 0 {
			t.Errorf("the errored plan file holds candidate data %v:\n  %s", counts, strings.Join(where, "\n  "))
		}
		if out, err := w.run("apply", "-input=false", "tfplan"); err == nil {
			t.Errorf("an errored plan applied:\n%s", out)
		}
	}
}
