from __future__ import annotations

from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from api.errors import api_not_found
from api.schema_view import SchemaView
from api.views.auth import (
    RevokeAllTokensView,
    RevokeCurrentTokenView,
    RevokeTokenView,
    TokenListView,
    TokenView,
)
from api.views.changes import ChangeRequestViewSet, PlanVersionViewSet
from api.views.items import ActivityViewSet, AreaViewSet, IndicatorViewSet, ObjectiveViewSet, PlanViewSet
from api.views.me import MailPreferenceView
from api.views.monitoring import MonitoringAnswerViewSet
from api.views.requests import ApprovalViewSet, DelegationViewSet, RequestViewSet
from api.views.validation import ValidationOutcomeView, ValidationView

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
# Both /api/approvals/1/approve and /api/approvals/1/approve/ work: clients write either.
router.trailing_slash = "/?"
router.register("plans", PlanViewSet, basename="plan")
router.register("areas", AreaViewSet, basename="area")
router.register("objectives", ObjectiveViewSet, basename="objective")
router.register("activities", ActivityViewSet, basename="activity")
router.register("indicators", IndicatorViewSet, basename="indicator")
router.register("approvals", ApprovalViewSet, basename="approval")
router.register("requests", RequestViewSet, basename="request")
router.register("delegations", DelegationViewSet, basename="delegation")
router.register("changes", ChangeRequestViewSet, basename="change")
router.register("plan-versions", PlanVersionViewSet, basename="plan-version")
router.register("monitoring-answers", MonitoringAnswerViewSet, basename="monitoring-answer")

urlpatterns = [
    path("auth/token/", TokenView.as_view(), name="token"),
    re_path(r"^auth/token/revoke/?$", RevokeCurrentTokenView.as_view(), name="token-revoke"),
    path("auth/tokens/", TokenListView.as_view(), name="tokens"),
    re_path(r"^auth/tokens/revoke/?$", RevokeAllTokensView.as_view(), name="tokens-revoke"),
    re_path(r"^auth/tokens/(?P<prefix>[0-9a-f]{15})/revoke/?$", RevokeTokenView.as_view(), name="token-revoke-one"),
    path("me/mail-preference/", MailPreferenceView.as_view(), name="mail-preference"),
    path("schema/", SchemaView.as_view(), name="schema"),
    # The page and its start-up script are two answers (?script): the CSP allows no inline script.
    path(
        "docs/",
        SpectacularSwaggerSplitView.as_view(url_name="api:schema", template_name="web/api_docs.html"),
        name="docs",
    ),
    re_path(r"^plans/(?P<pk>[0-9]+)/validation/?$", ValidationView.as_view(), name="plan-validation"),
    re_path(
        r"^plans/(?P<pk>[0-9]+)/validation/outcome/?$", ValidationOutcomeView.as_view(), name="plan-validation-outcome"
    ),
    path("", include(router.urls)),
    # [\s\S], not ".": a path with an encoded newline (%0A) is also an API address, not Django's HTML 404.
    re_path(r"^(?P<path>[\s\S]*)$", api_not_found),
]
