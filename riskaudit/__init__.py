"""riskaudit: audits online services' policies against non-consensual intimate imagery (NCII).

The package holds the command-line front door (`riskaudit.cli`), the DuckDB store
(`riskaudit.store`), the registry of targets and shared text extraction. The Scrapy project
lives in `crawler/`, the rubric and scoring in `audits/`, and output in `reports/`.
"""
__version__ = "0.1.0"
USER_AGENT = f"riskaudit/{__version__} (+https://github.com/riskaudit/riskaudit; NCII policy audit; policy text only)"
