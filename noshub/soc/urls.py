from django.urls import path

from . import views

app_name = "soc"
urlpatterns = [
    path("", views.report, name="report"),
    path("report.json", views.report, {"format": "json"}, name="report-json"),
    path("suggest.json", views.suggest_json, name="suggest-json"),
    path("queue.json", views.queue_json, name="queue-json"),
    path("decisions.json", views.decisions_json, name="decisions-json"),
    path("accept.json", views.accept_json, name="accept-json"),
    path("groups/<str:code>.json", views.group_json, name="group-json"),
    path("review/", views.review, name="review"),
]
