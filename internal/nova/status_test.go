package nova

import (
	"strings"
	"testing"
)

func ptr[T any](v T) *T { return &v }

func TestNormalizeBatchStatus(t *testing.T) {
	tests := []struct {
		name                     string
		raw                      *string
		total, completed, failed int64
		want                     Status
		warn                     bool
	}{
		{"GEN-C/D pending", ptr("pending"), 2, 1, 0, StatusPending, false},
		{"GEN-C/D completed", ptr("completed"), 2, 2, 0, StatusCompleted, false},
		{"GEN-C/D failed", ptr("failed"), 2, 1, 1, StatusFailed, false},
		{"GEN-B PENDING", ptr("PENDING"), 2, 0, 0, StatusPending, false},
		{"GEN-B IN_PROGRESS wins over counters that look done", ptr("IN_PROGRESS"), 2, 2, 0, StatusPending, false},
		{"GEN-B COMPLETED", ptr("COMPLETED"), 2, 2, 0, StatusCompleted, false},
		{"GEN-B PARTIAL_FAILURE", ptr("PARTIAL_FAILURE"), 3, 2, 1, StatusFailed, false},
		{"GEN-B FAILED", ptr("FAILED"), 2, 0, 2, StatusFailed, false},
		{"GEN-A processing", ptr("processing"), 2, 1, 0, StatusPending, false},
		{"GEN-A completed with failures is failed", ptr("completed"), 2, 1, 1, StatusFailed, false},
		{"queued", ptr("Queued"), 1, 0, 0, StatusPending, false},
		{"mixed case and spaces", ptr(" In_Progress "), 1, 0, 0, StatusPending, false},
		{"missing, unfinished", nil, 3, 1, 1, StatusPending, false},
		{"missing, all completed", nil, 3, 3, 0, StatusCompleted, false},
		{"missing, finished with failures", nil, 3, 2, 1, StatusFailed, false},
		{"missing, empty batch", nil, 0, 0, 0, StatusCompleted, false},
		{"unknown, unfinished", ptr("paused"), 3, 1, 0, StatusPending, true},
		{"unknown, finished", ptr("archived"), 3, 3, 0, StatusCompleted, true},
		{"empty string is unknown", ptr(""), 1, 0, 0, StatusPending, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, warning := NormalizeBatchStatus(tt.raw, tt.total, tt.completed, tt.failed)
			if got != tt.want {
				t.Errorf("status = %q, want %q", got, tt.want)
			}
			if (warning != "") != tt.warn {
				t.Errorf("warning = %q, want a warning: %v", warning, tt.warn)
			}
		})
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
		{"missing with failedAt", ScoringJob{FailedAt: ptr(mustTime(t, "2025-12-14T10:31:20Z"))}, StatusFailed, false},
		{"missing with errorCode", ScoringJob{ErrorCode: ptr("RESUME_FETCH_FAILED")}, StatusFailed, false},
		{"missing with completedAt", ScoringJob{CompletedAt: ptr(mustTime(t, "2025-12-14T10:31:20Z"))}, StatusCompleted, false},
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
	_, w := NormalizeBatchStatus(ptr(strings.Repeat("x", 10000)), 1, 0, 0)
	if len(w) > 400 {
		t.Fatalf("warning is %d bytes long; a hostile status must not flood diagnostics", len(w))
	}
}
