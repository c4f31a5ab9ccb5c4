from django.urls import include, path

from lantoa.audience import views

app_name = "audience"

urlpatterns = [
    path("", views.person_list, name="list"),
    path("new/", views.person_edit, name="new"),
    path("<int:pk>/", views.person_detail, name="person"),
    path("<int:pk>/edit/", views.person_edit, name="edit"),
    path("<int:pk>/consent/", views.person_consent, name="consent"),
    path("<int:pk>/delete/", views.person_anonymise, name="anonymise"),
    path("segments/", views.segment_list, name="segments"),
    path("segments/new/", views.segment_edit, name="segment_new"),
    path("segments/<int:pk>/", views.segment_edit, name="segment_edit"),
    path("households/", views.household_list, name="households"),
    path("households/new/", views.household_edit, name="household_new"),
    path("households/<int:pk>/", views.household_detail, name="household"),
    path("households/<int:pk>/edit/", views.household_edit, name="household_edit"),
    path("employers/", views.employer_list, name="employers"),
    path("employers/new/", views.employer_edit, name="employer_new"),
    path("employers/<int:pk>/", views.employer_detail, name="employer"),
    path("employers/<int:pk>/edit/", views.employer_edit, name="employer_edit"),
    path("activity/<int:pk>/", views.activity_reach, name="activity_reach"),
    path("activity/<int:pk>/change/", views.activity_reach_change, name="activity_reach_change"),
    path("duplicates/", include("lantoa.audience.urls_duplicates")),
    path("reach/", include("lantoa.audience.urls_reach")),
    path("import/", include("lantoa.audience.imports.urls")),
]
