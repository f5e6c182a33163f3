"""Tokens for other systems (people in a browser use the session): get one, list one's own, revoke them."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import authenticate
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from knox.models import AuthToken
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.second_factor import CodeRefused, second_factor_required, verify_code
from api.errors import ErrorSerializer
from api.serializers.inputs import InputSerializer
from api.serializers.text import TextField
from config.lockout import lock_ends, seconds_until
from config.throttling import TokenAddressThrottle, TokenUsernameThrottle, TooManyRequests, retry_message
from workflow.errors import InvalidInput
from workflow.tokens import token_create, token_revoke, token_revoke_all, tokens_of

TOKEN_PREFIX = "^[0-9a-f]{15}$"  # knox's token_key: the first 15 hexadecimal digits of the secret
TOO_MANY = OpenApiResponse(
    ErrorSerializer, description="Too many attempts: the message and the Retry-After header say when to retry."
)


class CredentialsSerializer(InputSerializer):
    username = TextField(max_length=150)
    password = TextField(max_length=4096, style={"input_type": "password"}, trim_whitespace=False)
    otp = TextField(
        max_length=12,
        required=False,
        allow_blank=True,
        help_text="The 6 digits of the authenticator app, for accounts with the second factor (every superuser).",
    )


class NewTokenSerializer(serializers.Serializer[Any]):
    token = TextField(help_text="Send it as the header «Authorization: Token <token>». Shown only now.")
    expiry = serializers.DateTimeField(help_text="When the token stops working.")
    prefix = TextField(help_text="The token's first characters: its name, to list or revoke it.")


class TokenSerializer(serializers.Serializer[Any]):
    prefix = TextField(source="token_key", help_text="The token's first characters (never the secret).")
    created = serializers.DateTimeField()
    expiry = serializers.DateTimeField(allow_null=True)
    current = serializers.SerializerMethodField(help_text="Whether this request came with this token.")

    def get_current(self, token: AuthToken) -> bool:
        used = self.context.get("used")
        return isinstance(used, AuthToken) and used.digest == token.digest


class TokenView(APIView):
    permission_classes = [AllowAny]
    authentication_classes: list[Any] = []
    throttle_classes = [TokenAddressThrottle, TokenUsernameThrottle]

    @extend_schema(
        request=CredentialsSerializer,
        responses={200: NewTokenSerializer, 429: TOO_MANY},
        auth=[],
        operation_id="auth_token_create",
    )
    def post(self, request: Request) -> Response:
        """Exchange a username and password for a new API token, valid API_TOKEN_TTL_DAYS days."""
        credentials = CredentialsSerializer(data=request.data)
        credentials.is_valid(raise_exception=True)
        username = credentials.validated_data["username"]
        data = credentials.validated_data
        user = authenticate(request._request, username=username, password=data["password"])
        if user is None:
            if getattr(request._request, "axes_locked_out", False):  # django-axes refused, or locked it now
                wait = seconds_until(lock_ends(request._request, username))
                what = _("Troppi tentativi di accesso non riusciti da questo indirizzo.")
                raise TooManyRequests(wait, message=retry_message(wait, what=what), code="locked_out")
            message = _("Nome utente o password errati.")
            raise InvalidInput(message, code="invalid_credentials", fields={"password": [message]})
        if second_factor_required(user):
            _check_code(user, data.get("otp", ""))
        token, secret = token_create(user=user)
        return Response(NewTokenSerializer({"token": secret, "expiry": token.expiry, "prefix": token.token_key}).data)


def _check_code(user: Any, code: str) -> None:
    """The second factor of a token asked with a password: the same code the login page asks."""
    if not code:
        message = _("Questo account usa la verifica in due passaggi: indica in «otp» il codice dell'app.")
        raise InvalidInput(message, code="second_factor_required", fields={"otp": [message]})
    try:
        verify_code(user, code)
    except CodeRefused as refusal:
        if refusal.wait is not None:
            raise TooManyRequests(refusal.wait, message=refusal.message, code=refusal.code) from None
        raise InvalidInput(refusal.message, code=refusal.code, fields={"otp": [refusal.message]}) from None


class RevokeCurrentTokenView(APIView):
    @extend_schema(request=None, responses={204: None}, operation_id="auth_token_revoke")
    def post(self, request: Request) -> Response:
        """Revoke the token this request came with (log out this client)."""
        if not isinstance(request.auth, AuthToken):
            message = _("Questa richiesta non usa un token: revoca i token per prefisso, o tutti insieme.")
            raise InvalidInput(message, code="no_token")
        token_revoke(user=request.user, prefix=request.auth.token_key)
        return Response(status=status.HTTP_204_NO_CONTENT)


class TokenListView(APIView):
    @extend_schema(responses={200: TokenSerializer(many=True)}, operation_id="auth_tokens_list")
    def get(self, request: Request) -> Response:
        """The caller's tokens that still work, newest first: prefix, creation and expiry, never the secret."""
        tokens = tokens_of(request.user)
        return Response(TokenSerializer(tokens, many=True, context={"used": request.auth}).data)


class RevokeAllTokensView(APIView):
    @extend_schema(request=None, responses={204: None}, operation_id="auth_tokens_revoke_all")
    def post(self, request: Request) -> Response:
        """Revoke every token of the caller, this request's included."""
        token_revoke_all(user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class RevokeTokenView(APIView):
    @extend_schema(
        request=None,
        responses={204: None},
        operation_id="auth_tokens_revoke_one",
        parameters=[OpenApiParameter("prefix", str, OpenApiParameter.PATH, pattern=TOKEN_PREFIX)],
    )
    def post(self, request: Request, prefix: str) -> Response:
        """Revoke one of the caller's tokens, named by its prefix."""
        token_revoke(user=request.user, prefix=prefix)
        return Response(status=status.HTTP_204_NO_CONTENT)
