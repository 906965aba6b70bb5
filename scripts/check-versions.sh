#!/usr/bin/env bash
# `make versions-check` (part of `make lint`): the GitHub workflows must use the tool versions
# this repository pins, so that GitHub and .ci/run test the same thing:
#
#   Go             every actions/setup-go step reads go.mod (go-version-file: go.mod); a literal
#                  go-version must be go.mod's go version
#   golangci-lint  a version a workflow names (golangci-lint-action's `version`, or
#                  golangci-lint@vX in a command) is GOLANGCI_LINT_VERSION in GNUmakefile
#   actionlint     likewise, ACTIONLINT_VERSION in GNUmakefile
#   goreleaser     goreleaser-action's `version` (and goreleaser@vX in a command) is
#                  GORELEASER_VERSION in scripts/release-check.sh; release.yml runs the action
#   Terraform      test.yml's matrix lists exactly TERRAFORM_VERSIONS of GNUmakefile, whose
#                  oldest is the one scripts/ensure-terraform.sh and scripts/test-matrix.sh
#                  build; every setup-terraform step names a version: the matrix's, or a literal
#                  from that list (never "latest", never a range)
#   OpenTofu       every setup-opentofu step and test.yml's OpenTofu leg use the version
#                  scripts/ensure-tofu.sh builds (tofu_version in that script)
#   actions        every `uses:` is pinned to a full commit hash with its release in a comment
#                  (`@<40 hex> # vX.Y.Z`), and one action has one pin in all workflows
#
# The workflows are read line by line, not by a YAML library: steps are `- ` items whose keys
# are indented below the dash, matrix entries are one flow mapping a line
# (`- { terraform: "1.5.7" }`). A layout this script cannot read fails the check (with what it
# expected), rather than passing it. Prints every finding, then exits 1 if there was one.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "${root}"
workflows_dir=.github/workflows

problems=()
problem() { problems+=("$*"); }

# pin FILE REGEX: the first capture group of the first line of FILE matching REGEX (sed -E).
pin() {
  local value
  value="$(sed -nE "s/$2/\\1/p" "$1" | head -n 1)"
  if [[ -z "${value}" ]]; then
    echo "check-versions: cannot find the pin in $1 (no line matches /$2/): update this script" >&2
    exit 2
  fi
  printf '%s\n' "${value}"
}

go_version="$(pin go.mod '^go ([0-9][0-9.]*)$')"
golangci_version="$(pin GNUmakefile '^GOLANGCI_LINT_VERSION := (v[0-9.]+)$')"
actionlint_version="$(pin GNUmakefile '^ACTIONLINT_VERSION := (v[0-9.]+)$')"
terraform_versions="$(pin GNUmakefile '^TERRAFORM_VERSIONS := ([0-9. ]+)$')"
goreleaser_version="$(pin scripts/release-check.sh '^GORELEASER_VERSION="\$\{GORELEASER_VERSION:-(v[0-9.]+)\}"$')"
terraform_build="$(pin scripts/ensure-terraform.sh '^build_version="\$\{TERRAFORM_BUILD_VERSION:-v([0-9.]+)\}"$')"
terraform_matrix_oldest="$(pin scripts/test-matrix.sh '^oldest=v([0-9.]+)$')"
tofu_version="$(pin scripts/ensure-tofu.sh '^tofu_version=v([0-9.]+)$')"

read -r -a tf_list <<<"${terraform_versions}"
tf_oldest="${tf_list[0]}"
if [[ "$(printf '%s\n' "${tf_list[@]}" | sort -V | tr '\n' ' ')" != "$(printf '%s\n' "${tf_list[@]}" | tr '\n' ' ')" ]]; then
  problem "GNUmakefile: TERRAFORM_VERSIONS (${terraform_versions}) is not in ascending order: the oldest supported comes first"
fi
if [[ "${tf_oldest}" != "${terraform_build}" ]]; then
  problem "GNUmakefile: the oldest of TERRAFORM_VERSIONS is ${tf_oldest}, but scripts/ensure-terraform.sh builds ${terraform_build}"
fi
if [[ "${tf_oldest}" != "${terraform_matrix_oldest}" ]]; then
  problem "GNUmakefile: the oldest of TERRAFORM_VERSIONS is ${tf_oldest}, but scripts/test-matrix.sh tests ${terraform_matrix_oldest} as the oldest"
fi
in_tf_list() {
  local v
  for v in "${tf_list[@]}"; do [[ "$1" == "${v}" ]] && return 0; done
  return 1
}

shopt -s nullglob
workflows=("${workflows_dir}"/*.yml "${workflows_dir}"/*.yaml)
shopt -u nullglob
if ((${#workflows[@]} == 0)); then
  echo "check-versions: no workflows under ${workflows_dir}" >&2
  exit 1
fi
for required in test.yml release.yml; do
  [[ -f "${workflows_dir}/${required}" ]] || problem "${workflows_dir}/${required} is missing"
done

# steps FILE prints one record per `- ` item that has a `uses:` key:
#   LINE <TAB> USES <TAB> COMMENT <TAB> key=value <TAB> key=value ...
# with every `key: value` line indented below the item's dash (the `with:` inputs among them).
steps() {
  awk '
    function flush() {
      if (open && uses != "") {
        printf "%d\t%s\t%s%s\n", line, uses, comment, keys
      }
      open = 0; uses = ""; comment = ""; keys = ""
    }
    {
      raw = $0
      if (raw ~ /^[[:space:]]*(#.*)?$/) next
      match(raw, /^ */); indent = RLENGTH
      text = substr(raw, indent + 1)
      if (open && indent <= item_indent) flush()
      if (!open && text ~ /^- /) {
        open = 1; item_indent = indent; line = NR
        text = substr(text, 3)
        sub(/^ +/, "", text)
      }
      if (!open) next
      if (match(text, /^uses:[[:space:]]*/)) {
        rest = substr(text, RLENGTH + 1)
        c = index(rest, "#")
        if (c > 0) {
          comment = substr(rest, c + 1); sub(/^ +/, "", comment); sub(/ +$/, "", comment)
          rest = substr(rest, 1, c - 1)
        }
        sub(/ +$/, "", rest); gsub(/["'\'']/, "", rest)
        uses = rest
        next
      }
      if (match(text, /^[A-Za-z0-9_-]+:[[:space:]]+[^#]/)) {
        key = text; sub(/:.*/, "", key)
        value = text; sub(/^[^:]*:[[:space:]]*/, "", value); sub(/[[:space:]]+#.*$/, "", value)
        sub(/ +$/, "", value); gsub(/^["'\'']|["'\'']$/, "", value)
        keys = keys "\t" key "=" value
      }
    }
    END { flush() }' "$1"
}

# input RECORD KEY: the value of KEY in a step record, empty when absent.
input() {
  local field
  IFS=$'\t' read -r -a fields <<<"$1"
  for field in "${fields[@]:3}"; do
    if [[ "${field%%=*}" == "$2" ]]; then
      printf '%s\n' "${field#*=}"
      return
    fi
  done
}

declare -A action_pin=()
goreleaser_steps=0
for wf in "${workflows[@]}"; do
  # Versions named in commands (go install ...@vX.Y.Z, go run ...@vX.Y.Z).
  while IFS=: read -r n text; do
    for spec in $(grep -oE '(golangci-lint|goreleaser|actionlint)[A-Za-z0-9/._-]*@v[0-9][0-9.]*' <<<"${text}"); do
      tool="${spec%%[/@]*}" version="${spec##*@}"
      case "${tool}" in
      golangci-lint) want="${golangci_version}" where="GOLANGCI_LINT_VERSION in GNUmakefile" ;;
      goreleaser) want="${goreleaser_version}" where="GORELEASER_VERSION in scripts/release-check.sh" ;;
      actionlint) want="${actionlint_version}" where="ACTIONLINT_VERSION in GNUmakefile" ;;
      esac
      if [[ "${version}" != "${want}" ]]; then
        problem "${wf}:${n}: ${tool} ${version}, but ${where} is ${want}"
      fi
    done
  done < <(grep -nE '(golangci-lint|goreleaser|actionlint)[A-Za-z0-9/._-]*@v[0-9]' "${wf}" | grep -vE '^[0-9]+:[[:space:]]*(- )?uses:' || true)

  # The matrix: one flow mapping per entry.
  matrix_tf=() matrix_tofu=()
  while IFS= read -r v; do matrix_tf+=("${v}"); done < <(sed -nE 's/^[[:space:]]*- \{.*[{ ,]terraform:[[:space:]]*"?([^",} ]+)"?.*\}[[:space:]]*(#.*)?$/\1/p' "${wf}")
  while IFS= read -r v; do matrix_tofu+=("${v}"); done < <(sed -nE 's/^[[:space:]]*- \{.*[{ ,]tofu:[[:space:]]*"?([^",} ]+)"?.*\}[[:space:]]*(#.*)?$/\1/p' "${wf}")

  uses_matrix_tf="" uses_matrix_tofu=""
  while IFS= read -r record; do
    IFS=$'\t' read -r n uses comment _ <<<"${record}"
    at="${wf}:${n}"
    action="${uses%@*}" ref="${uses#*@}"
    if [[ "${uses}" == ./* ]]; then
      continue
    fi
    if [[ "${uses}" != *@* || ! "${ref}" =~ ^[0-9a-f]{40}$ ]]; then
      problem "${at}: ${uses} is not pinned to a full commit hash (owner/repo@<40 hex> # vX.Y.Z)"
      continue
    fi
    if [[ ! "${comment}" =~ ^v[0-9]+\.[0-9]+\.[0-9]+$ ]]; then
      problem "${at}: ${action}@${ref} has no release in a comment after it (# vX.Y.Z)"
      continue
    fi
    if [[ -n "${action_pin[${action}]:-}" && "${action_pin[${action}]}" != "${ref} # ${comment}" ]]; then
      problem "${at}: ${action} is pinned to ${ref} # ${comment} here and to ${action_pin[${action}]} elsewhere: one action, one pin"
    fi
    action_pin[${action}]="${ref} # ${comment}"

    case "${action}" in
    actions/setup-go)
      file="$(input "${record}" go-version-file)" literal="$(input "${record}" go-version)"
      if [[ -n "${literal}" ]]; then
        [[ "${literal}" == "${go_version}" ]] ||
          problem "${at}: setup-go installs Go ${literal}, but go.mod says go ${go_version} (use go-version-file: go.mod)"
      elif [[ "${file}" != "go.mod" ]]; then
        problem "${at}: setup-go names no Go version: give it go-version-file: go.mod"
      fi
      ;;
    golangci/golangci-lint-action)
      version="$(input "${record}" version)"
      [[ "${version}" == "${golangci_version}" ]] ||
        problem "${at}: golangci-lint-action runs golangci-lint ${version:-(its default, latest)}, but GOLANGCI_LINT_VERSION in GNUmakefile is ${golangci_version}"
      ;;
    goreleaser/goreleaser-action)
      goreleaser_steps=$((goreleaser_steps + 1))
      version="$(input "${record}" version)"
      [[ "${version}" == "${goreleaser_version}" ]] ||
        problem "${at}: goreleaser-action runs goreleaser ${version:-(its default, ~> v2)}, but scripts/release-check.sh pins ${goreleaser_version} (the version whose archives it proves)"
      [[ -z "$(input "${record}" version-file)" ]] ||
        problem "${at}: goreleaser-action takes its version from a file; name ${goreleaser_version} in version: instead"
      ;;
    hashicorp/setup-terraform)
      version="$(input "${record}" terraform_version)"
      if [[ "${version}" == '${{ matrix.terraform }}' ]]; then
        uses_matrix_tf=yes
      elif [[ -z "${version}" ]]; then
        problem "${at}: setup-terraform names no terraform_version (its default is the latest release): use one of TERRAFORM_VERSIONS (${terraform_versions})"
      elif ! in_tf_list "${version}"; then
        problem "${at}: setup-terraform installs Terraform ${version}, which is not in TERRAFORM_VERSIONS (${terraform_versions}) in GNUmakefile"
      fi
      [[ "$(input "${record}" terraform_wrapper)" == "false" ]] ||
        problem "${at}: setup-terraform without terraform_wrapper: false; the wrapper breaks terraform-plugin-testing"
      ;;
    opentofu/setup-opentofu)
      version="$(input "${record}" tofu_version)"
      if [[ "${version}" == '${{ matrix.tofu }}' ]]; then
        uses_matrix_tofu=yes
      elif [[ "${version}" != "${tofu_version}" ]]; then
        problem "${at}: setup-opentofu installs OpenTofu ${version:-(its default, latest)}, but scripts/ensure-tofu.sh builds ${tofu_version} for .ci/run"
      fi
      [[ "$(input "${record}" tofu_wrapper)" == "false" ]] ||
        problem "${at}: setup-opentofu without tofu_wrapper: false; the wrapper breaks terraform-plugin-testing"
      ;;
    esac
  done < <(steps "${wf}")

  if [[ -n "${uses_matrix_tf}" ]]; then
    got="$(printf '%s\n' ${matrix_tf[@]+"${matrix_tf[@]}"} | sort -uV | tr '\n' ' ')"
    want="$(printf '%s\n' "${tf_list[@]}" | sort -uV | tr '\n' ' ')"
    if [[ "${got}" != "${want}" ]]; then
      problem "${wf}: the matrix's Terraform versions are ${got:-none I can read }but TERRAFORM_VERSIONS in GNUmakefile is ${want}(one include entry a line: - { terraform: \"X.Y.Z\" })"
    fi
  fi
  if [[ -n "${uses_matrix_tofu}" ]]; then
    if ((${#matrix_tofu[@]} == 0)); then
      problem "${wf}: setup-opentofu takes matrix.tofu, but no include entry names one I can read (- { terraform: \"X.Y.Z\", tofu: \"X.Y.Z\" })"
    fi
    for v in ${matrix_tofu[@]+"${matrix_tofu[@]}"}; do
      [[ "${v}" == "${tofu_version}" ]] ||
        problem "${wf}: the matrix's OpenTofu leg is ${v}, but scripts/ensure-tofu.sh builds ${tofu_version} for .ci/run"
    done
  fi
  if [[ "${wf##*/}" == test.yml ]]; then
    [[ -n "${uses_matrix_tf}" ]] || problem "${wf}: no setup-terraform step takes terraform_version: \${{ matrix.terraform }}: where is the Terraform matrix?"
    [[ -n "${uses_matrix_tofu}" ]] || problem "${wf}: no setup-opentofu step takes tofu_version: \${{ matrix.tofu }}: where is the OpenTofu leg?"
  fi
done
if ((goreleaser_steps == 0)); then
  problem "no workflow runs goreleaser/goreleaser-action: release.yml builds the release with it"
fi

if ((${#problems[@]} > 0)); then
  echo "versions-check FAILED: the versions in the workflows, GNUmakefile and scripts/ disagree:" >&2
  printf '  - %s\n' "${problems[@]}" >&2
  exit 1
fi
echo "versions-check: workflows agree with the pins: Go ${go_version} (go.mod), golangci-lint ${golangci_version}, actionlint ${actionlint_version}, goreleaser ${goreleaser_version}, Terraform ${terraform_versions}, OpenTofu ${tofu_version}; ${#action_pin[@]} actions pinned by hash"
