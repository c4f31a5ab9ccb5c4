from django.urls import path

from lantoa.coordination import views

app_name = "coordination"

urlpatterns = [
    path("", views.briefing_list, name="list"),
    path("briefings/new/", views.briefing_new, name="briefing_new"),
    path("briefings/email/", views.email_send, name="email"),
    path("briefings/<int:pk>/", views.briefing_detail, name="briefing"),
    path("briefings/<int:pk>/edit/", views.briefing_edit, name="briefing_edit"),
    path("leaders/", views.leader_list, name="leaders"),
    path("leaders/<int:pk>/", views.leader_detail, name="leader"),
    path("plans/", views.plan_list, name="plans"),
    path("plans/new/", views.plan_new, name="plan_new"),
    path("plans/<int:pk>/", views.plan_detail, name="plan"),
    path("plans/<int:pk>/edit/", views.plan_edit, name="plan_edit"),
    path("plans/<int:pk>/document/", views.plan_document, name="plan_document"),
    path("plans/<int:pk>/<slug:action>/", views.plan_action, name="plan_action"),
    path("agreements/", views.agreement_list, name="agreements"),
    path("agreements/new/", views.agreement_new, name="agreement_new"),
    path("agreements/<int:pk>/", views.agreement_detail, name="agreement"),
    path("agreements/<int:pk>/edit/", views.agreement_edit, name="agreement_edit"),
    path("inspections/", views.inspection_list, name="inspections"),
    path("inspections/new/", views.inspection_new, name="inspection_new"),
    path("inspections/<int:pk>/", views.inspection_detail, name="inspection"),
    path("inspections/<int:pk>/edit/", views.inspection_edit, name="inspection_edit"),
    path("awards/", views.award_list, name="awards"),
    path("awards/new/", views.award_new, name="award_new"),
    path("awards/<int:pk>/", views.award_detail, name="award"),
    path("awards/<int:pk>/edit/", views.award_edit, name="award_edit"),
]
