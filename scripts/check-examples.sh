#!/usr/bin/env bash
# `make examples-check`: every directory under examples/ must pass `terraform fmt -check` and
# `terraform validate` against the local build of the provider (dev_overrides, no init).
#
# Example fragments for the docs (examples/data-sources/..., examples/provider) may omit
# `required_providers`; for validation a copy gets one naming dweet/nova, so that the
# unqualified `nova` provider does not resolve to hashicorp/nova.
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

echo "==> terraform fmt -check -recursive examples"
if ! "${tf}" fmt -check -recursive -diff examples; then
  echo "examples are not formatted: run 'make fmt'" >&2
  exit 1
fi

echo "==> go build the provider into .bin/ for dev_overrides"
mkdir -p "${bin_dir}"
go build -trimpath -ldflags "-X main.version=examples" -o "${bin_dir}/terraform-provider-nova" .

failures=0
count=0
while IFS= read -r dir; do
  count=$((count + 1))
  rel="${dir#./}"
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
echo "all ${count} example directories are formatted and valid"
