output "api_url" {
  description = "Base URL of the API on LocalStack (SHOP_API_URL for `make acceptance`)."
  value       = module.shop.api_url
}

output "shop" {
  description = "Every output of modules/shop (user pool and client ids, topics, dashboard, table names, queue URLs): `terraform output -json shop`."
  value       = module.shop
}
