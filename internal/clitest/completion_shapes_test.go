package clitest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/dweet/terraform-provider-nova/internal/novafake"
)

// Answers that look completed but are not: each is a clean completed answer
// (the real answer of a seeded batch, ids and criteria included) with one
// thing wrong, and each must keep every shipped gate shut. The CLI reads it
// from novafake, so the test holds whatever the gate is made of.

// answerShape turns a clean answer into a hostile one. batch changes a
// batch read ({"batch": ..., "scoringJobs": [...]}); job changes one
// scoring job: the first of a batch, and the one of a single-job read. A
// shape with only batch leaves single-job reads alone.
type answerShape struct {
	name  string
	batch func(body obj)
	job   func(j obj)
}

// Both are written against JSON as it is decoded into any: objects are
// obj, lists []any, numbers float64.

func batchOf(body obj) obj { return asObj(body["batch"]) }

func asObj(v any) obj { o, _ := v.(obj); return o }

func jobsOf(body obj) []any { j, _ := body["scoringJobs"].([]any); return j }

// setCounters sets the counters the answer sent to the listed numbers.
func setCounters(total, completed, failed float64) func(obj) {
	return func(body obj) {
		b := batchOf(body)
		b["totalJobs"], b["completedJobs"], b["failedJobs"] = total, completed, failed
	}
}

func listed(body obj) float64 { return float64(len(jobsOf(body))) }

var completionShapes = []answerShape{
	{name: "impossible counters that count a failure", batch: func(body obj) {
		setCounters(listed(body), listed(body), 1)(body)
	}},
	{name: "batch status in-progress", batch: func(body obj) { batchOf(body)["status"] = "in-progress" }},
	{name: "batch status RUNNING", batch: func(body obj) { batchOf(body)["status"] = "RUNNING" }},
	{name: "job status running", job: func(j obj) { j["status"] = "running" }},
	{name: "job status cancelled", job: func(j obj) { j["status"] = "cancelled" }},
	{name: "jobs counted but not listed", batch: func(body obj) {
		setCounters(listed(body)+3, listed(body)+3, 0)(body)
	}},
	{name: "no jobs listed, three counted", batch: func(body obj) {
		body["scoringJobs"] = []any{}
		setCounters(3, 3, 0)(body)
	}},
	{name: "no scoringJobs field", batch: func(body obj) {
		delete(body, "scoringJobs")
	}},
	{name: "a job id listed twice", batch: func(body obj) {
		jobs := jobsOf(body)
		twin := obj{}
		for k, v := range asObj(jobs[0]) {
			twin[k] = v
		}
		twin["applicationId"] = "app-twin"
		body["scoringJobs"] = append(jobs, twin)
		setCounters(listed(body), listed(body), 0)(body)
	}},
	{name: "a completed job with an error message", job: func(j obj) { j["errorMessage"] = "AI scoring failed" }},
	{name: "failedAt in a serialiser's form", job: func(j obj) { j["failedAt"] = "2025-12-14 10:31:20" }},
	{name: "failedAt empty", job: func(j obj) { j["failedAt"] = "" }},
	{name: "a completed job with an error code", job: func(j obj) { j["errorCode"] = "AI_SCORING_FAILED" }},
	{name: `score "8.5"`, job: func(j obj) { j["score"] = "8.5" }},
	{name: `isRescore "false"`, job: func(j obj) { j["isRescore"] = "false" }},
}

// rewriteAs is a novafake rewrite that applies shape to every batch and
// scoring-job read.
func rewriteAs(shape answerShape) func(route string, body []byte) []byte {
	return func(route string, body []byte) []byte {
		var v obj
		if err := json.Unmarshal(body, &v); err != nil {
			panic(err)
		}
		switch route {
		case novafake.RouteGetBatch:
			if shape.job != nil {
				if jobs := jobsOf(v); len(jobs) > 0 {
					shape.job(asObj(jobs[0]))
				}
			}
			if shape.batch != nil {
				shape.batch(v)
			}
		case novafake.RouteGetScoringJob, novafake.RouteGetApplicationScore:
			if shape.job != nil {
				shape.job(asObj(v["scoringJob"]))
			}
		}
		out, err := json.Marshal(v)
		if err != nil {
			panic(err)
		}
		return out
	}
}

// cleanShapes are documented answers that must still complete: a gate that
// never opens fails too. Each is a status style of novafake plus a rewrite.
var cleanShapes = []struct {
	name    string
	style   novafake.StatusStyle
	rewrite func(route string, body []byte) []byte
}{
	{name: "GEN-C/D lower case", style: novafake.StatusLower},
	{name: "GEN-B upper case", style: novafake.StatusUpper},
	{name: "GEN-D sample: no status fields", style: novafake.StatusMissing},
	{name: "no counters", style: novafake.StatusLower, rewrite: func(route string, body []byte) []byte {
		if route != novafake.RouteGetBatch {
			return body
		}
		return regexp.MustCompile(`"(totalJobs|completedJobs|failedJobs)":\d+,?`).ReplaceAll(body, nil)
	}},
	{name: "counters written as 3.0", style: novafake.StatusLower, rewrite: func(route string, body []byte) []byte {
		return regexp.MustCompile(`"(totalJobs|completedJobs|failedJobs)":(\d+)`).ReplaceAll(body, []byte(`"$1":$2.0`))
	}},
}

// shapeGates are the shipped gates of a batch, each a configuration that
// must plan on a clean completed batch "b1" and stop on every shape.
type shippedGate struct {
	name      string
	config    string
	ephemeral bool
	// example is a shipped example module, planned through its variables
	// instead of config; skip says which CLIs cannot run it.
	example string
	skip    func(t *testing.T)
}

var shapeGates = []shippedGate{
	{name: "nova_scoring_batch", config: `
data "nova_scoring_batch" "gate" {
  job_id           = "job-123"
  scoring_batch_id = "b1"
  lifecycle {
    postcondition {
      condition     = self.status == "completed"
      error_message = "Batch ${self.id}: ${self.failed_jobs} of ${self.total_jobs} jobs failed."
    }
  }
}
output "scores" { value = data.nova_scoring_batch.gate.scores }
`},
	{name: "nova_scoring_batch_summary", config: `
data "nova_scoring_batch_summary" "gate" {
  job_id           = "job-123"
  scoring_batch_id = "b1"
  lifecycle {
    postcondition {
      condition     = self.status == "completed" && self.failed_jobs == 0
      error_message = "Batch not completed."
    }
  }
}
output "status" { value = data.nova_scoring_batch_summary.gate.status }
`},
	{name: "ephemeral require_completed", ephemeral: true, config: `
ephemeral "nova_scoring_batch" "gate" {
  job_id            = "job-123"
  scoring_batch_id  = "b1"
  require_completed = true
}
resource "terraform_data" "promote" {
  input = "deploy"
  lifecycle {
    precondition {
      condition     = ephemeral.nova_scoring_batch.gate.total_jobs > 0
      error_message = "No jobs."
    }
  }
}
`},
}

// shapeServer is novafake with a clean completed batch "b1" of job-123,
// scored against the job's current criteria, its answers passed through
// rewrite.
func shapeServer(t *testing.T, style novafake.StatusStyle, rewrite func(string, []byte) []byte) string {
	t.Helper()
	s, url := fakeNova(t, novafake.WithStatusStyle(style))
	seed(t, s, novafake.BatchSpec{ID: "b1", Jobs: []novafake.JobSpec{
		{ApplicationID: "app-001", ID: "sj-001", Score: 8},
		{ApplicationID: "app-002", ID: "sj-002", Score: 9},
	}})
	if _, err := s.AddCriteriaVersion(novafake.CriteriaVersionSpec{Tenant: testTenant, JobID: testJob, ID: s.DefaultCriteriaVersionID()}); err != nil {
		t.Fatal(err)
	}
	s.RewriteAnswers(rewrite)
	return url
}

// shippedGates are shapeGates and both shipped pipeline-gate examples: the
// one that calls provider::nova::gate (Terraform 1.8+, OpenTofu 1.7+) and
// the hand-written one for older CLIs.
func shippedGates() []shippedGate {
	return append(slices.Clone(shapeGates),
		shippedGate{name: "examples/pipeline-gate", example: pipelineGateDir, skip: skipWithoutFunctions},
		shippedGate{name: "examples/pipeline-gate-legacy", example: pipelineGateLegacyDir})
}

func (g shippedGate) skipUnsupported(t *testing.T) {
	t.Helper()
	if g.ephemeral {
		skipWithoutEphemeral(t)
	}
	if g.skip != nil {
		g.skip(t)
	}
}

// planGate plans one gate against url; an example module is driven only
// through its variables.
func planGate(t *testing.T, url string, gate shippedGate) (string, error) {
	t.Helper()
	if gate.example != "" {
		tf, dir, env := pipelineGateWorkspace(t, gate.example, "NOVA_BASE_URL="+url, "NOVA_API_KEY="+testKey, "NOVA_TENANT_ID="+testTenant)
		return runIn(t, tf, dir, env, "plan", "-input=false", "-refresh=false",
			"-var", "job_id="+testJob, "-var", "scoring_batch_id=b1", "-var", "min_score=1", "-var", "wait_for_completion=false")
	}
	out, err := newCLIWorkspace(t, providerConfig(url, "max_retries = 0")+gate.config).run("plan", "-input=false")
	return string(out), err
}

// readFailed is how a plan says a read failed, rather than a gate stopping
// on what it read: harmless variants must not fail the read.
var readFailed = regexp.MustCompile(`Error: (Nova sent a response the provider cannot read|Could not reach Nova|Timed out reading from Nova)`)

// TestCLICompletionShapesKeepGatesShut: every shape, through every shipped
// gate of a batch, stops the plan at the gate and not at a failed read.
func TestCLICompletionShapesKeepGatesShut(t *testing.T) {
	t.Parallel()
	for _, shape := range completionShapes {
		for _, gate := range shippedGates() {
			t.Run(shape.name+"/"+gate.name, func(t *testing.T) {
				t.Parallel()
				gate.skipUnsupported(t)
				out, err := planGate(t, shapeServer(t, novafake.StatusLower, rewriteAs(shape)), gate)
				if err == nil {
					t.Fatalf("the gate opened:\n%s", out)
				}
				if !gateStop.MatchString(out) {
					t.Errorf("the plan stopped, but not at the gate:\n%s", out)
				}
				if msg := evaluationError(out); msg != "" || readFailed.MatchString(out) {
					t.Errorf("the plan stopped at an error (%q), not at the gate:\n%s", msg, out)
				}
				if strings.Contains(out, "will be created") {
					t.Errorf("the deployment step is planned:\n%s", out)
				}
			})
		}
	}
}

// TestCLICleanShapesStillComplete: the documented clean answers open every
// gate, so that a gate that never opens fails too.
func TestCLICleanShapesStillComplete(t *testing.T) {
	t.Parallel()
	for _, clean := range cleanShapes {
		for _, gate := range shippedGates() {
			t.Run(clean.name+"/"+gate.name, func(t *testing.T) {
				t.Parallel()
				gate.skipUnsupported(t)
				out, err := planGate(t, shapeServer(t, clean.style, clean.rewrite), gate)
				if err != nil {
					t.Fatalf("the gate stayed shut on a clean answer: %v\n%s", err, out)
				}
				if gate.example != "" && !strings.Contains(out, "terraform_data.deploy will be created") {
					t.Errorf("the deployment step is not planned:\n%s", out)
				}
				if bytes.Contains([]byte(out), []byte("Unexpected data from Nova")) {
					t.Errorf("a clean answer gave a warning:\n%s", out)
				}
			})
		}
	}
}

// shapeVariant names a doc-snippet variant that serves shape i.
func shapeVariant(i int) string { return fmt.Sprintf("shape:%d", i) }

// shapeOf returns the shape of a variant from shapeVariant, or nil.
func shapeOf(variant string) *answerShape {
	var i int
	if _, err := fmt.Sscanf(variant, "shape:%d", &i); err != nil || i < 0 || i >= len(completionShapes) {
		return nil
	}
	return &completionShapes[i]
}

// gateVariants are the answers a doc gate is planned against besides its
// own: every batch failed or pending, every batch clean and completed (the
// gate must open, unless the snippet is marked to fail), and the clean
// answer in every completion shape (job shapes for every gate, batch shapes
// for gates that read a batch).
func gateVariants(files map[string]string) []string {
	variants := []string{"failed", "pending", "clean"}
	readsBatch := anyContains(files, "nova_scoring_batch")
	for i, shape := range completionShapes {
		if shape.job != nil || readsBatch {
			variants = append(variants, shapeVariant(i))
		}
	}
	return variants
}

// cleanSeed is the seed with every job completed, at the top score, so that
// only what a shape changes can keep a gate shut.
func cleanSeed(seed novafake.Seed) novafake.Seed {
	out := seed
	out.Batches = nil
	for _, b := range seed.Batches {
		jobs := make([]novafake.JobSpec, 0, len(b.Jobs))
		for _, j := range b.Jobs {
			j.After, j.AfterPolls, j.Fail, j.Score = 0, 0, false, 10
			jobs = append(jobs, j)
		}
		b.Jobs = jobs
		out.Batches = append(out.Batches, b)
	}
	return out
}
