"""The Scrapy project: the `policies` spider, its items, middlewares, pipelines and settings."""
