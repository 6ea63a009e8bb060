"""The audit engine: the NCII rubric, element detectors, scoring, response-time analysis and
change tracking. Nothing here depends on Scrapy: it scores files, crawls and archives alike."""
