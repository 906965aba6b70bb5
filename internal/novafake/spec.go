package novafake

import (
	"encoding/json"
	"fmt"
	"io"
	"time"
)

// Env is the environment an API key selects. Each environment has its own
// tenant namespace.
type Env string

// The two environments; sk_test_ keys see sandbox data, sk_live_ keys
// production data.
const (
	EnvSandbox    Env = "sandbox"
	EnvProduction Env = "production"
)

// BatchSpec describes a batch to seed. Zero values get defaults.
type BatchSpec struct {
	Env       Env            `json:"env"` // default sandbox
	Tenant    string         `json:"tenant"`
	JobID     string         `json:"jobId"`
	ID        string         `json:"id"`        // default: generated cuid-like id
	CreatedAt time.Time      `json:"createdAt"` // default: clock now
	Jobs      []JobSpec      `json:"jobs"`
	Rejected  []RejectedSpec `json:"rejected"`
}

// JobSpec describes one scoring job of a seeded batch and how it progresses.
// When both AfterPolls and After are set the job becomes terminal when either
// is reached; when both are zero it is terminal from the start.
type JobSpec struct {
	ApplicationID     string `json:"applicationId"`
	ID                string `json:"id"`                // default: generated
	CriteriaVersionID string `json:"criteriaVersionId"` // default: one id fixed per server
	// NoCriteriaVersion sends the job with an empty criteriaVersionId, as a
	// server that names none might.
	NoCriteriaVersion bool        `json:"noCriteriaVersion"`
	IsRescore         bool        `json:"isRescore"`
	Fail              bool        `json:"fail"`         // terminal outcome is failed instead of completed
	Score             float64     `json:"score"`        // 0: deterministic 1..10 from the application id
	Assessment        *Assessment `json:"assessment"`   // nil: generated from the score
	ErrorCode         string      `json:"errorCode"`    // default RESUME_FETCH_FAILED
	ErrorMessage      string      `json:"errorMessage"` // default: a message matching the default code
	AfterPolls        int         `json:"afterPolls"`   // terminal on the Nth GET that reads this job
	After             Duration    `json:"after"`        // terminal once clock >= batch createdAt + After
}

// Assessment is the qualitative part of a completed scoring job.
type Assessment struct {
	Verdict        string   `json:"verdict"`
	Strengths      []string `json:"strengths"`
	Concerns       []string `json:"concerns"`
	InterviewFocus []string `json:"interviewFocus"`
}

// RejectedSpec is an application rejected at intake; it has no scoring job.
type RejectedSpec struct {
	ApplicationID string `json:"applicationId"`
	Reason        string `json:"reason"`
	Message       string `json:"message"`
}

// Seed is the content of a seed file.
type Seed struct {
	// CriteriaVersions are loaded before the batches, in order: the last
	// ACTIVE one of a job is its current version.
	CriteriaVersions []CriteriaVersionSpec `json:"criteriaVersions"`
	Batches          []BatchSpec           `json:"batches"`
}

// Duration is a time.Duration that reads and writes JSON as a Go duration
// string ("30s"), because a bare number would silently mean nanoseconds.
type Duration time.Duration

// MarshalJSON writes the duration as a string like "1m30s".
func (d Duration) MarshalJSON() ([]byte, error) {
	return json.Marshal(time.Duration(d).String())
}

// UnmarshalJSON reads a Go duration string; "" and null mean zero.
func (d *Duration) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("duration must be a string like \"30s\": %w", err)
	}
	if s == "" {
		*d = 0
		return nil
	}
	v, err := time.ParseDuration(s)
	if err != nil {
		return fmt.Errorf("invalid duration: %w", err)
	}
	*d = Duration(v)
	return nil
}

// DecodeSeed reads a JSON seed. Unknown fields are errors, so that a typo in
// a hand-written seed file does not silently change a test.
func DecodeSeed(r io.Reader) (Seed, error) {
	var seed Seed
	dec := json.NewDecoder(r)
	dec.DisallowUnknownFields()
	if err := dec.Decode(&seed); err != nil {
		return Seed{}, fmt.Errorf("decode seed: %w", err)
	}
	return seed, nil
}
