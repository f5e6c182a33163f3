from __future__ import annotations

from django.urls import path

from evaluation import views

app_name = "evaluation"

urlpatterns = [
    path("valutazioni/", views.sheet_list, name="sheets"),
    path("valutazioni/crea/", views.create, name="create"),
    path("valutazioni/aggiungi/", views.add, name="add"),
    path("valutazioni/<int:pk>/", views.detail, name="sheet"),
    path("valutazioni/<int:pk>/valuta/", views.evaluate, name="evaluate"),
    path("valutazioni/<int:pk>/consegna/", views.submit, name="submit"),
    path("valutazioni/<int:pk>/presa-visione/", views.acknowledge, name="acknowledge"),
    path(
        "valutazioni/ente/<int:organization_id>/<int:year>/punteggi.<str:fmt>",
        views.payroll,
        name="payroll",
    ),
]
