package novafake

import (
	"errors"
	"fmt"
	"net/http"
	"time"
)

// Criteria version statuses as the API spells them.
const (
	CriteriaActive   = "ACTIVE"
	CriteriaArchived = "ARCHIVED"
)

// CriteriaVersionSpec describes a criteria version of a job to seed. Zero
// values get defaults. A job has at most one ACTIVE version, its current
// one: adding an active version archives the one before it, as generating
// or setting criteria does on Nova.
type CriteriaVersionSpec struct {
	Env        Env             `json:"env"` // default sandbox
	Tenant     string          `json:"tenant"`
	JobID      string          `json:"jobId"`
	ID         string          `json:"id"`         // default: generated
	Version    int             `json:"version"`    // default: one more than the job's highest
	Status     string          `json:"status"`     // ACTIVE (default) or ARCHIVED
	CreatedAt  time.Time       `json:"createdAt"`  // default: clock now
	ArchivedAt *time.Time      `json:"archivedAt"` // default: null while active, createdAt of the next version once archived
	Criteria   []CriterionSpec `json:"criteria"`
}

// CriterionSpec is one criterion of a version.
type CriterionSpec struct {
	ID         string `json:"id"` // default: generated
	Text       string `json:"text"`
	Importance string `json:"importance"` // default MUST_HAVE
	Order      int    `json:"order"`      // default: position, from 1
}

type criteriaKey struct {
	env           Env
	tenant, jobID string
}

type criteriaVersion struct {
	id         string
	version    int
	status     string
	createdAt  time.Time
	archivedAt *time.Time
	criteria   []CriterionSpec
}

// DefaultCriteriaVersionID is the criteria version of every seeded job whose
// spec names none, so that a test can make it a job's current version.
func (s *Server) DefaultCriteriaVersionID() string { return s.criteriaVersionID }

// AddCriteriaVersion seeds a criteria version and returns its id.
func (s *Server) AddCriteriaVersion(spec CriteriaVersionSpec) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	v, k, err := s.buildCriteriaVersion(spec)
	if err != nil {
		return "", fmt.Errorf("novafake: add criteria version: %w", err)
	}
	if v.status == CriteriaActive {
		for _, old := range s.data.criteria[k] {
			if old.status == CriteriaActive {
				old.status = CriteriaArchived
				old.archivedAt = ptr(v.createdAt)
			}
		}
	}
	s.data.criteria[k] = append(s.data.criteria[k], v)
	return v.id, nil
}

func (s *Server) buildCriteriaVersion(spec CriteriaVersionSpec) (*criteriaVersion, criteriaKey, error) {
	env := spec.Env
	if env == "" {
		env = EnvSandbox
	}
	if env != EnvSandbox && env != EnvProduction {
		return nil, criteriaKey{}, fmt.Errorf("env %q: want %q or %q", spec.Env, EnvSandbox, EnvProduction)
	}
	if spec.Tenant == "" || spec.JobID == "" {
		return nil, criteriaKey{}, errors.New("tenant and jobId are required")
	}
	k := criteriaKey{env, spec.Tenant, spec.JobID}
	v := &criteriaVersion{id: spec.ID, version: spec.Version, status: spec.Status, createdAt: spec.CreatedAt, archivedAt: spec.ArchivedAt}
	if v.id == "" {
		v.id = newID()
	}
	highest := 0
	for _, old := range s.data.criteria[k] {
		if old.id == v.id {
			return nil, k, fmt.Errorf("criteria version %q already exists for job %q", v.id, spec.JobID)
		}
		highest = max(highest, old.version)
	}
	if v.version == 0 {
		v.version = highest + 1
	}
	switch v.status {
	case "":
		v.status = CriteriaActive
	case CriteriaActive, CriteriaArchived:
	default:
		return nil, k, fmt.Errorf("status %q: want %q or %q", spec.Status, CriteriaActive, CriteriaArchived)
	}
	if v.createdAt.IsZero() {
		v.createdAt = s.cfg.now()
	}
	for i, c := range spec.Criteria {
		if c.Text == "" {
			return nil, k, fmt.Errorf("criterion %d: text is required", i)
		}
		if c.ID == "" {
			c.ID = newID()
		}
		if c.Importance == "" {
			c.Importance = "MUST_HAVE"
		}
		if c.Order == 0 {
			c.Order = i + 1
		}
		v.criteria = append(v.criteria, c)
	}
	return v, k, nil
}

// current is the job's active version, nil when it has none.
func (st *store) currentCriteria(k criteriaKey) *criteriaVersion {
	for _, v := range st.criteria[k] {
		if v.status == CriteriaActive {
			return v
		}
	}
	return nil
}

func (st *store) findCriteriaVersion(k criteriaKey, id string) *criteriaVersion {
	for _, v := range st.criteria[k] {
		if v.id == id {
			return v
		}
	}
	return nil
}

type wireCriteriaVersion struct {
	ID         string          `json:"id"`
	Version    int             `json:"version"`
	Status     string          `json:"status"`
	CreatedAt  string          `json:"createdAt"`
	ArchivedAt *string         `json:"archivedAt"`
	Criteria   []wireCriterion `json:"criteria"`
}

type wireCriterion struct {
	ID         string `json:"id"`
	Text       string `json:"text"`
	Importance string `json:"importance"`
	Order      int    `json:"order"`
}

func renderCriteriaVersion(v *criteriaVersion) wireCriteriaVersion {
	w := wireCriteriaVersion{ID: v.id, Version: v.version, Status: v.status, CreatedAt: timestamp(v.createdAt), Criteria: make([]wireCriterion, 0, len(v.criteria))}
	if v.archivedAt != nil {
		w.ArchivedAt = timestampPtr(*v.archivedAt)
	}
	for _, c := range v.criteria {
		w.Criteria = append(w.Criteria, wireCriterion(c))
	}
	return w
}

// getCriteriaVersion answers GET /v1/jobs/{jobId}/criteria/versions/current
// and GET /v1/jobs/{jobId}/criteria/versions/{criteriaVersionId}. The docs
// do not show the envelope: the version is sent at top level, or under the
// key set with WithCriteriaEnvelope.
func (s *Server) getCriteriaVersion(w http.ResponseWriter, x *exchange) {
	jobID := x.route.params[0]
	k := criteriaKey{x.env, x.tenant, jobID}
	s.mu.Lock()
	var v *criteriaVersion
	var notFound *apiError
	if x.route.name == RouteGetCurrentCriteria {
		v = s.data.currentCriteria(k)
		notFound = &apiError{status: http.StatusNotFound, code: "CRITERIA_NOT_FOUND", message: fmt.Sprintf("No active criteria found for job %s", jobID)}
	} else {
		id := x.route.params[1]
		v = s.data.findCriteriaVersion(k, id)
		notFound = &apiError{status: http.StatusNotFound, code: "CRITERIA_VERSION_NOT_FOUND", message: fmt.Sprintf("Criteria version %s not found for job %s", id, jobID)}
	}
	var body wireCriteriaVersion
	if v != nil {
		body = renderCriteriaVersion(v)
	}
	s.mu.Unlock()
	if v == nil {
		s.writeError(w, x, notFound)
		return
	}
	if s.cfg.criteriaEnvelope != "" {
		s.writeJSON(w, x, http.StatusOK, map[string]any{s.cfg.criteriaEnvelope: body})
		return
	}
	s.writeJSON(w, x, http.StatusOK, body)
}
