#!/usr/bin/env bash
# `make test-examples`: run `terraform test` (or `tofu test`) in examples/pipeline-gate with the
# mocked Nova provider, the way a user unit-tests a pipeline gate.
#
# mock_provider still asks the real provider for its schema and validation, so the local build
# is found through dev_overrides (no `terraform init`, which needs the registry). The CLI is the
# one scripts/ensure-terraform.sh finds (TF_ACC_TERRAFORM_PATH may point at tofu). The module calls
# provider::nova::gate (Terraform 1.8+) and its tests use mocks (OpenTofu 1.8+): on an older CLI
# this prints why and skips, without failing. (examples/pipeline-gate-legacy, for Terraform 1.5
# to 1.7, is planned by the Go tests instead.)
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bin_dir="${root}/.bin"
example="examples/pipeline-gate"
cd "${root}"

# The OpenTofu variant of the tests is generated; a stale one is a failure on every CLI.
"${root}/scripts/gen-pipeline-gate-tofutest.sh" --check

tmp="$(mktemp -d "${TMPDIR:-/tmp}/nova-test-examples.XXXXXX")"
trap 'rm -rf "${tmp}"' EXIT
export CHECKPOINT_DISABLE=1 TF_IN_AUTOMATION=1
: >"${tmp}/empty.tfrc"
export TF_CLI_CONFIG_FILE="${tmp}/empty.tfrc"

tf="$("${root}/scripts/ensure-terraform.sh")"
# "Terraform v1.11.4" or "OpenTofu v1.12.6" (the first line that names a version).
banner="$("${tf}" version 2>/dev/null | grep -m 1 -E '^(Terraform|OpenTofu) v' || true)"
if [[ "${banner}" =~ ^(Terraform|OpenTofu)\ v([0-9]+)\.([0-9]+)\.([0-9]+) ]]; then
  cli="${BASH_REMATCH[1]}"
  major="${BASH_REMATCH[2]}" minor="${BASH_REMATCH[3]}"
else
  echo "test-examples: cannot tell the version of ${tf} (it printed: ${banner:-nothing})" >&2
  exit 1
fi
if [[ "${cli}" == "OpenTofu" ]]; then
  host="registry.opentofu.org" need_minor=8
else
  host="registry.terraform.io" need_minor=8
fi
if ((major < 1 || (major == 1 && minor < need_minor))); then
  echo "SKIP  ${example}: \`test\` of a module that calls provider::nova::gate, with mock_provider, needs ${cli} 1.${need_minor} or later; ${tf} is ${banner#* }"
  exit 0
fi

echo "==> go build the provider into .bin/ for dev_overrides"
mkdir -p "${bin_dir}"
go build -trimpath -ldflags "-X main.version=examples" -o "${bin_dir}/terraform-provider-nova" .

cat >"${tmp}/terraformrc" <<EOF
provider_installation {
  dev_overrides {
    "${host}/dweet/nova" = "${bin_dir}"
  }
  direct {}
}
EOF
export TF_CLI_CONFIG_FILE="${tmp}/terraformrc"

echo "==> ${banner}: test in ${example}"
"${tf}" -chdir="${example}" test -no-color
