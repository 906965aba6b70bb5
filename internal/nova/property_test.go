package nova

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"
)

// The completion rule, proven by two properties that share no code with it:
// nothing here calls or copies its spelling list, score bounds, counter
// checks or field reader. Both read answers through DecodeBatch only.
//
//   - Doubt injection: clean completed answers in every documented shape
//     (GEN-C/D lower case, GEN-B upper case, the GEN-D sample's missing
//     status fields, no counters, counters written as 3.0) complete; the
//     same answer with any one doubt added never does.
//   - Completed means clean: whenever the rule says completed, the answer
//     passes strictChecklist, a plain list of what the API docs say a
//     finished, successful batch looks like.

// cleanAnswers is how many clean answers `go test` builds; each is checked
// clean and then once per doubt kind.
const cleanAnswers = 300

// randomAnswers is how many loosely generated answers "completed means
// clean" checks on top of the doubt-injected ones.
const randomAnswers = 3000

func TestDoubtInjection(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(24, 2026)) //nolint:gosec // a seeded generator, not a secret
	start := time.Now()
	caught := make([]int, len(doubtKinds))
	failed := make([]bool, len(doubtKinds))
	cases := 0
	for range cleanAnswers {
		a := cleanAnswer(r)
		if msg := completes(a); msg != "" {
			t.Fatalf("a clean answer does not complete: %s\nanswer: %s", msg, mustJSON(a))
		}
		for k, kind := range doubtKinds {
			doubted, ok := injectDoubt(r, a, k)
			if !ok {
				continue
			}
			cases++
			if msg := neverCompletes(doubted, kind); msg != "" {
				// Once per kind, so that a broken rule shows every kind
				// that catches it.
				if !failed[k] {
					t.Errorf("doubt %q: %s\nanswer: %s", kind.name, msg, doubted)
				}
				failed[k] = true
				continue
			}
			caught[k]++
		}
	}
	for k, n := range caught {
		if n < cleanAnswers/4 && !failed[k] {
			t.Errorf("doubt %q applied to only %d of %d clean answers", doubtKinds[k].name, n, cleanAnswers)
		}
	}
	t.Logf("%d clean answers, %d doubt kinds, %d doubted answers checked in %v", cleanAnswers, len(doubtKinds), cases, time.Since(start).Round(time.Millisecond))
}

func TestCompletedMeansClean(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(2026, 24)) //nolint:gosec // a seeded generator, not a secret
	start := time.Now()
	completed, cases := 0, 0
	check := func(body []byte) {
		cases++
		res, err := DecodeBatch(body)
		if err != nil || res.Batch.Status != StatusCompleted {
			return
		}
		completed++
		if problem := strictChecklist(body); problem != "" {
			t.Fatalf("the rule says completed, but %s\nanswer: %s", problem, body)
		}
	}
	for range randomAnswers {
		check(randomAnswer(r))
	}
	for range cleanAnswers {
		a := cleanAnswer(r)
		check(mustJSON(a))
		for k := range doubtKinds {
			if doubted, ok := injectDoubt(r, a, k); ok {
				check(doubted)
			}
		}
	}
	if completed < cleanAnswers {
		t.Errorf("only %d of %d answers completed: the property checked too little", completed, cases)
	}
	t.Logf("%d answers, %d completed and checked against the checklist, in %v", cases, completed, time.Since(start).Round(time.Millisecond))
}

// FuzzDoubtInjection: any clean answer the seeds build completes, and with
// any doubt kind injected it does not. `make fuzz` runs it.
func FuzzDoubtInjection(f *testing.F) {
	for k := range doubtKinds {
		f.Add(uint64(k), uint64(24), uint8(k))
	}
	f.Fuzz(func(t *testing.T, s1, s2 uint64, kind uint8) {
		r := rand.New(rand.NewPCG(s1, s2)) //nolint:gosec // a seeded generator
		a := cleanAnswer(r)
		if msg := completes(a); msg != "" {
			t.Fatalf("a clean answer does not complete: %s\nanswer: %s", msg, mustJSON(a))
		}
		k := int(kind) % len(doubtKinds)
		if doubted, ok := injectDoubt(r, a, k); ok {
			if msg := neverCompletes(doubted, doubtKinds[k]); msg != "" {
				t.Fatalf("doubt %q: %s\nanswer: %s", doubtKinds[k].name, msg, doubted)
			}
		}
	})
}

// FuzzCompletedMeansClean: whatever bytes arrive, a completed read passes
// the checklist. The seeds are clean answers, so that mutations start from
// answers that complete.
func FuzzCompletedMeansClean(f *testing.F) {
	r := rand.New(rand.NewPCG(1, 2)) //nolint:gosec // a seeded generator
	for range 8 {
		f.Add(mustJSON(cleanAnswer(r)))
	}
	f.Add(randomAnswer(r))
	f.Fuzz(func(t *testing.T, body []byte) {
		res, err := DecodeBatch(body)
		if err != nil || res.Batch.Status != StatusCompleted {
			return
		}
		if problem := strictChecklist(body); problem != "" {
			t.Fatalf("the rule says completed, but %s\nanswer: %s", problem, body)
		}
	})
}

func completes(a obj) string {
	res, err := DecodeBatch(mustJSON(a))
	switch {
	case err != nil:
		return "the read failed: " + err.Error()
	case res.Batch.Status != StatusCompleted:
		return fmt.Sprintf("status %s, warnings %q", res.Batch.Status, warningStrings(res.Warnings))
	}
	for _, w := range res.Warnings {
		// An application listed on two jobs is allowed, and told.
		if !strings.HasPrefix(w.Subject, "applications ") {
			return fmt.Sprintf("a warning on a clean answer: %q", w.String())
		}
	}
	return ""
}

// neverCompletes: the read may fail only for a body that is not JSON; it
// must not say completed.
func neverCompletes(body []byte, kind doubtKind) string {
	res, err := DecodeBatch(body)
	switch {
	case err != nil && json.Valid(body):
		return "the read failed on a JSON batch: " + err.Error()
	case err != nil:
		return ""
	case res.Batch.Status == StatusCompleted:
		return "it reads completed"
	case kind.warns && len(res.Warnings) == 0:
		return fmt.Sprintf("it reads %s without a warning naming the doubt", res.Batch.Status)
	case mustSay[kind.name] != "" && !strings.Contains(strings.Join(warningStrings(res.Warnings), "\n"), mustSay[kind.name]):
		return fmt.Sprintf("no warning says %q: %q", mustSay[kind.name], warningStrings(res.Warnings))
	}
	return ""
}

type obj = map[string]any

func mustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return b
}

// clone deep-copies an answer through JSON, keeping whole numbers as they
// were written (json.Number), so that 3.0 stays 3.0.
func clone(a obj) obj {
	dec := json.NewDecoder(bytes.NewReader(mustJSON(a)))
	dec.UseNumber()
	var out obj
	if err := dec.Decode(&out); err != nil {
		panic(err)
	}
	return out
}

func pick[T any](r *rand.Rand, from []T) T { return from[r.IntN(len(from))] }

var validTimes = []string{"2025-12-14T10:31:20Z", "2025-12-14T10:31:20.123456+02:00", "2026-02-01T00:00:00.5-05:00"}

// cleanAnswer is a batch every job of which finished with a score, written
// the way one of the doc generations writes it.
func cleanAnswer(r *rand.Rand) obj {
	batchStatus := pick(r, []any{"completed", "COMPLETED", nil}) // GEN-C/D, GEN-B, GEN-D sample
	jobStatus := batchStatus
	if r.IntN(4) == 0 {
		jobStatus = pick(r, []any{"completed", "COMPLETED", nil})
	}
	n := 1 + r.IntN(6)
	if r.IntN(10) == 0 {
		n = 25 // the most a batch holds
	}
	jobs := make([]any, n)
	for i := range jobs {
		j := obj{
			"id":            fmt.Sprintf("sj-%d-%d", i, r.IntN(1000)),
			"jobId":         "job-123",
			"applicationId": fmt.Sprintf("app-%d", i),
			"score":         float64(1+r.IntN(10)) - pick(r, []float64{0, 0, 0.5})*float64(min(1, r.IntN(10))),
			"queuedAt":      pick(r, validTimes),
		}
		if s, _ := j["score"].(float64); s < 1 {
			j["score"] = 1.0
		}
		if jobStatus != nil {
			j["status"] = jobStatus
		}
		if jobStatus == nil || r.IntN(3) > 0 {
			j["completedAt"] = pick(r, validTimes)
		}
		optional := map[string]any{
			"criteriaVersionId": "cv-1", "isRescore": r.IntN(2) == 0, "startedAt": pick(r, validTimes),
			"errorCode": nil, "errorMessage": pick(r, []any{nil, ""}), "failedAt": nil,
			"assessment": pick(r, []any{nil, obj{"verdict": "Strong.", "strengths": []any{"Go"}, "concerns": []any{}, "interviewFocus": nil}}),
		}
		for k, v := range optional {
			if r.IntN(3) > 0 {
				j[k] = v
			}
		}
		if i > 0 && r.IntN(10) == 0 {
			j["applicationId"] = "app-0" // an application listed twice: allowed
		}
		jobs[i] = j
	}
	batch := obj{"id": "b-1", "jobId": "job-123", "createdAt": pick(r, validTimes)}
	if batchStatus != nil {
		batch["status"] = batchStatus
	}
	if r.IntN(2) == 0 {
		batch["completedAt"] = pick(r, []any{nil, pick(r, validTimes)})
	}
	// Counters: all, none, some; whole numbers, sometimes written as 3.0.
	whole := func(v int) any {
		if r.IntN(4) == 0 {
			return json.Number(fmt.Sprintf("%d.0", v))
		}
		return v
	}
	switch r.IntN(4) {
	case 0: // none
	case 1:
		for _, k := range []string{"totalJobs", "completedJobs", "failedJobs"} {
			if r.IntN(2) == 0 {
				batch[k] = whole(map[string]int{"totalJobs": n, "completedJobs": n, "failedJobs": 0}[k])
			}
		}
	default:
		batch["totalJobs"], batch["completedJobs"], batch["failedJobs"] = whole(n), whole(n), whole(0)
	}
	a := obj{"batch": batch, "scoringJobs": jobs}
	if r.IntN(2) == 0 {
		a["rejectedApplications"] = []any{obj{"applicationId": "app-x", "error": obj{"reason": "RESUME_CORRUPTED", "message": "corrupt"}}}
	}
	return a
}

// doubtKind adds one doubt to a clean answer (a clone: the answer itself is
// kept). ok is false when the kind does not apply to this answer.
type doubtKind struct {
	name string
	// warns: the read must say why, in a warning. Kinds without it may
	// read as ordinary unfinished or failed work, which needs no warning.
	warns bool
	apply func(r *rand.Rand, a obj) (body []byte, ok bool)
}

// mustSay is what a warning must say for some kinds: an unknown word is
// named as one, not only kept out.
var mustSay = map[string]string{
	"an unknown word as the batch status": "unknown batch status",
	"an unknown word as a job status":     "unknown status",
}

func injectDoubt(r *rand.Rand, a obj, k int) ([]byte, bool) {
	return doubtKinds[k].apply(r, clone(a))
}

// asObj and the accessors below read the answers this file generates,
// whose shape it knows.
func asObj(v any) obj { o, _ := v.(obj); return o }

func batchOf(a obj) obj  { return asObj(a["batch"]) }
func jobsOf(a obj) []any { l, _ := a["scoringJobs"].([]any); return l }
func someJob(r *rand.Rand, a obj) obj {
	jobs := jobsOf(a)
	return asObj(jobs[r.IntN(len(jobs))])
}

// Words no doc generation has, and spellings of them close to known ones.
var unknownWords = []any{"in-progress", "RUNNING", "running", "cancelled", "CANCELLED", "done", "complete", "succeeded",
	"completed_with_errors", "", " completed", "completed ", "Completed!", "paused", "\x1b[32mcompleted"}

func counterValue(v any) int {
	switch n := v.(type) {
	case json.Number:
		f, _ := n.Float64()
		return int(f)
	case float64:
		return int(n)
	case int:
		return n
	}
	return 0
}

var doubtKinds = []doubtKind{
	{"an unknown word as the batch status", true, func(r *rand.Rand, a obj) ([]byte, bool) {
		batchOf(a)["status"] = pick(r, unknownWords)
		return mustJSON(a), true
	}},
	{"an unknown word as a job status", true, func(r *rand.Rand, a obj) ([]byte, bool) {
		someJob(r, a)["status"] = pick(r, unknownWords)
		return mustJSON(a), true
	}},
	{"a batch status that says unfinished or failed", false, func(r *rand.Rand, a obj) ([]byte, bool) {
		batchOf(a)["status"] = pick(r, []any{"pending", "PENDING", "IN_PROGRESS", "processing", "queued", "failed", "FAILED", "PARTIAL_FAILURE"})
		return mustJSON(a), true
	}},
	{"a job status that says unfinished or failed", false, func(r *rand.Rand, a obj) ([]byte, bool) {
		someJob(r, a)["status"] = pick(r, []any{"pending", "PENDING", "PROCESSING", "failed", "FAILED"})
		return mustJSON(a), true
	}},
	{"a counter moved by one", false, func(r *rand.Rand, a obj) ([]byte, bool) {
		b, n := batchOf(a), len(jobsOf(a))
		name := pick(r, []string{"totalJobs", "completedJobs", "failedJobs"})
		clean := map[string]int{"totalJobs": n, "completedJobs": n, "failedJobs": 0}[name]
		if v, ok := b[name]; ok {
			clean = counterValue(v)
		}
		b[name] = clean + pick(r, []int{-1, 1})
		return mustJSON(a), true
	}},
	{"a counter that is not a whole number", true, func(r *rand.Rand, a obj) ([]byte, bool) {
		b := batchOf(a)
		name := pick(r, []string{"totalJobs", "completedJobs", "failedJobs"})
		b[name] = pick(r, []any{"3", 2.5, true, obj{}, 1e300, -0.5})
		return mustJSON(a), true
	}},
	{"a listed job removed, still counted", true, func(r *rand.Rand, a obj) ([]byte, bool) {
		jobs := jobsOf(a)
		if _, ok := batchOf(a)["totalJobs"]; !ok {
			batchOf(a)["totalJobs"] = len(jobs)
		}
		i := r.IntN(len(jobs))
		a["scoringJobs"] = slices.Delete(jobs, i, i+1)
		return mustJSON(a), true
	}},
	{"a listed job duplicated", true, func(r *rand.Rand, a obj) ([]byte, bool) {
		jobs := jobsOf(a)
		twin := clone(obj{"j": someJob(r, a)})["j"]
		if r.IntN(2) == 0 {
			asObj(twin)["applicationId"] = "app-twin"
		}
		a["scoringJobs"] = append(jobs, twin)
		b := batchOf(a)
		for _, k := range []string{"totalJobs", "completedJobs"} {
			if _, ok := b[k]; ok {
				b[k] = len(jobs) + 1 // the counters agree: only the id shows it
			}
		}
		return mustJSON(a), true
	}},
	{"no jobs listed", true, func(r *rand.Rand, a obj) ([]byte, bool) {
		switch r.IntN(3) {
		case 0:
			a["scoringJobs"] = []any{}
		case 1:
			delete(a, "scoringJobs")
		default:
			a["scoringJobs"] = pick(r, []any{"jobs", obj{}, 3})
		}
		return mustJSON(a), true
	}},
	{"an error code on a job", false, func(r *rand.Rand, a obj) ([]byte, bool) {
		someJob(r, a)["errorCode"] = pick(r, []any{"AI_SCORING_FAILED", "TIMEOUT", "", " ", 17})
		return mustJSON(a), true
	}},
	{"an error message on a job", false, func(r *rand.Rand, a obj) ([]byte, bool) {
		someJob(r, a)["errorMessage"] = pick(r, []any{"AI scoring failed", "x", false})
		return mustJSON(a), true
	}},
	{"a failure time on a job: valid, malformed or empty", false, func(r *rand.Rand, a obj) ([]byte, bool) {
		someJob(r, a)["failedAt"] = pick(r, []any{"2025-12-14T10:31:20Z", "2025-12-14 10:31:20", "yesterday", "", 1734172280, obj{}})
		return mustJSON(a), true
	}},
	{"a score out of range, missing or of the wrong type", false, func(r *rand.Rand, a obj) ([]byte, bool) {
		j := someJob(r, a)
		switch v := pick(r, []any{0.0, 11.0, -1.0, 10.5, 0.99, 1e300, "8.5", true, obj{}, []any{7}, "missing", nil}); v {
		case "missing":
			delete(j, "score")
		default:
			j["score"] = v
		}
		return mustJSON(a), true
	}},
	{"a job without status and without completedAt", false, func(r *rand.Rand, a obj) ([]byte, bool) {
		j := someJob(r, a)
		delete(j, "status")
		if r.IntN(2) == 0 {
			delete(j, "completedAt")
		} else {
			j["completedAt"] = pick(r, []any{nil, "", "2025-12-14 10:31:20", 5})
		}
		return mustJSON(a), true
	}},
	{"a job field of the wrong type", true, func(r *rand.Rand, a obj) ([]byte, bool) {
		j := someJob(r, a)
		name := pick(r, []string{"isRescore", "id", "applicationId", "jobId", "criteriaVersionId", "queuedAt", "startedAt", "assessment", "status"})
		j[name] = pick(r, []any{7, true, []any{}, obj{"x": 1}})
		if name == "isRescore" {
			j[name] = pick(r, []any{"false", "true", 0, []any{}})
		}
		if name == "assessment" {
			j[name] = pick(r, []any{"Strong.", 7, []any{}, obj{"verdict": 3}, obj{"strengths": "Go"}})
		}
		return mustJSON(a), true
	}},
	{"a batch field of the wrong type or form", true, func(r *rand.Rand, a obj) ([]byte, bool) {
		b := batchOf(a)
		name := pick(r, []string{"id", "jobId", "status", "createdAt", "completedAt"})
		b[name] = pick(r, []any{17, true, []any{}, obj{}})
		if strings.HasSuffix(name, "At") && r.IntN(2) == 0 {
			b[name] = pick(r, []any{"", "2025-13-45T99:00:00Z", "yesterday"})
		}
		return mustJSON(a), true
	}},
	{"a malformed job timestamp", true, func(r *rand.Rand, a obj) ([]byte, bool) {
		someJob(r, a)[pick(r, []string{"queuedAt", "startedAt", "completedAt"})] = pick(r, []any{"", "  ", "2025-12-14", "2025-12-14 10:31:20", "yesterday"})
		return mustJSON(a), true
	}},
	{"a job id missing or blank", true, func(r *rand.Rand, a obj) ([]byte, bool) {
		j := someJob(r, a)
		if r.IntN(2) == 0 {
			delete(j, "id")
		} else {
			j["id"] = pick(r, []any{"", " ", nil})
		}
		return mustJSON(a), true
	}},
	{"a listed job that is not an object", true, func(r *rand.Rand, a obj) ([]byte, bool) {
		jobs := jobsOf(a)
		jobs[r.IntN(len(jobs))] = pick(r, []any{"sj-1", 7, nil, []any{}})
		return mustJSON(a), true
	}},
	{"a field sent twice", true, func(r *rand.Rand, a obj) ([]byte, bool) {
		body := mustJSON(a)
		// Maps marshal with sorted keys: the first job opens with
		// "applicationId", the batch with "completedAt", "completedJobs",
		// "createdAt" or "failedJobs". Repeat one with another value.
		if r.IntN(2) == 0 {
			return bytes.Replace(body, []byte(`"scoringJobs":[{`), []byte(`"scoringJobs":[{"score":`+pick(r, []string{"7", "10", "null"})+`,`), 1), true
		}
		return bytes.Replace(body, []byte(`"batch":{`), []byte(`"batch":{`+pick(r, []string{`"id":"b-2"`, `"createdAt":"2025-12-14T10:31:20Z"`, `"jobId":"job-123"`})+`,`), 1), true
	}},
	{"a documented field spelt in another case", true, func(r *rand.Rand, a obj) ([]byte, bool) {
		switch r.IntN(3) {
		case 0:
			batchOf(a)["Status"] = pick(r, []any{"failed", "FAILED", "completed"})
		case 1:
			batchOf(a)["FailedJobs"] = pick(r, []any{1, 0})
		default:
			someJob(r, a)["ErrorCode"] = "AI_SCORING_FAILED"
		}
		return mustJSON(a), true
	}},
}

// randomAnswer is an answer as a broken or hostile server could write it:
// statuses, counters, scores and timestamps drawn independently.
func randomAnswer(r *rand.Rand) []byte {
	words := append([]any{"pending", "PENDING", "in_progress", "IN_PROGRESS", "processing", "queued", "completed", "COMPLETED",
		"Completed", "failed", "FAILED", "partial_failure", "PARTIAL_FAILURE", nil, nil}, unknownWords...)
	times := []any{nil, "2025-12-14T10:31:20Z", "", "2025-12-14 10:31:20", 5, "2025-12-14T10:31:20.5+01:00"}
	maybe := func(v any) any {
		if r.IntN(3) == 0 {
			return nil
		}
		return v
	}
	n := r.IntN(5)
	jobs := make([]any, n)
	for i := range jobs {
		j := obj{"id": pick(r, []any{"sj-1", "sj-2", "sj-3", fmt.Sprintf("sj-x%d", i), nil}), "applicationId": "app-1"}
		for k, v := range map[string]any{
			"status":       pick(r, words),
			"score":        pick(r, []any{nil, 7.0, 10.0, 1.0, 0.0, 11.0, "8", 6.5}),
			"errorCode":    maybe(pick(r, []any{nil, "X", ""})),
			"errorMessage": maybe(pick(r, []any{nil, "", "failed"})),
			"completedAt":  pick(r, times),
			"failedAt":     maybe(pick(r, times)),
			"isRescore":    pick(r, []any{nil, false, "false"}),
		} {
			if v != nil || r.IntN(4) == 0 {
				j[k] = v
			}
		}
		jobs[i] = j
	}
	batch := obj{"id": "b"}
	counter := func() any {
		return pick(r, []any{nil, 0, 1, 2, 3, n, n, n, -1, 2.0, "2", math.MaxInt64})
	}
	for k, v := range map[string]any{"status": pick(r, words), "totalJobs": counter(), "completedJobs": counter(), "failedJobs": counter()} {
		if v != nil {
			batch[k] = v
		}
	}
	a := obj{"batch": batch}
	if n > 0 || r.IntN(2) == 0 {
		a["scoringJobs"] = jobs
	}
	return mustJSON(a)
}

// strictChecklist is what the API docs (CONTRACT.md: Batches, Statuses, Scoring jobs) say
// a batch that finished with every job scored looks like, as a plain list;
// it returns the first item the answer breaks, or "". It is written apart
// from the rule on purpose: its own reading of the JSON, its own spellings,
// its own bounds.
func strictChecklist(body []byte) string {
	top, problem := strictObject(body)
	if problem != "" {
		return "the body " + problem
	}
	batch, problem := strictObject(top["batch"])
	if top["batch"] == nil || problem != "" {
		return "the batch is not an object"
	}
	isNull := func(v json.RawMessage) bool { return v == nil || string(bytes.TrimSpace(v)) == "null" }
	asString := func(v json.RawMessage) (string, bool) {
		var s string
		return s, json.Unmarshal(v, &s) == nil && !isNull(v)
	}
	isTime := func(v json.RawMessage) bool {
		s, ok := asString(v)
		if !ok {
			return false
		}
		_, err := time.Parse(time.RFC3339Nano, s)
		return err == nil
	}
	// §5.4: the completed spellings are "completed" (GEN-C/D) and
	// "COMPLETED" (GEN-B); statuses compare case-insensitively.
	saysCompleted := func(v json.RawMessage) bool {
		s, ok := asString(v)
		return ok && strings.EqualFold(s, "completed")
	}

	// 1. The batch's own status is absent or completed.
	if v, sent := batch["status"]; sent && !saysCompleted(v) {
		return "the batch status is not a completed spelling"
	}
	for _, name := range []string{"id", "jobId"} {
		if v, sent := batch[name]; sent && !isNull(v) {
			if _, ok := asString(v); !ok {
				return "batch." + name + " is not a string"
			}
		}
	}
	for _, name := range []string{"createdAt", "completedAt"} {
		if v, sent := batch[name]; sent && !isNull(v) && !isTime(v) {
			return "batch." + name + " is not a date-time"
		}
	}

	// 2. The jobs are listed: a non-empty list of objects, distinct ids.
	var rawJobs []json.RawMessage
	if v, sent := top["scoringJobs"]; !sent || json.Unmarshal(v, &rawJobs) != nil || len(rawJobs) == 0 {
		return "no list of scoring jobs"
	}
	ids := map[string]bool{}
	for i, raw := range rawJobs {
		job, problem := strictObject(raw)
		if problem != "" {
			return fmt.Sprintf("job %d %s", i, problem)
		}
		id, ok := asString(job["id"])
		if !ok || strings.TrimSpace(id) == "" || ids[id] {
			return fmt.Sprintf("job %d has no id of its own", i)
		}
		ids[id] = true
		// 3. Each job finished with a score (§6.1: 1..10 in GEN-D), and
		// nothing on it says it failed.
		status, hasStatus := job["status"]
		hasStatus = hasStatus && !isNull(status)
		if hasStatus && !saysCompleted(status) {
			return fmt.Sprintf("job %d status is not a completed spelling", i)
		}
		var score float64
		if json.Unmarshal(job["score"], &score) != nil || isNull(job["score"]) || score < 1 || score > 10 {
			return fmt.Sprintf("job %d has no score from 1 to 10", i)
		}
		if !hasStatus && !isTime(job["completedAt"]) {
			return fmt.Sprintf("job %d has neither a status nor a completion time", i)
		}
		if !isNull(job["errorCode"]) {
			return fmt.Sprintf("job %d has an error code", i)
		}
		if v := job["errorMessage"]; !isNull(v) {
			if s, ok := asString(v); !ok || strings.TrimSpace(s) != "" {
				return fmt.Sprintf("job %d has an error message", i)
			}
		}
		if !isNull(job["failedAt"]) {
			return fmt.Sprintf("job %d has a failure time", i)
		}
		// Every other documented field, when sent, has its documented type.
		for _, name := range []string{"id", "criteriaVersionId", "jobId", "applicationId"} {
			if v := job[name]; !isNull(v) {
				if _, ok := asString(v); !ok {
					return fmt.Sprintf("job %d %s is not a string", i, name)
				}
			}
		}
		if v := job["isRescore"]; !isNull(v) {
			var b bool
			if json.Unmarshal(v, &b) != nil {
				return fmt.Sprintf("job %d isRescore is not a boolean", i)
			}
		}
		for _, name := range []string{"queuedAt", "startedAt", "completedAt"} {
			if v := job[name]; !isNull(v) && !isTime(v) {
				return fmt.Sprintf("job %d %s is not a date-time", i, name)
			}
		}
		if v := job["assessment"]; !isNull(v) {
			var a struct {
				Verdict        *string  `json:"verdict"`
				Strengths      []string `json:"strengths"`
				Concerns       []string `json:"concerns"`
				InterviewFocus []string `json:"interviewFocus"`
			}
			if json.Unmarshal(v, &a) != nil {
				return fmt.Sprintf("job %d assessment is not of the documented shape", i)
			}
		}
	}

	// 4. The counters, when sent, are whole, say every listed job completed
	// and none failed.
	for name, want := range map[string]float64{"totalJobs": float64(len(rawJobs)), "completedJobs": float64(len(rawJobs)), "failedJobs": 0} {
		v, sent := batch[name]
		if !sent || isNull(v) {
			continue
		}
		var n float64
		if json.Unmarshal(v, &n) != nil || n != want {
			return fmt.Sprintf("batch.%s is not %g", name, want)
		}
	}
	return ""
}

// documentedNames are the field names the docs define for the answer, the
// batch and a scoring job (§5.2, §6.1).
var documentedNames = map[string]bool{
	"batch": true, "scoringjobs": true, "rejectedapplications": true,
	"id": true, "jobid": true, "status": true, "totaljobs": true, "completedjobs": true, "failedjobs": true, "createdat": true, "completedat": true,
	"criteriaversionid": true, "applicationid": true, "isrescore": true, "score": true, "assessment": true, "errorcode": true, "errormessage": true,
	"queuedat": true, "startedat": true, "failedat": true,
}

// strictObject reads a JSON object's members, and refuses one that sends a
// documented name twice, in any case: the docs define one field per name.
// Names the docs do not define are ignored, as the API may add fields.
func strictObject(raw json.RawMessage) (map[string]json.RawMessage, string) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return nil, "is not an object"
	}
	members := map[string]json.RawMessage{}
	lower := map[string]bool{}
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return nil, "is not an object"
		}
		name, _ := t.(string)
		var v json.RawMessage
		if dec.Decode(&v) != nil {
			return nil, "is not an object"
		}
		if lower[strings.ToLower(name)] && documentedNames[strings.ToLower(name)] {
			return nil, fmt.Sprintf("sends %q twice", name)
		}
		lower[strings.ToLower(name)] = true
		members[name] = v
	}
	return members, ""
}
