package clitest

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/dweet/terraform-provider-nova/internal/novafake"
)

// Every snippet a user can read is run as written: each terraform/hcl block of
// the Markdown sources and every example under examples/ is planned against
// novafake, seeded with examples/demo/seed.json, after adding only what a user
// adds (required_providers, a provider block; the key, tenant and address come
// from NOVA_* variables). Each sh/shell block runs in a sandbox with the built
// provider and novafake in .bin/. The outcome each must have is marked next to
// it (see CONTRIBUTING.md, "Doc snippets"):
//
//	<!-- snippet: fails "error_message text" -->   the plan stops with this text
//	<!-- snippet: partial: why -->                   not run; the reason is logged
//	<!-- snippet: vars batch_id=batch-completed -->  -var arguments for the plan
//	<!-- snippet: gate -->                           also planned against a batch
//	                                                 with failed jobs and a pending one:
//	                                                 the plan must stop, with the gate's
//	                                                 own message
//
// in Markdown on the line before the fence, in a .tf file as its first line
// (`# snippet: gate`), and combined with commas (`gate, vars x=y`).
//
// The sources are tested, not docs/: docs/ is generated from templates/ and
// examples/, and TestDocSnippetsCoverGeneratedDocs proves that every block
// of docs/ is one of the tested ones, so no readable snippet escapes.

const repoRoot = "../.."

// snippetSources are the Markdown files whose blocks are tested; examples/ .tf
// files are found separately.
var snippetSources = []string{"README.md", "CONTRIBUTING.md", "templates", "examples"}

// perFileExampleDirs hold tfplugindocs examples: each file is rendered into the
// docs on its own, so each is planned on its own. Every other directory of .tf
// files under examples/ is a module and is planned as one.
var perFileExampleDirs = []string{"examples/data-sources", "examples/ephemeral-resources", "examples/functions", "examples/resources", "examples/provider"}

type snippet struct {
	where string            // file:line, for messages
	lang  string            // terraform, hcl, sh, shell; "module" for a directory of .tf files
	body  string            // the block, or the .tf file
	dir   string            // a module directory under examples/ (lang "module")
	mark  snippetMark       // the expected outcome
	files map[string]string // a module's .tf files
	fence int               // the line of a Markdown block's opening fence; 0 for files
}

// name says where the snippet is, and for a Markdown block how to find a
// line the plan names: the block is planned as main.tf.
func (s snippet) name() string {
	if s.fence == 0 {
		return s.where
	}
	return fmt.Sprintf("%s (planned as main.tf: its line N is line %d+N of the file)", s.where, s.fence)
}

type snippetMark struct {
	fails   string
	partial string
	vars    []string // k=v
	gate    bool
}

var (
	fenceOpen   = regexp.MustCompile("^\\s*```([a-z]+)\\s*$")
	fenceClose  = regexp.MustCompile("^\\s*```\\s*$")
	markdownTag = regexp.MustCompile(`^\s*<!--\s*snippet:(.*?)-->\s*$`)
	tfTag       = regexp.MustCompile(`^#\s*snippet:(.*)$`)
)

// parseMark reads the grammar documented in CONTRIBUTING.md:
//
//	items := item ("," item)*
//	item  := "gate" | "fails" <Go-quoted string> | "vars" k=v (" " k=v)* | "partial:" text to the end
func parseMark(s string) (snippetMark, error) {
	var m snippetMark
	s = strings.TrimSpace(s)
	for s != "" {
		switch {
		case strings.HasPrefix(s, "partial:"):
			m.partial = strings.TrimSpace(strings.TrimPrefix(s, "partial:"))
			if m.partial == "" {
				return m, fmt.Errorf("partial needs a reason: %q", s)
			}
			s = ""
			continue
		case strings.HasPrefix(s, "gate"):
			m.gate, s = true, s[len("gate"):]
		case strings.HasPrefix(s, "fails"):
			rest := strings.TrimSpace(s[len("fails"):])
			q, err := strconv.QuotedPrefix(rest)
			if err != nil {
				return m, fmt.Errorf(`fails needs a quoted message, as in fails "text": %q`, s)
			}
			m.fails, _ = strconv.Unquote(q)
			s = rest[len(q):]
		case strings.HasPrefix(s, "vars "):
			rest := s[len("vars "):]
			end := strings.IndexByte(rest, ',')
			if end < 0 {
				end = len(rest)
			}
			for _, kv := range strings.Fields(rest[:end]) {
				if !strings.Contains(kv, "=") {
					return m, fmt.Errorf("vars takes name=value pairs, got %q", kv)
				}
				m.vars = append(m.vars, kv)
			}
			s = rest[end:]
		default:
			return m, fmt.Errorf("unknown snippet marker %q (want gate, fails \"...\", vars k=v or partial: why)", s)
		}
		s = strings.TrimSpace(s)
		if s != "" {
			if s[0] != ',' {
				return m, fmt.Errorf("markers are separated by commas: %q", s)
			}
			s = strings.TrimSpace(s[1:])
		}
	}
	return m, nil
}

// markdownSnippets returns the terraform, hcl, sh and shell blocks of one
// Markdown file (a template too), with the marker on the line before each.
func markdownSnippets(path string) ([]snippet, error) {
	b, err := os.ReadFile(filepath.Join(repoRoot, path))
	if err != nil {
		return nil, err
	}
	var out []snippet
	lines := strings.Split(string(b), "\n")
	for i := 0; i < len(lines); i++ {
		open := fenceOpen.FindStringSubmatch(lines[i])
		if open == nil {
			continue
		}
		start := i
		var body []string
		for i++; i < len(lines) && !fenceClose.MatchString(lines[i]); i++ {
			body = append(body, lines[i])
		}
		switch open[1] {
		case "terraform", "hcl", "sh", "shell":
		default:
			continue
		}
		s := snippet{where: fmt.Sprintf("%s:%d", path, start+1), lang: open[1], body: strings.Join(body, "\n") + "\n", fence: start + 1}
		if start > 0 {
			if tag := markdownTag.FindStringSubmatch(lines[start-1]); tag != nil {
				if s.mark, err = parseMark(tag[1]); err != nil {
					return nil, fmt.Errorf("%s: %w", s.where, err)
				}
			}
		}
		out = append(out, s)
	}
	return out, nil
}

func tfFileMark(where, body string) (snippetMark, error) {
	first, _, _ := strings.Cut(body, "\n")
	if tag := tfTag.FindStringSubmatch(first); tag != nil {
		m, err := parseMark(tag[1])
		if err != nil {
			return m, fmt.Errorf("%s:1: %w", where, err)
		}
		return m, nil
	}
	return snippetMark{}, nil
}

// collectSnippets finds every snippet of the repository.
func collectSnippets(t *testing.T) []snippet {
	t.Helper()
	var out []snippet
	modules := map[string]*snippet{}
	for _, src := range snippetSources {
		err := filepath.WalkDir(filepath.Join(repoRoot, src), func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			rel, _ := filepath.Rel(repoRoot, path)
			rel = filepath.ToSlash(rel)
			if d.IsDir() {
				if d.Name() == ".terraform" {
					return filepath.SkipDir
				}
				return nil
			}
			switch {
			case strings.HasSuffix(rel, ".md") || strings.HasSuffix(rel, ".md.tmpl"):
				s, err := markdownSnippets(rel)
				out = append(out, s...)
				return err
			case strings.HasPrefix(rel, "examples/") && strings.HasSuffix(rel, ".tf"):
				b, err := os.ReadFile(path)
				if err != nil {
					return err
				}
				mark, err := tfFileMark(rel, string(b))
				if err != nil {
					return err
				}
				if slices.ContainsFunc(perFileExampleDirs, func(p string) bool { return strings.HasPrefix(rel, p+"/") }) {
					out = append(out, snippet{where: rel, lang: "terraform", body: string(b), mark: mark})
					return nil
				}
				dir := filepath.ToSlash(filepath.Dir(rel))
				m := modules[dir]
				if m == nil {
					m = &snippet{where: dir + "/", lang: "module", dir: dir, files: map[string]string{}}
					modules[dir] = m
				}
				m.files[filepath.Base(rel)] = string(b)
				m.mark = mergeMarks(m.mark, mark)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	for _, m := range modules {
		out = append(out, *m)
	}
	return out
}

func mergeMarks(a, b snippetMark) snippetMark {
	a.gate = a.gate || b.gate
	a.vars = append(a.vars, b.vars...)
	if b.fails != "" {
		a.fails = b.fails
	}
	if b.partial != "" {
		a.partial = b.partial
	}
	return a
}

func TestDocSnippets(t *testing.T) {
	snippets := collectSnippets(t)
	if len(snippets) < 30 {
		t.Fatalf("found %d snippets: the sources moved?", len(snippets))
	}
	seedJSON, err := os.ReadFile(filepath.Join(repoRoot, "examples/demo/seed.json"))
	if err != nil {
		t.Fatal(err)
	}
	var partial []string
	for _, s := range snippets {
		if s.mark.partial != "" {
			partial = append(partial, s.where+": "+s.mark.partial)
			continue
		}
		t.Run(s.where, func(t *testing.T) {
			t.Parallel()
			switch s.lang {
			case "sh", "shell":
				runShellSnippet(t, s)
				return
			}
			files := s.files
			if files == nil {
				files = map[string]string{"main.tf": s.body}
			}
			if anyContains(files, `ephemeral "`) {
				skipWithoutEphemeral(t)
			}
			if callsFunction(files) {
				skipWithoutFunctions(t)
			}
			plan := func(variant string) (string, error) {
				return planSnippet(t, s, files, seedJSON, variant)
			}
			out, err := plan("")
			switch {
			case s.mark.fails != "" && err == nil:
				t.Errorf("%s: marked to fail with %q, but the plan succeeded:\n%s", s.name(), s.mark.fails, out)
			case s.mark.fails != "" && !wrappedText(s.mark.fails).MatchString(out):
				t.Errorf("%s: marked to fail with %q, but the plan printed:\n%s", s.name(), s.mark.fails, out)
			case s.mark.fails == "" && err != nil:
				t.Errorf("%s: the plan failed (%v); mark it <!-- snippet: fails \"...\" --> if that is what the text says. The plan printed:\n%s", s.name(), err, out)
			}
			if !s.mark.gate {
				return
			}
			for _, variant := range gateVariants(files) {
				if variant == "clean" {
					if out, err := plan(variant); err != nil && s.mark.fails == "" {
						t.Errorf("%s: a gate, but it stayed shut on a clean completed batch; the plan printed:\n%s", s.name(), out)
					}
					continue
				}
				out, err := plan(variant)
				if err == nil {
					t.Errorf("%s: a gate, but it let a batch with %s jobs through; the plan printed:\n%s", s.name(), variant, out)
					continue
				}
				if msg := evaluationError(out); msg != "" {
					t.Errorf("%s: on a batch with %s jobs the gate broke with a Terraform evaluation error (%q) instead of its own message; the plan printed:\n%s", s.name(), variant, msg, out)
				} else if !gateStop.MatchString(out) {
					t.Errorf("%s: on a batch with %s jobs the plan stopped, but not at a condition or require_completed; the plan printed:\n%s", s.name(), variant, out)
				}
			}
		})
	}
	t.Logf("%d snippets; %d marked partial and not run:\n  %s", len(snippets), len(partial), strings.Join(partial, "\n  "))
}

// gateStop is how a gate stops a plan: a custom condition, or the ephemeral
// resources' require or require_completed.
var gateStop = regexp.MustCompile(`(?i)(post|pre)condition failed|did not pass the gate`)

// evaluationError names the Terraform error a condition hits when it was
// written for the happy path only (a null score, a min() of nothing).
func evaluationError(out string) string {
	for _, broken := range []string{"must not be null", "Invalid value for", "Error in function call", "Unsupported attribute", "null value", "Invalid template interpolation"} {
		if strings.Contains(out, broken) {
			return broken
		}
	}
	return ""
}

// callsFunction says whether a snippet calls a provider function, which
// Terraform before 1.8 cannot parse; a comment that names one does not.
func callsFunction(files map[string]string) bool {
	for _, b := range files {
		for line := range strings.Lines(b) {
			if t := strings.TrimSpace(line); !strings.HasPrefix(t, "#") && !strings.HasPrefix(t, "//") && strings.Contains(t, "provider::") {
				return true
			}
		}
	}
	return false
}

func anyContains(files map[string]string, s string) bool {
	for _, b := range files {
		if strings.Contains(b, s) {
			return true
		}
	}
	return false
}

// gateSeed turns every batch of the demo seed into one with failed or
// pending jobs: each seeded job fails (or never finishes), and one more
// candidate completes with the top score, so that a gate that only looks at
// scores sees a perfect candidate and must still stop. Everything else in
// the seed (criteria versions, say) stays, so that a gate stops on the
// batch and not on something missing.
func gateSeed(seed novafake.Seed, variant string) novafake.Seed {
	out := seed
	out.Batches = nil
	if variant == "clean" || shapeOf(variant) != nil {
		return cleanSeed(seed)
	}
	for _, b := range seed.Batches {
		jobs := make([]novafake.JobSpec, 0, len(b.Jobs)+1)
		for _, j := range b.Jobs {
			j.After, j.AfterPolls, j.Fail = 0, 0, false
			switch variant {
			case "failed":
				j.Fail, j.ErrorCode = true, "RESUME_FETCH_FAILED"
			case "pending":
				j.AfterPolls = 1_000_000
			}
			jobs = append(jobs, j)
		}
		b.Jobs = append(jobs, novafake.JobSpec{ApplicationID: "app-gate-perfect", Score: 10})
		out.Batches = append(out.Batches, b)
	}
	return out
}

// planSnippet writes the snippet into a directory, completes it with
// required_providers and a provider block when it has none, and plans it
// against a novafake of its own, seeded with the demo seed (variant "") or
// its failed or pending twin.
func planSnippet(t *testing.T, s snippet, files map[string]string, seedJSON []byte, variant string) (string, error) {
	t.Helper()
	seed, err := novafake.DecodeSeed(bytes.NewReader(seedJSON))
	if err != nil {
		t.Fatalf("examples/demo/seed.json: %v", err)
	}
	if variant != "" {
		seed = gateSeed(seed, variant)
	}
	srv, url := fakeNova(t)
	if err := srv.Load(seed); err != nil {
		t.Fatalf("examples/demo/seed.json: %v", err)
	}
	if shape := shapeOf(variant); shape != nil {
		srv.RewriteAnswers(rewriteAs(*shape))
	}
	dir := t.TempDir()
	for name, body := range files {
		if variant == "pending" || shapeOf(variant) != nil {
			// Read once: a wait on a batch that never finishes only times out.
			body = strings.ReplaceAll(body, "wait_for_completion = true", "wait_for_completion = false")
		}
		writeFile(t, filepath.Join(dir, name), body)
	}
	var completion strings.Builder
	if !anyContains(files, "required_providers") {
		completion.WriteString("terraform {\n  required_providers {\n    nova = { source = \"dweet/nova\" }\n  }\n}\n")
	}
	if !anyContains(files, `provider "nova"`) {
		completion.WriteString("provider \"nova\" {}\n")
	}
	writeFile(t, filepath.Join(dir, "zz_snippet_completion.tf"), completion.String())

	args := []string{"plan", "-input=false", "-lock=false"}
	for _, kv := range s.mark.vars {
		args = append(args, "-var", kv)
	}
	if (variant == "pending" || shapeOf(variant) != nil) && anyContains(files, `variable "wait_for_completion"`) {
		args = append(args, "-var", "wait_for_completion=false")
	}
	env := append(os.Environ(), "TF_CLI_CONFIG_FILE="+devOverridesRC(t), "TF_IN_AUTOMATION=1", "CHECKPOINT_DISABLE=1",
		"NOVA_BASE_URL="+url, "NOVA_API_KEY="+testKey, "NOVA_TENANT_ID="+testTenant)
	return runIn(t, terraformBinary(t), dir, env, args...)
}

var novafakeOnce struct {
	sync.Once
	err error
	out []byte
}

// builtNovafake builds .bin/novafake's equivalent next to the built provider.
func builtNovafake(t *testing.T) string {
	t.Helper()
	bin := builtProvider(t)
	novafakeOnce.Do(func() {
		cmd := exec.Command("go", "build", "-o", filepath.Join(bin, "novafake"), "../cmd/novafake")
		novafakeOnce.out, novafakeOnce.err = cmd.CombinedOutput()
	})
	if novafakeOnce.err != nil {
		t.Fatalf("go build novafake: %v\n%s", novafakeOnce.err, novafakeOnce.out)
	}
	return bin
}

// runShellSnippet runs a sh/shell block with bash, the way a reader runs it in
// a clone of the repository: the working directory holds a copy of examples/
// and a .bin/ with the built provider and novafake, terraform is on PATH, and
// the CLI configuration points dev_overrides at .bin/. Whatever the block
// starts in the background is stopped when it ends.
func runShellSnippet(t *testing.T, s snippet) {
	bin := builtNovafake(t)
	tf := terraformBinary(t)
	dir := t.TempDir()
	if err := os.CopyFS(filepath.Join(dir, "examples"), os.DirFS(filepath.Join(repoRoot, "examples"))); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(bin, filepath.Join(dir, ".bin")); err != nil {
		t.Fatal(err)
	}
	logPath := filepath.Join(t.TempDir(), "output")
	logFile, err := os.Create(logPath)
	if err != nil {
		t.Fatal(err)
	}
	defer logFile.Close()
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "bash", "-euo", "pipefail", "-c", s.body)
	cmd.Dir = dir
	// A file, not a pipe: a server left in the background must not hold Wait.
	cmd.Stdout, cmd.Stderr = logFile, logFile
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Env = append(os.Environ(), "PATH="+filepath.Dir(tf)+string(os.PathListSeparator)+os.Getenv("PATH"),
		"TF_CLI_CONFIG_FILE="+devOverridesRC(t), "TF_IN_AUTOMATION=1", "CHECKPOINT_DISABLE=1", "NO_COLOR=1")
	runErr := cmd.Run()
	if cmd.Process != nil {
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
	}
	out, _ := os.ReadFile(logPath)
	if runErr != nil {
		t.Errorf("%s: the shell block failed (%v); mark it <!-- snippet: partial: why --> if it cannot run offline. It printed:\n%s", s.where, runErr, out)
	}
}

// docs/ is generated from templates/ and examples/; every block a reader sees
// there must be one the test above runs (or names as partial), so a block in
// docs/ that no source holds (a stale page, a generator change) fails here.
func TestDocSnippetsCoverGeneratedDocs(t *testing.T) {
	tested := map[string]bool{}
	for _, s := range collectSnippets(t) {
		for _, body := range append([]string{s.body}, mapValues(s.files)...) {
			tested[strings.TrimSpace(body)] = true
		}
	}
	var docs []snippet
	err := filepath.WalkDir(filepath.Join(repoRoot, "docs"), func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".md") {
			return err
		}
		rel, _ := filepath.Rel(repoRoot, path)
		s, err := markdownSnippets(filepath.ToSlash(rel))
		docs = append(docs, s...)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(docs) == 0 {
		t.Fatal("no snippets in docs/")
	}
	for _, d := range docs {
		if !tested[strings.TrimSpace(d.body)] {
			t.Errorf("%s: this %s block is in no template, README or example that TestDocSnippets runs (run make docs?):\n%s", d.where, d.lang, firstLines(d.body, 5))
		}
	}
}

func mapValues(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for _, v := range m {
		out = append(out, v)
	}
	return out
}

func firstLines(s string, n int) string {
	var b strings.Builder
	sc := bufio.NewScanner(strings.NewReader(s))
	for i := 0; i < n && sc.Scan(); i++ {
		b.WriteString(sc.Text() + "\n")
	}
	return b.String()
}

func TestParseSnippetMark(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want snippetMark
		err  bool
	}{
		{" gate ", snippetMark{gate: true}, false},
		{` fails "Batch x, y: failed." `, snippetMark{fails: "Batch x, y: failed."}, false},
		{" gate, vars batch_id=batch-completed job_id=job-123", snippetMark{gate: true, vars: []string{"batch_id=batch-completed", "job_id=job-123"}}, false},
		{" vars a=b, gate", snippetMark{gate: true, vars: []string{"a=b"}}, false},
		{" partial: a CLI configuration, not a module", snippetMark{partial: "a CLI configuration, not a module"}, false},
		{" gate, partial: x", snippetMark{gate: true, partial: "x"}, false},
		{" fails unquoted", snippetMark{}, true},
		{" vars novalue", snippetMark{}, true},
		{" gates", snippetMark{}, true},
		{" partial:", snippetMark{}, true},
		{" gate vars a=b", snippetMark{}, true},
	} {
		got, err := parseMark(tc.in)
		if (err != nil) != tc.err {
			t.Errorf("parseMark(%q) error = %v, want error %v", tc.in, err, tc.err)
			continue
		}
		if !tc.err && fmt.Sprint(got) != fmt.Sprint(tc.want) {
			t.Errorf("parseMark(%q) = %+v, want %+v", tc.in, got, tc.want)
		}
	}
}
