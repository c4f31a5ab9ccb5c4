from django.urls import path

from lantoa.plans import views

app_name = "plans"
urlpatterns = [
    path("", views.plan_list, name="list"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("new/", views.plan_new, name="new"),
    path("<int:pk>/make-default/", views.plan_make_default, name="make_default"),
    path("warnings/", views.warning_list, name="warnings"),
    path("<int:pk>/", views.plan_detail, name="detail"),
    path("<int:pk>/document/", views.plan_document, name="document"),
    path("<int:pk>/edit/", views.plan_edit, name="edit"),
    path("<int:pk>/sheet/", views.plan_sheet_download, name="sheet"),
    path("<int:pk>/sheet/import/", views.plan_sheet_upload, name="sheet_import"),
    path("<int:pk>/copy/", views.plan_copy, name="copy"),
    path("<int:plan_pk>/indicators/new/", views.indicator_new, name="indicator_new"),
    path("<int:plan_pk>/indicators/<int:pk>/", views.indicator_detail, name="indicator"),
    path("<int:plan_pk>/indicators/<int:pk>/edit/", views.indicator_edit, name="indicator_edit"),
    path("<int:plan_pk>/indicators/<int:pk>/retire/", views.indicator_retire, name="indicator_retire"),
    path("<int:plan_pk>/indicators/<int:pk>/records/<int:year>/", views.indicator_records, name="records"),
    path("<int:plan_pk>/indicators/<int:indicator_pk>/targets/new/", views.target_edit, name="target_new"),
    path("<int:plan_pk>/indicators/<int:indicator_pk>/targets/<int:pk>/", views.target_edit, name="target_edit"),
]
