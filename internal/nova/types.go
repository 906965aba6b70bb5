package nova

import (
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
)

// Batch is a scoring batch. Fields the API may omit or send as null are
// pointers; the counters, Status and PendingJobs are derived after decoding.
type Batch struct {
	ID          *string    `json:"id"`
	JobID       *string    `json:"jobId"`
	APIStatus   *string    `json:"status"`
	CreatedAt   *Timestamp `json:"createdAt"`
	CompletedAt *Timestamp `json:"completedAt"`

	// The counters as sent; nil when the API left one out.
	SentTotalJobs     *int64 `json:"totalJobs"`
	SentCompletedJobs *int64 `json:"completedJobs"`
	SentFailedJobs    *int64 `json:"failedJobs"`

	// TotalJobs, CompletedJobs and FailedJobs are the counters the status
	// was decided from (DecideBatch): as sent when they can be true, else
	// what the listed jobs show.
	TotalJobs     int64  `json:"-"`
	CompletedJobs int64  `json:"-"`
	FailedJobs    int64  `json:"-"`
	PendingJobs   int64  `json:"-"`
	Status        Status `json:"-"`
}

// ScoringJob is one application's scoring work, inside a batch or alone.
type ScoringJob struct {
	ID                *string     `json:"id"`
	CriteriaVersionID *string     `json:"criteriaVersionId"`
	JobID             *string     `json:"jobId"`
	ApplicationID     *string     `json:"applicationId"`
	APIStatus         *string     `json:"status"`
	IsRescore         *bool       `json:"isRescore"`
	Score             *float64    `json:"score"`
	Assessment        *Assessment `json:"assessment"`
	ErrorCode         *string     `json:"errorCode"`
	ErrorMessage      *string     `json:"errorMessage"`
	QueuedAt          *Timestamp  `json:"queuedAt"`
	StartedAt         *Timestamp  `json:"startedAt"`
	CompletedAt       *Timestamp  `json:"completedAt"`
	FailedAt          *Timestamp  `json:"failedAt"`

	Status Status `json:"-"`
}

// Assessment is the model's written judgement of a candidate. The lists are
// never nil after decoding, so that empty lists stay distinguishable from an
// absent assessment.
type Assessment struct {
	Verdict        *string  `json:"verdict"`
	Strengths      []string `json:"strengths"`
	Concerns       []string `json:"concerns"`
	InterviewFocus []string `json:"interviewFocus"`
}

// RejectedApplication is an application refused at intake: it has no
// scoring job.
type RejectedApplication struct {
	ApplicationID *string `json:"applicationId"`
	Error         struct {
		Reason  *string `json:"reason"`
		Message *string `json:"message"`
	} `json:"error"`
}

// BatchResult is one read of a batch.
type BatchResult struct {
	Batch                *Batch                `json:"batch"`
	ScoringJobs          []ScoringJob          `json:"scoringJobs"`
	RejectedApplications []RejectedApplication `json:"rejectedApplications"`

	// TraceID is the response's X-Trace-Id, for support requests.
	TraceID string `json:"-"`
	// Warnings are things the API sent that were tolerated but deserve a
	// person's attention (unknown statuses, counters that disagree).
	Warnings []string `json:"-"`
	// UnknownStatuses are the status values the provider did not know, so
	// that a wait which never ends can say which value kept it waiting.
	UnknownStatuses []string `json:"-"`
	// Scores is application id -> score, derived once at decoding for every
	// consumer (see lowestScores).
	Scores map[string]float64 `json:"-"`
}

// ScoringJobResult is one read of a single scoring job.
type ScoringJobResult struct {
	ScoringJob *ScoringJob `json:"scoringJob"`

	TraceID         string   `json:"-"`
	Warnings        []string `json:"-"`
	UnknownStatuses []string `json:"-"`
}

// DecodeBatch parses a batch-status body, normalises its statuses and fills
// the derived fields. Unknown fields are ignored: the API may add them
// without notice (nova-api.md §1).
func DecodeBatch(body []byte) (*BatchResult, error) {
	var r BatchResult
	if err := decodeJSON(body, &r); err != nil {
		return nil, err
	}
	if r.Batch == nil {
		return nil, errors.New(`the response has no "batch" object`)
	}
	if r.ScoringJobs == nil {
		r.ScoringJobs = []ScoringJob{}
	}
	// Jobs first: the batch's status is derived from them when it must be.
	for i := range r.ScoringJobs {
		r.addNotes(r.ScoringJobs[i].normalize())
	}
	b := r.Batch
	r.addWarning(checkTimestamp(&b.CreatedAt, "batch", "createdAt"))
	r.addWarning(checkTimestamp(&b.CompletedAt, "batch", "completedAt"))
	d := DecideBatch(b.APIStatus, SentCounts{b.SentTotalJobs, b.SentCompletedJobs, b.SentFailedJobs}, r.ScoringJobs)
	b.Status = d.Status
	b.TotalJobs, b.CompletedJobs, b.FailedJobs, b.PendingJobs = d.Counts.Total, d.Counts.Completed, d.Counts.Failed, d.Counts.Pending()
	r.Warnings = append(r.Warnings, d.Warnings...)
	if b.APIStatus != nil {
		if _, known := knownStatus(*b.APIStatus); !known {
			r.UnknownStatuses = append(r.UnknownStatuses, fmt.Sprintf("batch status %q", Sanitize(*b.APIStatus, ShortText)))
		}
	}
	var repeated []string
	if r.Scores, repeated = lowestScores(r.ScoringJobs); len(repeated) > 0 {
		r.addWarning(fmt.Sprintf("applications listed more than once: %s; scores keeps the lowest score listed for each", strings.Join(repeated, ", ")))
	}
	if r.RejectedApplications == nil {
		r.RejectedApplications = []RejectedApplication{}
	}
	// Documented as sorted by application id; sorted here too, so that a
	// server that forgets does not reorder state between reads.
	slices.SortStableFunc(r.RejectedApplications, func(a, b RejectedApplication) int {
		return cmp.Compare(derefOr(a.ApplicationID), derefOr(b.ApplicationID))
	})
	return &r, nil
}

// DecodeScoringJob parses a {"scoringJob": {...}} body.
func DecodeScoringJob(body []byte) (*ScoringJobResult, error) {
	var r ScoringJobResult
	if err := decodeJSON(body, &r); err != nil {
		return nil, err
	}
	if r.ScoringJob == nil {
		return nil, errors.New(`the response has no "scoringJob" object`)
	}
	n := r.ScoringJob.normalize()
	r.Warnings, r.UnknownStatuses = n.warnings, n.unknown
	return &r, nil
}

// jobNotes is what normalising one job found worth telling.
type jobNotes struct {
	warnings []string
	unknown  []string
}

func (n *jobNotes) warn(w string) {
	if w != "" {
		n.warnings = append(n.warnings, w)
	}
}

func (j *ScoringJob) normalize() jobNotes {
	var n jobNotes
	owner := "scoring job " + sanitizePtr(j.ID, ShortText)
	for _, f := range []struct {
		ts   **Timestamp
		name string
	}{{&j.QueuedAt, "queuedAt"}, {&j.StartedAt, "startedAt"}, {&j.CompletedAt, "completedAt"}, {&j.FailedAt, "failedAt"}} {
		n.warn(checkTimestamp(f.ts, owner, f.name))
	}
	var w string
	j.Status, w = NormalizeJobStatus(j)
	if w != "" {
		n.warn(w)
		n.unknown = append(n.unknown, fmt.Sprintf("scoring job status %q", Sanitize(*j.APIStatus, ShortText)))
	}
	if a := j.Assessment; a != nil {
		a.Strengths = nonNil(a.Strengths)
		a.Concerns = nonNil(a.Concerns)
		a.InterviewFocus = nonNil(a.InterviewFocus)
	}
	return n
}

func (r *BatchResult) addWarning(w string) {
	if w != "" {
		r.Warnings = append(r.Warnings, w)
	}
}

func (r *BatchResult) addNotes(n jobNotes) {
	r.Warnings = append(r.Warnings, n.warnings...)
	r.UnknownStatuses = append(r.UnknownStatuses, n.unknown...)
}

func derefOr(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// decodeJSON decodes exactly one JSON value and nothing after it, so that a
// body with trailing garbage is not half-trusted.
func decodeJSON(body []byte, v any) error {
	if len(bytes.TrimSpace(body)) == 0 {
		return errors.New("the response body is empty")
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	if err := dec.Decode(v); err != nil {
		return fmt.Errorf("the response is not valid JSON of the expected shape: %w", err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return errors.New("the response has data after its JSON value")
	}
	return nil
}

// maxListedRepeats bounds the warning about applications listed twice.
const maxListedRepeats = 10

// lowestScores is application id -> score, the one derivation of `scores`
// (BatchResult.Scores) for every consumer. An application is in it when at least one of its listed
// jobs completed (by the job rule, a completed job has a valid score). Its
// value is the lowest score listed for that application on any of its jobs,
// so that a listing order or a re-score can never hide a low score behind a
// high one. repeated names (sanitised, at most maxListedRepeats, in listing
// order) the applications listed more than once.
func lowestScores(jobs []ScoringJob) (scores map[string]float64, repeated []string) {
	scores = make(map[string]float64)
	lowest := make(map[string]float64)
	seen := make(map[string]int)
	for i := range jobs {
		j := &jobs[i]
		if j.ApplicationID == nil {
			continue
		}
		app := *j.ApplicationID
		seen[app]++
		if seen[app] == 2 && len(repeated) < maxListedRepeats {
			repeated = append(repeated, fmt.Sprintf("%q", Sanitize(app, ShortText)))
		}
		if j.Score != nil {
			if low, ok := lowest[app]; !ok || *j.Score < low {
				lowest[app] = *j.Score
			}
		}
	}
	for i := range jobs {
		if j := &jobs[i]; j.ApplicationID != nil && j.Status == StatusCompleted {
			scores[*j.ApplicationID] = lowest[*j.ApplicationID]
		}
	}
	return scores, repeated
}
