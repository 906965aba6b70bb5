#!/usr/bin/env bash
# `make examples-check`: every directory under examples/ must pass `terraform fmt -check` and
# `terraform validate` against the local build of the provider (dev_overrides, no init).
#
# Example fragments for the docs (examples/data-sources/..., examples/provider) may omit
# `required_providers`; for validation a copy gets one naming dweet/nova, so that the
# unqualified `nova` provider does not resolve to hashicorp/nova.
#
# Directories with `ephemeral` blocks need Terraform 1.10+ or OpenTofu 1.11+; on an older CLI
# they are only format-checked, and listed as skipped. Directories that call a provider function
# (`provider::nova::gate`) need Terraform 1.8+ or OpenTofu 1.7+: an older CLI cannot even parse
# them, so they are neither format-checked nor validated there, and are listed as skipped.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bin_dir="${root}/.bin"
cd "${root}"

tmp="$(mktemp -d "${TMPDIR:-/tmp}/nova-examples.XXXXXX")"
trap 'rm -rf "${tmp}"' EXIT

tf="$("${root}/scripts/ensure-terraform.sh")"
export CHECKPOINT_DISABLE=1 TF_IN_AUTOMATION=1
export TF_CLI_CONFIG_FILE="${tmp}/terraformrc"
cat >"${TF_CLI_CONFIG_FILE}" <<EOF
provider_installation {
  dev_overrides {
    "registry.terraform.io/dweet/nova" = "${bin_dir}"
  }
  direct {}
}
EOF

# Whether this CLI has ephemeral resources (Terraform 1.10, OpenTofu 1.11).
tf_first_line="$("${tf}" version 2>/dev/null | sed -n 1p)"
tf_minor="$(sed -nE 's/^[^0-9]*v?1\.([0-9]+)\..*/\1/p' <<<"${tf_first_line}")"
ephemeral_minimum=10
[[ "${tf_first_line}" == OpenTofu* ]] && ephemeral_minimum=11
has_ephemeral=yes
if [[ -n "${tf_minor}" ]] && ((tf_minor < ephemeral_minimum)); then
  has_ephemeral=""
fi
# Whether this CLI can parse provider function calls (Terraform 1.8, OpenTofu 1.7).
functions_minimum=8
[[ "${tf_first_line}" == OpenTofu* ]] && functions_minimum=7
has_functions=yes
if [[ -n "${tf_minor}" ]] && ((tf_minor < functions_minimum)); then
  has_functions=""
fi
echo "==> ${tf_first_line}"

# calls_functions DIR: whether DIR's .tf files call a provider function (comments aside).
calls_functions() {
  cat "$1"/*.tf 2>/dev/null | grep -vE '^[[:space:]]*(#|//)' | grep -qE 'provider::[a-z0-9_]+::'
}

if [[ -n "${has_functions}" ]]; then
  echo "==> terraform fmt -check -recursive examples"
  if ! "${tf}" fmt -check -recursive -diff examples; then
    echo "examples are not formatted: run 'make fmt'" >&2
    exit 1
  fi
else
  # One directory at a time, leaving out those this CLI cannot parse.
  echo "==> terraform fmt -check, per directory (this CLI cannot parse provider function calls)"
  while IFS= read -r dir; do
    calls_functions "${dir}" && continue
    if ! "${tf}" fmt -check -diff "${dir}"; then
      echo "examples are not formatted: run 'make fmt'" >&2
      exit 1
    fi
  done < <(find ./examples -name '*.tf' -exec dirname {} \; | sort -u)
fi

echo "==> go build the provider into .bin/ for dev_overrides"
mkdir -p "${bin_dir}"
go build -trimpath -ldflags "-X main.version=examples" -o "${bin_dir}/terraform-provider-nova" .

failures=0
count=0
skipped=0
while IFS= read -r dir; do
  count=$((count + 1))
  rel="${dir#./}"
  if [[ -z "${has_functions}" ]] && calls_functions "${dir}"; then
    echo "skip  ${rel} (provider functions need Terraform 1.8+ or OpenTofu 1.7+; this is ${tf_first_line})"
    skipped=$((skipped + 1))
    continue
  fi
  if [[ -z "${has_ephemeral}" ]] && grep -qsE '^[[:space:]]*ephemeral[[:space:]]+"' "${dir}"/*.tf; then
    echo "skip  ${rel} (ephemeral resources need Terraform 1.10+ or OpenTofu 1.11+; this is ${tf_first_line})"
    skipped=$((skipped + 1))
    continue
  fi
  work="${tmp}/work/${rel}"
  mkdir -p "${work}"
  cp "${dir}"/*.tf "${work}/"
  # A module's `terraform test` files and mock data: `terraform validate` checks them too
  # (Terraform 1.6+; older versions ignore them).
  for sub in tests mocks; do
    if [[ -d "${dir}/${sub}" ]]; then
      cp -R "${dir}/${sub}" "${work}/${sub}"
    fi
  done
  if ! grep -qs 'required_providers' "${work}"/*.tf; then
    cat >"${work}/zz_required_providers.tf" <<'EOF'
terraform {
  required_providers {
    nova = {
      source = "dweet/nova"
    }
  }
}
EOF
  fi
  if out="$("${tf}" -chdir="${work}" validate -no-color 2>&1)"; then
    echo "ok    ${rel}"
  else
    echo "FAIL  ${rel}"
    sed 's/^/      /' <<<"${out}"
    failures=$((failures + 1))
  fi
done < <(find ./examples -name '*.tf' -exec dirname {} \; | sort -u)

if [[ "${count}" -eq 0 ]]; then
  echo "no example directories found under examples/" >&2
  exit 1
fi
if [[ "${failures}" -gt 0 ]]; then
  echo "${failures} of ${count} example directories failed terraform validate" >&2
  exit 1
fi
if [[ "${skipped}" -gt 0 ]]; then
  echo "all ${count} example directories that this CLI can parse are formatted; $((count - skipped)) are valid and ${skipped} could not be validated on this CLI"
else
  echo "all ${count} example directories are formatted and valid"
fi
