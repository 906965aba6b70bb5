#!/usr/bin/env bash
# `make test-matrix`: run the whole test suite (`go test ./...`: the acceptance tests and the CLI tests of internal/clitest) once
# per Terraform or OpenTofu CLI this machine can get, then print a table: CLI and version, tests
# run, passed, failed, skipped, and the reason for every skip.
#
# The CLIs, each cached in .bin/ once built:
#   - Terraform 1.5.7, the oldest supported: built from the Go module proxy (2-5 minutes once).
#     Later Terraform releases cannot be built that way (their go.mod replaces nested modules
#     that the module archive lacks), so newer Terraform comes from PATH.
#   - the `terraform` on PATH, when there is one and it is another version.
#   - OpenTofu at the release scripts/ensure-tofu.sh pins (the one CI tests with), built from
#     its Go module (TOFU_BUILD_VERSION picks another; 5-15 minutes once).
# TEST_MATRIX_CLIS="/path/to/terraform /path/to/tofu" replaces that list. TEST_MATRIX_ARGS is
# passed to `go test` (default: -count=1 -timeout 30m; `make test` is the run with -race).
#
# Slow (the suite once per CLI): not part of .ci/run. Run it before a release and paste the
# table into the release's notes. Never downloads a CLI from a release site.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bin_dir="${root}/.bin"
out_dir="${bin_dir}/test-matrix"
cd "${root}"
mkdir -p "${out_dir}"

export CHECKPOINT_DISABLE=1 TF_IN_AUTOMATION=1
# terraform-plugin-testing would download a CLI for this.
unset TF_ACC_TERRAFORM_VERSION
if [[ -z "${TF_CLI_CONFIG_FILE:-}" || ! -f "${TF_CLI_CONFIG_FILE}" ]]; then
  : >>"${bin_dir}/terraformrc"
  export TF_CLI_CONFIG_FILE="${bin_dir}/terraformrc"
fi

oldest=v1.5.7

# terraform_oldest prints the path of Terraform ${oldest}, building it into .bin/ when needed.
terraform_oldest() {
  local target="${bin_dir}/terraform-${oldest}" gobin
  if [[ -x "${target}" ]] && "${target}" version >/dev/null 2>&1; then
    printf '%s\n' "${target}"
    return
  fi
  # make test may have built it already, as .bin/terraform.
  if [[ -x "${bin_dir}/terraform" ]] && "${bin_dir}/terraform" version 2>/dev/null | grep -q "^Terraform ${oldest}\$"; then
    printf '%s\n' "${bin_dir}/terraform"
    return
  fi
  echo "test-matrix: building github.com/hashicorp/terraform@${oldest} into ${target} (2-5 minutes) ..." >&2
  gobin="$(mktemp -d "${TMPDIR:-/tmp}/terraform-build.XXXXXX")"
  if ! (cd "${gobin}" && GOFLAGS=-mod=mod GOBIN="${gobin}" go install "github.com/hashicorp/terraform@${oldest}" >&2); then
    rm -rf "${gobin}"
    echo "test-matrix: building terraform ${oldest} failed" >&2
    return 1
  fi
  mv "${gobin}/terraform" "${target}"
  rm -rf "${gobin}"
  printf '%s\n' "${target}"
}

# banner prints "Terraform v1.11.4" or "OpenTofu v1.12.6" for a CLI binary.
banner() {
  "$1" version 2>/dev/null | grep -m 1 -E '^(Terraform|OpenTofu) v' || true
}

clis=()
if [[ -n "${TEST_MATRIX_CLIS:-}" ]]; then
  read -r -a clis <<<"${TEST_MATRIX_CLIS}"
else
  if tf="$(terraform_oldest)"; then
    clis+=("${tf}")
  else
    echo "test-matrix: no Terraform ${oldest}: its row is missing" >&2
  fi
  if on_path="$(command -v terraform 2>/dev/null)"; then
    if [[ "$(banner "${on_path}")" != "Terraform ${oldest}" ]]; then
      clis+=("$(realpath "${on_path}")")
    fi
  else
    echo "test-matrix: no terraform on PATH: only Terraform ${oldest} and OpenTofu run" >&2
  fi
  if tofu="$("${root}/scripts/ensure-tofu.sh")"; then
    clis+=("${tofu}")
  else
    echo "test-matrix: could not get OpenTofu: its row is missing" >&2
  fi
fi
if [[ ${#clis[@]} -eq 0 ]]; then
  echo "test-matrix: no CLI to test with" >&2
  exit 1
fi

read -r -a go_test_args <<<"${TEST_MATRIX_ARGS:--count=1 -timeout 30m}"
rows=()
for cli in "${clis[@]}"; do
  b="$(banner "${cli}")"
  if [[ -z "${b}" ]]; then
    echo "test-matrix: ${cli} does not print a Terraform or OpenTofu version" >&2
    exit 1
  fi
  label="${b/ v/ }"
  json="${out_dir}/$(tr ' ' '-' <<<"${label}").json"
  host="registry.terraform.io"
  if [[ "${b}" == OpenTofu* ]]; then
    host="registry.opentofu.org"
  fi
  echo "==> ${label} (${cli}): go test ${go_test_args[*]} ./... > ${json#"${root}"/}" >&2
  start=$(date +%s)
  # A failing run still gets its row: the table says what failed.
  TF_ACC_TERRAFORM_PATH="${cli}" TF_ACC_PROVIDER_NAMESPACE=dweet TF_ACC_PROVIDER_HOST="${host}" \
    go test -json "${go_test_args[@]}" ./... >"${json}" 2>"${json%.json}.stderr" || true
  echo "    done in $(($(date +%s) - start))s" >&2
  rows+=("${label}=${json}")
done

echo
# The table also goes to a file, for release notes; the exit status is the summariser's.
go run ./scripts/testmatrix "${rows[@]}" | tee "${out_dir}/table.md"
