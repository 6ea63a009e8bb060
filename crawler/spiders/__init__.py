"""Spiders of the riskaudit Scrapy project."""
