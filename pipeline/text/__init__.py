"""Text helpers every stage shares: Unicode clean-up and the shapes of dates, bullets, words
and contact details. The bottom of the package: imports nothing else of it but records."""
