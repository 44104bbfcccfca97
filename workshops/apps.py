from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkshopsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "workshops"
    verbose_name = _("Workshops")

    def ready(self):
        from django.db.models.signals import post_save

        from . import mail  # registers the session mail provider with the event engine

        post_save.connect(mail._forget_organisation_name, sender="home.SiteSettings", dispatch_uid="mail-org-name")
        # a training's title and homework are cached for mails; publishing or saving it forgets them
        post_save.connect(mail.forget_training_material, sender="home.TrainingPage", dispatch_uid="mail-material")
