"""The lifecycle's URLs: each page's ``.json`` twin is routed to the same page view."""

from django.contrib.auth import views as auth_views
from django.urls import path

from . import views

app_name = "lifecycle"
urlpatterns = [
    path("", views.project_list, name="home"),
    path("projects.json", views.project_list, {"format": "json"}, name="home-json"),
    path("projects/new/", views.project_new, name="project-new"),
    path("projects/<int:pk>/", views.project_detail, name="project"),
    path("projects/<int:pk>.json", views.project_detail, {"format": "json"}, name="project-json"),
    path("projects/<int:pk>/edit/", views.project_edit, name="project-edit"),
    path("projects/<int:pk>/nations/<str:nation>/", views.nation_part, name="nation-part"),
    path("projects/<int:pk>/respond/", views.respond, name="respond"),
    path("projects/<int:pk>/advance/", views.advance, name="advance"),
    path("projects/<int:pk>/advance.json", views.advance_json, name="advance-json"),
    path("projects/<int:pk>/respond.json", views.respond_json, name="respond-json"),
    path("projects/<int:pk>/send-back/", views.send_back, name="send-back"),
    path("projects/<int:pk>/abandon/", views.abandon, name="abandon"),
    path("projects/<int:pk>/withdraw/", views.withdraw, name="withdraw"),
    path("projects/<int:pk>/consent/", views.consent, name="consent"),
    path("projects/<int:pk>/drafts/new/", views.draft_new, name="draft-new"),
    path("projects/<int:pk>/consultation/", views.consultation, name="consultation"),
    path("projects/<int:pk>/consultation.json", views.consultation, {"format": "json"}, name="consultation-json"),
    path("projects/<int:pk>/comments/new.json", views.comment_json, name="comment-json"),
    path("projects/<int:pk>/comments/", views.comments, name="comments"),
    path("projects/<int:pk>/comments.json", views.comments, {"format": "json"}, name="comments-json"),
    path("projects/<int:pk>/comments.csv", views.comments_csv, name="comments-csv"),
    path("projects/<int:pk>/comments/moderate/", views.comments_moderate, name="comments-moderate"),
    path("drafts/<int:pk>/", views.draft_detail, name="draft"),
    path("drafts/<int:pk>.json", views.draft_detail, {"format": "json"}, name="draft-json"),
    path("drafts/<int:pk>/edit/", views.draft_edit, name="draft-edit"),
    path("drafts/<int:pk>/remove/", views.draft_remove, name="draft-remove"),
    path("drafts/<int:pk>/justify/", views.draft_justify, name="draft-justify"),
    path("comments/<int:pk>/moderate/", views.comment_moderate, name="comment-moderate"),
    path("comments/<int:pk>/decide/", views.comment_decide, name="comment-decide"),
    path("reviews/", views.reviews, name="reviews"),
    path("reviews.json", views.reviews, {"format": "json"}, name="reviews-json"),
    path("nos/<str:slug>/diff/", views.version_diff, name="diff"),
    path("nos/<str:slug>/diff.json", views.version_diff, {"format": "json"}, name="diff-json"),
    path("audit/", views.audit_log, name="audit"),
    path("audit.json", views.audit_log, {"format": "json"}, name="audit-json"),
    path(
        "sign-in/",
        auth_views.LoginView.as_view(template_name="lifecycle/sign_in.html", next_page="lifecycle:home"),
        name="sign-in",
    ),
    path("sign-out/", auth_views.LogoutView.as_view(next_page="lifecycle:home"), name="sign-out"),
]
