from noshub.pages import page_path

from . import views

app_name = "monitoring"
urlpatterns = [
    # Mounted at the site's root, so that the dashboard's twin is /monitoring.json (as /suites.json).
    *page_path("monitoring/", views.dashboard, "dashboard"),
    *page_path("monitoring/measures/<slug:key>/", views.measure, "measure"),
]
