from django.urls import path

from lantoa.team import views

app_name = "team"

urlpatterns = [
    path("", views.member_list, name="list"),
    path("new/", views.member_new, name="new"),
    path("import/", views.member_import, name="import"),
    path("import/sample.xlsx", views.member_import_sample, name="import_sample"),
    path("<int:pk>/", views.member_detail, name="detail"),
    path("<int:pk>/edit/", views.member_edit, name="edit"),
    path("<int:pk>/end/", views.member_end, name="end"),
    path("person/<int:person_pk>/", views.person_roles, name="person"),
    path("training/<int:activity_pk>/", views.trainees, name="trainees"),
    path("training/<int:activity_pk>/change/", views.trainees_change, name="trainees_change"),
]
