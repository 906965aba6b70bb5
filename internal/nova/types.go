package nova

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"
)

// Batch is a scoring batch. Fields the API may omit or send as null are
// pointers; Status and PendingJobs are derived after decoding.
type Batch struct {
	ID            *string    `json:"id"`
	JobID         *string    `json:"jobId"`
	APIStatus     *string    `json:"status"`
	TotalJobs     int64      `json:"totalJobs"`
	CompletedJobs int64      `json:"completedJobs"`
	FailedJobs    int64      `json:"failedJobs"`
	CreatedAt     *time.Time `json:"createdAt"`
	CompletedAt   *time.Time `json:"completedAt"`

	Status      Status `json:"-"`
	PendingJobs int64  `json:"-"`
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
	QueuedAt          *time.Time  `json:"queuedAt"`
	StartedAt         *time.Time  `json:"startedAt"`
	CompletedAt       *time.Time  `json:"completedAt"`
	FailedAt          *time.Time  `json:"failedAt"`

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
}

// ScoringJobResult is one read of a single scoring job.
type ScoringJobResult struct {
	ScoringJob *ScoringJob `json:"scoringJob"`

	TraceID  string   `json:"-"`
	Warnings []string `json:"-"`
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
	b := r.Batch
	var w string
	b.Status, w = NormalizeBatchStatus(b.APIStatus, b.TotalJobs, b.CompletedJobs, b.FailedJobs)
	r.addWarning(w)
	b.PendingJobs = max(0, b.TotalJobs-b.CompletedJobs-b.FailedJobs)
	if b.TotalJobs < 0 || b.CompletedJobs < 0 || b.FailedJobs < 0 || b.CompletedJobs+b.FailedJobs > b.TotalJobs {
		r.addWarning(fmt.Sprintf("the batch counters disagree: %d completed + %d failed, of %d in total; pending_jobs is reported as %d",
			b.CompletedJobs, b.FailedJobs, b.TotalJobs, b.PendingJobs))
	}
	if r.ScoringJobs == nil {
		r.ScoringJobs = []ScoringJob{}
	}
	for i := range r.ScoringJobs {
		r.addWarning(r.ScoringJobs[i].normalize())
	}
	if r.RejectedApplications == nil {
		r.RejectedApplications = []RejectedApplication{}
	}
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
	if w := r.ScoringJob.normalize(); w != "" {
		r.Warnings = append(r.Warnings, w)
	}
	return &r, nil
}

func (j *ScoringJob) normalize() string {
	var w string
	j.Status, w = NormalizeJobStatus(j)
	if a := j.Assessment; a != nil {
		a.Strengths = nonNil(a.Strengths)
		a.Concerns = nonNil(a.Concerns)
		a.InterviewFocus = nonNil(a.InterviewFocus)
	}
	return w
}

func (r *BatchResult) addWarning(w string) {
	if w != "" {
		r.Warnings = append(r.Warnings, w)
	}
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
