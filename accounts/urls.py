from django.urls import path

from accounts import sso, views

app_name = "accounts"
urlpatterns = [
    path("accesso/codice/", views.verify, name="second-factor"),
    path("accesso/codice/attiva/", views.setup, name="second-factor-setup"),
    path("accesso/codice/disattiva/", views.turn_off, name="second-factor-off"),
    path("accesso/sso/", sso.Start.as_view(), name="sso-start"),
    path("accesso/sso/ritorno/", sso.Callback.as_view(), name="sso-callback"),
]
