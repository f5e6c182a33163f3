"""The admin, scoped to organizations: the one base every ModelAdmin and inline of Traguardi derives from.

A superuser is the platform operator and sees everything. Anyone else with staff access (say, a director
given admin access by the body's IT office) sees, changes, adds and deletes only the rows of the
organizations where they hold a role, everywhere the admin shows rows: changelists, change, delete and
history views, foreign-key and many-to-many choices (hence autocomplete and "save as new"), list filters,
inlines and actions. A row they may not see answers 404, as in the API and the pages.

Each admin declares how its rows reach an organization:
- `organization_path`: the lookup from a row to its organization ("plan__organization"; "pk" for the
  organization itself);
- `person_path`: the lookup from a row to a person ("user"; "pk" for the person itself), for rows that
  belong to people, who may work for several organizations: such a row is visible when the person holds
  a role in one of the user's organizations;
- `visible` (optional): a selector of plans/rules.py (user -> queryset of the model) that narrows further,
  so that an area head sees in the admin what the rules let them see elsewhere.

`PlatformOnlyAdmin` is for what grants power (organizations, roles, users, groups) and for third-party
admins: only superusers change it; the others read the rows of their organizations when a path says
which, and nothing otherwise. `register_platform_only()` re-registers a third-party ModelAdmin that way.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Iterable, Sequence
from functools import reduce
from typing import Any, ClassVar

from django.apps import apps
from django.contrib import admin, messages
from django.contrib.admin.exceptions import NotRegistered
from django.contrib.admin.options import TO_FIELD_VAR, BaseModelAdmin, InlineModelAdmin
from django.contrib.admin.utils import NotRelationField, get_fields_from_path, lookup_spawns_duplicates, unquote
from django.contrib.auth import get_user_model
from django.core import checks
from django.core.exceptions import FieldDoesNotExist, PermissionDenied
from django.db import connections
from django.db.models import BooleanField, DateField, Model, Q, QuerySet
from django.db.models.constants import LOOKUP_SEP
from django.forms import ModelChoiceField, ModelMultipleChoiceField
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils.text import smart_split, unescape_string_literal
from django.utils.translation import gettext as _

from config.admin_freeze import frozen_plan_of, frozen_plans_touched_by_deleting, read_only_notice, refusing_frozen
from plans.models import Area, OrganizationRole
from plans.rules import roles_of

Selector = Callable[[Any], QuerySet[Any]]


def people_of(organizations: Iterable[int]) -> QuerySet[Any]:
    """The people who hold a role in any of `organizations`: director or auditor, area head, area staff."""
    organization_ids = list(organizations)
    return get_user_model()._default_manager.filter(
        Q(pk__in=OrganizationRole.objects.filter(organization__in=organization_ids).values("user"))
        | Q(pk__in=Area.objects.filter(organization__in=organization_ids, head__isnull=False).values("head"))
        | Q(pk__in=Area.members.through.objects.filter(area__organization__in=organization_ids).values("user"))
    )


def through(model: type[Model], path: str, selector: Selector) -> Selector:
    """A selector of the rows of `model` whose `path` leads to a row `selector` lets the user see: the targets
    of the indicators they see, the trail of the items they see."""

    def visible(user: Any) -> QuerySet[Any]:
        return model._default_manager.filter(**{f"{path}__in": selector(user).values("pk")})

    return visible


# Credentials kept in columns, whatever admin shows (or does not show) their model: no lookup reaches them.
SECRET_COLUMNS = {
    "auth.user": {"password"},
    "knox.authtoken": {"digest", "token_key"},
    "notifications.calendarfeed": {"token"},
}


def reaches_a_secret(model: type[Model], lookup: str) -> bool:
    """Whether the lookup path from `model` ends on, or passes through, a column of SECRET_COLUMNS."""
    for name in lookup.split(LOOKUP_SEP):
        if name in SECRET_COLUMNS.get(model._meta.label_lower, set()):
            return True
        try:
            field = model._meta.get_field(name)
        except FieldDoesNotExist:
            return False  # a lookup such as startswith: the path ends here
        related = getattr(field, "related_model", None)
        if related is None:
            return False
        model = related
    return False


def _unquoted(word: str) -> str:
    return unescape_string_literal(word) if word.startswith(('"', "'")) and word[0] == word[-1] else word


def search_lookup(model: type[Model], field: str) -> str:
    """The lookup the admin searches `field` with, as Django writes it: ^ istartswith, = iexact, @ search, a
    path that already ends with a lookup as is, and icontains otherwise."""
    prefixes = {"^": "istartswith", "=": "iexact", "@": "search"}
    if field[:1] in prefixes:
        return f"{field[1:]}__{prefixes[field[0]]}"
    try:
        get_fields_from_path(model, field)
    except (FieldDoesNotExist, NotRelationField):
        return field  # it ends with a lookup
    return f"{field}__icontains"


def is_platform_operator(request: HttpRequest) -> bool:
    return bool(request.user.is_active and request.user.is_superuser)


def scoped_choices(site: admin.AdminSite, request: HttpRequest, model: type[Model]) -> QuerySet[Any] | None:
    """The rows of `model` a foreign key or many-to-many field may point to: what the user sees of it in
    the admin (None: Django's default, for the platform operator). A model without an admin offers nothing."""
    if is_platform_operator(request):
        return None
    try:
        return site.get_model_admin(model).get_queryset(request)
    except NotRegistered:
        return model._default_manager.none()


class ScopedAllValuesFieldListFilter(admin.AllValuesFieldListFilter):
    """Django's filter of distinct values reads the whole related table for a path like "plan__year_start";
    this one reads only the rows the admin shows."""

    def __init__(self, field: Any, request: HttpRequest, params: Any, model: Any, model_admin: Any, field_path: str):
        super().__init__(field, request, params, model, model_admin, field_path)
        rows = model_admin.get_queryset(request)
        self.lookup_choices = rows.distinct().order_by(field_path).values_list(field_path, flat=True)


class ScopedChoices[M: Model](BaseModelAdmin[M]):
    """Foreign-key and many-to-many choices (and so autocomplete, whose answers are validated against them)
    limited to what the user sees of the related model in the admin."""

    admin_site: admin.AdminSite

    def choices_for(self, db_field: Any, request: HttpRequest) -> QuerySet[Any] | None:
        return scoped_choices(self.admin_site, request, db_field.remote_field.model)

    def formfield_for_foreignkey(
        self, db_field: Any, request: HttpRequest, **kwargs: Any
    ) -> ModelChoiceField[Any] | None:
        choices = self.choices_for(db_field, request)
        if choices is not None:
            kwargs["queryset"] = choices
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(
        self, db_field: Any, request: HttpRequest, **kwargs: Any
    ) -> ModelMultipleChoiceField[Any] | None:
        choices = self.choices_for(db_field, request)
        if choices is not None:
            kwargs["queryset"] = choices
        return super().formfield_for_manytomany(db_field, request, **kwargs)


class ScopedAdmin[M: Model](ScopedChoices[M], admin.ModelAdmin[M]):
    """The base of every ModelAdmin: rows of the user's organizations only (see the module's docstring)."""

    organization_path: ClassVar[str | None] = None
    person_path: ClassVar[str | None] = None
    visible: Selector | None = None
    # Credentials kept on the row: never shown, searched, filtered or sorted on, not even to a superuser.
    secret_fields: ClassVar[tuple[str, ...]] = ()

    # Rows

    def organizations(self, request: HttpRequest) -> frozenset[int]:
        """The organizations whose rows the user sees here; an admin may narrow it (to those they direct)."""
        return roles_of(request.user).member_of

    def is_scoped(self) -> bool:
        return any(way is not None for way in (self.organization_path, self.person_path, self.visible))

    def get_queryset(self, request: HttpRequest) -> QuerySet[M]:
        queryset = super().get_queryset(request)
        if is_platform_operator(request):
            return queryset
        if not self.is_scoped():
            return queryset.none()
        organizations = self.organizations(request)
        if self.organization_path is not None:
            queryset = queryset.filter(**{f"{self.organization_path}__in": organizations})
        if self.person_path is not None:
            queryset = queryset.filter(**{f"{self.person_path}__in": people_of(organizations)})
        visible = type(self).visible
        if visible is not None:
            queryset = queryset.filter(pk__in=visible(request.user).values("pk"))
        return queryset

    def get_visible_object_or_404(self, request: HttpRequest, object_id: str) -> None:
        """Missing and out-of-scope rows answer alike (404), so the admin tells nobody what exists elsewhere;
        Django's own answer to a missing row is a redirect with a message."""
        to_field = request.POST.get(TO_FIELD_VAR, request.GET.get(TO_FIELD_VAR))
        if to_field and not self.to_field_allowed(request, to_field):
            return  # Django refuses it itself (400)
        if self.get_object(request, unquote(object_id), to_field) is None:
            raise Http404(_("Nessun elemento con questo identificativo tra quelli che puoi vedere."))

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        self.get_visible_object_or_404(request, object_id)
        if refused := self.refuse_if_frozen(request, object_id):
            return refused
        return super().change_view(request, object_id, form_url, extra_context)

    def delete_view(
        self, request: HttpRequest, object_id: str, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        self.get_visible_object_or_404(request, object_id)
        if refused := self.refuse_if_frozen(request, object_id, deleting=True):
            return refused
        return super().delete_view(request, object_id, extra_context)

    # The freeze (config.admin_freeze): a validated plan's rows are read-only for everyone, and say why.

    def refuse_if_frozen(self, request: HttpRequest, object_id: str, *, deleting: bool = False) -> HttpResponse | None:
        """On a validated plan's row: a save or a deletion is refused with the reason and the row shown again,
        read-only; a visit says why it is read-only."""
        plan = frozen_plan_of(self.get_object(request, unquote(object_id)))
        if plan is None:
            return None
        if request.method == "POST" or deleting:
            self.message_user(request, _("Nulla è cambiato: il piano di questa riga è validato."), messages.ERROR)
            return HttpResponseRedirect(request.path.removesuffix("delete/").removesuffix("change/") + "change/")
        self.message_user(request, read_only_notice(plan), messages.WARNING)
        return None

    def has_change_permission(self, request: HttpRequest, obj: M | None = None) -> bool:
        return frozen_plan_of(obj) is None and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: M | None = None) -> bool:
        return frozen_plan_of(obj) is None and super().has_delete_permission(request, obj)

    def get_form(self, request: HttpRequest, obj: M | None = None, change: bool = False, **kwargs: Any) -> Any:
        return refusing_frozen(super().get_form(request, obj, change=change, **kwargs), self.model)

    def get_deleted_objects(self, objs: Any, request: HttpRequest) -> Any:
        """A bulk deletion that includes a validated plan's rows is refused as a missing permission, by name."""
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        frozen = {plan.code for plan in map(frozen_plan_of, objs) if plan is not None}
        frozen |= frozen_plans_touched_by_deleting(objs)
        for code in sorted(frozen):
            perms_needed.add(_("le righe del piano validato «%(code)s» (sola lettura)") % {"code": code})
        return deleted, counts, perms_needed, protected

    def history_view(
        self, request: HttpRequest, object_id: str, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        if self.get_object(request, unquote(object_id)) is None:
            raise Http404(_("Nessun elemento con questo identificativo tra quelli che puoi vedere."))
        return super().history_view(request, object_id, extra_context)

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        """Whatever the form let through, a row saved by a non-superuser must still be theirs to see, or
        the whole save is undone (the admin's view runs in one transaction)."""
        super().save_related(request, form, formsets, change)
        if not is_platform_operator(request) and not self.get_queryset(request).filter(pk=form.instance.pk).exists():
            raise PermissionDenied(_("Dopo questa modifica la riga non sarebbe più di un tuo ente: nulla è cambiato."))

    def choices_for(self, db_field: Any, request: HttpRequest) -> QuerySet[Any] | None:
        choices = super().choices_for(db_field, request)
        if choices is not None and db_field.name == self.organization_path:  # organizations() may be narrower
            choices = choices.filter(pk__in=self.organizations(request))
        return choices

    # Filters: Django lists every row of the related table; a non-superuser gets the values their rows use.

    def get_list_filter(self, request: HttpRequest) -> list[Any]:
        declared = [spec for spec in super().get_list_filter(request) if not self.is_secret(spec)]
        if is_platform_operator(request):
            return declared
        return [self.scoped_filter(spec) for spec in declared]

    def scoped_filter(self, spec: Any) -> Any:
        if isinstance(spec, str):
            path, filter_class = spec, None
        elif isinstance(spec, (list, tuple)):
            path, filter_class = spec
        else:
            return spec  # a SimpleListFilter: its lookups are the developer's, from the scoped queryset
        field = get_fields_from_path(self.model, path)[-1]
        if field.is_relation and filter_class in (None, admin.RelatedFieldListFilter):
            return (path, admin.RelatedOnlyFieldListFilter)
        all_values = not (field.is_relation or field.choices or isinstance(field, (BooleanField, DateField)))
        if all_values and filter_class in (None, admin.AllValuesFieldListFilter):
            return (path, ScopedAllValuesFieldListFilter)
        return spec

    # Secrets

    def is_secret(self, spec: Any) -> bool:
        name = spec if isinstance(spec, str) else spec[0] if isinstance(spec, tuple) else ""
        return name.lstrip("-").split("__")[0] in self.secret_fields

    def get_list_display(self, request: HttpRequest) -> list[Any]:
        return [name for name in super().get_list_display(request) if not self.is_secret(name)]

    def get_search_fields(self, request: HttpRequest) -> list[str]:
        return [name for name in super().get_search_fields(request) if not self.is_secret(name.lstrip("^=@"))]

    # Search: on PostgreSQL, served by indexes (the trigram indexes of plans/migrations/0011_admin_search.py).

    def get_search_results(self, request: HttpRequest, queryset: QuerySet[M], search_term: str) -> tuple[Any, bool]:
        """Django ORs the searched fields in one WHERE: across a join (`objective__code` beside `description`) no
        index serves that OR, and PostgreSQL reads every row of the table (2.4 s at 1,000,000 activities). Here the
        longest word (the likeliest to be rare) finds its rows through one query per field, each served by its
        index, united; the other words then filter those rows as Django does. The same rows as Django's search;
        on another database, Django's own."""
        fields = self.get_search_fields(request)
        words = [_unquoted(word) for word in smart_split(search_term)]
        if not (fields and words) or connections[queryset.db].vendor != "postgresql":
            return super().get_search_results(request, queryset, search_term)
        lookups = [search_lookup(self.model, field) for field in fields]
        leading = max(words, key=len)
        arms = [self.model._default_manager.filter(**{lookup: leading}).values("pk") for lookup in lookups]
        queryset = queryset.filter(pk__in=arms[0].union(*arms[1:]))
        others = list(words)
        others.remove(leading)
        for word in others:
            queryset = queryset.filter(reduce(operator.or_, (Q(**{lookup: word}) for lookup in lookups)))
        duplicates = bool(others) and any(lookup_spawns_duplicates(self.opts, lookup) for lookup in lookups)
        return queryset, duplicates

    def get_exclude(self, request: HttpRequest, obj: M | None = None) -> list[str]:
        return [*(super().get_exclude(request, obj) or ()), *self.secret_fields]

    def get_readonly_fields(self, request: HttpRequest, obj: M | None = None) -> list[str]:
        return [name for name in super().get_readonly_fields(request, obj) if not self.is_secret(name)]

    def get_fieldsets(self, request: HttpRequest, obj: M | None = None) -> Any:
        fieldsets = super().get_fieldsets(request, obj)
        if not self.secret_fields:
            return fieldsets
        return [(name, {**options, "fields": self.without_secrets(options["fields"])}) for name, options in fieldsets]

    def without_secrets(self, fields: Sequence[Any]) -> list[Any]:
        """Field names of a fieldset, some grouped on one line as tuples, without the secret ones."""
        return [
            self.without_secrets(field) if isinstance(field, (list, tuple)) else field
            for field in fields
            if isinstance(field, (list, tuple)) or not self.is_secret(field)
        ]

    def lookup_allowed(self, lookup: str, value: str, request: HttpRequest) -> bool:
        # A changelist filtered by ?token__startswith=… would give the secret away one character at a time, and
        # so would one filtered through a relation (?auth_token_set__digest__startswith=… on the people).
        return (
            not self.is_secret(lookup)
            and not reaches_a_secret(self.model, lookup)
            and super().lookup_allowed(lookup, value, request)
        )


class PlatformOnlyAdmin[M: Model](ScopedAdmin[M]):
    """Only the platform operator adds, changes or deletes; the others, read only, see the rows of their
    organizations when a path says which (their own organization, its roles, its people), nothing otherwise."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return is_platform_operator(request) and super().has_add_permission(request)

    def has_change_permission(self, request: HttpRequest, obj: M | None = None) -> bool:
        return is_platform_operator(request) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: M | None = None) -> bool:
        return is_platform_operator(request) and super().has_delete_permission(request, obj)

    def has_view_permission(self, request: HttpRequest, obj: M | None = None) -> bool:
        if not (is_platform_operator(request) or self.is_scoped()):
            return False
        return super().has_view_permission(request, obj)


class ScopedInline[M: Model, P: Model](ScopedChoices[M], InlineModelAdmin[M, P]):
    """The base of every inline: its rows are those of a parent the user sees; its choices are scoped. Under a
    validated plan's row (the parent), its rows are read-only: nothing added, changed or deleted."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return frozen_plan_of(obj) is None and super().has_add_permission(request, obj)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return frozen_plan_of(obj) is None and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return frozen_plan_of(obj) is None and super().has_delete_permission(request, obj)


class ScopedTabularInline[M: Model, P: Model](ScopedInline[M, P], admin.TabularInline[M, P]):
    pass


class ScopedStackedInline[M: Model, P: Model](ScopedInline[M, P], admin.StackedInline[M, P]):
    pass


def register_platform_only(
    model: type[Model], *, secret_fields: tuple[str, ...] = (), site: admin.AdminSite = admin.site
) -> None:
    """Re-register the ModelAdmin a third-party app registered for `model` as platform-only. Call it from an
    admin module of an app listed after that app in INSTALLED_APPS (plans/admin_people.py does it)."""
    if not site.is_registered(model):
        raise NotRegistered(
            f"{model._meta.label} has no admin yet: list its app before 'plans' in INSTALLED_APPS, "
            "so that its admin is registered before Traguardi scopes it."
        )
    third_party = type(site.get_model_admin(model))
    site.unregister(model)
    scoped = type(
        f"PlatformOnly{third_party.__name__}",
        (PlatformOnlyAdmin, third_party),
        {"__module__": __name__, "secret_fields": secret_fields},
    )
    site.register(model, scoped)


@checks.register(checks.Tags.admin)
def check_every_admin_is_scoped(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """A ModelAdmin or inline that is not scoped would show every organization's rows to any staff user."""
    errors: list[checks.CheckMessage] = []
    for model in apps.get_models():
        if not admin.site.is_registered(model):
            continue
        model_admin = admin.site.get_model_admin(model)
        unscoped: list[type[Any]] = [] if isinstance(model_admin, ScopedAdmin) else [type(model_admin)]
        unscoped += [inline for inline in model_admin.inlines if not issubclass(inline, ScopedInline)]
        errors += [
            checks.Error(
                f"{admin_class.__module__}.{admin_class.__qualname__} (admin of {model._meta.label}) is not scoped "
                "to organizations.",
                hint="Derive it from config.admin.ScopedAdmin (or ScopedTabularInline/ScopedStackedInline) and "
                "declare organization_path or person_path, or re-register it with "
                "config.admin.register_platform_only().",
                obj=admin_class,
                id="traguardi.E001",
            )
            for admin_class in unscoped
        ]
    return errors
