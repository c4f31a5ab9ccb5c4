"""Reach and statistics pages. Included by `lantoa/audience/urls.py` as
`path("reach/", include("lantoa.audience.urls_reach"))`, in the "audience" namespace."""

from django.urls import path

from lantoa.audience import views_reach

urlpatterns = [
    path("", views_reach.reach_overview, name="reach"),
    path("people/", views_reach.reach_people, name="reach_people"),
    path("statistics/", views_reach.statistic_list, name="statistic_list"),
    path("statistics/new/", views_reach.statistic_edit, name="statistic_new"),
    path("statistics/<int:pk>/", views_reach.statistic_edit, name="statistic_edit"),
]
