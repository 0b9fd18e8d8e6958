from django.urls import path

from noshub.pages import page_path

from . import views

app_name = "frameworks"
urlpatterns = [
    path("", views.index, name="index"),
    path("index.json", views.index, {"format": "json"}, name="index-json"),
    path("links.csv", views.export_csv, name="csv"),
    path("links.jsonld", views.export_jsonld, name="jsonld"),
    *page_path("gaps/", views.gaps, "gaps"),
    *page_path("soc/<str:code>/", views.group, "group"),
    *page_path("nos/<path:urn>/", views.nos, "nos"),
]
