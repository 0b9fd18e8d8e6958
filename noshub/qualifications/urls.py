from django.urls import path

from noshub.pages import page_path

from . import views
from .feeds import AlertsFeed

app_name = "qualifications"
urlpatterns = [
    path("", views.qualification_list, name="list"),
    path("list.json", views.qualification_list, {"format": "json"}, name="list-json"),
    *page_path("reuse/", views.reuse, "reuse"),
    *page_path("alerts/", views.alerts, "alerts"),
    path("alerts.atom", AlertsFeed(), name="alerts-feed"),
    *page_path("review/", views.review_queue, "review"),
    path("review/<int:unit>/", views.decide, name="decide"),
    *page_path("<int:pk>/", views.qualification_detail, "detail"),
]
