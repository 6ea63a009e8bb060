"""Imported by the extraction fork server (crawler/extraction.py): loads the extractor and its
language model once, so that every worker forked from the server starts warm and shares them."""
from crawler.extraction import warm_up

warm_up()
