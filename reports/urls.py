from __future__ import annotations

from django.urls import path

from reports import action_sheet_views, as_of_views, document_views, piao_views, validation_views, views
from reports.evidence_pack import views as evidence_pack_views

app_name = "reports"

urlpatterns = [
    path("piani/<int:plan_id>/relazione/<int:year>.<str:fmt>", views.relazione, name="relazione"),
    path("piani/<int:plan_id>/dati-aperti/<int:year>.<str:fmt>", views.opendata, name="opendata"),
    path("piani/<int:plan_id>/schede.<str:fmt>", action_sheet_views.sheets, name="action_sheets"),
    path("piani/<int:plan_id>/relazione/<int:year>/documenti/", document_views.documents, name="documents"),
    path("piani/<int:plan_id>/relazione/documenti/<int:export_id>/", document_views.download, name="document_download"),
    path("piani/<int:plan_id>/documenti/<int:export_id>/", document_views.job, name="document_job"),
    path("piani/<int:plan_id>/monitoraggio/", as_of_views.monitoring, name="monitoring"),
    path("piani/<int:plan_id>/pacchetto-probatorio/<int:year>/", evidence_pack_views.page, name="evidence_pack"),
    path(
        "piani/<int:plan_id>/pacchetto-probatorio/scarica/<int:export_id>/",
        evidence_pack_views.download,
        name="evidence_pack_download",
    ),
    path("piani/<int:plan_id>/piao/", piao_views.piao, name="piao"),
    path("piani/<int:plan_id>/piao/sezione-performance.<str:fmt>", piao_views.piao_document, name="piao_document"),
    path(
        "piani/<int:plan_id>/validazione/<int:validation_id>.<str:fmt>",
        validation_views.validation_document,
        name="validation_document",
    ),
]
