"""Signals other apps listen to, so that the catalogue need not know them."""

from django.dispatch import Signal

# Sent after versions were written; `standard_ids` is the set of standards whose versions changed.
standards_changed = Signal()
