from django.urls import path

from lantoa.messaging import views

app_name = "messaging"

urlpatterns = [
    path("", views.broadcast_list, name="list"),
    path("new/", views.broadcast_edit, name="new"),
    path("<int:pk>/", views.broadcast_detail, name="broadcast"),
    path("<int:pk>/edit/", views.broadcast_edit, name="edit"),
    path("<int:pk>/progress/", views.broadcast_progress, name="progress"),
    path("<int:pk>/approve/", views.broadcast_approve, name="approve"),
    path("<int:pk>/cancel/", views.broadcast_cancel, name="cancel"),
    path("<int:pk>/messages/", views.broadcast_messages, name="messages"),
    path("text-check/", views.text_check, name="text_check"),
    path("templates/", views.template_list, name="templates"),
    path("templates/new/", views.template_edit, name="template_new"),
    path("templates/<int:pk>/", views.template_edit, name="template_edit"),
    path("reminders/", views.reminder_list, name="reminders"),
    path("reminders/new/", views.reminder_edit, name="reminder_new"),
    path("reminders/<int:pk>/", views.reminder_edit, name="reminder_edit"),
    path("opt-outs/", views.optout_list, name="optouts"),
    path("opt-outs/add/", views.optout_add, name="optout_add"),
    path("opt-outs/import/", views.optout_import, name="optout_import"),
    path("opt-outs/<int:pk>/remove/", views.optout_remove, name="optout_remove"),
    path("person/<int:pk>/", views.person_messages, name="person"),
    # Provider callbacks: the token in a header, or in the address for providers that cannot send one.
    path("hooks/<int:pk>/report/", views.hook_report, name="hook_report"),
    path("hooks/<int:pk>/incoming/", views.hook_incoming, name="hook_incoming"),
    path("hooks/<int:pk>/<str:token>/report/", views.hook_report_url, name="hook_report_url"),
    path("hooks/<int:pk>/<str:token>/incoming/", views.hook_incoming_url, name="hook_incoming_url"),
]
