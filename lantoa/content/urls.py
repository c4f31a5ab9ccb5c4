from django.urls import path

from lantoa.content import views

app_name = "content"

urlpatterns = [
    path("", views.content_list, name="list"),
    path("review/", views.review_queue, name="queue"),
    path("new/", views.content_edit, name="new"),
    path("<int:pk>/", views.content_detail, name="detail"),
    path("<int:pk>/edit/", views.content_edit, name="edit"),
    path("<int:pk>/submit/", views.content_submit, name="submit"),
    path("<int:pk>/review/", views.content_review, name="review"),
    path("<int:pk>/file/", views.content_file, name="file"),
    path("<int:pk>/versions/<int:number>/file/", views.content_file, name="version_file"),
]
