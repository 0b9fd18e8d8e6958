from django.urls import path

from . import views

app_name = "catalogue"
urlpatterns = [
    path("", views.home, name="home"),
    path(".json", views.home_json, name="home-json"),
    path("nos/<str:slug>.json", views.nos_json, name="nos-json"),
    path("nos/<str:slug>/", views.nos, name="nos"),
]
