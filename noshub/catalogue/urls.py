from django.urls import path

from . import views

app_name = "catalogue"
urlpatterns = [
    path("names/", views.names_page, name="names"),
]
