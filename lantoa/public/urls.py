from django.urls import path

from lantoa.public import views

app_name = "public"
urlpatterns = [
    path("", views.home, name="home"),
    path("bhxh/", views.about, name="about"),
    path("bhxh/<int:pk>/", views.content_detail, name="content"),
    path("calculator/", views.calculator, name="calculator"),
    path("calculator/rules/", views.rules_list, name="rules"),
    path("questions/", views.questions, name="questions"),
    path("ask/", views.ask, name="ask"),
    path("ask/sent/", views.ask_done, name="ask_done"),
    path("join/", views.join, name="join"),
    path("join/sent/", views.join_done, name="join_done"),
    path("contact/", views.contact, name="contact"),
    path("leads/", views.lead_list, name="lead_list"),
    path("leads/<int:pk>/", views.lead_detail, name="lead_detail"),
]
