from noshub.pages import page_path

from . import views

app_name = "monitoring"
urlpatterns = [
    *page_path("", views.dashboard, "dashboard"),
    *page_path("measures/<slug:key>/", views.measure, "measure"),
]
