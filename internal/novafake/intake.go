package novafake

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"unicode/utf8"
)

// Intake limits (internal/nova/CONTRACT.md, Intake limits).
const (
	maxBodyBytes     = 4_500_000
	maxApplications  = 25
	minResumeChars   = 50
	maxResumeTextLen = 100 << 10
)

// intakeRequest is the GEN-D body of POST /v1/jobs/{jobId}/scoring-batches.
type intakeRequest struct {
	JobDescription string              `json:"jobDescription"`
	RoleKnowledge  string              `json:"roleKnowledge"`
	Applications   []intakeApplication `json:"applications"`
}

type intakeApplication struct {
	ApplicationID   string          `json:"applicationId"`
	Resume          *intakeResume   `json:"resume"`
	ApplicationData json.RawMessage `json:"applicationData"`
}

type intakeResume struct {
	Type    string `json:"type"`
	URL     string `json:"url"`
	Content string `json:"content"`
}

// postBatch answers POST /v1/jobs/{jobId}/scoring-batches.
func (s *Server) postBatch(w http.ResponseWriter, r *http.Request, x *exchange) {
	req, e := decodeIntake(w, r)
	if e == nil {
		e = req.validate()
	}
	if e != nil {
		s.writeError(w, x, e)
		return
	}
	jobID := x.route.params[0]
	ids := make([]string, len(req.Applications))
	for i, a := range req.Applications {
		ids[i] = a.ApplicationID
	}

	s.mu.Lock()
	b := s.data.dedup[makeDedupKey(x.env, x.tenant, jobID, ids)]
	if b == nil {
		spec := BatchSpec{Env: x.env, Tenant: x.tenant, JobID: jobID}
		for _, a := range req.Applications {
			if rej, ok := a.intakeRejection(); ok {
				spec.Rejected = append(spec.Rejected, rej)
				continue
			}
			spec.Jobs = append(spec.Jobs, a.jobSpec(s.cfg.defaultPolls))
		}
		if len(spec.Jobs) == 0 {
			s.mu.Unlock()
			s.writeError(w, x, req.allRejected(spec.Rejected))
			return
		}
		var err error
		if b, err = s.buildBatch(spec); err != nil {
			s.mu.Unlock()
			s.writeError(w, x, errInternal(err))
			return
		}
		s.data.insert(b)
	}
	now := s.cfg.now()
	for _, j := range b.jobs {
		j.settle(now)
	}
	resp := s.renderIntake(b)
	s.mu.Unlock()
	x.mutate(&resp.Batch, nil)
	s.writeJSON(w, x, http.StatusAccepted, resp)
}

// decodeIntake reads at most maxBodyBytes, so a huge upload costs the server
// nothing beyond that.
func decodeIntake(w http.ResponseWriter, r *http.Request) (*intakeRequest, *apiError) {
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxBodyBytes))
	var req intakeRequest
	err := dec.Decode(&req)
	if err == nil {
		if _, extra := dec.Token(); !errors.Is(extra, io.EOF) {
			err = fmt.Errorf("unexpected data after the JSON body: %w", errOrTrailing(extra))
		}
	}
	if err == nil {
		return &req, nil
	}
	if tooBig, ok := errors.AsType[*http.MaxBytesError](err); ok {
		return nil, &apiError{
			status:  http.StatusRequestEntityTooLarge,
			code:    "PAYLOAD_TOO_LARGE",
			message: fmt.Sprintf("Request body exceeds %d bytes", tooBig.Limit),
		}
	}
	return nil, &apiError{
		status:  http.StatusBadRequest,
		code:    "VALIDATION_ERROR",
		message: "Request body is not valid JSON: " + err.Error(),
		details: []errorDetail{{Field: "body", Code: "invalid_json", Message: err.Error()}},
	}
}

func errOrTrailing(err error) error {
	if err != nil {
		return err
	}
	return errors.New("trailing token")
}

// validate finds the request-level problems that reject the whole batch
// with 400, reporting all of them at once.
func (req *intakeRequest) validate() *apiError {
	var details []errorDetail
	if strings.TrimSpace(req.JobDescription) == "" {
		details = append(details, errorDetail{Field: "jobDescription", Code: "required", Message: "jobDescription is required"})
	}
	switch n := len(req.Applications); {
	case n == 0:
		details = append(details, errorDetail{Field: "applications", Code: "too_small",
			Message: fmt.Sprintf("applications must contain between 1 and %d items", maxApplications)})
	case n > maxApplications:
		details = append(details, errorDetail{Field: "applications", Code: "too_big",
			Message: fmt.Sprintf("applications must contain between 1 and %d items, got %d", maxApplications, n)})
	}
	seen := make(map[string]bool, len(req.Applications))
	for i, a := range req.Applications {
		field := fmt.Sprintf("applications[%d].applicationId", i)
		switch {
		case a.ApplicationID == "":
			details = append(details, errorDetail{Field: field, Code: "required", Message: "applicationId is required"})
		case seen[a.ApplicationID]:
			details = append(details, errorDetail{Field: field, Code: "duplicate",
				Message: fmt.Sprintf("applicationId %q appears more than once", a.ApplicationID)})
		}
		seen[a.ApplicationID] = true
	}
	if len(details) == 0 {
		return nil
	}
	return &apiError{
		status:  http.StatusBadRequest,
		code:    "VALIDATION_ERROR",
		message: "Request validation failed: " + details[0].Message,
		details: details,
	}
}

// intakeRejection applies the per-application resume checks that reject one
// application without failing the batch.
func (a intakeApplication) intakeRejection() (RejectedSpec, bool) {
	reject := func(reason, msg string) (RejectedSpec, bool) {
		return RejectedSpec{ApplicationID: a.ApplicationID, Reason: reason, Message: msg}, true
	}
	if a.Resume == nil {
		return reject("VALIDATION_ERROR", "resume is required")
	}
	switch a.Resume.Type {
	case "url":
		u, err := url.Parse(a.Resume.URL)
		if err != nil || u.Scheme != "https" || u.Host == "" {
			return reject("RESUME_FETCH_FAILED", "Resume URL must be an absolute https URL")
		}
	case "text":
		content := strings.TrimSpace(a.Resume.Content)
		if utf8.RuneCountInString(content) < minResumeChars {
			return reject("RESUME_EMPTY", fmt.Sprintf("Resume text must be at least %d characters", minResumeChars))
		}
		if len(a.Resume.Content) > maxResumeTextLen {
			return reject("RESUME_TOO_LARGE", "Resume text must be at most 100 KB")
		}
	default:
		return reject("VALIDATION_ERROR", `resume.type must be "url" or "text"`)
	}
	return RejectedSpec{}, false
}

// jobSpec turns an accepted application into a job. A resume hosted under
// the reserved ".invalid" TLD can never be downloaded, so that job fails
// later with RESUME_FETCH_FAILED: this lets a demo produce failures via POST.
func (a intakeApplication) jobSpec(polls int) JobSpec {
	js := JobSpec{ApplicationID: a.ApplicationID, AfterPolls: polls}
	if a.Resume.Type == "url" {
		if u, err := url.Parse(a.Resume.URL); err == nil && strings.HasSuffix(u.Hostname(), ".invalid") {
			js.Fail = true
			js.ErrorCode = "RESUME_FETCH_FAILED"
			js.ErrorMessage = "Could not download the resume from " + u.Hostname()
		}
	}
	return js
}

// allRejected is the 422 for a batch with no acceptable application: no
// batch is created, and details name each application in applicationId order.
func (req *intakeRequest) allRejected(rejected []RejectedSpec) *apiError {
	index := make(map[string]int, len(req.Applications))
	for i, a := range req.Applications {
		index[a.ApplicationID] = i
	}
	sorted := slices.Clone(rejected)
	sortRejected(sorted)
	e := &apiError{
		status:  http.StatusUnprocessableEntity,
		code:    "VALIDATION_ERROR",
		message: "All applications were rejected at intake",
	}
	for _, r := range sorted {
		e.details = append(e.details, errorDetail{
			Field:   fmt.Sprintf("applications[%d].resume", index[r.ApplicationID]),
			Code:    r.Reason,
			Message: r.ApplicationID + ": " + r.Message,
		})
	}
	return e
}
