from django.urls import path

from . import views

app_name = "themes"
urlpatterns = [
    path("", views.index, name="index"),
    path("index.json", views.index, {"format": "json"}, name="index-json"),
    path("suggested/", views.suggested, name="suggested"),
    path("suggested.json", views.suggested, {"format": "json"}, name="suggested-json"),
    path("maps/", views.maps_index, name="maps"),
    path("maps/index.json", views.maps_index, {"format": "json"}, name="maps-json"),
    path("maps/import", views.map_import, name="map-import"),
    path("maps/<slug:slug>.json", views.map_page, {"format": "json"}, name="map-json"),
    path("maps/<slug:slug>/", views.map_page, name="map"),
    path("maps/<slug:slug>/place", views.map_place, name="map-place"),
    path("maps/<slug:slug>/edit", views.map_edit, name="map-edit"),
    path("maps/<slug:slug>/functions/<str:code>.json", views.map_function, {"format": "json"}, name="map-function-json"),
    path("maps/<slug:slug>/functions/<str:code>/", views.map_function, name="map-function"),
    path("reach/<path:slug>/decide", views.decide, name="decide"),
    path("reach/<path:slug>.json", views.reach_page, {"format": "json"}, name="reach-json"),
    path("reach/<path:slug>/", views.reach_page, name="reach"),
    path("<slug:slug>.json", views.theme, {"format": "json"}, name="theme-json"),
    path("<slug:slug>.csv", views.theme_csv, name="theme-csv"),
    path("<slug:slug>/", views.theme, name="theme"),
]
