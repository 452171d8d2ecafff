"""Health and the API's OpenAPI document (generated from the services' code by
`make openapi`, served from a file so no function imports every service)."""
