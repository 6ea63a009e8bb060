"""The project's fixed vocabularies, defined once: kinds of target, kinds of channel, file types.

Every validator (registry, case logs, kinds files, legal rules) and every output reads them here.
"""
from __future__ import annotations

# What a target is (the rubric's service kinds).
TARGET_KINDS = ("social", "dating", "adult", "host", "ai_tool")

# Report channels a registry lists for a target (checked for liveness by the crawler).
REGISTRY_CHANNEL_KINDS = ("ncii_form", "copyright", "abuse_email", "in_app", "other")

# The channel a case in a case log was reported through (observed response times), in display order.
CASE_CHANNELS = ("ncii_form", "copyright", "in_app", "email", "other")
CASE_OUTCOMES = ("removed", "refused", "no_response", "pending")

# What a stated response time applies to (tagged from the policy sentence), in display order.
STATED_CHANNELS = ("ncii", "copyright", "illegal_content", "general")

# Policy files read from folders (score-files, archive imports).
DOCUMENT_SUFFIXES = (".md", ".markdown", ".txt", ".html", ".htm", ".pdf")

# Run kinds whose documents form a service's history.
RUN_KINDS = ("crawl", "import-ota", "import-dir")
