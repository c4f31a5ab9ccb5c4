from django.urls import path

from lantoa.radio import views

app_name = "radio"
urlpatterns = [
    path("", views.broadcast_list, name="list"),
    path("new/", views.broadcast_new, name="new"),
    path("weeks/", views.week_grid, name="weeks"),
    path("warnings/", views.weekly_warnings, name="warnings"),
    path("<int:pk>/", views.broadcast_detail, name="detail"),
    path("<int:pk>/edit/", views.broadcast_edit, name="edit"),
    path("<int:pk>/delete/", views.broadcast_delete, name="delete"),
]
