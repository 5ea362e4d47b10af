"""Understand a document: sections and evidence units, contact details, dates, the job
timeline and education. Reads `Document` records; never opens files.
"""
