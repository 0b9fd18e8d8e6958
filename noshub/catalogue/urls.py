from django.urls import path

from . import views

app_name = "catalogue"
urlpatterns = [
    path("", views.home, name="home"),
    path(".json", views.home_json, name="home-json"),
    path("search/", views.results, name="results"),
    path("search.json", views.results_json, name="results-json"),
    # A few URNs hold a "/" (PPL1BS1/10), so a NOS slug is a path; the longer patterns go first.
    path("nos/<path:slug>/summary.json", views.nos_summary_json, name="nos-summary-json"),
    path("nos/<path:slug>/summary/", views.nos_summary, name="nos-summary"),
    path("nos/<path:slug>/print/", views.nos_print, name="nos-print"),
    path("nos/<path:slug>.json", views.nos_json, name="nos-json"),
    path("nos/<path:slug>.pdf", views.nos_pdf, name="nos-pdf"),
    path("nos/<path:slug>.docx", views.nos_docx, name="nos-docx"),
    path("nos/<path:slug>/", views.nos, name="nos"),
    path("suites/", views.suites, name="suites"),
    path("suites.json", views.suites_json, name="suites-json"),
    path("suites/<int:suite_id>/", views.suite, name="suite"),
    path("suites/<int:suite_id>.json", views.suite_json, name="suite-json"),
    path("suites/<int:suite_id>.pdf", views.suite_pdf, name="suite-pdf"),
    path("suites/<int:suite_id>.docx", views.suite_docx, name="suite-docx"),
    path("developers/", views.developers, name="developers"),
    path("developers.json", views.developers_json, name="developers-json"),
    path("developers/<int:developer_id>/", views.developer, name="developer"),
    path("developers/<int:developer_id>.json", views.developer_json, name="developer-json"),
    path("occupations/", views.occupations, name="occupations"),
    path("occupations.json", views.occupations_json, name="occupations-json"),
    path("occupations/<str:code>/", views.occupation, name="occupation"),
    path("occupations/<str:code>.json", views.occupation_json, name="occupation-json"),
    path("compare/", views.compare, name="compare"),
    path("compare.json", views.compare_json, name="compare-json"),
    path("language/<str:code>/", views.language, name="language"),
]
