package nova

import (
	"fmt"
	"math"
	"strings"
	"unicode/utf8"
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

// Counts are a batch's job counters after decoding: what the API sent, or,
// for a counter it left out, what its listed jobs show.
type Counts struct {
	Total, Completed, Failed int64
}

// Pending is Total - Completed - Failed, never below 0, and never wrapped
// around by hostile counters.
func (c Counts) Pending() int64 {
	return max(0, subSat(c.Total, addSat(c.Completed, c.Failed)))
}

// NormalizeBatchStatus decides a batch's status from the status the API sent
// (nil when absent), its counters and its listed jobs (already normalised).
//
// A known spelling wins, except that a finished batch with a failed job is
// failed (the GEN-A "completed" meant "finished, with or without failures").
// A missing or unknown status is derived from all of the evidence and never
// optimistically, because a gate that opens on a batch that is not done is
// the worst thing this provider can do: pending while any listed job is
// pending or the counters say jobs remain; completed or failed only on
// positive evidence that every job finished (listed jobs, or counters that
// add up to a non-zero total); with no evidence at all, pending. Each
// returned warning is worded without counts, so that a wait that sees the
// same oddity on every poll reports it once.
func NormalizeBatchStatus(raw *string, c Counts, jobs []ScoringJob) (Status, []string) {
	var pendingJobs int
	anyFailed := c.Failed > 0
	for i := range jobs {
		switch jobs[i].Status {
		case StatusPending:
			pendingJobs++
		case StatusFailed:
			anyFailed = true
		}
	}
	remaining := pendingJobs > 0 || addSat(c.Completed, c.Failed) < c.Total

	if raw != nil {
		if s, ok := knownStatus(*raw); ok {
			if s == StatusCompleted && anyFailed {
				return StatusFailed, nil
			}
			var warnings []string
			if s.Finished() && remaining {
				warnings = append(warnings, fmt.Sprintf("the API calls the batch %q, but its counters or listed jobs show jobs still pending; "+
					"the API's status is used", truncate(*raw, 64)))
			}
			return s, warnings
		}
	}

	var derived Status
	var noEvidence bool
	switch {
	case remaining:
		derived = StatusPending
	case c.Total > 0 || len(jobs) > 0:
		derived = StatusCompleted
		if anyFailed {
			derived = StatusFailed
		}
	default:
		derived, noEvidence = StatusPending, true
	}
	switch {
	case raw != nil:
		return derived, []string{fmt.Sprintf("the API sent the unknown batch status %q; the batch is treated as %s, derived from its counters and jobs",
			truncate(*raw, 64), derived)}
	case noEvidence:
		return derived, []string{"the batch has no status, no job counters and no scoring jobs, so nothing shows that it finished; it is treated as pending"}
	}
	return derived, nil
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
	return derived, fmt.Sprintf("scoring job %s: the API sent the unknown status %q; it is treated as %s",
		deref(j.ID), truncate(*j.APIStatus, 64), derived)
}

func deref(s *string) string {
	if s == nil {
		return "(no id)"
	}
	return truncate(*s, 128)
}

// truncate keeps hostile values from flooding a diagnostic. It cuts on a
// rune boundary, so that what it returns is valid UTF-8 when s is.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	cut := n
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}

// addSat and subSat saturate instead of wrapping, so that counters near the
// int64 limits cannot turn a finished batch into a pending one or back.
func addSat(a, b int64) int64 {
	c := a + b
	if (c > a) == (b > 0) {
		return c
	}
	if b > 0 {
		return math.MaxInt64
	}
	return math.MinInt64
}

func subSat(a, b int64) int64 {
	if b == math.MinInt64 {
		if a >= 0 {
			return math.MaxInt64
		}
		return a - b
	}
	return addSat(a, -b)
}
