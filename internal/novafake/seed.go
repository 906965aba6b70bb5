package novafake

import (
	"errors"
	"fmt"
	"hash/fnv"
	"slices"
	"strings"
	"time"
)

// AddBatch seeds a batch and registers its scoring jobs for the single-job
// endpoints. It returns the batch id (generated when spec.ID is empty).
func (s *Server) AddBatch(spec BatchSpec) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	b, err := s.buildBatch(spec)
	if err != nil {
		return "", fmt.Errorf("novafake: add batch: %w", err)
	}
	s.data.insert(b)
	return b.id, nil
}

// Load seeds every criteria version, then every batch, of seed in order. It
// stops at the first invalid one; those before it stay loaded.
func (s *Server) Load(seed Seed) error {
	for i, spec := range seed.CriteriaVersions {
		if _, err := s.AddCriteriaVersion(spec); err != nil {
			return fmt.Errorf("novafake: seed criteria version %d: %w", i, err)
		}
	}
	for i, spec := range seed.Batches {
		if _, err := s.AddBatch(spec); err != nil {
			return fmt.Errorf("novafake: seed batch %d: %w", i, err)
		}
	}
	return nil
}

// buildBatch validates spec and fills in defaults without changing the store.
func (s *Server) buildBatch(spec BatchSpec) (*batch, error) {
	env := spec.Env
	if env == "" {
		env = EnvSandbox
	}
	if env != EnvSandbox && env != EnvProduction {
		return nil, fmt.Errorf("env %q: want %q or %q", spec.Env, EnvSandbox, EnvProduction)
	}
	if spec.Tenant == "" {
		return nil, errors.New("tenant is required")
	}
	if spec.JobID == "" {
		return nil, errors.New("jobId is required")
	}
	b := &batch{id: spec.ID, jobID: spec.JobID, env: env, tenant: spec.Tenant, createdAt: spec.CreatedAt}
	if b.id == "" {
		b.id = newID()
	} else if s.data.batches[batchKey{env, spec.Tenant, b.id}] != nil {
		return nil, fmt.Errorf("batch %q already exists for tenant %q in %s", b.id, spec.Tenant, env)
	}
	now := s.cfg.now()
	if b.createdAt.IsZero() {
		b.createdAt = now
	}

	seen := make(map[string]bool, len(spec.Jobs)+len(spec.Rejected))
	claim := func(appID string) error {
		if appID == "" {
			return errors.New("applicationId is required")
		}
		if seen[appID] {
			return fmt.Errorf("application %q appears twice", appID)
		}
		seen[appID] = true
		return nil
	}
	for i, js := range spec.Jobs {
		if err := claim(js.ApplicationID); err != nil {
			return nil, fmt.Errorf("job %d: %w", i, err)
		}
		j, err := s.buildJob(b, js)
		if err != nil {
			return nil, fmt.Errorf("job %d (application %q): %w", i, js.ApplicationID, err)
		}
		j.settle(now)
		b.jobs = append(b.jobs, j)
	}
	for i, rs := range spec.Rejected {
		if err := claim(rs.ApplicationID); err != nil {
			return nil, fmt.Errorf("rejected %d: %w", i, err)
		}
		if rs.Reason == "" {
			rs.Reason = "VALIDATION_ERROR"
		}
		if rs.Message == "" {
			rs.Message = "Application was rejected at intake"
		}
		b.rejected = append(b.rejected, rs)
	}
	sortRejected(b.rejected)
	return b, nil
}

// sortRejected gives rejections the documented deterministic order.
func sortRejected(r []RejectedSpec) {
	slices.SortFunc(r, func(a, c RejectedSpec) int {
		return strings.Compare(a.ApplicationID, c.ApplicationID)
	})
}

func (s *Server) buildJob(b *batch, js JobSpec) (*job, error) {
	if js.AfterPolls < 0 || js.After < 0 {
		return nil, errors.New("afterPolls and after must not be negative")
	}
	j := &job{
		id:                js.ID,
		criteriaVersionID: js.CriteriaVersionID,
		jobID:             b.jobID,
		appID:             js.ApplicationID,
		isRescore:         js.IsRescore,
		fail:              js.Fail,
		score:             js.Score,
		errorCode:         js.ErrorCode,
		errorMessage:      js.ErrorMessage,
		afterPolls:        js.AfterPolls,
		after:             time.Duration(js.After),
		queuedAt:          b.createdAt,
	}
	if j.id == "" {
		j.id = newID()
	} else if s.data.findJob(appKey{b.env, b.tenant, b.jobID, j.appID}, j.id) != nil {
		return nil, fmt.Errorf("scoring job %q already exists", j.id)
	}
	if j.criteriaVersionID == "" && !js.NoCriteriaVersion {
		j.criteriaVersionID = s.criteriaVersionID
	}
	if j.score == 0 {
		j.score = defaultScore(j.appID)
	}
	if js.Assessment != nil {
		j.assessment = *js.Assessment
	} else {
		j.assessment = generatedAssessment(j.score)
	}
	if j.errorCode == "" {
		j.errorCode = "RESUME_FETCH_FAILED"
	}
	if j.errorMessage == "" {
		j.errorMessage = defaultErrorMessage(j.errorCode)
	}
	return j, nil
}

// defaultScore is stable per application id so tests can predict it.
func defaultScore(appID string) float64 {
	h := fnv.New32a()
	_, _ = h.Write([]byte(appID))
	return float64(h.Sum32()%10 + 1)
}

func defaultErrorMessage(code string) string {
	if code == "RESUME_FETCH_FAILED" {
		return "Failed to download the resume from the provided URL"
	}
	return "Scoring failed: " + code
}

// generatedAssessment follows the GEN-D score bands, with one entry per list
// so that mapping code sees non-empty arrays.
func generatedAssessment(score float64) Assessment {
	var verdict string
	switch {
	case score >= 9:
		verdict = "Exceptional candidate who exceeds every must-have. Strongly recommend an interview."
	case score >= 7:
		verdict = "Strong fit with solid, relevant experience. Recommend an interview."
	case score >= 5:
		verdict = "Mixed profile; some must-haves are unverified. Consider a screening call."
	case score >= 3:
		verdict = "Significant gaps against the criteria. Not recommended at this time."
	default:
		verdict = "Missing fundamental requirements for this role. Not recommended."
	}
	return Assessment{
		Verdict:        verdict,
		Strengths:      []string{"Relevant hands-on experience with the core stack"},
		Concerns:       []string{"Limited evidence of leading cross-team projects"},
		InterviewFocus: []string{"Walk through a system they designed end to end"},
	}
}
