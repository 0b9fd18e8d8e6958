from django.urls import path, re_path

from . import views

app_name = "api"
urlpatterns = [
    path("openapi.json", views.openapi_view, name="openapi"),
    path("search", views.search_view, name="search"),
    # <path:…>: 33 URNs hold a "/" (PPL1BS1/10).
    path("nos/<path:urn>.jsonld", views.nos_jsonld_view, name="nos-jsonld"),
    path("nos/<path:urn>", views.nos_view, name="nos"),
    path("suites", views.suites_view, name="suites"),
    path("suites/<int:suite_id>", views.suite_view, name="suite"),
    path("developers", views.developers_view, name="developers"),
    path("qualifications", views.qualifications_view, name="qualifications"),
    path("qualifications/alerts", views.qualification_alerts_view, name="qualification-alerts"),
    path("qualifications/<str:code>", views.qualification_view, name="qualification"),
    path("behaviours", views.behaviours_view, name="behaviours"),
    path("behaviours/<str:slug>", views.behaviour_view, name="behaviour"),
    path("frameworks", views.frameworks_view, name="frameworks"),
    path("frameworks/gaps", views.frameworks_gaps_view, name="frameworks-gaps"),
    path("frameworks/links", views.frameworks_links_view, name="frameworks-links"),
    path("frameworks/soc2020/<str:code>", views.frameworks_group_view, name="frameworks-group"),
    path("frameworks/nos/<path:urn>", views.frameworks_nos_view, name="frameworks-nos"),
    path("soc2020", views.soc_tree_view, name="soc-tree"),
    path("soc2020/<str:code>", views.soc_group_view, name="soc-group"),
    path("themes", views.themes_view, name="themes"),
    path("themes/<slug:slug>", views.theme_view, name="theme"),
    path("reach/<path:urn>", views.reach_view, name="reach"),
    re_path(r"^(?P<rest>.*)$", views.not_found_view),
]
