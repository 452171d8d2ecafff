variable "endpoint" {
  description = "The emulator every AWS API goes to (LocalStack's edge, or the embedded stack's moto)."
  type        = string
  default     = "http://localhost:4566"
}

variable "artifacts_dir" {
  description = "Directory of the `make package` zips; null = <repo>/dist."
  type        = string
  default     = null
}
