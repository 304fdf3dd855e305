from django.urls import path

from kring.family import views

app_name = "family"

urlpatterns = [
    path("", views.home, name="home"),
    path("login/", views.login, name="login"),
    path("login/callback/", views.callback, name="eid_callback"),
    path("logout/", views.logout, name="logout"),
    path("language/", views.choose_language, name="language"),
    path("case/<int:pk>/", views.case, name="case"),
    path("case/<int:pk>/plan.pdf", views.plan_pdf, name="plan_pdf"),
    path("case/<int:pk>/letter/", views.letter, name="letter"),
    path("case/<int:pk>/meeting/<int:meeting_pk>.ics", views.meeting_ics, name="meeting_ics"),
    path("case/<int:pk>/withdraw/", views.withdraw, name="withdraw"),
    path("case/<int:pk>/consent/", views.consent_answer, name="consent_answer"),
    path("case/<int:pk>/rating/", views.rate, name="rate"),
    path("case/<int:pk>/voice/", views.voice, name="voice"),
]
