from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", include("noshub.api.urls")),
    path("soc/", include("noshub.soc.urls")),
    path("catalogue/", include("noshub.catalogue.urls")),
    path("cleansing/", include("noshub.cleansing.urls")),
    path("behaviours/", include("noshub.behaviours.urls")),
    path("frameworks/", include("noshub.frameworks.urls")),
    path("lifecycle/", include("noshub.lifecycle.urls")),
    path("qualifications/", include("noshub.qualifications.urls")),
    path("themes/", include("noshub.themes.urls")),
    path("", include("noshub.monitoring.urls")),  # /monitoring/ and its twin /monitoring.json
    path("", include("noshub.web.urls")),
]

# Errors no view answers itself: one mapping (noshub.pages.errors), JSON or a branded page.
handler400 = "noshub.pages.errors.bad_request"
handler403 = "noshub.pages.errors.permission_denied"
handler404 = "noshub.pages.errors.page_not_found"
handler500 = "noshub.pages.errors.server_error"
