"""The public site's URLs: each page with its ``.json`` twin (`noshub.pages.page_path`)."""

from django.urls import path

from noshub.pages import page_path

from . import views

app_name = "web"
urlpatterns = [
    *page_path("", views.home, "home"),
    *page_path("search/", views.results, "results"),
    # A few URNs hold a "/" (PPL1BS1/10), so a NOS slug is a path; the longer patterns go first.
    *page_path("nos/<path:slug>/summary/", views.nos_summary, "nos-summary"),
    *page_path("nos/<path:slug>/print/", views.nos_print, "nos-print"),
    path("nos/<path:slug>.pdf", views.nos_pdf, name="nos-pdf"),
    path("nos/<path:slug>.docx", views.nos_docx, name="nos-docx"),
    *page_path("nos/<path:slug>/", views.nos, "nos"),
    *page_path("suites/", views.suites, "suites"),
    path("suites/<int:suite_id>.pdf", views.suite_pdf, name="suite-pdf"),
    path("suites/<int:suite_id>.docx", views.suite_docx, name="suite-docx"),
    *page_path("suites/<int:suite_id>/", views.suite, "suite"),
    *page_path("developers/", views.developers, "developers"),
    *page_path("developers/<int:developer_id>/", views.developer, "developer"),
    *page_path("occupations/", views.occupations, "occupations"),
    *page_path("occupations/<str:code>/", views.occupation, "occupation"),
    *page_path("compare/", views.compare, "compare"),
    path("language/<str:code>/", views.language, name="language"),
]
