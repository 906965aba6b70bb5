package nova

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
)

// CriteriaVersion is one version of a job's scoring criteria: what the
// scoring jobs of a batch name in criteriaVersionId. A new version becomes
// active whenever the hiring team changes the criteria.
type CriteriaVersion struct {
	ID         *string     `json:"id"`
	Version    *int64      `json:"version"`
	Status     *string     `json:"status"` // as sent, such as ACTIVE or ARCHIVED
	CreatedAt  *Timestamp  `json:"createdAt"`
	ArchivedAt *Timestamp  `json:"archivedAt"`
	Criteria   []Criterion `json:"criteria"`
}

// Criterion is one criterion of a version.
type Criterion struct {
	ID         *string `json:"id"`
	Text       *string `json:"text"`
	Importance *string `json:"importance"` // MUST_HAVE, PREFERRED or NICE_TO_HAVE (both spellings seen)
	Order      *int64  `json:"order"`
}

// CriteriaVersionResult is one read of a criteria version.
type CriteriaVersionResult struct {
	Version *CriteriaVersion

	TraceID  string
	Warnings []Warning
}

// DecodeCriteriaVersion parses a criteria-version body. The API's docs do not
// show the envelope, so the version object is accepted at top level (it has
// an "id") or as the only object member of the top level that has an "id",
// such as {"criteriaVersion": {...}}; a "criteria" list beside the wrapper
// is used when the version holds none. Anything else is refused rather than
// guessed at: a gate compares this id with the batch's.
func DecodeCriteriaVersion(body []byte) (*CriteriaVersionResult, error) {
	var top map[string]json.RawMessage
	if err := decodeJSON(body, &top); err != nil {
		return nil, err
	}
	if top == nil {
		return nil, errors.New("the response is null, not a criteria version")
	}
	raw, wrapped := json.RawMessage(body), false
	if _, ok := top["id"]; !ok {
		var wrappers []string
		for name, member := range top {
			var obj map[string]json.RawMessage
			if json.Unmarshal(member, &obj) == nil && obj != nil && obj["id"] != nil {
				wrappers = append(wrappers, name)
			}
		}
		slices.Sort(wrappers)
		switch len(wrappers) {
		case 0:
			return nil, errors.New(`the response has no criteria version: no "id" at top level nor in an object under one key`)
		case 1:
			raw, wrapped = top[wrappers[0]], true
		default:
			return nil, fmt.Errorf("the response has %d objects that could be the criteria version (%s); expected one", len(wrappers), strings.Join(wrappers, ", "))
		}
	}
	var v CriteriaVersion
	if err := json.NewDecoder(bytes.NewReader(raw)).Decode(&v); err != nil {
		return nil, fmt.Errorf("the criteria version is not of the expected shape: %w", err)
	}
	if list, ok := top["criteria"]; wrapped && ok && v.Criteria == nil {
		// A wrapped version without its list: the list may sit beside it.
		if err := json.Unmarshal(list, &v.Criteria); err != nil {
			return nil, fmt.Errorf("the criteria list is not of the expected shape: %w", err)
		}
	}
	if v.ID == nil || strings.TrimSpace(*v.ID) == "" {
		return nil, errors.New(`the criteria version has no "id"`)
	}
	r := &CriteriaVersionResult{Version: &v}
	if v.Criteria == nil {
		v.Criteria = []Criterion{}
	}
	r.addWarning(checkTimestamp(&v.CreatedAt, "createdAt"))
	r.addWarning(checkTimestamp(&v.ArchivedAt, "archivedAt"))
	return r, nil
}

func (r *CriteriaVersionResult) addWarning(w string) {
	if w != "" {
		r.Warnings = append(r.Warnings, Warning{Subject: "criteria version", Text: w})
	}
}

func (r *CriteriaVersionResult) setTraceID(id string) { r.TraceID = id }
