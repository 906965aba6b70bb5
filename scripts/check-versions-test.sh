#!/usr/bin/env bash
# Tests scripts/check-versions.sh: on a copy of the files it reads, the untouched copy passes, and
# each drift below, applied alone, fails it with a finding that names the drift. Run by
# `make versions-check` before the check itself, so a check that stopped seeing one of these fails
# CI instead of passing everything.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
tmp="$(mktemp -d "${TMPDIR:-/tmp}/check-versions-test.XXXXXX")"
trap 'rm -rf "${tmp}"' EXIT

copy() {
  rm -rf "${tmp}/repo"
  mkdir -p "${tmp}/repo/scripts" "${tmp}/repo/.github"
  cp "${root}/go.mod" "${root}/GNUmakefile" "${tmp}/repo/"
  cp "${root}"/scripts/{check-versions,release-check,ensure-terraform,ensure-tofu,test-matrix}.sh "${tmp}/repo/scripts/"
  cp -R "${root}/.github/workflows" "${tmp}/repo/.github/"
}

failures=0
# expect NAME WANT FILE SED: apply the sed expression to FILE in a fresh copy; the check must fail
# with a finding containing WANT (or pass, when WANT is "pass").
expect() {
  local name="$1" want="$2" file="$3" expr="$4" out rc=0
  copy
  if [[ -n "${file}" ]]; then
    cp "${tmp}/repo/${file}" "${tmp}/before"
    sed -i -e "${expr}" "${tmp}/repo/${file}"
    if cmp -s "${tmp}/before" "${tmp}/repo/${file}"; then
      echo "FAIL  ${name}: the edit did not change ${file}; update this test" >&2
      failures=$((failures + 1))
      return
    fi
  fi
  out="$(bash "${tmp}/repo/scripts/check-versions.sh" 2>&1)" || rc=$?
  if [[ "${want}" == pass ]]; then
    if ((rc == 0)); then echo "ok    ${name}"; return; fi
  elif ((rc == 1)) && grep -qF -- "${want}" <<<"${out}"; then
    echo "ok    ${name}"
    return
  fi
  echo "FAIL  ${name}: want ${want}, got exit ${rc}:" >&2
  sed 's/^/      /' <<<"${out}" >&2
  failures=$((failures + 1))
}

expect "the repository as it is" pass "" ""
expect "OpenTofu pin moved, workflows not" "scripts/ensure-tofu.sh builds 1.12.99" \
  scripts/ensure-tofu.sh 's/^tofu_version=v.*/tofu_version=v1.12.99/'
expect "OpenTofu matrix leg moved" "the matrix's OpenTofu leg is 1.12.99" \
  .github/workflows/test.yml 's/tofu: "[0-9.]*"/tofu: "1.12.99"/'
expect "goreleaser pin moved" "scripts/release-check.sh pins v2.99.0" \
  scripts/release-check.sh 's/^GORELEASER_VERSION="${GORELEASER_VERSION:-v[0-9.]*}"$/GORELEASER_VERSION="${GORELEASER_VERSION:-v2.99.0}"/'
expect "goreleaser-action without a version" "its default, ~> v2" \
  .github/workflows/release.yml '/^[[:space:]]*version: v[0-9.]*$/d'
expect "Terraform list moved" "but TERRAFORM_VERSIONS in GNUmakefile is" \
  GNUmakefile 's/^\(TERRAFORM_VERSIONS := .*\) [0-9.]*$/\1 1.99.0/'
expect "oldest Terraform differs from the one scripts build" "scripts/ensure-terraform.sh builds" \
  GNUmakefile 's/^TERRAFORM_VERSIONS := [0-9.]*/TERRAFORM_VERSIONS := 1.5.6/'
expect "Terraform matrix entry moved" "the matrix's Terraform versions are" \
  .github/workflows/test.yml '0,/{ terraform: "[0-9.]*" }/s//{ terraform: "1.99.0" }/'
expect "setup-terraform without a version" "names no terraform_version" \
  .github/workflows/test.yml '0,/^[[:space:]]*terraform_version: "[0-9.]*"$/{//d}'
expect "setup-terraform with the wrapper" "terraform_wrapper: false" \
  .github/workflows/test.yml '0,/terraform_wrapper: false/s//terraform_wrapper: true/'
expect "setup-go with a literal Go" "setup-go installs Go 1.1" \
  .github/workflows/test.yml '0,/go-version-file: go.mod/s//go-version: "1.1"/'
expect "action pinned by tag" "is not pinned to a full commit hash" \
  .github/workflows/test.yml '0,/\(uses: actions\/checkout\)@[0-9a-f]* # \(v[0-9.]*\)/s//\1@\2/'
expect "action pinned without its release" "has no release in a comment" \
  .github/workflows/release.yml '0,/\(uses: actions\/setup-go@[0-9a-f]*\) # v[0-9.]*/s//\1/'
expect "one action, two pins" "one action, one pin" \
  .github/workflows/release.yml '0,/\(uses: actions\/checkout@\)[0-9a-f]\{40\}/s//\1aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa/'
expect "golangci-lint named in a command" "but GOLANGCI_LINT_VERSION in GNUmakefile is" \
  .github/workflows/test.yml 's|      - run: make lint|      - run: go run github.com/golangci/golangci-lint/v2/cmd/golangci-lint@v2.0.0 run|'

if ((failures > 0)); then
  echo "check-versions-test: ${failures} case(s) failed" >&2
  exit 1
fi
echo "check-versions-test: every drift fails the check, the repository passes"
