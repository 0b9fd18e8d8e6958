"""The WSGI application (`noshub serve`, or any WSGI server: `gunicorn noshub.wsgi`).

It refuses to start without NOSHUB_SECRET_KEY unless the instance is local (NOSHUB_LOCAL_ONLY=1,
which scripts/start sets) or in debug (NOSHUB_DEBUG=1): a deployment must set its own key.
"""

import os

from django.core.wsgi import get_wsgi_application

from noshub.serving import check_can_serve

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "noshub.settings")
application = get_wsgi_application()
check_can_serve()
