package nova

import (
	"fmt"
	"strings"
)

// Status is a normalised batch or scoring-job status. The API has spelt
// statuses differently in each generation of its docs (see nova-api.md §5.4);
// callers only ever see these three values.
type Status string

const (
	StatusPending   Status = "pending"
	StatusCompleted Status = "completed"
	StatusFailed    Status = "failed"
)

// Finished reports whether the status is terminal.
func (s Status) Finished() bool { return s == StatusCompleted || s == StatusFailed }

// knownStatus maps every spelling seen in any doc generation, lower-cased,
// to its normalised value.
func knownStatus(raw string) (Status, bool) {
	switch strings.ToLower(strings.TrimSpace(raw)) {
	case "pending", "in_progress", "processing", "queued":
		return StatusPending, true
	case "completed":
		return StatusCompleted, true
	case "failed", "partial_failure":
		return StatusFailed, true
	}
	return "", false
}

// NormalizeBatchStatus turns the status the API sent (nil when absent) and
// the batch counters into a normalised status. A known spelling wins over the
// counters, except that a finished batch with failed jobs is failed (the
// GEN-A "completed" meant "finished, with or without failures"). A missing or
// unknown status is derived from the counters; an unknown one also yields a
// warning so that the user learns the API grew a new value.
func NormalizeBatchStatus(raw *string, total, completed, failed int64) (Status, string) {
	if raw != nil {
		if s, ok := knownStatus(*raw); ok {
			if s == StatusCompleted && failed > 0 {
				return StatusFailed, ""
			}
			return s, ""
		}
	}
	derived := StatusCompleted
	switch {
	case completed+failed < total:
		derived = StatusPending
	case failed > 0:
		derived = StatusFailed
	}
	if raw == nil {
		return derived, ""
	}
	return derived, fmt.Sprintf("the API sent the unknown batch status %q; treating the batch as %s from its counters (%d completed, %d failed of %d)",
		truncate(*raw, 64), derived, completed, failed, total)
}

// NormalizeJobStatus does the same for one scoring job. Without a status, a
// job is failed when it carries failure evidence, completed when it carries a
// result, else pending.
func NormalizeJobStatus(j *ScoringJob) (Status, string) {
	if j.APIStatus != nil {
		if s, ok := knownStatus(*j.APIStatus); ok {
			return s, ""
		}
	}
	derived := StatusPending
	switch {
	case j.FailedAt != nil || j.ErrorCode != nil:
		derived = StatusFailed
	case j.CompletedAt != nil || j.Score != nil:
		derived = StatusCompleted
	}
	if j.APIStatus == nil {
		return derived, ""
	}
	return derived, fmt.Sprintf("scoring job %s: the API sent the unknown status %q; treating it as %s",
		deref(j.ID), truncate(*j.APIStatus, 64), derived)
}

func deref(s *string) string {
	if s == nil {
		return "(no id)"
	}
	return *s
}

// truncate keeps hostile values from flooding a diagnostic.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
