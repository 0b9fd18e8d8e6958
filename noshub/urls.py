from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", include("noshub.api.urls")),
    path("soc/", include("noshub.soc.urls")),
    path("cleansing/", include("noshub.cleansing.urls")),
    path("lifecycle/", include("noshub.lifecycle.urls")),
    path("", include("noshub.catalogue.urls")),
]
