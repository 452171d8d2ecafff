variable "name" {
  description = "Name of the web ACL and prefix of the edge's other names (e.g. `shop-prod`)."
  type        = string
}

variable "api_id" {
  description = "Id of the HTTP API behind the distribution (its execute-api endpoint disabled: this is the only way in)."
  type        = string
}

variable "api_stage" {
  description = "Stage of the API that the custom domain maps to."
  type        = string
  default     = "$default"
}

variable "domain_name" {
  description = "The name clients use (`api.shop.example`): the distribution's alias."
  type        = string
}

variable "certificate_arn" {
  description = "ACM certificate in us-east-1 (CloudFront's region) covering domain_name, issued before the apply."
  type        = string

  validation {
    condition     = can(regex("^arn:[a-z-]+:acm:us-east-1:", var.certificate_arn))
    error_message = "CloudFront takes only certificates from us-east-1: certificate_arn must be an ACM ARN there."
  }
}

variable "origin_domain_name" {
  description = "The API's own custom domain (`origin.api.shop.example`), CloudFront's origin; the functions call each other through it (SHOP_API_URL)."
  type        = string

  validation {
    condition     = var.origin_domain_name != var.domain_name
    error_message = "origin_domain_name must differ from domain_name: one name is CloudFront's, the other the API's."
  }
}

variable "origin_certificate_arn" {
  description = "ACM certificate in the API's region covering origin_domain_name, issued before the apply."
  type        = string

  validation {
    condition     = can(regex("^arn:[a-z-]+:acm:", var.origin_certificate_arn))
    error_message = "origin_certificate_arn must be an ACM certificate ARN (in the API's region)."
  }
}

variable "route53_zone_id" {
  description = "An existing Route 53 hosted zone of both names (its id known at plan time): alias records for domain_name (CloudFront) and origin_domain_name (the API's regional domain). null = you bring DNS: point them at the outputs `distribution_domain_name` and `origin_target_domain_name`."
  type        = string
  default     = null
}

variable "per_client" {
  description = "resources.json throttling.per_client: by route key (`POST /auth/login`), at most `limit` requests from one client address in any `window_seconds`; one WAF rate-based rule each."
  type = map(object({
    limit          = number
    window_seconds = number
  }))

  validation {
    condition     = alltrue([for limit in values(var.per_client) : limit.limit >= 10 && contains([60, 120, 300, 600], limit.window_seconds)])
    error_message = "WAF rate-based rules count at least 10 requests over a window of 60, 120, 300 or 600 seconds."
  }

  validation {
    condition     = alltrue([for key in keys(var.per_client) : can(regex("^[A-Z]+ /[A-Za-z0-9/_.-]*$", key))])
    error_message = "A per_client key is `METHOD /path` with a literal path: the rule matches the path exactly, so no {parameters}."
  }
}

variable "price_class" {
  description = "CloudFront price class: the edge locations that serve clients (PriceClass_100: North America and Europe, the cheapest)."
  type        = string
  default     = "PriceClass_100"

  validation {
    condition     = contains(["PriceClass_100", "PriceClass_200", "PriceClass_All"], var.price_class)
    error_message = "price_class is PriceClass_100, PriceClass_200 or PriceClass_All."
  }
}

variable "waf_log_retention_days" {
  description = "Keep the web ACL's log of refused requests (Authorization redacted) this many days in CloudWatch Logs, in us-east-1 with a key of its own; null = no WAF log (its sampled requests and metrics remain)."
  type        = number
  default     = null
}

variable "tags" {
  description = "Tags of every resource."
  type        = map(string)
  default     = {}
}
