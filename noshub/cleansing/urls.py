from django.urls import path

from . import views

app_name = "cleansing"
urlpatterns = [
    path("groups.json", views.groups_json, name="groups-json"),
    path("groups/<str:key>.json", views.group_page, {"format": "json"}, name="group-json"),
    path("groups/<str:key>/", views.group_page, name="group"),
    path("covered.json", views.covered_json, name="covered-json"),
    path("quality.json", views.quality_json, name="quality-json"),
    path("quality/", views.quality_page, name="quality"),
    path("decisions/", views.decide, name="decide"),
    path("decisions/<path:slug>.json", views.decisions_json, name="decisions-json"),
]
