"""Static files as the site serves them: WhiteNoise, from STATIC_ROOT (filled by `collectstatic`).

Files are linked by hashed names (`{% static %}` reads the manifest that collectstatic writes),
which WhiteNoise serves with `Cache-Control: max-age=315360000, public, immutable`, as gzip or
brotli when the browser takes it (collectstatic made both). GOV.UK Frontend's precompiled CSS asks
for its fonts and images at /assets/ (names without a hash): they are served from its package
here too: its fonts' names carry their own hash (`bold-b542beb274-v2.woff2`), so they are cached
as long as hashed static files; its images for WHITENOISE_MAX_AGE.
"""

from __future__ import annotations

import re
from pathlib import Path

from django.apps import apps
from django.conf import settings
from whitenoise.middleware import WhiteNoiseMiddleware

ASSETS_PREFIX = "/assets/"
HASHED_FONT = re.compile(r"^/assets/fonts/[\w-]+-[0-9a-f]{10}-v\d+\.woff2?$")


class StaticFilesMiddleware(WhiteNoiseMiddleware):
    def __init__(self, get_response=None, settings=settings):
        super().__init__(get_response, settings=settings)
        self.add_files(str(settings.GOVUK_FRONTEND_DIR / "assets"), prefix=ASSETS_PREFIX)

    def immutable_file_test(self, path: str, url: str) -> bool:
        return bool(HASHED_FONT.match(url)) or super().immutable_file_test(path, url)


def collect_if_stale() -> bool:
    """Run `collectstatic` when STATIC_ROOT's manifest is missing or older than a source file
    (a new checkout, an edited stylesheet, an updated GOV.UK Frontend); True when it ran.
    Collecting compresses every file twice (several seconds), so unchanged files are not."""
    from django.contrib.staticfiles import finders
    from django.contrib.staticfiles.storage import staticfiles_storage
    from django.core.management import call_command

    manifest = Path(settings.STATIC_ROOT) / staticfiles_storage.manifest_name
    if manifest.exists():
        built = manifest.stat().st_mtime
        ignore = apps.get_app_config("staticfiles").ignore_patterns
        newest = max(
            (storage.get_modified_time(path).timestamp() for finder in finders.get_finders() for path, storage in finder.list(ignore)),
            default=0.0,
        )
        if newest <= built:
            return False
    call_command("collectstatic", interactive=False, verbosity=0)
    return True
