from django.urls import path

from lantoa.orgs import views

app_name = "orgs"
urlpatterns = [
    path("", views.unit_list, name="list"),
    path("new/", views.unit_edit, name="new"),
    path("<int:pk>/", views.unit_detail, name="detail"),
    path("<int:pk>/edit/", views.unit_edit, name="edit"),
    path("<int:pk>/rename/", views.unit_rename, name="rename"),
    path("<int:pk>/close/", views.unit_close, name="close"),
    path("<int:pk>/staff/new/", views.staff_add, name="staff_add"),
    path("<int:pk>/duties/new/", views.unit_duty_edit, name="duty_new"),
    path("<int:pk>/duties/<int:duty_pk>/", views.unit_duty_edit, name="duty_edit"),
    path("<int:pk>/move-members/", views.unit_members_move, name="move_members"),
]
