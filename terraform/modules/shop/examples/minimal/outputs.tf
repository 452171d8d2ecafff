output "api_url" {
  description = "Base URL of the shop's API."
  value       = module.shop.api_url
}
