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

from events.contract import providers
from events.models import MailRule, OutboxMail
from events.services import schedule

SCOPE_RE = re.compile(r"^[a-z_]+:\d+$")


def _can_manage(user) -> bool:
    return user.has_perm("events.change_outboxmail")


def _can_view(user) -> bool:
    return user.has_perm("events.view_outboxmail") or _can_manage(user)


class SendNowForm(forms.Form):
    rule = forms.ModelChoiceField(
        label=_("Rule"), queryset=MailRule.objects.filter(is_active=True).select_related("template")
    )
    scope = forms.CharField(
        label=_("For"),
        max_length=60,
        help_text=_("What the mail is about, e.g. session:12 for the session with id 12."),
    )

    def clean_scope(self):
        scope = self.cleaned_data["scope"].strip()
        if not SCOPE_RE.match(scope):
            raise forms.ValidationError(_("Write it as kind:number, e.g. session:12."))
        return scope


def send_now(request):
    if not _can_manage(request.user):
        raise PermissionDenied
    if request.method == "POST":
        form = SendNowForm(request.POST)
        if form.is_valid():
            rule, scope = form.cleaned_data["rule"], form.cleaned_data["scope"]
            created = schedule.send_now(rule, scope)
            query = urlencode({"rule": rule.pk, "scope": scope, "created": created})
            return redirect(f"{reverse('events_progress')}?{query}")
    else:
        form = SendNowForm(initial={"scope": request.GET.get("scope", ""), "rule": request.GET.get("rule")})
    return render(request, "events/admin/send_now.html", {"form": form})


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
            "counts": [(OutboxMail.Status(s).label, s, n) for s, n in counts.items()],
            "total": total,
            "done": done,
            "percent": int(100 * done / total) if total else 100,
            "running": counts["queued"] + counts["sending"] > 0,
            "created": request.GET.get("created", ""),
            "outbox_url": reverse("wagtailsnippets_events_outboxmail:list") + "?" + urlencode({"scope": scope}),
        },
    )


def scope(request, scope):
    if not SCOPE_RE.match(scope):
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
        by_rule = [(key, [counts[s] for s in OutboxMail.Status.values]) for key, counts in sorted(table.items())]
    return render(
        request,
        "events/admin/scope.html",
        {
            "scope": scope,
            "summary": summary,
            "by_rule": by_rule,
            "statuses": OutboxMail.Status.choices,
            "can_manage": _can_manage(request.user),
            "can_view": can_view,
            "send_now_url": reverse("events_send_now") + "?" + urlencode({"scope": scope}),
        },
    )
