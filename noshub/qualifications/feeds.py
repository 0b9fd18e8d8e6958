"""The change alerts as an Atom feed (Django's syndication framework) that awarding bodies can
follow: /qualifications/alerts.atom (?qualification=KEY or ?nos=URN for one of them)."""

from __future__ import annotations

from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _

from . import services
from .models import ChangeAlert


class AlertsFeed(Feed):
    feed_type = Atom1Feed

    def get_object(self, request, *args, **kwargs):
        return {"nos": request.GET.get("nos", "")[:300], "qualification": request.GET.get("qualification", "")[:80]}

    def title(self, obj) -> str:
        return _("NOS Hub: changes to NOS used by qualifications")

    def subtitle(self, obj) -> str:
        return _("Each entry is a unit of a qualification whose NOS has a new version.")

    def link(self, obj) -> str:
        return reverse("qualifications:alerts")

    def items(self, obj) -> list[ChangeAlert]:
        qs = ChangeAlert.objects.select_related("standard", "qualification", "old_version", "new_version")
        if obj["nos"]:
            qs = qs.filter(standard__slug=obj["nos"])
        if obj["qualification"]:
            qs = qs.filter(qualification=services.get_qualification(obj["qualification"]))
        return list(qs[:100])

    def item_title(self, item: ChangeAlert) -> str:
        return _("%(nos)s has a new version (%(version)s): %(qualification)s, unit %(unit)s") % {
            "nos": item.standard.slug,
            "version": item.new_version.sequence,
            "qualification": item.qualification.code or item.qualification.key,
            "unit": item.unit_code or item.unit_title,
        }

    def item_description(self, item: ChangeAlert) -> str:
        return _(
            "The unit “%(unit)s” of %(qualification)s uses the NOS %(nos)s “%(title)s”, which was %(change)s as version %(new)s (was %(old)s)."
        ) % {
            "unit": item.unit_title,
            "qualification": item.qualification.title,
            "nos": item.standard.slug,
            "title": item.new_version.title,
            "change": item.change,
            "new": item.new_version.sequence,
            "old": item.old_version.sequence if item.old_version else "?",
        }

    def item_link(self, item: ChangeAlert) -> str:
        return reverse("qualifications:detail", args=[item.qualification_id]) + f"#alert-{item.pk}"

    def item_guid(self, item: ChangeAlert) -> str:
        return f"noshub-qualification-alert-{item.pk}"

    def item_pubdate(self, item: ChangeAlert):
        return item.created_at

    def item_updateddate(self, item: ChangeAlert):
        return item.created_at
