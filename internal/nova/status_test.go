package nova

import (
	"fmt"
	"math"
	"strings"
	"testing"
	"unicode/utf8"
)

func ptr[T any](v T) *T { return &v }

// jobsWith lists jobs with distinct ids and the given decided statuses.
func jobsWith(statuses ...Status) []ScoringJob {
	jobs := make([]ScoringJob, len(statuses))
	for i, s := range statuses {
		jobs[i].ID, jobs[i].Status = ptr(fmt.Sprintf("sj-%d", i)), s
	}
	return jobs
}

// decide is DecideBatch on a batch with this status and these counters.
func decide(raw *string, counts SentCounts, jobs []ScoringJob) BatchDecision {
	return DecideBatch(&Batch{APIStatus: raw, SentTotalJobs: counts.Total, SentCompletedJobs: counts.Completed, SentFailedJobs: counts.Failed}, jobs)
}

func warningStrings(ws []Warning) []string {
	out := make([]string, len(ws))
	for i, w := range ws {
		out[i] = w.String()
	}
	return out
}

func sent(total, completed, failed int64) SentCounts {
	return SentCounts{&total, &completed, &failed}
}

// Examples of the rule, one per branch; the property test (property_test.go)
// checks it over generated answers.
func TestDecideBatch(t *testing.T) {
	const p, c, f = StatusPending, StatusCompleted, StatusFailed
	tests := []struct {
		name   string
		raw    *string
		counts SentCounts
		jobs   []ScoringJob
		want   Status
		warn   bool
	}{
		{"GEN-C/D pending", ptr("pending"), sent(2, 1, 0), jobsWith(c, p), p, false},
		{"GEN-C/D completed", ptr("completed"), sent(2, 2, 0), jobsWith(c, c), c, false},
		{"GEN-C/D failed", ptr("failed"), sent(2, 1, 1), jobsWith(c, f), f, false},
		{"GEN-B PENDING", ptr("PENDING"), sent(2, 0, 0), jobsWith(p, p), p, false},
		{"GEN-B IN_PROGRESS wins over counters that look done", ptr("IN_PROGRESS"), sent(2, 2, 0), jobsWith(c, c), p, false},
		{"GEN-B COMPLETED", ptr("COMPLETED"), sent(2, 2, 0), jobsWith(c, c), c, false},
		{"GEN-B PARTIAL_FAILURE", ptr("PARTIAL_FAILURE"), sent(3, 2, 1), jobsWith(c, c, f), f, false},
		{"GEN-B FAILED", ptr("FAILED"), sent(2, 0, 2), jobsWith(f, f), f, false},
		{"GEN-A processing", ptr("processing"), sent(2, 1, 0), jobsWith(c, p), p, false},
		{"GEN-A completed with failures is failed", ptr("completed"), sent(2, 1, 1), jobsWith(c, f), f, false},
		{"completed with a failed listed job the counters do not count is failed", ptr("completed"), sent(2, 2, 0), jobsWith(c, f), f, true},
		{"completed while jobs are pending is a contradiction: pending", ptr("completed"), sent(2, 1, 0), jobsWith(c, p), p, true},
		{"COMPLETED while counters show work left: pending", ptr("COMPLETED"), sent(3, 1, 0), jobsWith(c, p, p), p, true},
		{"FAILED while counters show work left: pending", ptr("FAILED"), sent(3, 1, 1), jobsWith(c, f, p), p, true},
		{"queued", ptr("Queued"), sent(1, 0, 0), jobsWith(p), p, false},
		{"mixed case", ptr("In_Progress"), sent(1, 0, 0), jobsWith(p), p, false},
		{"spaces around a known word are an unknown word", ptr(" completed "), sent(1, 1, 0), jobsWith(c), p, true},
		{"missing, unfinished", nil, sent(3, 1, 1), jobsWith(c, f, p), p, false},
		{"missing, all completed", nil, sent(3, 3, 0), jobsWith(c, c, c), c, false},
		{"missing, finished with failures", nil, sent(3, 2, 1), jobsWith(c, c, f), f, false},
		// The GEN-D sample has no status; counters can be zero while a batch
		// is set up. Nothing shows that it finished.
		{"missing, no counters, no jobs", nil, SentCounts{}, nil, p, true},
		{"missing, zero counters, no jobs", nil, sent(0, 0, 0), nil, p, true},
		{"missing, zero counters below the listed jobs, one pending", nil, sent(0, 0, 0), jobsWith(p), p, true},
		{"missing, counters done, a listed job pending", nil, sent(2, 2, 0), jobsWith(c, p), p, false},
		{"missing, no counters, listed jobs all completed", nil, SentCounts{}, jobsWith(c, c), c, false},
		{"missing, no counters, a listed job failed", nil, SentCounts{}, jobsWith(c, f), f, false},
		{"missing, only a total above the listed jobs", nil, SentCounts{Total: ptr[int64](5)}, jobsWith(c, c), p, true},
		{"impossible counters are no evidence: 5 total, 7 completed, -2 failed, 2 listed", ptr("COMPLETED"), sent(5, 7, -2), jobsWith(c, c), p, true},
		{"impossible counters keep a counted failure: 2 total, 2 completed, 1 failed", nil, sent(2, 2, 1), jobsWith(c, c), f, true},
		{"failedJobs 1 while every listed job completed", nil, sent(3, 2, 1), jobsWith(c, c, c), f, true},
		{"unknown, unfinished", ptr("paused"), sent(3, 1, 0), jobsWith(c, p, p), p, true},
		{"unknown word over finished evidence stays pending", ptr("archived"), sent(3, 3, 0), jobsWith(c, c, c), p, true},
		{"unknown word over failure stays pending", ptr("RUNNING"), sent(2, 1, 1), jobsWith(c, f), p, true},
		{"unknown, no evidence", ptr("archived"), SentCounts{}, nil, p, true},
		{"empty string is unknown", ptr(""), sent(1, 0, 0), jobsWith(p), p, true},
		{"hostile counters cannot wrap into done", nil, sent(math.MaxInt64, math.MaxInt64, 1), nil, p, true},
		{"hostile negative counters are doubt", nil, sent(math.MinInt64, math.MinInt64, math.MinInt64), jobsWith(c), p, true},
		{"jobs counted but not listed", ptr("completed"), sent(5, 5, 0), jobsWith(c, c), p, true},
		{"no jobs listed, three counted", ptr("completed"), sent(3, 3, 0), nil, p, true},
		{"a job id listed twice", ptr("completed"), sent(2, 2, 0), func() []ScoringJob { j := jobsWith(c, c); j[1].ID = j[0].ID; return j }(), p, true},
		{"a listed job without an id", nil, SentCounts{}, func() []ScoringJob { j := jobsWith(c, c); j[0].ID = nil; return j }(), p, true},
		{"completedJobs disagrees with the listed jobs", ptr("completed"), sent(2, 1, 0), jobsWith(c, c), p, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := decide(tt.raw, tt.counts, tt.jobs)
			if d.Status != tt.want {
				t.Errorf("status = %q, want %q", d.Status, tt.want)
			}
			if (len(d.Warnings) > 0) != tt.warn {
				t.Errorf("warnings = %q, want a warning: %v", d.Warnings, tt.warn)
			}
		})
	}
}

// Failure evidence is never dropped from the counts: a failed listed job
// counts when the counters say none failed, and failedJobs counts when the
// counters cannot be true.
func TestDecideBatchKeepsFailuresCounted(t *testing.T) {
	for _, tt := range []struct {
		name   string
		counts SentCounts
		jobs   []ScoringJob
		want   Counts
	}{
		{"a failed job the counters miss", sent(2, 2, 0), jobsWith(StatusCompleted, StatusFailed), Counts{2, 1, 1}},
		{"failedJobs among impossible counters", sent(2, 2, 1), jobsWith(StatusCompleted, StatusCompleted), Counts{2, 1, 1}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			d := decide(ptr("completed"), tt.counts, tt.jobs)
			if d.Status != StatusFailed || d.Counts != tt.want {
				t.Errorf("got %s %+v, want failed %+v", d.Status, d.Counts, tt.want)
			}
		})
	}
}

// One warning that names the contradiction, in the words a person reads.
func TestDecideBatchNamesTheContradiction(t *testing.T) {
	d := decide(ptr("COMPLETED"), sent(3, 1, 0), jobsWith(StatusCompleted, StatusPending, StatusPending))
	want := `Nova says the batch is "COMPLETED", but 2 of 3 listed jobs are still pending and its counters show 1 of 3 jobs finished; it is treated as pending until everything agrees`
	if d.Status != StatusPending || len(d.Warnings) != 1 || d.Warnings[0].String() != want {
		t.Fatalf("got %s, %q", d.Status, d.Warnings)
	}
}

func TestCountsPendingNeverWraps(t *testing.T) {
	tests := []struct {
		c    Counts
		want int64
	}{
		{Counts{3, 1, 1}, 1},
		{Counts{3, 3, 1}, 0},
		{Counts{math.MaxInt64, math.MaxInt64, math.MaxInt64}, 0},
		{Counts{math.MaxInt64, -1, math.MinInt64}, math.MaxInt64},
		{Counts{math.MinInt64, 1, 0}, 0},
		{Counts{5, math.MinInt64, 0}, math.MaxInt64},
	}
	for _, tt := range tests {
		if got := tt.c.Pending(); got != tt.want {
			t.Errorf("%+v.Pending() = %d, want %d", tt.c, got, tt.want)
		}
	}
}

func TestSanitizeCutsOnRuneBoundary(t *testing.T) {
	s := strings.Repeat("é", 10) // two bytes each
	for n := range len(s) {
		got := Sanitize(s, n)
		if !utf8.ValidString(got) {
			t.Fatalf("Sanitize(%q, %d) = %q is not valid UTF-8", s, n, got)
		}
		kept, _, _ := strings.Cut(got, "…")
		if len(kept) > n {
			t.Fatalf("Sanitize(_, %d) kept %d bytes", n, len(kept))
		}
		if !strings.Contains(got, "(truncated: 20 bytes in all)") {
			t.Fatalf("Sanitize(_, %d) = %q does not say it truncated", n, got)
		}
	}
}

func TestSanitizeStripsControls(t *testing.T) {
	in := "A\x1b[31mB\rC\x00D\x7fE\u0085F\u009bG\u202eH\nI\tJ\xffK"
	if got, want := Sanitize(in, 100), "A[31mBCDEFGH I J\uFFFDK"; got != want {
		t.Fatalf("Sanitize(%q) = %q, want %q", in, got, want)
	}
}

func TestNormalizeJobStatus(t *testing.T) {
	at := mustTimestamp(t, "2025-12-14T10:31:20Z")
	tests := []struct {
		name string
		job  ScoringJob
		want Status
		warn bool
	}{
		{"pending", ScoringJob{APIStatus: ptr("pending")}, StatusPending, false},
		{"PROCESSING", ScoringJob{APIStatus: ptr("PROCESSING")}, StatusPending, false},
		{"COMPLETED", ScoringJob{APIStatus: ptr("COMPLETED"), Score: ptr(7.0)}, StatusCompleted, false},
		{"FAILED", ScoringJob{APIStatus: ptr("FAILED")}, StatusFailed, false},
		{"missing with failedAt", ScoringJob{FailedAt: at}, StatusFailed, false},
		{"missing with a failedAt that could not be parsed", ScoringJob{FailedAtSent: true, Score: ptr(7.0), CompletedAt: at}, StatusFailed, false},
		{"missing with errorCode", ScoringJob{ErrorCode: ptr("RESUME_FETCH_FAILED")}, StatusFailed, false},
		{"missing with an error message", ScoringJob{ErrorMessage: ptr("AI scoring failed"), Score: ptr(7.0), CompletedAt: at}, StatusFailed, false},
		{"missing with completedAt and a score", ScoringJob{CompletedAt: mustTimestamp(t, "2025-12-14T10:31:20.5+02:00"), Score: ptr(7.0)}, StatusCompleted, false},
		{"missing with completedAt, no score", ScoringJob{CompletedAt: at}, StatusPending, false},
		{"missing with a score only", ScoringJob{Score: ptr(7.0)}, StatusPending, false},
		{"missing with nothing", ScoringJob{}, StatusPending, false},
		{"COMPLETED with a blank error message is completed", ScoringJob{APIStatus: ptr("completed"), Score: ptr(7.0), ErrorMessage: ptr(" ")}, StatusCompleted, false},
		{"COMPLETED without a score is pending", ScoringJob{APIStatus: ptr("COMPLETED")}, StatusPending, true},
		{"COMPLETED with a score out of range is pending", ScoringJob{APIStatus: ptr("completed"), Score: ptr(11.0)}, StatusPending, true},
		{"COMPLETED with an error code is failed", ScoringJob{APIStatus: ptr("completed"), Score: ptr(7.0), ErrorCode: ptr("X")}, StatusFailed, true},
		{"COMPLETED with an error message is failed", ScoringJob{APIStatus: ptr("completed"), Score: ptr(7.0), ErrorMessage: ptr("AI scoring failed")}, StatusFailed, true},
		{"COMPLETED with an empty error code is pending", ScoringJob{APIStatus: ptr("completed"), Score: ptr(7.0), ErrorCode: ptr("")}, StatusPending, true},
		{"COMPLETED with a field that could not be read is pending", ScoringJob{APIStatus: ptr("completed"), Score: ptr(7.0), Doubts: []string{"isRescore is a string"}}, StatusPending, true},
		{"pending with an error code stays pending", ScoringJob{APIStatus: ptr("pending"), ErrorCode: ptr("X")}, StatusPending, false},
		{"an unknown word is pending, whatever else it says", ScoringJob{APIStatus: ptr("exploded"), Score: ptr(3.0), CompletedAt: at}, StatusPending, true},
		{"an unknown word over failure is pending", ScoringJob{APIStatus: ptr("cancelled"), ErrorCode: ptr("X")}, StatusPending, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, warnings := NormalizeJobStatus(&tt.job)
			if got != tt.want {
				t.Errorf("status = %q, want %q", got, tt.want)
			}
			if (len(warnings) > 0) != tt.warn {
				t.Errorf("warnings = %q, want a warning: %v", warnings, tt.warn)
			}
		})
	}
}

func TestStatusWarningIsBounded(t *testing.T) {
	d := decide(ptr(strings.Repeat("x", 10000)), sent(1, 0, 0), jobsWith(StatusPending))
	if len(d.Warnings) != 1 || len(d.Warnings[0].String()) > 400 {
		t.Fatalf("warnings %q; a hostile status must not flood diagnostics", warningStrings(d.Warnings))
	}
}
