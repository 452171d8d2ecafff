variable "repository" {
  description = "The GitHub repository whose workflows deploy the shop, as `owner/name`: the roles trust only its OIDC tokens."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9][A-Za-z0-9-]{0,38}/[A-Za-z0-9._-]{1,100}$", var.repository))
    error_message = "The repository is `owner/name` as GitHub spells it, e.g. `acme/shop`."
  }
}

variable "stages" {
  description = "The stages this account holds; each gets the state bucket its environments/aws/stages/<stage>.s3.tfbackend names, a deploy role and a plan role."
  type        = list(string)
  default     = ["dev", "prod"]

  validation {
    condition     = length(var.stages) > 0 && alltrue([for stage in var.stages : can(regex("^[a-z][a-z0-9]{0,9}$", stage))])
    error_message = "At least one stage; each a lowercase word of letters and digits, no '-': its roles reach `shop-<stage>-*`, which then matches no other stage's names."
  }
}

variable "pull_request_stages" {
  description = "The stages whose plan role a pull request's workflow may assume (ci.yml plans them for the reviewer); the others' plan roles trust main alone, so no pull request reads their state or their cursor key. A stage this account does not hold is ignored."
  type        = list(string)
  default     = ["dev"]
  nullable    = false
}

variable "region" {
  description = "The region of the state buckets: the `region` of every stages/<stage>.s3.tfbackend."
  type        = string
  default     = "eu-west-1"
}

variable "noncurrent_version_days" {
  description = "Days an overwritten state version is kept before it expires (each apply writes one)."
  type        = number
  default     = 90

  validation {
    condition     = var.noncurrent_version_days >= 1
    error_message = "Keep overwritten state versions at least one day."
  }
}
