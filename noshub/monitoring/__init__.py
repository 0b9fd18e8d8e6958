"""Monitoring: usage counted privately, measures of success as data, the staff dashboard and
the annual report (README.md)."""
