from django.urls import path

from . import views

app_name = "budget"

urlpatterns = [
    path("", views.budget_list, name="list"),
    path("unit/<int:unit_id>/<int:year>/", views.unit_detail, name="unit"),
    path("forms/", views.by_kind, name="kinds"),
    path("campaigns/", views.by_campaign, name="campaigns"),
    path("check/", views.check_queue, name="queue"),
    path("check/<str:what>/<int:pk>/", views.check, name="check"),
    path("estimates/new/", views.estimate_edit, name="estimate_new"),
    path("estimates/<int:pk>/edit/", views.estimate_edit, name="estimate_edit"),
    path("lines/new/", views.line_edit, name="line_new"),
    path("lines/<int:pk>/edit/", views.line_edit, name="line_edit"),
    path("lines/<int:pk>/delete/", views.line_delete, name="line_delete"),
]
