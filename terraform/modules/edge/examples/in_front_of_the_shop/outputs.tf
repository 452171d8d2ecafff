output "url" {
  description = "The URL clients use: CloudFront, through the web ACL."
  value       = module.edge.url
}

output "dns" {
  description = "Where to point the two names when you bring DNS: domain_name at the distribution, origin_domain_name at the API's regional target."
  value = {
    (local.domain_name)        = module.edge.distribution_domain_name
    (local.origin_domain_name) = module.edge.origin_target_domain_name
  }
}
