from django.urls import path

from noshub.pages import page_path

from . import views

app_name = "behaviours"
urlpatterns = [
    path("", views.index, name="index"),
    path("catalogue.json", views.index, {"format": "json"}, name="index-json"),
    path("catalogue.csv", views.export_csv, name="csv"),
    path("catalogue.jsonld", views.export_jsonld, name="jsonld"),
    *page_path("suites/", views.by_suite, "suites"),
    *page_path("occupations/", views.by_occupation, "occupations"),
    path("catalogue.pdf", views.export_pdf, name="pdf"),
    path("detect.json", views.detect, name="detect"),
    path("<slug:slug>/edit/", views.edit, name="edit"),
    *page_path("<slug:slug>/", views.detail, "detail"),
]
