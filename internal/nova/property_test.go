package nova

import (
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
	"time"
)

// The gate's rule, checked over generated answers instead of a list of
// examples (issue 17). The generator writes a batch body as a hostile or
// broken server could; DecodeBatch reads it; the checks below restate what
// must hold, from the answer as generated, without calling the rule.

// propertyCases is how many answers `go test` checks: thousands in a few
// seconds, as part of `make test`.
const propertyCases = 5000

func TestBatchRuleProperties(t *testing.T) {
	r := rand.New(rand.NewPCG(17, 2026)) //nolint:gosec // a seeded generator, not a secret
	start := time.Now()
	for i := range propertyCases {
		a := genAnswer(r)
		if msg := checkAnswer(a); msg != "" {
			t.Fatalf("case %d: %s\nanswer: %s", i, msg, a.body)
		}
	}
	t.Logf("%d generated answers checked in %v", propertyCases, time.Since(start).Round(time.Millisecond))
}

// FuzzBatchRule drives the same generator and checks from fuzzed seeds;
// `make fuzz` runs it.
func FuzzBatchRule(f *testing.F) {
	for _, s := range []uint64{0, 1, 17, 2026, math.MaxUint64} {
		f.Add(s, s^0x9e3779b97f4a7c15)
	}
	f.Fuzz(func(t *testing.T, s1, s2 uint64) {
		a := genAnswer(rand.New(rand.NewPCG(s1, s2))) //nolint:gosec // a seeded generator
		if msg := checkAnswer(a); msg != "" {
			t.Fatalf("%s\nanswer: %s", msg, a.body)
		}
	})
}

// genJob and genBatch are an answer as generated: JSON values exactly as
// they go on the wire (nil: the field is left out).
type genJob struct {
	app                                        string
	status, errorCode                          any
	score                                      any
	queuedAt, startedAt, completedAt, failedAt any
}

type genBatch struct {
	status                 any
	total, completed, fail any
	jobs                   []genJob
	body                   []byte
}

// Status spellings from the four doc generations, their case variants, and
// values no generation has.
var genStatuses = []string{
	"pending", "PENDING", "Pending", " pending ", "in_progress", "IN_PROGRESS", "In_Progress", "processing", "PROCESSING", "queued", "Queued",
	"completed", "COMPLETED", "Completed", " completed", "failed", "FAILED", "partial_failure", "PARTIAL_FAILURE", "Partial_Failure",
	"", "paused", "CANCELLED", "done", "complete", "completed_with_errors", "succeeded", "\x1b[32mcompleted",
}

var genTimestamps = []any{
	"2025-12-14T10:31:20Z", "2025-12-14T10:31:20.123456+02:00", // valid
	"", "  ", "2025-13-45T99:00:00Z", "yesterday", "2025-12-14", "2025-12-14 10:31:20", // empty or malformed
	float64(1734172280), true, map[string]any{}, // wrong types
}

func pick[T any](r *rand.Rand, from []T) T { return from[r.IntN(len(from))] }

func maybe(r *rand.Rand, v any) any {
	if r.IntN(4) == 0 {
		return nil
	}
	return v
}

func genAnswer(r *rand.Rand) genBatch {
	var b genBatch
	apps := []string{"app-1", "app-2", "app-3", "app-4"}[:1+r.IntN(4)] // few apps: duplicates are common
	n := r.IntN(6)
	for range n {
		j := genJob{app: pick(r, apps)}
		if r.IntN(5) > 0 {
			j.status = pick(r, genStatuses)
		}
		switch r.IntN(6) {
		case 0:
		case 1:
			j.score = pick(r, []any{0.0, 11.0, -3.0, 1e300, -1e300, 10.5, 0.99})
		default:
			j.score = float64(1+r.IntN(10)) + pick(r, []float64{0, 0.5})
		}
		if r.IntN(4) == 0 {
			j.errorCode = pick(r, []any{"RESUME_FETCH_FAILED", "", " ", "\x1b[31mX\x1b[0m\r"})
		}
		j.queuedAt = maybe(r, pick(r, genTimestamps))
		j.startedAt = maybe(r, pick(r, genTimestamps))
		if r.IntN(2) == 0 {
			j.completedAt = pick(r, genTimestamps)
		}
		if r.IntN(5) == 0 {
			j.failedAt = pick(r, genTimestamps)
		}
		b.jobs = append(b.jobs, j)
	}
	if r.IntN(6) > 0 {
		b.status = pick(r, genStatuses)
	}
	// Counters: missing, consistent with the jobs, contradictory, negative
	// or huge, each counter on its own.
	counter := func(consistent int) any {
		switch r.IntN(8) {
		case 0:
			return nil
		case 1:
			return -int64(1 + r.IntN(3))
		case 2:
			return pick(r, []int64{math.MaxInt64, math.MaxInt64 - 1, 1 << 62})
		case 3, 4:
			return int64(r.IntN(8))
		default:
			return int64(consistent)
		}
	}
	done, failed := 0, 0
	for _, j := range b.jobs {
		switch j.status {
		case "completed", "COMPLETED":
			done++
		case "failed", "FAILED":
			failed++
		}
	}
	b.total, b.completed, b.fail = counter(n+r.IntN(2)), counter(done), counter(failed)

	jobs := make([]map[string]any, len(b.jobs))
	for i, j := range b.jobs {
		m := map[string]any{"id": fmt.Sprintf("sj-%d", i), "applicationId": j.app}
		set := func(k string, v any) {
			if v != nil {
				m[k] = v
			}
		}
		set("status", j.status)
		set("score", j.score)
		set("errorCode", j.errorCode)
		set("queuedAt", j.queuedAt)
		set("startedAt", j.startedAt)
		set("completedAt", j.completedAt)
		set("failedAt", j.failedAt)
		jobs[i] = m
	}
	batch := map[string]any{"id": "b1", "jobId": "job-1"}
	for k, v := range map[string]any{"status": b.status, "totalJobs": b.total, "completedJobs": b.completed, "failedJobs": b.fail} {
		if v != nil {
			batch[k] = v
		}
	}
	body := map[string]any{"batch": batch}
	if n > 0 || r.IntN(2) == 0 {
		body["scoringJobs"] = jobs
	}
	b.body, _ = json.Marshal(body)
	return b
}

// spelling is what a status value says, from the spellings the docs list:
// "pending", "completed", "failed", or "" for an absent or unknown value.
func spelling(v any) string {
	s, ok := v.(string)
	if !ok {
		return ""
	}
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "pending", "in_progress", "processing", "queued":
		return "pending"
	case "completed":
		return "completed"
	case "failed", "partial_failure":
		return "failed"
	}
	return ""
}

func isDateTime(v any) bool {
	s, ok := v.(string)
	if !ok {
		return false
	}
	_, err := time.Parse(time.RFC3339Nano, s)
	return err == nil
}

func isScore(v any) bool {
	f, ok := v.(float64)
	return ok && f >= 1 && f <= 10
}

// failureShown: the job's status says failed, or it carries an error code
// or a valid failure time.
func (j genJob) failureShown() bool {
	code, _ := j.errorCode.(string)
	return spelling(j.status) == "failed" || strings.TrimSpace(code) != "" || isDateTime(j.failedAt)
}

// completedWithScore: nothing says pending or failed, the status or a valid
// completion time says completed, and it carries a score Nova can give.
func (j genJob) completedWithScore() bool {
	s := spelling(j.status)
	return s != "pending" && !j.failureShown() && (s == "completed" || (s == "" && isDateTime(j.completedAt))) && isScore(j.score)
}

// unfinished: the job's evidence does not show it finished.
func (j genJob) unfinished() bool {
	return spelling(j.status) == "pending" || (!j.failureShown() && !j.completedWithScore())
}

func counterValue(v any) (int64, bool) {
	n, ok := v.(int64)
	return n, ok
}

// checkAnswer decodes an answer and returns what it breaks, or "".
func checkAnswer(a genBatch) string {
	r, err := DecodeBatch(a.body)
	if err != nil {
		return fmt.Sprintf("decode failed: %v", err)
	}
	b := r.Batch
	listed := int64(len(a.jobs))

	// The counters, as evidence: none of them can be used once any cannot
	// be true (negative, a total below the listed jobs, completed + failed
	// above the total); a total that can be true by itself still counts.
	var unfinishedJobs, finishedJobs, failedJobs int64
	for _, j := range a.jobs {
		switch {
		case j.unfinished():
			unfinishedJobs++
		default:
			finishedJobs++
		}
		if j.failureShown() {
			failedJobs++
		}
	}
	total, hasTotal := counterValue(a.total)
	totalPossible := hasTotal && total >= 0 && total >= listed
	if !totalPossible {
		total = listed
	}
	comp, hasComp := counterValue(a.completed)
	fail, hasFail := counterValue(a.fail)
	countersPossible := (!hasTotal || totalPossible) && (!hasComp || comp >= 0) && (!hasFail || fail >= 0)
	shownFinished, shownFailed := finishedJobs, failedJobs
	if countersPossible && (hasComp || hasFail) {
		c, f := comp, fail
		if !hasComp {
			c = listed - unfinishedJobs - failedJobs // the listed jobs fill a missing counter
			c = max(c, 0)
		}
		if !hasFail {
			f = failedJobs
		}
		if c <= total && f <= total-c {
			shownFinished, shownFailed = c+f, f
		}
	}
	if hasComp && !hasFail && countersPossible {
		// A failed count taken from the listed jobs is as good as they are.
		shownFailed = max(shownFailed, failedJobs)
	}

	said := spelling(a.status)
	saysUnfinished := said == "pending" || unfinishedJobs > 0 || shownFinished < total
	saysFailed := said == "failed" || failedJobs > 0 || shownFailed > 0
	finishShown := said == "completed" || said == "failed" || (total > 0 && shownFinished >= total)

	if b.Status.Finished() && (saysUnfinished || !finishShown) {
		return fmt.Sprintf("status %s, but the evidence does not show the work finished (status says %q, %d listed jobs unfinished, %d of %d shown finished)",
			b.Status, said, unfinishedJobs, shownFinished, total)
	}
	if b.Status == StatusCompleted {
		if saysFailed {
			return fmt.Sprintf("status completed, but evidence shows failed work (status says %q, %d listed jobs failed, %d failed counted)", said, failedJobs, shownFailed)
		}
		for i, j := range a.jobs {
			if !j.completedWithScore() {
				return fmt.Sprintf("status completed, but listed job %d did not complete with a score", i)
			}
		}
	}
	if b.Status == StatusPending && (said == "completed" || said == "failed") && len(r.Warnings) == 0 {
		return fmt.Sprintf("Nova says %q, the batch reads pending, and no warning says why", a.status)
	}

	// Jobs, one by one: the same rule as for a single job.
	for i, j := range a.jobs {
		got := r.ScoringJobs[i]
		if got.Status == StatusCompleted && !j.completedWithScore() {
			return fmt.Sprintf("listed job %d reads completed without completing with a score", i)
		}
		if got.Status.Finished() && j.unfinished() {
			return fmt.Sprintf("listed job %d reads %s, but its evidence does not show it finished", i, got.Status)
		}
		for _, ts := range []*Timestamp{got.QueuedAt, got.StartedAt, got.CompletedAt, got.FailedAt} {
			if ts != nil && !isDateTime(ts.Text) {
				return fmt.Sprintf("listed job %d keeps the timestamp %q, which is not a date-time", i, ts.Text)
			}
		}
	}

	// scores never hides a low score.
	for app, got := range r.Scores {
		for _, j := range a.jobs {
			if f, ok := j.score.(float64); ok && j.app == app && got > f {
				return fmt.Sprintf("scores[%q] = %g, above the score %g listed for it", app, got, f)
			}
		}
	}
	return ""
}
