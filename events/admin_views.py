"""Small admin views of the event engine: "send now" for a rule and a scope, its progress, and the scope page."""

from __future__ import annotations

import re

from django import forms
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from wagtail.admin.ui.tables import Column

from events.contract import PLACEHOLDERS, providers
from events.models import MailRule, OutboxMail
from events.services import schedule

SCOPE_RE = re.compile(r"^[a-z_]+:\d+$")


def _can_manage(user) -> bool:
    return user.has_perm("events.change_outboxmail")


def _can_view(user) -> bool:
    return user.has_perm("events.view_outboxmail") or _can_manage(user)


def _scope_chooser(user):
    """The first provider's way of choosing what a mail is about (e.g. a session chooser), or None."""
    for provider in providers():
        make = getattr(provider, "scope_field", None)
        if make is not None:
            return getattr(provider, "scope_prefix", ""), make(user)
    return None


def scope_title(scope: str) -> str:
    """What a scope is, as people name it (e.g. the session's training and time); the scope itself otherwise."""
    for provider in providers():
        title = getattr(provider, "scope_title", None)
        if title is not None:
            found = title(scope)
            if found:
                return found
    return scope


class SendNowForm(forms.Form):
    rule = forms.ModelChoiceField(
        label=_("Rule"), queryset=MailRule.objects.filter(is_active=True).select_related("template")
    )
    scope = forms.CharField(
        label=_("For"),
        max_length=60,
        help_text=_("What the mail is about, e.g. session:12 for the session with id 12."),
    )

    def __init__(self, *args, user=None, scope: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        chooser = _scope_chooser(user)
        if chooser is not None:
            prefix, field = chooser
            kind, _sep, pk = scope.partition(":")
            self.initial["scope"] = int(pk) if kind == prefix and pk.isdigit() else None
            self.fields["scope"] = field

    def clean_scope(self):
        value = self.cleaned_data["scope"]
        scope = str(getattr(value, "scope", value) or "").strip()
        if not SCOPE_RE.match(scope):
            raise forms.ValidationError(_("Write it as kind:number, e.g. session:12."))
        return scope


def send_now(request):
    if not _can_manage(request.user):
        raise PermissionDenied
    if request.method == "POST":
        form = SendNowForm(request.POST, user=request.user)
        if form.is_valid():
            rule, scope = form.cleaned_data["rule"], form.cleaned_data["scope"]
            created = schedule.send_now(rule, scope)
            query = urlencode({"rule": rule.pk, "scope": scope, "created": created})
            return redirect(f"{reverse('events_progress')}?{query}")
    else:
        scope = request.GET.get("scope", "")
        form = SendNowForm(user=request.user, scope=scope, initial={"scope": scope, "rule": request.GET.get("rule")})
    return render(request, "events/admin/send_now.html", {"form": form, "media": form.media})


def _status_counts(queryset) -> dict:
    counts = dict(queryset.order_by().values("status").annotate(n=Count("id")).values_list("status", "n"))
    return {status: counts.get(status, 0) for status in OutboxMail.Status.values}


def progress(request):
    if not _can_view(request.user):
        raise PermissionDenied
    scope = request.GET.get("scope", "")
    rule_id = request.GET.get("rule", "")
    rule = MailRule.objects.filter(pk=int(rule_id)).first() if rule_id.isdigit() else None
    if rule is None or not SCOPE_RE.match(scope):
        return redirect("events_send_now")
    counts = _status_counts(OutboxMail.objects.filter(rule_key=rule.key, scope=scope))
    total = sum(counts.values())
    done = counts["sent"] + counts["failed"] + counts["cancelled"]
    return render(
        request,
        "events/admin/progress.html",
        {
            "rule": rule,
            "scope": scope,
            "scope_title": scope_title(scope),
            "counts": [(OutboxMail.Status(s).label, s, n) for s, n in counts.items()],
            "total": total,
            "done": done,
            "percent": int(100 * done / total) if total else 100,
            "running": counts["queued"] + counts["sending"] > 0,
            "created": request.GET.get("created", ""),
            "outbox_url": reverse("wagtailsnippets_events_outboxmail:list") + "?" + urlencode({"scope": scope}),
        },
    )


def may_view_scope(scope: str, user) -> bool:
    """The source that owns a scope decides who may see its page (e.g. workshops: coordinators every session,
    trainers their own); a scope no source claims needs the outbox view permission."""
    for provider in providers():
        may_view = getattr(provider, "may_view", None)
        if may_view is not None:
            allowed = may_view(scope, user)
            if allowed is not None:
                return allowed
    return _can_view(user)


def scope(request, scope):
    if not SCOPE_RE.match(scope) or not may_view_scope(scope, request.user):
        raise PermissionDenied
    summary = None
    for provider in providers():
        summarise = getattr(provider, "summary", None)
        if summarise is not None:
            summary = summarise(scope, user=request.user)
            if summary:
                break
    can_view = _can_view(request.user)
    if summary is None and not can_view:
        raise PermissionDenied
    by_rule = []
    if can_view:
        rows = (
            OutboxMail.objects.filter(scope=scope)
            .order_by()
            .values("rule_key", "status")
            .annotate(n=Count("id"))
            .values_list("rule_key", "status", "n")
        )
        table: dict[str, dict] = {}
        for rule_key, status, n in rows:
            table.setdefault(rule_key, dict.fromkeys(OutboxMail.Status.values, 0))[status] = n
        names = dict(MailRule.objects.filter(key__in=table, training_key="").values_list("key", "name"))
        by_rule = [
            (names.get(key, key), [counts[status] for status in OutboxMail.Status.values])
            for key, counts in sorted(table.items())
        ]
    return render(
        request,
        "events/admin/scope.html",
        {
            "scope": scope,
            "scope_title": scope_title(scope),
            "summary": summary,
            "by_rule": by_rule,
            "statuses": OutboxMail.Status.choices,
            "can_manage": _can_manage(request.user),
            "can_view": can_view,
            "send_now_url": reverse("events_send_now") + "?" + urlencode({"scope": scope}),
        },
    )


class SubjectColumn(Column):
    """The outbox listing names a mail by its subject (what the person sees), not by the internal scope. A mail
    not sent yet shows its template's subject in the mail's language, with the values known so far."""

    def get_value(self, instance):
        if instance.subject:
            return instance.subject
        if instance.rule is None:
            return ""

        class _Known(dict):
            def __missing__(self, key):
                return "…"

        values = _Known({k: str(v) for k, v in (instance.context or {}).items() if k in PLACEHOLDERS})
        try:
            return instance.rule.template.subject_for(instance.language).format_map(values)
        except (ValueError, IndexError, KeyError):
            return instance.rule.template.subject_for(instance.language)
