package nova

import (
	"math"
	"strings"
	"testing"
	"unicode/utf8"
)

func ptr[T any](v T) *T { return &v }

func jobsWith(statuses ...Status) []ScoringJob {
	jobs := make([]ScoringJob, len(statuses))
	for i, s := range statuses {
		jobs[i].Status = s
	}
	return jobs
}

func TestNormalizeBatchStatus(t *testing.T) {
	const p, c, f = StatusPending, StatusCompleted, StatusFailed
	tests := []struct {
		name   string
		raw    *string
		counts Counts
		jobs   []ScoringJob
		want   Status
		warn   bool
	}{
		{"GEN-C/D pending", ptr("pending"), Counts{2, 1, 0}, nil, p, false},
		{"GEN-C/D completed", ptr("completed"), Counts{2, 2, 0}, nil, c, false},
		{"GEN-C/D failed", ptr("failed"), Counts{2, 1, 1}, nil, f, false},
		{"GEN-B PENDING", ptr("PENDING"), Counts{2, 0, 0}, nil, p, false},
		{"GEN-B IN_PROGRESS wins over counters that look done", ptr("IN_PROGRESS"), Counts{2, 2, 0}, jobsWith(c, c), p, false},
		{"GEN-B COMPLETED", ptr("COMPLETED"), Counts{2, 2, 0}, nil, c, false},
		{"GEN-B PARTIAL_FAILURE", ptr("PARTIAL_FAILURE"), Counts{3, 2, 1}, nil, f, false},
		{"GEN-B FAILED", ptr("FAILED"), Counts{2, 0, 2}, nil, f, false},
		{"GEN-A processing", ptr("processing"), Counts{2, 1, 0}, nil, p, false},
		{"GEN-A completed with failures is failed", ptr("completed"), Counts{2, 1, 1}, nil, f, false},
		{"completed with a failed listed job is failed", ptr("completed"), Counts{2, 2, 0}, jobsWith(c, f), f, false},
		{"completed while jobs are pending: the API wins, with a warning", ptr("completed"), Counts{2, 1, 0}, jobsWith(c, p), c, true},
		{"queued", ptr("Queued"), Counts{1, 0, 0}, nil, p, false},
		{"mixed case and spaces", ptr(" In_Progress "), Counts{1, 0, 0}, nil, p, false},
		{"missing, unfinished", nil, Counts{3, 1, 1}, nil, p, false},
		{"missing, all completed", nil, Counts{3, 3, 0}, nil, c, false},
		{"missing, finished with failures", nil, Counts{3, 2, 1}, nil, f, false},
		// The GEN-D sample has no status; counters can be zero while a batch
		// is set up. Nothing shows that it finished.
		{"missing, no counters, no jobs", nil, Counts{}, nil, p, true},
		{"missing, zero counters, a listed job pending", nil, Counts{}, jobsWith(p), p, false},
		{"missing, counters done, a listed job pending", nil, Counts{2, 2, 0}, jobsWith(c, p), p, false},
		{"missing, zero counters, listed jobs all completed", nil, Counts{}, jobsWith(c, c), c, false},
		{"missing, zero counters, a listed job failed", nil, Counts{}, jobsWith(c, f), f, false},
		{"unknown, unfinished", ptr("paused"), Counts{3, 1, 0}, nil, p, true},
		{"unknown, finished", ptr("archived"), Counts{3, 3, 0}, nil, c, true},
		{"unknown, no evidence", ptr("archived"), Counts{}, nil, p, true},
		{"empty string is unknown", ptr(""), Counts{1, 0, 0}, nil, p, true},
		{"hostile counters cannot wrap into done", nil, Counts{math.MaxInt64, math.MaxInt64, 1}, nil, f, false},
		{"hostile negative counters cannot wrap into pending", nil, Counts{math.MinInt64, math.MinInt64, math.MinInt64}, jobsWith(c), c, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, warnings := NormalizeBatchStatus(tt.raw, tt.counts, tt.jobs)
			if got != tt.want {
				t.Errorf("status = %q, want %q", got, tt.want)
			}
			if (len(warnings) > 0) != tt.warn {
				t.Errorf("warnings = %q, want a warning: %v", warnings, tt.warn)
			}
		})
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

func TestTruncateCutsOnRuneBoundary(t *testing.T) {
	s := strings.Repeat("é", 10) // two bytes each
	for n := range len(s) {
		got := truncate(s, n)
		if !utf8.ValidString(got) {
			t.Fatalf("truncate(%q, %d) = %q is not valid UTF-8", s, n, got)
		}
		if len(strings.TrimSuffix(got, "…")) > n {
			t.Fatalf("truncate(_, %d) kept %d bytes", n, len(got))
		}
	}
}

func TestNormalizeJobStatus(t *testing.T) {
	tests := []struct {
		name string
		job  ScoringJob
		want Status
		warn bool
	}{
		{"pending", ScoringJob{APIStatus: ptr("pending")}, StatusPending, false},
		{"PROCESSING", ScoringJob{APIStatus: ptr("PROCESSING")}, StatusPending, false},
		{"COMPLETED", ScoringJob{APIStatus: ptr("COMPLETED")}, StatusCompleted, false},
		{"FAILED", ScoringJob{APIStatus: ptr("FAILED")}, StatusFailed, false},
		{"missing with failedAt", ScoringJob{FailedAt: mustTimestamp(t, "2025-12-14T10:31:20Z")}, StatusFailed, false},
		{"missing with errorCode", ScoringJob{ErrorCode: ptr("RESUME_FETCH_FAILED")}, StatusFailed, false},
		{"missing with completedAt", ScoringJob{CompletedAt: mustTimestamp(t, "2025-12-14T10:31:20Z")}, StatusCompleted, false},
		{"missing with score", ScoringJob{Score: ptr(7.0)}, StatusCompleted, false},
		{"missing with nothing", ScoringJob{}, StatusPending, false},
		{"unknown is derived and warned", ScoringJob{ID: ptr("sj1"), APIStatus: ptr("exploded"), Score: ptr(3.0)}, StatusCompleted, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, warning := NormalizeJobStatus(&tt.job)
			if got != tt.want {
				t.Errorf("status = %q, want %q", got, tt.want)
			}
			if (warning != "") != tt.warn {
				t.Errorf("warning = %q, want a warning: %v", warning, tt.warn)
			}
		})
	}
}

func TestStatusWarningIsBounded(t *testing.T) {
	_, w := NormalizeBatchStatus(ptr(strings.Repeat("x", 10000)), Counts{1, 0, 0}, nil)
	if len(w) != 1 || len(w[0]) > 400 {
		t.Fatalf("warnings %d, first %d bytes long; a hostile status must not flood diagnostics", len(w), len(w[0]))
	}
}
