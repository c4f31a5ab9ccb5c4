"""Included by `lantoa/audience/urls.py` under "duplicates/", in the "audience" namespace."""

from django.urls import path

from lantoa.audience import views_duplicates as views

urlpatterns = [
    path("", views.duplicate_list, name="duplicates"),
    path("compare/", views.duplicate_compare, name="duplicate_compare"),
    path("dismiss/", views.duplicate_dismiss, name="duplicate_dismiss"),
]
