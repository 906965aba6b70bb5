# snippet: vars nova_production_api_key=sk_live_docs_0000000000000000
terraform {
  required_providers {
    nova = {
      source  = "dweet/nova"
      version = "~> 0.1"
    }
  }
}

# Everything from the environment: NOVA_API_KEY, NOVA_TENANT_ID and, optionally, NOVA_BASE_URL.
provider "nova" {}

# Or explicit settings, here for a second, production configuration.
provider "nova" {
  alias     = "production"
  api_key   = var.nova_production_api_key # an sk_live_ key; keep it out of your code
  tenant_id = "acme-corp"

  # Optional tuning for transient failures (429, 5xx, resets) and slow answers.
  max_retries     = 5
  request_timeout = "30s"
}

variable "nova_production_api_key" {
  description = "Nova production API key (sk_live_...)."
  type        = string
  sensitive   = true
}
