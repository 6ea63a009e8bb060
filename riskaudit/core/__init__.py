"""The floor of riskaudit: errors, vocabularies, clock, hashing, safe text and the one CSV writer.

Nothing here imports another riskaudit package; every other layer may import it.
"""
