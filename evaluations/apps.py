from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EvaluationsConfig(AppConfig):
    """Evaluations: collect answers apart from identities, report them, export them (built on `workshops`)."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "evaluations"
    verbose_name = _("Evaluations")

    def ready(self):
        from django.db.models.signals import post_delete, post_save
        from wagtail.signals import page_published

        from .board import demo, followup
        from .cheatsheet import forget_labels

        followup.register()  # the follow-up mail's time provider (event engine)
        for model in ("evaluations.SuggestionItem", "evaluations.SuggestionSet"):
            post_save.connect(forget_labels, sender=model, dispatch_uid=f"labels-save-{model}")
            post_delete.connect(forget_labels, sender=model, dispatch_uid=f"labels-delete-{model}")
        post_save.connect(followup.on_group_result_saved, sender="evaluations.GroupResult", dispatch_uid="follow-up")
        page_published.connect(demo.on_page_published, dispatch_uid="evaluations-demo-sets")
